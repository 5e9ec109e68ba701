//! Hosted block I/O: a block device is a host file (a disk image), read
//! and written synchronously with pread/pwrite.
use core::ffi::c_int;
use std::fs::{File, OpenOptions};
use std::os::unix::fs::FileExt;
use std::sync::Mutex;

use crate::bsd::{EBADF, EINVAL, EIO};
use crate::platform::Handle;

static DEVICES: Mutex<Vec<Option<File>>> = Mutex::new(Vec::new());

fn errno_of(e: &std::io::Error) -> c_int {
    // Host errno values below 35 are the same as 4.4BSD's.
    match e.raw_os_error() {
        Some(n) if (1..35).contains(&n) => n,
        _ => EIO as c_int,
    }
}

fn code(r: Result<(), c_int>) -> c_int {
    r.err().unwrap_or(0)
}

fn with_device<R>(h: Handle, f: impl FnOnce(&File) -> Result<R, c_int>) -> Result<R, c_int> {
    let devs = DEVICES.lock().unwrap_or_else(|e| e.into_inner());
    match usize::try_from(h).ok().and_then(|i| devs.get(i)).and_then(|d| d.as_ref()) {
        Some(file) => f(file),
        None => Err(EBADF as c_int),
    }
}

fn open_path(path: &str, read_only: bool) -> Result<Handle, c_int> {
    let file = OpenOptions::new().read(true).write(!read_only).open(path).map_err(|e| errno_of(&e))?;
    let mut devs = DEVICES.lock().unwrap_or_else(|e| e.into_inner());
    let slot = devs.iter().position(Option::is_none).unwrap_or_else(|| {
        devs.push(None);
        devs.len() - 1
    });
    devs[slot] = Some(file);
    Ok(slot as Handle)
}

/// Opens the host file named by `name` (`len` bytes) as a block device.
///
/// # Safety
/// `name` is readable for `len` bytes; `handle` is writable.
pub unsafe fn open(name: *const u8, len: usize, read_only: c_int, handle: *mut Handle) -> c_int {
    // SAFETY: guaranteed by the caller.
    let bytes = unsafe { core::slice::from_raw_parts(name, len) };
    let Ok(path) = core::str::from_utf8(bytes) else { return EINVAL as c_int };
    // SAFETY: guaranteed by the caller.
    code(open_path(path, read_only != 0).map(|h| unsafe { handle.write(h) }))
}

/// Reads exactly `buf.len()` bytes at `off`; EIO past the end.
pub fn read(h: Handle, buf: &mut [u8], off: u64) -> c_int {
    code(with_device(h, |f| f.read_exact_at(buf, off).map_err(|e| errno_of(&e))))
}

/// Writes all of `buf` at `off`.
pub fn write(h: Handle, buf: &[u8], off: u64) -> c_int {
    code(with_device(h, |f| f.write_all_at(buf, off).map_err(|e| errno_of(&e))))
}

/// The device's size in bytes.
pub fn size(h: Handle) -> Result<u64, c_int> {
    with_device(h, |f| f.metadata().map(|m| m.len()).map_err(|e| errno_of(&e)))
}

/// Flushes the device's writes to stable storage.
pub fn sync(h: Handle) -> c_int {
    code(with_device(h, |f| f.sync_data().map_err(|e| errno_of(&e))))
}

/// Closes the device.
pub fn close(h: Handle) {
    let mut devs = DEVICES.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(slot) = usize::try_from(h).ok().and_then(|i| devs.get_mut(i)) {
        *slot = None;
    }
}
