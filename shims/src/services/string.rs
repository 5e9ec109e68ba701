//! The string routines of libkern.
use core::ffi::{c_char, c_int, c_ulong};
use core::sync::atomic::{AtomicU64, Ordering};

/// # Safety
/// `s` is a NUL-terminated string.
#[export_name = "bsd_strlen"]
pub unsafe extern "C" fn strlen(s: *const c_char) -> usize {
    // SAFETY: guaranteed by the caller.
    unsafe { core::ffi::CStr::from_ptr(s) }.count_bytes()
}

/// # Safety
/// `a` and `b` are readable up to their NUL or `n` bytes, whichever is first.
#[export_name = "bsd_strncmp"]
pub unsafe extern "C" fn strncmp(a: *const c_char, b: *const c_char, n: usize) -> c_int {
    for i in 0..n {
        // SAFETY: i is before both NULs (checked below) and before n.
        let (x, y) = unsafe { (*a.add(i) as u8, *b.add(i) as u8) };
        if x != y || x == 0 {
            return c_int::from(x) - c_int::from(y);
        }
    }
    0
}

/// # Safety
/// `a` and `b` are NUL-terminated strings.
#[export_name = "bsd_strcmp"]
pub unsafe extern "C" fn strcmp(a: *const c_char, b: *const c_char) -> c_int {
    // SAFETY: guaranteed by the caller; the walk stops at the first NUL.
    unsafe { strncmp(a, b, usize::MAX) }
}

/// # Safety
/// `src` is NUL-terminated; `dst` has room for it and its NUL.
#[export_name = "bsd_strcpy"]
pub unsafe extern "C" fn strcpy(dst: *mut c_char, src: *const c_char) -> *mut c_char {
    // SAFETY: guaranteed by the caller.
    unsafe {
        let n = strlen(src);
        core::ptr::copy(src, dst, n + 1);
    }
    dst
}

/// # Safety
/// `src` is readable up to its NUL or `n` bytes; `dst` has `n` bytes.
#[export_name = "bsd_strncpy"]
pub unsafe extern "C" fn strncpy(dst: *mut c_char, src: *const c_char, n: usize) -> *mut c_char {
    let mut i = 0;
    // SAFETY: every index is below n and, for src, not past its NUL.
    unsafe {
        while i < n && *src.add(i) != 0 {
            *dst.add(i) = *src.add(i);
            i += 1;
        }
        while i < n {
            *dst.add(i) = 0;
            i += 1;
        }
    }
    dst
}

/// `int ffs(int mask)`: 1 + index of the lowest set bit, or 0.
#[export_name = "bsd_ffs"]
pub extern "C" fn ffs(mask: c_int) -> c_int {
    if mask == 0 {
        0
    } else {
        mask.trailing_zeros() as c_int + 1
    }
}

static RANDOM_STATE: AtomicU64 = AtomicU64::new(0x2545_f491_4f6c_dd1d);

/// `u_long random(void)`: a pseudo-random number (xorshift; not for keys).
#[export_name = "bsd_random"]
pub extern "C" fn random() -> c_ulong {
    let mut x = RANDOM_STATE.load(Ordering::Relaxed);
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    RANDOM_STATE.store(x, Ordering::Relaxed);
    (x >> 33) as c_ulong
}
