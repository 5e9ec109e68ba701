//! The FUSE mount: the image served at a host directory, with every
//! operation going through the BSD VFS and FFS (via [`Volume`]).
//!
//! fuser calls the handlers on its own thread(s) and wants them `Sync`;
//! the VFS wants each volume used from one thread. So one worker thread
//! owns the volume and the handlers send it jobs (closures that perform the
//! operation and send the reply). FUSE inode numbers are FFS inode
//! numbers, except that FUSE's root (1) is FFS's root (2). Every
//! operation finds its file by that number (the file-handle calls of
//! [`crate::byino`], VFS_FHTOVP in the C), never by a remembered name,
//! so hard links, renames over open files and unlinked open files behave
//! as POSIX says. Each request runs with the caller's uid and gid, so the
//! BSD code's permission checks apply (with `--allow-other`, to every
//! user of the host).
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
use crate::byino::SetAttr;
use crate::errno::Errno;
use crate::volume::{DirEntry, Fd, MountOptions, Stat, Volume};

const TTL: Duration = Duration::from_secs(1);
/// The largest read served at once (FUSE's max_read is far smaller).
const MAX_IO: usize = 1 << 20;
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
    let nsec = nsec.clamp(0, 999_999_999) as u32;
    if sec >= 0 {
        UNIX_EPOCH + Duration::new(sec as u64, nsec)
    } else {
        UNIX_EPOCH - Duration::new(sec.unsigned_abs(), 0) + Duration::new(0, nsec)
    }
}

fn kind_of(st: &Stat) -> FileType {
    match u32::from(st.mode) & bsd::S_IFMT {
        bsd::S_IFDIR => FileType::Directory,
        bsd::S_IFLNK => FileType::Symlink,
        bsd::S_IFIFO => FileType::NamedPipe,
        bsd::S_IFSOCK => FileType::Socket,
        bsd::S_IFCHR => FileType::CharDevice,
        bsd::S_IFBLK => FileType::BlockDevice,
        _ => FileType::RegularFile,
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
        rdev: st.rdev,
        blksize: st.blksize,
        flags: 0,
    }
}

fn dirent_kind(e: &DirEntry) -> FileType {
    match u32::from(e.kind) {
        bsd::DT_DIR => FileType::Directory,
        bsd::DT_LNK => FileType::Symlink,
        bsd::DT_FIFO => FileType::NamedPipe,
        bsd::DT_SOCK => FileType::Socket,
        bsd::DT_CHR => FileType::CharDevice,
        bsd::DT_BLK => FileType::BlockDevice,
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
    files: HashMap<u64, Fd>,
    dirs: HashMap<u64, Vec<DirEntry>>,
    next_fh: u64,
}

impl State {
    fn stat(&self, ino: u32, fh: Option<FileHandle>) -> Result<Stat, Errno> {
        if let Some(fd) = fh.and_then(|h| self.files.get(&h.0)) {
            return self.vol.fstat(*fd);
        }
        self.vol.stat_ino(ino)
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

/// Replies to an entry-making request with the new entry's attributes.
fn reply_entry(reply: ReplyEntry, r: Result<Stat, Errno>) {
    match r {
        Ok(st) => reply.entry(&TTL, &attr(&st), Generation(0)),
        Err(e) => reply.error(fuse_err(e)),
    }
}

fn reply_empty(reply: ReplyEmpty, r: Result<(), Errno>) {
    match r {
        Ok(()) => reply.ok(),
        Err(e) => reply.error(fuse_err(e)),
    }
}

impl Filesystem for MoltFs {
    fn lookup(&self, req: &Request, parent: INodeNo, name: &OsStr, reply: ReplyEntry) {
        let name = name.as_bytes().to_vec();
        self.run(req, move |s| reply_entry(reply, s.vol.lookup_at(from_fuse(parent), &name)));
    }

    fn getattr(&self, req: &Request, ino: INodeNo, fh: Option<FileHandle>, reply: ReplyAttr) {
        self.run(req, move |s| match s.stat(from_fuse(ino), fh) {
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
                let mut set = SetAttr { mode, uid, gid, size, times: None };
                // An open descriptor may truncate whatever the mode says now.
                if let (Some(size), Some(&fd)) = (size, fh.and_then(|h| s.files.get(&h.0))) {
                    s.vol.ftruncate(fd, size)?;
                    set.size = None;
                }
                if atime.is_some() || mtime.is_some() {
                    let st = s.stat(ino, fh)?;
                    let pick = |t: Option<TimeOrNow>, old: (i64, i64)| match t {
                        None => old,
                        Some(TimeOrNow::Now) => stamp(SystemTime::now()),
                        Some(TimeOrNow::SpecificTime(t)) => stamp(t),
                    };
                    set.times = Some((pick(atime, st.atime), pick(mtime, st.mtime)));
                }
                s.vol.setattr_ino(ino, &set)?;
                s.stat(ino, fh)
            })();
            match result {
                Ok(st) => reply.attr(&TTL, &attr(&st)),
                Err(e) => reply.error(fuse_err(e)),
            }
        });
    }

    fn readlink(&self, req: &Request, ino: INodeNo, reply: ReplyData) {
        self.run(req, move |s| match s.vol.readlink_ino(from_fuse(ino)) {
            Ok(t) => reply.data(&t),
            Err(e) => reply.error(fuse_err(e)),
        });
    }

    fn mknod(&self, req: &Request, parent: INodeNo, name: &OsStr, mode: u32, umask: u32, rdev: u32, reply: ReplyEntry) {
        let name = name.as_bytes().to_vec();
        self.run(req, move |s| {
            let parent = from_fuse(parent);
            // Linux and BSD agree on the S_IF* type bits.
            let mode = (mode & bsd::S_IFMT) | (mode & !umask & 0o7777);
            let r = if mode & bsd::S_IFMT == bsd::S_IFREG || mode & bsd::S_IFMT == 0 {
                s.vol.open_at(parent, &name, bsd::O_WRONLY | bsd::O_CREAT | bsd::O_EXCL, mode & 0o7777).and_then(|fd| s.vol.close(fd))
            } else {
                s.vol.mknod_at(parent, &name, mode, rdev)
            };
            reply_entry(reply, r.and_then(|()| s.vol.lookup_at(parent, &name)));
        });
    }

    fn mkdir(&self, req: &Request, parent: INodeNo, name: &OsStr, mode: u32, umask: u32, reply: ReplyEntry) {
        let name = name.as_bytes().to_vec();
        self.run(req, move |s| {
            let parent = from_fuse(parent);
            let r = s.vol.mkdir_at(parent, &name, mode & !umask & 0o7777).and_then(|()| s.vol.lookup_at(parent, &name));
            reply_entry(reply, r);
        });
    }

    fn unlink(&self, req: &Request, parent: INodeNo, name: &OsStr, reply: ReplyEmpty) {
        let name = name.as_bytes().to_vec();
        self.run(req, move |s| reply_empty(reply, s.vol.unlink_at(from_fuse(parent), &name)));
    }

    fn rmdir(&self, req: &Request, parent: INodeNo, name: &OsStr, reply: ReplyEmpty) {
        let name = name.as_bytes().to_vec();
        self.run(req, move |s| reply_empty(reply, s.vol.rmdir_at(from_fuse(parent), &name)));
    }

    fn symlink(&self, req: &Request, parent: INodeNo, link_name: &OsStr, target: &Path, reply: ReplyEntry) {
        let name = link_name.as_bytes().to_vec();
        let target = target.as_os_str().as_bytes().to_vec();
        self.run(req, move |s| {
            let parent = from_fuse(parent);
            reply_entry(reply, s.vol.symlink_at(parent, &name, &target).and_then(|()| s.vol.lookup_at(parent, &name)));
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
            reply_empty(reply, s.vol.rename_at(from_fuse(parent), &name, from_fuse(newparent), &newname));
        });
    }

    fn link(&self, req: &Request, ino: INodeNo, newparent: INodeNo, newname: &OsStr, reply: ReplyEntry) {
        let newname = newname.as_bytes().to_vec();
        self.run(req, move |s| {
            let newparent = from_fuse(newparent);
            let r = s.vol.link_ino(from_fuse(ino), newparent, &newname).and_then(|()| s.vol.lookup_at(newparent, &newname));
            reply_entry(reply, r);
        });
    }

    fn open(&self, req: &Request, ino: INodeNo, flags: OpenFlags, reply: ReplyOpen) {
        self.run(req, move |s| match s.vol.open_ino(from_fuse(ino), bsd_open_flags(flags.0)) {
            Ok(fd) => {
                let fh = s.new_fh();
                s.files.insert(fh, fd);
                reply.opened(FileHandle(fh), FopenFlags::empty());
            }
            Err(e) => reply.error(fuse_err(e)),
        });
    }

    fn create(&self, req: &Request, parent: INodeNo, name: &OsStr, mode: u32, umask: u32, flags: i32, reply: ReplyCreate) {
        let name = name.as_bytes().to_vec();
        self.run(req, move |s| {
            let parent = from_fuse(parent);
            let result = (|| {
                let open_flags = bsd_open_flags(flags) | bsd::O_CREAT;
                let fd = s.vol.open_at(parent, &name, open_flags, mode & !umask & 0o7777)?;
                match s.vol.fstat(fd) {
                    Ok(st) => Ok((fd, st)),
                    Err(e) => {
                        let _ = s.vol.close(fd);
                        Err(e)
                    }
                }
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
            // One request's worth (the kernel's max_read bounds it), never the file.
            let mut buf = vec![0u8; (size as usize).min(MAX_IO)];
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

    /// close(2) of a descriptor: the file's dirty buffers are written
    /// (VOP_FSYNC without waiting), as NFS does at close.
    fn flush(&self, req: &Request, ino: INodeNo, _fh: FileHandle, _lock_owner: fuser::LockOwner, reply: ReplyEmpty) {
        self.run(req, move |s| reply_empty(reply, s.vol.sync_ino(from_fuse(ino), false)));
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

    fn fsync(&self, req: &Request, ino: INodeNo, _fh: FileHandle, _datasync: bool, reply: ReplyEmpty) {
        self.run(req, move |s| reply_empty(reply, s.vol.sync_ino(from_fuse(ino), true)));
    }

    fn fsyncdir(&self, req: &Request, ino: INodeNo, _fh: FileHandle, _datasync: bool, reply: ReplyEmpty) {
        self.run(req, move |s| reply_empty(reply, s.vol.sync_ino(from_fuse(ino), true)));
    }

    fn opendir(&self, req: &Request, ino: INodeNo, _flags: OpenFlags, reply: ReplyOpen) {
        self.run(req, move |s| {
            let entries = s.vol.open_ino(from_fuse(ino), bsd::O_RDONLY | bsd::O_DIRECTORY).and_then(|fd| {
                let r = s.vol.read_dir_fd(fd);
                s.vol.close(fd).and(r)
            });
            match entries {
                Ok(entries) => {
                    let fh = s.new_fh();
                    s.dirs.insert(fh, entries);
                    reply.opened(FileHandle(fh), FopenFlags::empty());
                }
                Err(e) => reply.error(fuse_err(e)),
            }
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

    fn access(&self, req: &Request, ino: INodeNo, mask: fuser::AccessFlags, reply: ReplyEmpty) {
        let amode = (mask.bits() & 7) as u32;
        self.run(req, move |s| reply_empty(reply, s.vol.access_ino(from_fuse(ino), amode)));
    }

    fn statfs(&self, req: &Request, _ino: INodeNo, reply: ReplyStatfs) {
        self.run(req, move |s| match s.vol.statfs() {
            Ok(f) => reply.statfs(f.blocks, f.free, f.avail, f.files, f.free_files, f.block_size as u32, 255, f.frag_size as u32),
            Err(e) => reply.error(fuse_err(e)),
        });
    }
}

/// Seconds and nanoseconds since the epoch (negative before it; past
/// i64 seconds saturates, and the BSD code refuses what UFS cannot hold).
fn stamp(t: SystemTime) -> (i64, i64) {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => (i64::try_from(d.as_secs()).unwrap_or(i64::MAX), i64::from(d.subsec_nanos())),
        Err(e) => {
            let d = e.duration();
            let secs = i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
            if d.subsec_nanos() == 0 {
                (-secs, 0)
            } else {
                (-secs - 1, i64::from(1_000_000_000 - d.subsec_nanos()))
            }
        }
    }
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
            let mut state = State { vol, files: HashMap::new(), dirs: HashMap::new(), next_fh: 0 };
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

/// How to serve a mount.
#[derive(Clone, Copy, Debug, Default)]
pub struct ServeOptions {
    /// Let every user of the host in (FUSE's allow_other): the BSD code
    /// checks each request against the caller's uid and gid.
    pub allow_other: bool,
}

fn config(opts: ServeOptions) -> Config {
    let mut c = Config::default();
    c.mount_options = vec![MountOption::FSName("molt-ffs".into()), MountOption::Subtype("ffs".into())];
    if opts.allow_other {
        c.acl = fuser::SessionACL::All;
    }
    c.n_threads = Some(1);
    c
}

/// Serves `image` at `dir` until it is unmounted (fusermount3 -u DIR).
pub fn serve(image: &Path, dir: &Path, opts: ServeOptions) -> Result<(), String> {
    let (tx, worker) = start_worker(image)?;
    let fs = MoltFs { jobs: Mutex::new(tx) };
    let served = fuser::mount(fs, dir, &config(opts)).map_err(|e| format!("{}: {}", dir.display(), Errno::from_io(&e)));
    let unmounted = worker.join().map_err(|_| "the volume thread panicked".to_string())?;
    served?;
    unmounted.map_err(|e| format!("{}: {e}", image.display()))
}

impl FuseMount {
    /// Mounts `image` at `dir` in the background.
    pub fn spawn(image: &Path, dir: &Path) -> Result<FuseMount, String> {
        Self::spawn_with(image, dir, ServeOptions::default())
    }

    /// Mounts `image` at `dir` in the background, with `opts`.
    pub fn spawn_with(image: &Path, dir: &Path, opts: ServeOptions) -> Result<FuseMount, String> {
        let (tx, worker) = start_worker(image)?;
        let fs = MoltFs { jobs: Mutex::new(tx.clone()) };
        match fuser::spawn_mount(fs, dir, &config(opts)) {
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
            if let Err(e) = s.umount_and_join() {
                // Still mounted (busy): the session keeps a sender, so the
                // volume thread cannot finish; leave it rather than wait.
                self.worker = None;
                return Err(format!("unmount: {e}"));
            }
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
