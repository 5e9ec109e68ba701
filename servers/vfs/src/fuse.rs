//! The FUSE mount: the image served at a host directory, with every
//! operation going through the BSD VFS and FFS (via [`Volume`]).
//!
//! fuser calls the handlers on its own thread(s) and wants them `Sync`;
//! the VFS wants each volume used from one thread. So one worker thread
//! owns the volume and the handlers send it jobs (closures that perform the
//! operation and send the reply). FUSE inode numbers are FFS inode
//! numbers, except that FUSE's root (1) is FFS's root (2). Paths are
//! rebuilt from each inode's (parent, name) as last looked up; open files
//! are served through their descriptors, so unlinked open files work.
use std::collections::HashMap;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::sync::mpsc::{channel, Sender};
use std::sync::Mutex;
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use fuser::{
    Config, Errno as FuseErrno, FileAttr, FileHandle, FileType, Filesystem, FopenFlags, Generation, INodeNo,
    MountOption, OpenFlags, RenameFlags, ReplyAttr, ReplyCreate, ReplyData, ReplyDirectory, ReplyEmpty,
    ReplyEntry, ReplyOpen, ReplyStatfs, ReplyWrite, Request, TimeOrNow, WriteFlags,
};

use crate::bsd;
use crate::errno::Errno;
use crate::volume::{DirEntry, Fd, MountOptions, Stat, Volume};

const TTL: Duration = Duration::from_secs(1);
const FFS_ROOT: u32 = 2;

fn to_fuse(ino: u32) -> INodeNo {
    INodeNo(if ino == FFS_ROOT { 1 } else { u64::from(ino) })
}

fn from_fuse(ino: INodeNo) -> u32 {
    if ino.0 == 1 {
        FFS_ROOT
    } else {
        ino.0 as u32
    }
}

fn fuse_err(e: Errno) -> FuseErrno {
    if std::env::var_os("MOLT_FUSE_DEBUG").is_some() {
        eprintln!("molt fs mount: replying {e}");
    }
    FuseErrno::from_i32(e.to_host())
}

fn systime((sec, nsec): (i64, i64)) -> SystemTime {
    if sec >= 0 {
        UNIX_EPOCH + Duration::new(sec as u64, nsec.clamp(0, 999_999_999) as u32)
    } else {
        UNIX_EPOCH
    }
}

fn kind_of(st: &Stat) -> FileType {
    if st.is_dir() {
        FileType::Directory
    } else if st.is_symlink() {
        FileType::Symlink
    } else {
        FileType::RegularFile
    }
}

fn attr(st: &Stat) -> FileAttr {
    FileAttr {
        ino: to_fuse(st.ino),
        size: st.size,
        blocks: st.blocks,
        atime: systime(st.atime),
        mtime: systime(st.mtime),
        ctime: systime(st.ctime),
        crtime: systime(st.ctime),
        kind: kind_of(st),
        perm: st.perm(),
        nlink: u32::from(st.nlink),
        uid: st.uid,
        gid: st.gid,
        rdev: 0,
        blksize: st.blksize,
        flags: 0,
    }
}

fn dirent_kind(e: &DirEntry) -> FileType {
    match u32::from(e.kind) {
        bsd::DT_DIR => FileType::Directory,
        bsd::DT_LNK => FileType::Symlink,
        _ => FileType::RegularFile,
    }
}

/// Linux open flags -> BSD open flags.
fn bsd_open_flags(linux: i32) -> u32 {
    let mut f = (linux & libc::O_ACCMODE) as u32;
    if linux & libc::O_APPEND != 0 {
        f |= bsd::O_APPEND;
    }
    if linux & libc::O_TRUNC != 0 {
        f |= bsd::O_TRUNC;
    }
    if linux & libc::O_EXCL != 0 {
        f |= bsd::O_EXCL;
    }
    f
}

/// What the worker thread owns.
struct State {
    vol: Volume,
    names: HashMap<u32, (u32, Vec<u8>)>,
    files: HashMap<u64, Fd>,
    dirs: HashMap<u64, Vec<DirEntry>>,
    next_fh: u64,
}

impl State {
    fn path_of(&self, ino: u32) -> Result<Vec<u8>, Errno> {
        let mut parts = Vec::new();
        let mut cur = ino;
        while cur != FFS_ROOT {
            let (parent, name) = self.names.get(&cur).ok_or(Errno::ENOENT)?;
            parts.push(name.clone());
            cur = *parent;
            if parts.len() > 4096 {
                return Err(Errno(62));
            }
        }
        let mut path = b"/".to_vec();
        for (i, p) in parts.iter().rev().enumerate() {
            if i > 0 {
                path.push(b'/');
            }
            path.extend_from_slice(p);
        }
        Ok(path)
    }
    fn child(&self, parent: u32, name: &[u8]) -> Result<Vec<u8>, Errno> {
        let mut p = self.path_of(parent)?;
        if !p.ends_with(b"/") {
            p.push(b'/');
        }
        p.extend_from_slice(name);
        Ok(p)
    }
    /// Stats a child and remembers its name.
    fn enter(&mut self, parent: u32, name: &[u8]) -> Result<Stat, Errno> {
        let st = self.vol.lstat(self.child(parent, name)?)?;
        if st.ino != FFS_ROOT && name != b"." && name != b".." {
            self.names.insert(st.ino, (parent, name.to_vec()));
        }
        Ok(st)
    }
    fn stat_ino(&self, ino: u32, fh: Option<FileHandle>) -> Result<Stat, Errno> {
        if let Some(fd) = fh.and_then(|h| self.files.get(&h.0)) {
            return self.vol.fstat(*fd);
        }
        self.vol.lstat(self.path_of(ino)?)
    }
    fn new_fh(&mut self) -> u64 {
        self.next_fh += 1;
        self.next_fh
    }
}

type Job = Box<dyn FnOnce(&mut State) + Send>;

/// The fuser side: forwards every request to the worker.
struct MoltFs {
    jobs: Mutex<Sender<Job>>,
}

impl MoltFs {
    /// Queues `job` for the volume thread, to run with the credentials of
    /// the process that made the request (so the BSD permission checks
    /// apply to it, and the files it creates are its own).
    fn run(&self, req: &Request, job: impl FnOnce(&mut State) + Send + 'static) {
        let (uid, gid) = (req.uid(), req.gid());
        let tx = self.jobs.lock().unwrap_or_else(|e| e.into_inner());
        let _ = tx.send(Box::new(move |s: &mut State| {
            molt_shims::set_thread_ids(uid, gid);
            job(s)
        }));
    }
}

impl Filesystem for MoltFs {
    fn lookup(&self, req: &Request, parent: INodeNo, name: &OsStr, reply: ReplyEntry) {
        let name = name.as_bytes().to_vec();
        self.run(req, move |s| match s.enter(from_fuse(parent), &name) {
            Ok(st) => reply.entry(&TTL, &attr(&st), Generation(0)),
            Err(e) => reply.error(fuse_err(e)),
        });
    }

    fn getattr(&self, req: &Request, ino: INodeNo, fh: Option<FileHandle>, reply: ReplyAttr) {
        self.run(req, move |s| match s.stat_ino(from_fuse(ino), fh) {
            Ok(st) => reply.attr(&TTL, &attr(&st)),
            Err(e) => reply.error(fuse_err(e)),
        });
    }

    fn setattr(&self, req: &Request,
        ino: INodeNo,
        mode: Option<u32>,
        uid: Option<u32>,
        gid: Option<u32>,
        size: Option<u64>,
        atime: Option<TimeOrNow>,
        mtime: Option<TimeOrNow>,
        _ctime: Option<SystemTime>,
        fh: Option<FileHandle>,
        _crtime: Option<SystemTime>,
        _chgtime: Option<SystemTime>,
        _bkuptime: Option<SystemTime>,
        _flags: Option<fuser::BsdFileFlags>,
        reply: ReplyAttr,
    ) {
        self.run(req, move |s| {
            let result = (|| {
                let ino = from_fuse(ino);
                let path = s.path_of(ino);
                if let Some(size) = size {
                    match fh.and_then(|h| s.files.get(&h.0)) {
                        Some(fd) => s.vol.ftruncate(*fd, size)?,
                        None => s.vol.truncate(path.clone()?, size)?,
                    }
                }
                if let Some(mode) = mode {
                    s.vol.lchmod(path.clone()?, mode & 0o7777)?;
                }
                if uid.is_some() || gid.is_some() {
                    let st = s.stat_ino(ino, fh)?;
                    s.vol.lchown(path.clone()?, uid.unwrap_or(st.uid), gid.unwrap_or(st.gid))?;
                }
                if atime.is_some() || mtime.is_some() {
                    let st = s.stat_ino(ino, fh)?;
                    let pick = |t: Option<TimeOrNow>, old: (i64, i64)| match t {
                        None => old,
                        Some(TimeOrNow::Now) => stamp(SystemTime::now()),
                        Some(TimeOrNow::SpecificTime(t)) => stamp(t),
                    };
                    s.vol.lutimes(path?, pick(atime, st.atime), pick(mtime, st.mtime))?;
                }
                s.stat_ino(ino, fh)
            })();
            match result {
                Ok(st) => reply.attr(&TTL, &attr(&st)),
                Err(e) => reply.error(fuse_err(e)),
            }
        });
    }

    fn readlink(&self, req: &Request, ino: INodeNo, reply: ReplyData) {
        self.run(req, move |s| match s.path_of(from_fuse(ino)).and_then(|p| s.vol.readlink(p)) {
            Ok(t) => reply.data(&t),
            Err(e) => reply.error(fuse_err(e)),
        });
    }

    fn mkdir(&self, req: &Request, parent: INodeNo, name: &OsStr, mode: u32, umask: u32, reply: ReplyEntry) {
        let name = name.as_bytes().to_vec();
        self.run(req, move |s| {
            let parent = from_fuse(parent);
            match s.child(parent, &name).and_then(|p| s.vol.mkdir(p, mode & !umask & 0o7777)).and_then(|()| s.enter(parent, &name)) {
                Ok(st) => reply.entry(&TTL, &attr(&st), Generation(0)),
                Err(e) => reply.error(fuse_err(e)),
            }
        });
    }

    fn unlink(&self, req: &Request, parent: INodeNo, name: &OsStr, reply: ReplyEmpty) {
        let name = name.as_bytes().to_vec();
        self.run(req, move |s| match s.child(from_fuse(parent), &name).and_then(|p| s.vol.unlink(p)) {
            Ok(()) => reply.ok(),
            Err(e) => reply.error(fuse_err(e)),
        });
    }

    fn rmdir(&self, req: &Request, parent: INodeNo, name: &OsStr, reply: ReplyEmpty) {
        let name = name.as_bytes().to_vec();
        self.run(req, move |s| match s.child(from_fuse(parent), &name).and_then(|p| s.vol.rmdir(p)) {
            Ok(()) => reply.ok(),
            Err(e) => reply.error(fuse_err(e)),
        });
    }

    fn symlink(&self, req: &Request, parent: INodeNo, link_name: &OsStr, target: &Path, reply: ReplyEntry) {
        let name = link_name.as_bytes().to_vec();
        let target = target.as_os_str().as_bytes().to_vec();
        self.run(req, move |s| {
            let parent = from_fuse(parent);
            match s.child(parent, &name).and_then(|p| s.vol.symlink(&target, p)).and_then(|()| s.enter(parent, &name)) {
                Ok(st) => reply.entry(&TTL, &attr(&st), Generation(0)),
                Err(e) => reply.error(fuse_err(e)),
            }
        });
    }

    fn rename(&self, req: &Request,
        parent: INodeNo,
        name: &OsStr,
        newparent: INodeNo,
        newname: &OsStr,
        flags: RenameFlags,
        reply: ReplyEmpty,
    ) {
        let (name, newname) = (name.as_bytes().to_vec(), newname.as_bytes().to_vec());
        self.run(req, move |s| {
            if !flags.is_empty() {
                return reply.error(FuseErrno::from_i32(libc::EINVAL));
            }
            let (parent, newparent) = (from_fuse(parent), from_fuse(newparent));
            let result = (|| {
                s.vol.rename(s.child(parent, &name)?, s.child(newparent, &newname)?)?;
                s.enter(newparent, &newname)
            })();
            match result {
                Ok(_) => reply.ok(),
                Err(e) => reply.error(fuse_err(e)),
            }
        });
    }

    fn link(&self, req: &Request, ino: INodeNo, newparent: INodeNo, newname: &OsStr, reply: ReplyEntry) {
        let newname = newname.as_bytes().to_vec();
        self.run(req, move |s| {
            let newparent = from_fuse(newparent);
            let result = (|| {
                s.vol.link(s.path_of(from_fuse(ino))?, s.child(newparent, &newname)?)?;
                s.vol.lstat(s.child(newparent, &newname)?)
            })();
            match result {
                Ok(st) => reply.entry(&TTL, &attr(&st), Generation(0)),
                Err(e) => reply.error(fuse_err(e)),
            }
        });
    }

    fn open(&self, req: &Request, ino: INodeNo, flags: OpenFlags, reply: ReplyOpen) {
        self.run(req, move |s| {
            let result = s.path_of(from_fuse(ino)).and_then(|p| s.vol.open(p, bsd_open_flags(flags.0), 0));
            match result {
                Ok(fd) => {
                    let fh = s.new_fh();
                    s.files.insert(fh, fd);
                    reply.opened(FileHandle(fh), FopenFlags::empty());
                }
                Err(e) => reply.error(fuse_err(e)),
            }
        });
    }

    fn create(&self, req: &Request, parent: INodeNo, name: &OsStr, mode: u32, umask: u32, flags: i32, reply: ReplyCreate) {
        let name = name.as_bytes().to_vec();
        self.run(req, move |s| {
            let parent = from_fuse(parent);
            let result = (|| {
                let open_flags = bsd_open_flags(flags) | bsd::O_CREAT;
                let fd = s.vol.open(s.child(parent, &name)?, open_flags, mode & !umask & 0o7777)?;
                let st = s.vol.fstat(fd)?;
                s.names.insert(st.ino, (parent, name.clone()));
                Ok::<_, Errno>((fd, st))
            })();
            match result {
                Ok((fd, st)) => {
                    let fh = s.new_fh();
                    s.files.insert(fh, fd);
                    reply.created(&TTL, &attr(&st), Generation(0), FileHandle(fh), FopenFlags::empty());
                }
                Err(e) => reply.error(fuse_err(e)),
            }
        });
    }

    fn read(&self, req: &Request,
        _ino: INodeNo,
        fh: FileHandle,
        offset: u64,
        size: u32,
        _flags: OpenFlags,
        _lock_owner: Option<fuser::LockOwner>,
        reply: ReplyData,
    ) {
        self.run(req, move |s| {
            let Some(&fd) = s.files.get(&fh.0) else { return reply.error(FuseErrno::from_i32(libc::EBADF)) };
            let mut buf = vec![0u8; size as usize];
            match s.vol.pread(fd, offset, &mut buf) {
                Ok(n) => reply.data(&buf[..n]),
                Err(e) => reply.error(fuse_err(e)),
            }
        });
    }

    fn write(&self, req: &Request,
        _ino: INodeNo,
        fh: FileHandle,
        offset: u64,
        data: &[u8],
        _write_flags: WriteFlags,
        _flags: OpenFlags,
        _lock_owner: Option<fuser::LockOwner>,
        reply: ReplyWrite,
    ) {
        let data = data.to_vec();
        self.run(req, move |s| {
            let Some(&fd) = s.files.get(&fh.0) else { return reply.error(FuseErrno::from_i32(libc::EBADF)) };
            match s.vol.pwrite(fd, offset, &data) {
                Ok(n) => reply.written(n as u32),
                Err(e) => reply.error(fuse_err(e)),
            }
        });
    }

    fn flush(&self, _req: &Request, _ino: INodeNo, _fh: FileHandle, _lock_owner: fuser::LockOwner, reply: ReplyEmpty) {
        reply.ok();
    }

    fn release(&self, req: &Request,
        _ino: INodeNo,
        fh: FileHandle,
        _flags: OpenFlags,
        _lock_owner: Option<fuser::LockOwner>,
        _flush: bool,
        reply: ReplyEmpty,
    ) {
        self.run(req, move |s| match s.files.remove(&fh.0).map(|fd| s.vol.close(fd)) {
            Some(Err(e)) => reply.error(fuse_err(e)),
            _ => reply.ok(),
        });
    }

    fn fsync(&self, req: &Request, _ino: INodeNo, fh: FileHandle, _datasync: bool, reply: ReplyEmpty) {
        self.run(req, move |s| match s.files.get(&fh.0).map(|&fd| s.vol.fsync(fd)) {
            Some(Err(e)) => reply.error(fuse_err(e)),
            _ => reply.ok(),
        });
    }

    fn opendir(&self, req: &Request, ino: INodeNo, _flags: OpenFlags, reply: ReplyOpen) {
        self.run(req, move |s| match s.path_of(from_fuse(ino)).and_then(|p| s.vol.read_dir(p)) {
            Ok(entries) => {
                let fh = s.new_fh();
                s.dirs.insert(fh, entries);
                reply.opened(FileHandle(fh), FopenFlags::empty());
            }
            Err(e) => reply.error(fuse_err(e)),
        });
    }

    fn readdir(&self, req: &Request, _ino: INodeNo, fh: FileHandle, offset: u64, mut reply: ReplyDirectory) {
        self.run(req, move |s| {
            let Some(entries) = s.dirs.get(&fh.0) else { return reply.error(FuseErrno::from_i32(libc::EBADF)) };
            for (i, e) in entries.iter().enumerate().skip(offset as usize) {
                if reply.add(to_fuse(e.ino), i as u64 + 1, dirent_kind(e), OsStr::from_bytes(&e.name)) {
                    break;
                }
            }
            reply.ok();
        });
    }

    fn releasedir(&self, req: &Request, _ino: INodeNo, fh: FileHandle, _flags: OpenFlags, reply: ReplyEmpty) {
        self.run(req, move |s| {
            s.dirs.remove(&fh.0);
            reply.ok();
        });
    }

    fn statfs(&self, req: &Request, _ino: INodeNo, reply: ReplyStatfs) {
        self.run(req, move |s| match s.vol.statfs() {
            Ok(f) => reply.statfs(f.blocks, f.free, f.avail, f.files, f.free_files, f.block_size as u32, 255, f.frag_size as u32),
            Err(e) => reply.error(fuse_err(e)),
        });
    }

    fn access(&self, _req: &Request, _ino: INodeNo, _mask: fuser::AccessFlags, reply: ReplyEmpty) {
        reply.ok();
    }
}

fn stamp(t: SystemTime) -> (i64, i64) {
    let d = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    (d.as_secs() as i64, i64::from(d.subsec_nanos()))
}

/// A mounted image served in the background (tests, the benchmark).
pub struct FuseMount {
    session: Option<fuser::BackgroundSession>,
    jobs: Sender<Job>,
    worker: Option<Worker>,
}

/// The volume thread: it unmounts the volume when the job channel closes.
type Worker = JoinHandle<Result<(), Errno>>;

fn start_worker(image: &Path) -> Result<(Sender<Job>, Worker), String> {
    let (tx, rx) = channel::<Job>();
    let (ready_tx, ready_rx) = channel();
    let image_path = image.to_path_buf();
    let worker = std::thread::Builder::new()
        .name("molt-fuse-vfs".into())
        .spawn(move || {
            let vol = match Volume::mount(&image_path, MountOptions::default()) {
                Ok(v) => v,
                Err(e) => {
                    let _ = ready_tx.send(Err(e));
                    return Ok(());
                }
            };
            let _ = ready_tx.send(Ok(()));
            let mut state = State { vol, names: HashMap::new(), files: HashMap::new(), dirs: HashMap::new(), next_fh: 0 };
            while let Ok(job) = rx.recv() {
                job(&mut state);
            }
            for (_, fd) in state.files.drain() {
                let _ = state.vol.close(fd);
            }
            state.vol.unmount()
        })
        .map_err(|e| e.to_string())?;
    match ready_rx.recv() {
        Ok(Ok(())) => Ok((tx, worker)),
        Ok(Err(e)) => {
            let _ = worker.join();
            Err(format!("{}: {e}", image.display()))
        }
        Err(_) => Err("the volume thread died".into()),
    }
}

fn config() -> Config {
    let mut c = Config::default();
    c.mount_options = vec![MountOption::FSName("molt-ffs".into()), MountOption::Subtype("ffs".into())];
    c.n_threads = Some(1);
    c
}

/// Serves `image` at `dir` until it is unmounted (fusermount3 -u DIR).
pub fn serve(image: &Path, dir: &Path) -> Result<(), String> {
    let (tx, worker) = start_worker(image)?;
    let fs = MoltFs { jobs: Mutex::new(tx) };
    let served = fuser::mount(fs, dir, &config()).map_err(|e| format!("{}: {}", dir.display(), Errno::from_io(&e)));
    let unmounted = worker.join().map_err(|_| "the volume thread panicked".to_string())?;
    served?;
    unmounted.map_err(|e| format!("{}: {e}", image.display()))
}

impl FuseMount {
    /// Mounts `image` at `dir` in the background.
    pub fn spawn(image: &Path, dir: &Path) -> Result<FuseMount, String> {
        let (tx, worker) = start_worker(image)?;
        let fs = MoltFs { jobs: Mutex::new(tx.clone()) };
        match fuser::spawn_mount(fs, dir, &config()) {
            Ok(session) => Ok(FuseMount { session: Some(session), jobs: tx, worker: Some(worker) }),
            Err(e) => {
                drop(tx);
                let _ = worker.join();
                Err(format!("{}: {}", dir.display(), Errno::from_io(&e)))
            }
        }
    }

    /// Unmounts from the host, then writes everything to the image.
    pub fn unmount(mut self) -> Result<(), String> {
        self.finish()
    }

    fn finish(&mut self) -> Result<(), String> {
        if let Some(s) = self.session.take() {
            s.umount_and_join().map_err(|e| e.to_string())?;
        }
        let (dead_tx, _) = channel();
        drop(std::mem::replace(&mut self.jobs, dead_tx));
        match self.worker.take() {
            Some(w) => w.join().map_err(|_| "the volume thread panicked".to_string())?.map_err(|e| e.to_string()),
            None => Ok(()),
        }
    }
}

impl Drop for FuseMount {
    fn drop(&mut self) {
        let _ = self.finish();
    }
}
