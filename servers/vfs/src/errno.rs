//! BSD error numbers as the VFS returns them: their names, their
//! messages, and the host (Linux) numbers the FUSE mount replies with.
use std::fmt;

/// A 4.4BSD errno value.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Errno(pub i32);

/// (BSD value, name, message, Linux value).
const TABLE: &[(i32, &str, &str, i32)] = &[
    (1, "EPERM", "operation not permitted", libc::EPERM),
    (2, "ENOENT", "no such file or directory", libc::ENOENT),
    (3, "ESRCH", "no such process", libc::ESRCH),
    (4, "EINTR", "interrupted system call", libc::EINTR),
    (5, "EIO", "input/output error", libc::EIO),
    (6, "ENXIO", "device not configured", libc::ENXIO),
    (7, "E2BIG", "argument list too long", libc::E2BIG),
    (9, "EBADF", "bad file descriptor", libc::EBADF),
    (12, "ENOMEM", "cannot allocate memory", libc::ENOMEM),
    (13, "EACCES", "permission denied", libc::EACCES),
    (14, "EFAULT", "bad address", libc::EFAULT),
    (16, "EBUSY", "device busy", libc::EBUSY),
    (17, "EEXIST", "file exists", libc::EEXIST),
    (18, "EXDEV", "cross-device link", libc::EXDEV),
    (19, "ENODEV", "operation not supported by device", libc::ENODEV),
    (20, "ENOTDIR", "not a directory", libc::ENOTDIR),
    (21, "EISDIR", "is a directory", libc::EISDIR),
    (22, "EINVAL", "invalid argument", libc::EINVAL),
    (23, "ENFILE", "too many open files in system", libc::ENFILE),
    (24, "EMFILE", "too many open files", libc::EMFILE),
    (27, "EFBIG", "file too large", libc::EFBIG),
    (28, "ENOSPC", "no space left on device", libc::ENOSPC),
    (29, "ESPIPE", "illegal seek", libc::ESPIPE),
    (30, "EROFS", "read-only file system", libc::EROFS),
    (31, "EMLINK", "too many links", libc::EMLINK),
    (35, "EAGAIN", "resource temporarily unavailable", libc::EAGAIN),
    (45, "EOPNOTSUPP", "operation not supported", libc::EOPNOTSUPP),
    (62, "ELOOP", "too many levels of symbolic links", libc::ELOOP),
    (63, "ENAMETOOLONG", "file name too long", libc::ENAMETOOLONG),
    (66, "ENOTEMPTY", "directory not empty", libc::ENOTEMPTY),
    (69, "EDQUOT", "disc quota exceeded", libc::EDQUOT),
    (70, "ESTALE", "stale NFS file handle", libc::ESTALE),
    (78, "ENOSYS", "function not implemented", libc::ENOSYS),
    (79, "EFTYPE", "inappropriate file type or format", libc::EINVAL),
    (84, "EOVERFLOW", "value too large to be stored in data type", libc::EOVERFLOW),
];

impl Errno {
    pub const EPERM: Errno = Errno(1);
    pub const ENOENT: Errno = Errno(2);
    pub const EIO: Errno = Errno(5);
    pub const EBUSY: Errno = Errno(16);
    pub const EEXIST: Errno = Errno(17);
    pub const ENOTDIR: Errno = Errno(20);
    pub const EISDIR: Errno = Errno(21);
    pub const EINVAL: Errno = Errno(22);
    pub const ENOSPC: Errno = Errno(28);
    pub const ENAMETOOLONG: Errno = Errno(63);
    pub const ENOTEMPTY: Errno = Errno(66);
    pub const EFTYPE: Errno = Errno(79);

    fn entry(self) -> Option<&'static (i32, &'static str, &'static str, i32)> {
        TABLE.iter().find(|e| e.0 == self.0)
    }
    /// "ENOTDIR".
    pub fn name(self) -> String {
        self.entry().map(|e| e.1.to_string()).unwrap_or_else(|| format!("E#{}", self.0))
    }
    /// "not a directory".
    pub fn message(self) -> &'static str {
        self.entry().map(|e| e.2).unwrap_or("unknown error")
    }
    /// The Linux errno with the same meaning (for FUSE replies).
    pub fn to_host(self) -> i32 {
        self.entry().map(|e| e.3).unwrap_or(libc::EIO)
    }
    /// The BSD errno for a host I/O error (for host-side tools).
    pub fn from_io(e: &std::io::Error) -> Errno {
        let host = e.raw_os_error().unwrap_or(libc::EIO);
        TABLE.iter().find(|t| t.3 == host).map(|t| Errno(t.0)).unwrap_or(Errno::EIO)
    }
}

impl fmt::Display for Errno {
    /// "ENOTDIR: not a directory".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.name(), self.message())
    }
}

impl std::error::Error for Errno {}

/// 0 -> Ok, anything else -> Err.
pub fn check(e: i32) -> Result<(), Errno> {
    if e == 0 {
        Ok(())
    } else {
        Err(Errno(e))
    }
}
