//! Block devices for the BSD code: the host side attaches a device (a disk
//! image under the hosted platform) and gets a unit number; the C driver
//! reaches it through `molt_blkio` and friends (sys/molt_shims.h).
use core::ffi::{c_int, c_void};

use crate::bsd::{self, off_t, EINVAL};
use crate::platform::{blk_close, blk_open, blk_read, blk_size, blk_sync, blk_write};

/// Attaches the image at `path`; returns its unit number.
pub fn attach(path: &str, read_only: bool) -> Result<c_int, c_int> {
    blk_open(path, read_only)
}

/// Detaches a unit (after the file system on it is unmounted).
pub fn detach(unit: c_int) {
    blk_close(unit)
}

/// `int molt_blkio(int unit, int write, off_t off, void *data, size_t len)`.
///
/// # Safety
/// `data` is valid for `len` bytes (read if writing, written if reading).
#[export_name = "bsd_molt_blkio"]
pub unsafe extern "C" fn molt_blkio(unit: c_int, write: c_int, off: off_t, data: *mut c_void, len: usize) -> c_int {
    let Ok(off) = u64::try_from(off) else {
        return EINVAL as c_int;
    };
    let result = if write != 0 {
        // SAFETY: guaranteed by the caller.
        blk_write(unit, unsafe { core::slice::from_raw_parts(data.cast::<u8>(), len) }, off)
    } else {
        // SAFETY: guaranteed by the caller.
        blk_read(unit, unsafe { core::slice::from_raw_parts_mut(data.cast::<u8>(), len) }, off)
    };
    match result {
        Ok(()) => 0,
        Err(e) => e,
    }
}

/// `off_t molt_blk_size(int unit)`: bytes, or -1 for a bad unit.
#[export_name = "bsd_molt_blk_size"]
pub extern "C" fn molt_blk_size(unit: c_int) -> off_t {
    blk_size(unit).map(|s| s as off_t).unwrap_or(-1)
}

/// `int molt_blk_sync(int unit)`.
#[export_name = "bsd_molt_blk_sync"]
pub extern "C" fn molt_blk_sync(unit: c_int) -> c_int {
    match blk_sync(unit) {
        Ok(()) => 0,
        Err(e) => e,
    }
}

const _: () = assert!(bsd::MOLT_SHIMS_VERSION == 1);
