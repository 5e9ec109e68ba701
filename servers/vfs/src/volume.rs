//! A mounted FFS image, operated through the BSD system-call entry points
//! (bsd/sys/kern/vfs_syscalls.c): every method builds the syscall's
//! argument struct and calls it with the giant lock held.
//!
//! Descriptors live in the calling thread's proc (each thread that enters
//! the BSD code has one), so a `Volume` and its `Fd`s stay on the thread
//! that made them (`Volume` is not `Send`). Paths are relative to the
//! volume's root: for the duration of each call the thread's root and
//! current directories are set to it.
use core::ffi::{c_char, c_int};
use std::ffi::CString;
use std::marker::PhantomData;
use std::path::Path;
use std::sync::Once;

use crate::bsd;
use crate::errno::{check, Errno};
use crate::ondisk::{direct_header, D_NAME};

/// A descriptor of an open file of a volume.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Fd(pub i32);

/// File status (from `struct stat`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stat {
    pub ino: u32,
    pub mode: u16,
    pub nlink: u16,
    pub uid: u32,
    pub gid: u32,
    pub size: u64,
    pub blocks: u64,
    pub blksize: u32,
    pub rdev: u32,
    pub atime: (i64, i64),
    pub mtime: (i64, i64),
    pub ctime: (i64, i64),
}

impl Stat {
    pub fn is_dir(&self) -> bool {
        u32::from(self.mode) & bsd::S_IFMT == bsd::S_IFDIR
    }
    pub fn is_file(&self) -> bool {
        u32::from(self.mode) & bsd::S_IFMT == bsd::S_IFREG
    }
    pub fn is_symlink(&self) -> bool {
        u32::from(self.mode) & bsd::S_IFMT == bsd::S_IFLNK
    }
    /// Permission bits.
    pub fn perm(&self) -> u16 {
        self.mode & 0o7777
    }
}

/// One directory entry (from `struct dirent`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirEntry {
    pub ino: u32,
    pub kind: u8,
    pub name: Vec<u8>,
}

/// File-system totals (from `struct statfs`).
#[derive(Clone, Copy, Debug)]
pub struct StatFs {
    pub frag_size: u64,
    pub block_size: u64,
    pub blocks: u64,
    pub free: u64,
    pub avail: u64,
    pub files: u64,
    pub free_files: u64,
}

/// How to mount.
#[derive(Clone, Copy, Debug, Default)]
pub struct MountOptions {
    pub read_only: bool,
}

/// A mounted FFS image.
pub struct Volume {
    image: std::path::PathBuf,
    unit: c_int,
    mp: *mut bsd::mount,
    root: *mut bsd::vnode,
    mounted: bool,
    _not_send: PhantomData<*mut ()>,
}

static VFS_INIT: Once = Once::new();

/// Images mounted in this process (canonical paths): mounting one twice
/// would give two unsynchronised caches of the same disk.
static MOUNTED: std::sync::Mutex<Vec<std::path::PathBuf>> = std::sync::Mutex::new(Vec::new());

fn mounted() -> std::sync::MutexGuard<'static, Vec<std::path::PathBuf>> {
    MOUNTED.lock().unwrap_or_else(|e| e.into_inner())
}

/// Starts the VFS (once per process).
pub fn vfs_init() {
    VFS_INIT.call_once(|| {
        molt_shims::with_giant(|| {
            // SAFETY: vfsinit takes no arguments; it runs once, with giant.
            unsafe { bsd::vfsinit() }
        })
    });
}

fn cpath(path: &[u8]) -> Result<CString, Errno> {
    CString::new(path.to_vec()).map_err(|_| Errno::EINVAL)
}

type Syscall<A> = unsafe extern "C" fn(*mut bsd::proc_, *mut A, *mut bsd::register_t) -> c_int;

impl Volume {
    /// Mounts the FFS in the image file at `image`.
    pub fn mount(image: &Path, opts: MountOptions) -> Result<Volume, Errno> {
        vfs_init();
        let canonical = image.canonicalize().map_err(|e| Errno::from_io(&e))?;
        let path = canonical.to_str().ok_or(Errno::EINVAL)?.to_string();
        if mounted().contains(&canonical) {
            return Err(Errno(16)); // EBUSY
        }
        let unit = molt_shims::blkdev::attach(&path, opts.read_only).map_err(Errno)?;
        let flags = if opts.read_only { bsd::MNT_RDONLY as c_int } else { 0 };
        let mut mp = core::ptr::null_mut();
        let mut root = core::ptr::null_mut();
        let e = molt_shims::with_giant(|| {
            // SAFETY: curproc is this thread's proc (we hold giant); mp and
            // root are valid out-pointers.
            unsafe { bsd::molt_mount_ffs(bsd::curproc, unit, flags, &mut mp, &mut root) }
        });
        if e != 0 {
            molt_shims::blkdev::detach(unit);
            return Err(Errno(e));
        }
        mounted().push(canonical.clone());
        Ok(Volume { image: canonical, unit, mp, root, mounted: true, _not_send: PhantomData })
    }

    /// Writes everything and unmounts; the image is clean afterwards.
    pub fn unmount(mut self) -> Result<(), Errno> {
        self.unmount_inner(0)
    }

    fn unmount_inner(&mut self, flags: c_int) -> Result<(), Errno> {
        if !self.mounted {
            return Ok(());
        }
        let (root, mp) = (self.root, self.mp);
        let e = molt_shims::with_giant(|| {
            // SAFETY: root is our referenced root vnode and mp our mount;
            // with giant held nobody else touches them. On failure the
            // root reference is taken back.
            unsafe {
                bsd::vrele(root);
                let e = bsd::dounmount(mp, flags, bsd::curproc);
                if e != 0 {
                    bsd::vref(root);
                }
                e
            }
        });
        if e == 0 {
            self.mounted = false;
            molt_shims::blkdev::detach(self.unit);
            mounted().retain(|p| p != &self.image);
        }
        check(e)
    }

    /// Runs a system call with this volume as root and current directory.
    pub(crate) fn call<A>(&self, f: Syscall<A>, args: &mut A) -> Result<i64, Errno> {
        self.call_in(None, None, f, args)
    }

    /// Runs a system call with the directories of inodes `cdir` and `rdir`
    /// (default: the volume's root) as its current and root directories,
    /// so relative names start at `cdir` and absolute ones at `rdir`.
    pub(crate) fn call_in<A>(&self, cdir: Option<u32>, rdir: Option<u32>, f: Syscall<A>, args: &mut A) -> Result<i64, Errno> {
        let root = self.root;
        let handles = [cdir.map(|i| self.fhandle(i)), rdir.map(|i| self.fhandle(i))];
        molt_shims::with_giant(|| {
            // SAFETY: we hold giant; curproc is this thread's proc; root is
            // a referenced vnode of a mounted file system and fhvnode gives
            // referenced vnodes; every reference taken here is dropped
            // before giant is released. args is the syscall's argument
            // struct, whose pointers are valid for the duration of the call.
            unsafe {
                let mut dirs = [core::ptr::null_mut(); 2];
                for i in 0..2 {
                    let e = match handles[i] {
                        Some(mut fh) => bsd::fhvnode(&mut fh, &mut dirs[i]),
                        None => {
                            bsd::vref(root);
                            dirs[i] = root;
                            0
                        }
                    };
                    if e != 0 {
                        for v in &dirs[..i] {
                            bsd::vrele(*v);
                        }
                        return Err(Errno(e));
                    }
                }
                let p = bsd::curproc;
                let fdp = bsd::fdinit(p);
                (*fdp).fd_cdir = dirs[0];
                (*fdp).fd_rdir = dirs[1];
                let mut ret: bsd::register_t = 0;
                let e = f(p, args, &mut ret);
                (*fdp).fd_rdir = core::ptr::null_mut();
                (*fdp).fd_cdir = core::ptr::null_mut();
                bsd::vrele(dirs[0]);
                bsd::vrele(dirs[1]);
                check(e).map(|()| ret)
            }
        })
    }

    /// The file handle of inode `ino` of this volume (any generation).
    pub(crate) fn fhandle(&self, ino: u32) -> bsd::fhandle {
        // SAFETY: mp is our mounted file system; its mnt_stat is set at
        // mount and not changed after.
        let mut fh = bsd::fhandle { fh_fsid: unsafe { (*self.mp).mnt_stat.f_fsid }, ..Default::default() };
        fh.fh_fid.fid_len = core::mem::size_of::<bsd::ufid>() as u16;
        for (i, b) in ino.to_le_bytes().into_iter().enumerate() {
            fh.fh_fid.fid_data[i] = b as c_char;
        }
        fh
    }

    /// Opens `path` with BSD open flags (`bsd::O_*`) and creation mode.
    pub fn open(&self, path: impl AsRef<[u8]>, flags: u32, mode: u32) -> Result<Fd, Errno> {
        let p = cpath(path.as_ref())?;
        let mut a = bsd::open_args { path: p.as_ptr(), flags: flags as c_int, mode: mode as c_int };
        self.call(bsd::open, &mut a).map(|fd| Fd(fd as i32))
    }

    /// Creates (or truncates) a regular file and opens it for reading and writing.
    pub fn create(&self, path: impl AsRef<[u8]>, mode: u32) -> Result<Fd, Errno> {
        self.open(path, bsd::O_RDWR | bsd::O_CREAT | bsd::O_TRUNC, mode)
    }

    pub fn close(&self, fd: Fd) -> Result<(), Errno> {
        let mut a = bsd::close_args { fd: fd.0 };
        self.call(bsd::close, &mut a).map(|_| ())
    }

    /// Reads at the descriptor's offset; returns the count read (0 at the end).
    pub fn read(&self, fd: Fd, buf: &mut [u8]) -> Result<usize, Errno> {
        let mut a = bsd::read_args { fd: fd.0, buf: buf.as_mut_ptr().cast(), nbyte: buf.len() };
        self.call(bsd::read, &mut a).map(|n| n as usize)
    }

    /// Writes at the descriptor's offset; returns the count written.
    pub fn write(&self, fd: Fd, buf: &[u8]) -> Result<usize, Errno> {
        let mut a = bsd::write_args { fd: fd.0, buf: buf.as_ptr().cast(), nbyte: buf.len() };
        self.call(bsd::write, &mut a).map(|n| n as usize)
    }

    /// Moves the descriptor's offset (`bsd::SEEK_*`); returns the new offset.
    pub fn seek(&self, fd: Fd, offset: i64, whence: u32) -> Result<u64, Errno> {
        let mut a = bsd::lseek_args { fd: fd.0, pad: 0, offset, whence: whence as c_int };
        self.call(bsd::lseek, &mut a).map(|o| o as u64)
    }

    /// Reads at `offset`; loops until `buf` is full or the file ends.
    pub fn pread(&self, fd: Fd, offset: u64, buf: &mut [u8]) -> Result<usize, Errno> {
        self.seek(fd, offset as i64, bsd::SEEK_SET)?;
        let mut done = 0;
        while done < buf.len() {
            let n = self.read(fd, &mut buf[done..])?;
            if n == 0 {
                break;
            }
            done += n;
        }
        Ok(done)
    }

    /// Writes all of `buf` at `offset`.
    pub fn pwrite(&self, fd: Fd, offset: u64, buf: &[u8]) -> Result<usize, Errno> {
        self.seek(fd, offset as i64, bsd::SEEK_SET)?;
        let mut done = 0;
        while done < buf.len() {
            let n = self.write(fd, &buf[done..])?;
            if n == 0 {
                return Err(Errno::EIO);
            }
            done += n;
        }
        Ok(done)
    }

    pub fn mkdir(&self, path: impl AsRef<[u8]>, mode: u32) -> Result<(), Errno> {
        let p = cpath(path.as_ref())?;
        let mut a = bsd::mkdir_args { path: p.as_ptr(), mode: mode as c_int };
        self.call(bsd::mkdir, &mut a).map(|_| ())
    }

    pub fn rmdir(&self, path: impl AsRef<[u8]>) -> Result<(), Errno> {
        let p = cpath(path.as_ref())?;
        let mut a = bsd::rmdir_args { path: p.as_ptr() };
        self.call(bsd::rmdir, &mut a).map(|_| ())
    }

    pub fn unlink(&self, path: impl AsRef<[u8]>) -> Result<(), Errno> {
        let p = cpath(path.as_ref())?;
        let mut a = bsd::unlink_args { path: p.as_ptr() };
        self.call(bsd::unlink, &mut a).map(|_| ())
    }

    pub fn rename(&self, from: impl AsRef<[u8]>, to: impl AsRef<[u8]>) -> Result<(), Errno> {
        let (f, t) = (cpath(from.as_ref())?, cpath(to.as_ref())?);
        let mut a = bsd::rename_args { from: f.as_ptr(), to: t.as_ptr() };
        self.call(bsd::rename, &mut a).map(|_| ())
    }

    /// Makes `new` another name of `existing`.
    pub fn link(&self, existing: impl AsRef<[u8]>, new: impl AsRef<[u8]>) -> Result<(), Errno> {
        let (e, n) = (cpath(existing.as_ref())?, cpath(new.as_ref())?);
        let mut a = bsd::link_args { path: e.as_ptr(), link: n.as_ptr() };
        self.call(bsd::link, &mut a).map(|_| ())
    }

    /// Makes `linkpath` a symbolic link holding `target`.
    pub fn symlink(&self, target: impl AsRef<[u8]>, linkpath: impl AsRef<[u8]>) -> Result<(), Errno> {
        let (t, l) = (cpath(target.as_ref())?, cpath(linkpath.as_ref())?);
        let mut a = bsd::symlink_args { path: t.as_ptr(), link: l.as_ptr() };
        self.call(bsd::symlink, &mut a).map(|_| ())
    }

    pub fn readlink(&self, path: impl AsRef<[u8]>) -> Result<Vec<u8>, Errno> {
        let p = cpath(path.as_ref())?;
        let mut buf = vec![0u8; bsd::MAXPATHLEN as usize];
        let mut a = bsd::readlink_args { path: p.as_ptr(), buf: buf.as_mut_ptr().cast::<c_char>(), count: buf.len() as c_int };
        let n = self.call(bsd::readlink, &mut a)? as usize;
        buf.truncate(n);
        Ok(buf)
    }

    /// Runs a stat-like call whose argument struct points at a stat buffer.
    /// The pointer is made from the local buffer and escapes only through
    /// the arguments, so the buffer is read after the call.
    pub(crate) fn stat_with<A>(&self, cdir: Option<u32>, f: Syscall<A>, make: impl FnOnce(*mut bsd::stat) -> A) -> Result<Stat, Errno> {
        let mut sb = bsd::stat::default();
        let mut args = make(&mut sb);
        self.call_in(cdir, None, f, &mut args)?;
        Ok(Stat {
            ino: sb.st_ino,
            mode: sb.st_mode,
            nlink: sb.st_nlink,
            uid: sb.st_uid,
            gid: sb.st_gid,
            size: sb.st_size as u64,
            blocks: sb.st_blocks as u64,
            blksize: sb.st_blksize,
            rdev: sb.st_rdev,
            atime: (sb.st_atimespec.tv_sec, sb.st_atimespec.tv_nsec),
            mtime: (sb.st_mtimespec.tv_sec, sb.st_mtimespec.tv_nsec),
            ctime: (sb.st_ctimespec.tv_sec, sb.st_ctimespec.tv_nsec),
        })
    }

    /// Status of `path`, following a final symbolic link.
    pub fn stat(&self, path: impl AsRef<[u8]>) -> Result<Stat, Errno> {
        let p = cpath(path.as_ref())?;
        self.stat_with(None, bsd::stat, |ub| bsd::stat_args { path: p.as_ptr(), ub })
    }

    /// Status of `path` itself, even if it is a symbolic link.
    pub fn lstat(&self, path: impl AsRef<[u8]>) -> Result<Stat, Errno> {
        let p = cpath(path.as_ref())?;
        self.stat_with(None, bsd::lstat, |ub| bsd::lstat_args { path: p.as_ptr(), ub })
    }

    pub fn fstat(&self, fd: Fd) -> Result<Stat, Errno> {
        self.stat_with(None, bsd::fstat, |sb| bsd::fstat_args { fd: fd.0, sb })
    }

    pub fn truncate(&self, path: impl AsRef<[u8]>, length: u64) -> Result<(), Errno> {
        let p = cpath(path.as_ref())?;
        let mut a = bsd::truncate_args { path: p.as_ptr(), pad: 0, length: length as i64 };
        self.call(bsd::truncate, &mut a).map(|_| ())
    }

    pub fn ftruncate(&self, fd: Fd, length: u64) -> Result<(), Errno> {
        let mut a = bsd::ftruncate_args { fd: fd.0, pad: 0, length: length as i64 };
        self.call(bsd::ftruncate, &mut a).map(|_| ())
    }

    pub fn fsync(&self, fd: Fd) -> Result<(), Errno> {
        let mut a = bsd::fsync_args { fd: fd.0 };
        self.call(bsd::fsync, &mut a).map(|_| ())
    }

    /// Sets permission bits (following a final symlink).
    pub fn chmod(&self, path: impl AsRef<[u8]>, mode: u32) -> Result<(), Errno> {
        let p = cpath(path.as_ref())?;
        let mut a = bsd::chmod_args { path: p.as_ptr(), mode: mode as c_int };
        self.call(bsd::chmod, &mut a).map(|_| ())
    }

    /// Sets permission bits of `path` itself, even a symlink.
    pub fn lchmod(&self, path: impl AsRef<[u8]>, mode: u32) -> Result<(), Errno> {
        let p = cpath(path.as_ref())?;
        let mut a = bsd::chmod_args { path: p.as_ptr(), mode: mode as c_int };
        self.call(bsd::lchmod, &mut a).map(|_| ())
    }

    /// Sets owner and group (following a final symlink).
    pub fn chown(&self, path: impl AsRef<[u8]>, uid: u32, gid: u32) -> Result<(), Errno> {
        let p = cpath(path.as_ref())?;
        let mut a = bsd::chown_args { path: p.as_ptr(), uid: uid as c_int, gid: gid as c_int };
        self.call(bsd::chown, &mut a).map(|_| ())
    }

    /// Sets owner and group of `path` itself, even a symlink.
    pub fn lchown(&self, path: impl AsRef<[u8]>, uid: u32, gid: u32) -> Result<(), Errno> {
        let p = cpath(path.as_ref())?;
        let mut a = bsd::chown_args { path: p.as_ptr(), uid: uid as c_int, gid: gid as c_int };
        self.call(bsd::lchown, &mut a).map(|_| ())
    }

    fn utimes_call(&self, f: Syscall<bsd::utimes_args>, path: &[u8], atime: (i64, i64), mtime: (i64, i64)) -> Result<(), Errno> {
        let p = cpath(path)?;
        let mut tv = [
            bsd::timeval { tv_sec: atime.0, tv_usec: atime.1 / 1000 },
            bsd::timeval { tv_sec: mtime.0, tv_usec: mtime.1 / 1000 },
        ];
        let mut a = bsd::utimes_args { path: p.as_ptr(), tptr: tv.as_mut_ptr() };
        self.call(f, &mut a).map(|_| ())
    }

    /// Sets access and modification times (seconds, nanoseconds).
    pub fn utimes(&self, path: impl AsRef<[u8]>, atime: (i64, i64), mtime: (i64, i64)) -> Result<(), Errno> {
        self.utimes_call(bsd::utimes, path.as_ref(), atime, mtime)
    }

    /// Sets the times of `path` itself, even a symlink.
    pub fn lutimes(&self, path: impl AsRef<[u8]>, atime: (i64, i64), mtime: (i64, i64)) -> Result<(), Errno> {
        self.utimes_call(bsd::lutimes, path.as_ref(), atime, mtime)
    }

    pub fn statfs(&self) -> Result<StatFs, Errno> {
        let p = cpath(b"/")?;
        let mut sb = bsd::statfs::default();
        let mut a = bsd::statfs_args { path: p.as_ptr(), buf: &mut sb };
        self.call(bsd::statfs, &mut a)?;
        Ok(StatFs {
            frag_size: sb.f_bsize as u64,
            block_size: sb.f_iosize as u64,
            blocks: sb.f_blocks as u64,
            free: sb.f_bfree as u64,
            avail: sb.f_bavail as u64,
            files: sb.f_files as u64,
            free_files: sb.f_ffree as u64,
        })
    }

    /// Writes every change to the image.
    pub fn sync(&self) -> Result<(), Errno> {
        let mut a = bsd::sync_args { dummy: 0 };
        self.call(bsd::sync, &mut a).map(|_| ())
    }

    /// The entries of directory `path` (including "." and "..").
    pub fn read_dir(&self, path: impl AsRef<[u8]>) -> Result<Vec<DirEntry>, Errno> {
        let fd = self.open(path, bsd::O_RDONLY | bsd::O_DIRECTORY, 0)?;
        let result = self.read_dir_fd(fd);
        self.close(fd)?;
        result
    }

    pub fn read_dir_fd(&self, fd: Fd) -> Result<Vec<DirEntry>, Errno> {
        let mut entries = Vec::new();
        let mut buf = vec![0u8; 8192];
        loop {
            let mut base: core::ffi::c_long = 0;
            let mut a = bsd::getdirentries_args { fd: fd.0, buf: buf.as_mut_ptr().cast(), count: buf.len() as u32, basep: &mut base };
            let n = self.call(bsd::getdirentries, &mut a)? as usize;
            if n == 0 {
                return Ok(entries);
            }
            parse_dirents(&buf[..n], &mut entries);
        }
    }

    /// Creates `path` holding `data`.
    pub fn write_file(&self, path: impl AsRef<[u8]>, data: &[u8], mode: u32) -> Result<(), Errno> {
        let fd = self.create(path, mode)?;
        let r = self.pwrite(fd, 0, data);
        self.close(fd)?;
        r.map(|_| ())
    }

    /// The whole contents of `path`.
    pub fn read_file(&self, path: impl AsRef<[u8]>) -> Result<Vec<u8>, Errno> {
        let fd = self.open(path, bsd::O_RDONLY, 0)?;
        let mut out = Vec::new();
        let mut buf = vec![0u8; 65536];
        let r = loop {
            match self.read(fd, &mut buf) {
                Ok(0) => break Ok(()),
                Ok(n) => out.extend_from_slice(&buf[..n]),
                Err(e) => break Err(e),
            }
        };
        self.close(fd)?;
        r.map(|()| out)
    }
}

/// Parses directory chunks (DIRBLKSIZ each) as getdirentries returns them.
/// The bytes come from the disk: a malformed entry ends its chunk.
fn parse_dirents(bytes: &[u8], out: &mut Vec<DirEntry>) {
    const CHUNK: usize = bsd::DIRBLKSIZ as usize;
    for chunk in bytes.chunks(CHUNK) {
        let mut off = 0;
        while off + D_NAME <= chunk.len() {
            let (ino, reclen, kind, namlen) = direct_header(chunk, off);
            if reclen < D_NAME || reclen % 4 != 0 || off + reclen > chunk.len() || D_NAME + namlen + 1 > reclen {
                break;
            }
            if ino != 0 {
                out.push(DirEntry { ino, kind, name: chunk[off + D_NAME..off + D_NAME + namlen].to_vec() });
            }
            off += reclen;
        }
    }
}

impl Drop for Volume {
    fn drop(&mut self) {
        if self.mounted {
            let _ = self.unmount_inner(bsd::MNT_FORCE as c_int);
        }
    }
}
