//! copyin/copyout and the string variants. The user address is an
//! allegation until the platform checks it (`platform::user_copyin`); the
//! kernel address is trusted. Errors: EFAULT, ENAMETOOLONG.
use core::ffi::{c_int, c_uint, c_void};

use crate::bsd::{EFAULT, ENAMETOOLONG};
use crate::platform::{user_copyin, user_copyout};

/// # Safety
/// `kaddr` is valid for `len` bytes of writes.
#[export_name = "bsd_copyin"]
pub unsafe extern "C" fn copyin(uaddr: *const c_void, kaddr: *mut c_void, len: usize) -> c_int {
    // SAFETY: kaddr guaranteed by the caller; the platform checks uaddr.
    match unsafe { user_copyin(uaddr.cast(), kaddr.cast(), len) } {
        Ok(()) => 0,
        Err(e) => e,
    }
}

/// # Safety
/// `kaddr` is valid for `len` bytes of reads.
#[export_name = "bsd_copyout"]
pub unsafe extern "C" fn copyout(kaddr: *const c_void, uaddr: *mut c_void, len: usize) -> c_int {
    // SAFETY: kaddr guaranteed by the caller; the platform checks uaddr.
    match unsafe { user_copyout(kaddr.cast(), uaddr.cast(), len) } {
        Ok(()) => 0,
        Err(e) => e,
    }
}

/// Copies a NUL-terminated string of at most `len` bytes (NUL included),
/// one byte at a time through `fetch`; stores the count copied in `done`.
///
/// # Safety
/// `to` is valid for `len` bytes of writes; `done` is null or writable.
unsafe fn copy_string(
    mut fetch: impl FnMut(usize) -> Result<u8, c_int>,
    to: *mut u8,
    len: c_uint,
    done: *mut c_uint,
) -> c_int {
    let len = len as usize;
    let mut n = 0;
    let result = loop {
        if n == len {
            break ENAMETOOLONG as c_int;
        }
        let b = match fetch(n) {
            Ok(b) => b,
            Err(e) => break e,
        };
        // SAFETY: n < len, inside `to`.
        unsafe { *to.add(n) = b };
        n += 1;
        if b == 0 {
            break 0;
        }
    };
    if !done.is_null() {
        // SAFETY: guaranteed by the caller. n <= len, which is a u_int.
        unsafe { *done = n as c_uint };
    }
    result
}

/// # Safety
/// `from` is a kernel string readable up to its NUL or `len` bytes; `to`
/// is valid for `len` bytes; `done` is null or writable.
#[export_name = "bsd_copystr"]
pub unsafe extern "C" fn copystr(from: *const c_void, to: *mut c_void, len: c_uint, done: *mut c_uint) -> c_int {
    let from = from.cast::<u8>();
    // SAFETY: guaranteed by the caller; fetch reads only up to the NUL.
    unsafe { copy_string(|i| Ok(*from.add(i)), to.cast(), len, done) }
}

/// # Safety
/// As for [`copystr`], with `from` a user address (checked byte by byte).
#[export_name = "bsd_copyinstr"]
pub unsafe extern "C" fn copyinstr(from: *const c_void, to: *mut c_void, len: c_uint, done: *mut c_uint) -> c_int {
    let from = from.cast::<u8>();
    let fetch = |i: usize| {
        let mut b = 0u8;
        // SAFETY: b is a one-byte kernel buffer; the platform checks the user side.
        unsafe { user_copyin(from.wrapping_add(i), &mut b, 1) }.map(|()| b).map_err(|_| EFAULT as c_int)
    };
    // SAFETY: guaranteed by the caller.
    unsafe { copy_string(fetch, to.cast(), len, done) }
}

/// # Safety
/// `from` is a kernel string; `to` a user address checked by the platform.
#[export_name = "bsd_copyoutstr"]
pub unsafe extern "C" fn copyoutstr(from: *const c_void, to: *mut c_void, len: c_uint, done: *mut c_uint) -> c_int {
    let from = from.cast::<u8>();
    let len = len as usize;
    let mut n = 0;
    let result = loop {
        if n == len {
            break ENAMETOOLONG as c_int;
        }
        // SAFETY: from is readable up to its NUL (guaranteed by the caller).
        let b = unsafe { *from.add(n) };
        // SAFETY: the platform checks the user address.
        if unsafe { user_copyout(&b, to.cast::<u8>().wrapping_add(n), 1) }.is_err() {
            break EFAULT as c_int;
        }
        n += 1;
        if b == 0 {
            break 0;
        }
    };
    if !done.is_null() {
        // SAFETY: guaranteed by the caller. n <= len, which is a u_int.
        unsafe { *done = n as c_uint };
    }
    result
}
