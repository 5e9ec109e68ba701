//! The volume by inode number, for servers that name files by inode (the
//! FUSE mount): operations on a directory's entry run with that directory
//! as the current directory (relative single names), operations on a
//! file itself go through the file-handle system calls
//! (bsd/sys/kern/vfs_fhandle.c). So a hard link, a file renamed over or
//! unlinked while open stays the same file, as POSIX says.
use core::ffi::c_int;
use std::ffi::CString;

use crate::bsd;
use crate::errno::Errno;
use crate::volume::{Fd, Stat, Volume};

/// Attributes to change (`None`: keep).
#[derive(Clone, Copy, Debug, Default)]
pub struct SetAttr {
    pub mode: Option<u32>,
    pub uid: Option<u32>,
    pub gid: Option<u32>,
    pub size: Option<u64>,
    /// Access and modification times (seconds, nanoseconds).
    pub times: Option<((i64, i64), (i64, i64))>,
}

/// A single directory-entry name: not empty, no '/', no NUL.
fn entry_name(name: &[u8]) -> Result<CString, Errno> {
    if name.is_empty() || name.contains(&b'/') {
        return Err(Errno::EINVAL);
    }
    CString::new(name.to_vec()).map_err(|_| Errno::EINVAL)
}

/// A u32 argument the C side takes as an int, where -1 means "keep".
fn keep_or(v: Option<u32>) -> Result<c_int, Errno> {
    match v {
        None => Ok(-1),
        Some(x) => c_int::try_from(x).map_err(|_| Errno::EINVAL),
    }
}

impl Volume {
    /// Status of entry `name` of directory `dir`, not following a symlink.
    pub fn lookup_at(&self, dir: u32, name: &[u8]) -> Result<Stat, Errno> {
        let n = entry_name(name)?;
        self.stat_with(Some(dir), bsd::lstat, |ub| bsd::lstat_args { path: n.as_ptr(), ub })
    }

    /// Opens (creating it with `mode` if `flags` has O_CREAT) `name` in `dir`.
    pub fn open_at(&self, dir: u32, name: &[u8], flags: u32, mode: u32) -> Result<Fd, Errno> {
        let n = entry_name(name)?;
        let mut a = bsd::open_args { path: n.as_ptr(), flags: flags as c_int, mode: mode as c_int };
        self.call_in(Some(dir), None, bsd::open, &mut a).map(|fd| Fd(fd as i32))
    }

    pub fn mkdir_at(&self, dir: u32, name: &[u8], mode: u32) -> Result<(), Errno> {
        let n = entry_name(name)?;
        let mut a = bsd::mkdir_args { path: n.as_ptr(), mode: mode as c_int };
        self.call_in(Some(dir), None, bsd::mkdir, &mut a).map(|_| ())
    }

    /// Makes a fifo, socket or (as root) device node `name` in `dir`;
    /// `mode` includes the file type bits (BSD S_IF*).
    pub fn mknod_at(&self, dir: u32, name: &[u8], mode: u32, dev: u32) -> Result<(), Errno> {
        let n = entry_name(name)?;
        let mut a = bsd::mknod_args { path: n.as_ptr(), mode: mode as c_int, dev: dev as c_int };
        self.call_in(Some(dir), None, bsd::mknod, &mut a).map(|_| ())
    }

    pub fn symlink_at(&self, dir: u32, name: &[u8], target: &[u8]) -> Result<(), Errno> {
        let n = entry_name(name)?;
        let t = CString::new(target.to_vec()).map_err(|_| Errno::EINVAL)?;
        let mut a = bsd::symlink_args { path: t.as_ptr(), link: n.as_ptr() };
        self.call_in(Some(dir), None, bsd::symlink, &mut a).map(|_| ())
    }

    pub fn unlink_at(&self, dir: u32, name: &[u8]) -> Result<(), Errno> {
        let n = entry_name(name)?;
        let mut a = bsd::unlink_args { path: n.as_ptr() };
        self.call_in(Some(dir), None, bsd::unlink, &mut a).map(|_| ())
    }

    pub fn rmdir_at(&self, dir: u32, name: &[u8]) -> Result<(), Errno> {
        let n = entry_name(name)?;
        let mut a = bsd::rmdir_args { path: n.as_ptr() };
        self.call_in(Some(dir), None, bsd::rmdir, &mut a).map(|_| ())
    }

    /// Renames `name` in `dir` to `newname` in `newdir`: the source is
    /// named relative to `dir` (the current directory) and the target as
    /// "/newname" with `newdir` as the root directory for the call.
    pub fn rename_at(&self, dir: u32, name: &[u8], newdir: u32, newname: &[u8]) -> Result<(), Errno> {
        let from = entry_name(name)?;
        let mut to = b"/".to_vec();
        to.extend_from_slice(entry_name(newname)?.as_bytes());
        let to = CString::new(to).map_err(|_| Errno::EINVAL)?;
        let mut a = bsd::rename_args { from: from.as_ptr(), to: to.as_ptr() };
        self.call_in(Some(dir), Some(newdir), bsd::rename, &mut a).map(|_| ())
    }

    /// Makes `newname` in `newdir` another name of inode `ino`.
    pub fn link_ino(&self, ino: u32, newdir: u32, newname: &[u8]) -> Result<(), Errno> {
        let n = entry_name(newname)?;
        let fh = self.fhandle(ino);
        let mut a = bsd::fhlink_args { fhp: &fh, to: n.as_ptr() };
        self.call_in(Some(newdir), None, bsd::fhlink, &mut a).map(|_| ())
    }

    /// Opens inode `ino` with BSD open flags (no O_CREAT), with open(2)'s checks.
    pub fn open_ino(&self, ino: u32, flags: u32) -> Result<Fd, Errno> {
        let fh = self.fhandle(ino);
        let mut a = bsd::fhopen_args { u_fhp: &fh, flags: flags as c_int };
        self.call(bsd::fhopen, &mut a).map(|fd| Fd(fd as i32))
    }

    /// Status of inode `ino` (ESTALE if it is free).
    pub fn stat_ino(&self, ino: u32) -> Result<Stat, Errno> {
        let fh = self.fhandle(ino);
        self.stat_with(None, bsd::fhstat, |sb| bsd::fhstat_args { u_fhp: &fh, sb })
    }

    pub fn readlink_ino(&self, ino: u32) -> Result<Vec<u8>, Errno> {
        let fh = self.fhandle(ino);
        let mut buf = vec![0u8; bsd::MAXPATHLEN as usize];
        let mut a = bsd::fhreadlink_args { fhp: &fh, buf: buf.as_mut_ptr().cast(), bufsize: buf.len() as c_int };
        let n = self.call(bsd::fhreadlink, &mut a)? as usize;
        buf.truncate(n);
        Ok(buf)
    }

    /// VOP_FSYNC of inode `ino`; with `wait`, on disk when this returns.
    pub fn sync_ino(&self, ino: u32, wait: bool) -> Result<(), Errno> {
        let fh = self.fhandle(ino);
        let waitfor = if wait { bsd::MNT_WAIT } else { bsd::MNT_NOWAIT } as c_int;
        let mut a = bsd::fhsync_args { fhp: &fh, waitfor };
        self.call(bsd::fhsync, &mut a).map(|_| ())
    }

    /// access(2) of inode `ino` (`amode`: R_OK 4 | W_OK 2 | X_OK 1, or 0).
    pub fn access_ino(&self, ino: u32, amode: u32) -> Result<(), Errno> {
        let fh = self.fhandle(ino);
        let mut a = bsd::fhaccess_args { fhp: &fh, amode: amode as c_int };
        self.call(bsd::fhaccess, &mut a).map(|_| ())
    }

    /// chmod, chown, truncate and utimes of inode `ino`, with their checks.
    pub fn setattr_ino(&self, ino: u32, set: &SetAttr) -> Result<(), Errno> {
        let fh = self.fhandle(ino);
        let size = match set.size {
            None => -1,
            Some(s) => i64::try_from(s).map_err(|_| Errno(27))?, // EFBIG
        };
        let tv = set.times.map(|(a, m)| {
            [bsd::timeval { tv_sec: a.0, tv_usec: a.1 / 1000 }, bsd::timeval { tv_sec: m.0, tv_usec: m.1 / 1000 }]
        });
        let mut a = bsd::fhsetattr_args {
            fhp: &fh,
            mode: keep_or(set.mode.map(|m| m & 0o7777))?,
            uid: keep_or(set.uid)?,
            gid: keep_or(set.gid)?,
            size,
            tptr: tv.as_ref().map_or(core::ptr::null(), |t| t.as_ptr()),
        };
        self.call(bsd::fhsetattr, &mut a).map(|_| ())
    }
}
