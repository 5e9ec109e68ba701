//! The console path of printf/log/panic (formatting is in subr_prf.c).
use core::ffi::c_char;

/// `void molt_cons_write(const char *buf, size_t len)`.
///
/// # Safety
/// `buf` is valid for `len` bytes of reads.
#[export_name = "bsd_molt_cons_write"]
pub unsafe extern "C" fn molt_cons_write(buf: *const c_char, len: usize) {
    // SAFETY: guaranteed by the caller.
    let bytes = unsafe { core::slice::from_raw_parts(buf.cast::<u8>(), len) };
    crate::platform::cons_write(bytes);
}

/// `void molt_panic_halt(const char *msg)`: a BSD panic stops the
/// placement (hosted: the process aborts; server: the server exits, and rs
/// restarts it by its policy). The platform shows the message even while
/// console output is diverted.
///
/// # Safety
/// `msg` is null or a NUL-terminated string.
#[export_name = "bsd_molt_panic_halt"]
pub unsafe extern "C" fn molt_panic_halt(msg: *const c_char) -> ! {
    // SAFETY: guaranteed by the caller.
    unsafe { crate::platform::halt(msg) }
}
