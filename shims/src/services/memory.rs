//! bcopy/bzero/bcmp and the mem* functions (which the compiler may also
//! emit for struct copies). All handle overlap where the BSD ones do.
use core::ffi::{c_int, c_void};

/// # Safety
/// `from` and `to` are valid for `len` bytes (they may overlap).
#[export_name = "bsd_bcopy"]
pub unsafe extern "C" fn bcopy(from: *const c_void, to: *mut c_void, len: usize) {
    // SAFETY: guaranteed by the caller; ptr::copy allows overlap.
    unsafe { core::ptr::copy(from.cast::<u8>(), to.cast::<u8>(), len) }
}

/// # Safety
/// As for [`bcopy`].
#[export_name = "bsd_ovbcopy"]
pub unsafe extern "C" fn ovbcopy(from: *const c_void, to: *mut c_void, len: usize) {
    // SAFETY: guaranteed by the caller.
    unsafe { bcopy(from, to, len) }
}

/// # Safety
/// `buf` is valid for `len` bytes of writes.
#[export_name = "bsd_bzero"]
pub unsafe extern "C" fn bzero(buf: *mut c_void, len: usize) {
    // SAFETY: guaranteed by the caller.
    unsafe { core::ptr::write_bytes(buf.cast::<u8>(), 0, len) }
}

/// # Safety
/// `a` and `b` are valid for `len` bytes of reads.
#[export_name = "bsd_memcmp"]
pub unsafe extern "C" fn memcmp(a: *const c_void, b: *const c_void, len: usize) -> c_int {
    if len == 0 {
        return 0;
    }
    // SAFETY: guaranteed by the caller.
    let (x, y) = unsafe {
        (core::slice::from_raw_parts(a.cast::<u8>(), len), core::slice::from_raw_parts(b.cast::<u8>(), len))
    };
    match x.iter().zip(y).find(|(p, q)| p != q) {
        Some((p, q)) => c_int::from(*p) - c_int::from(*q),
        None => 0,
    }
}

/// # Safety
/// As for [`memcmp`]. Returns 0 when equal, non-zero otherwise.
#[export_name = "bsd_bcmp"]
pub unsafe extern "C" fn bcmp(a: *const c_void, b: *const c_void, len: usize) -> c_int {
    // SAFETY: guaranteed by the caller.
    unsafe { memcmp(a, b, len) }
}

/// # Safety
/// `dst` and `src` are valid for `len` bytes.
#[export_name = "bsd_memcpy"]
pub unsafe extern "C" fn memcpy(dst: *mut c_void, src: *const c_void, len: usize) -> *mut c_void {
    // SAFETY: guaranteed by the caller (copy, not copy_nonoverlapping, so
    // that a careless overlapping memcpy still behaves).
    unsafe { core::ptr::copy(src.cast::<u8>(), dst.cast::<u8>(), len) };
    dst
}

/// # Safety
/// `dst` and `src` are valid for `len` bytes (they may overlap).
#[export_name = "bsd_memmove"]
pub unsafe extern "C" fn memmove(dst: *mut c_void, src: *const c_void, len: usize) -> *mut c_void {
    // SAFETY: guaranteed by the caller.
    unsafe { core::ptr::copy(src.cast::<u8>(), dst.cast::<u8>(), len) };
    dst
}

/// # Safety
/// `dst` is valid for `len` bytes of writes.
#[export_name = "bsd_memset"]
pub unsafe extern "C" fn memset(dst: *mut c_void, c: c_int, len: usize) -> *mut c_void {
    // SAFETY: guaranteed by the caller.
    unsafe { core::ptr::write_bytes(dst.cast::<u8>(), c as u8, len) };
    dst
}
