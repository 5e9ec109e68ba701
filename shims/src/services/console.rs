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

/// `void molt_panic_halt(const char *msg)`: a BSD panic stops the process
/// (hosted). The message also goes straight to standard error, so it is
/// seen even while a test captures the console.
///
/// # Safety
/// `msg` is null or a NUL-terminated string.
#[export_name = "bsd_molt_panic_halt"]
pub unsafe extern "C" fn molt_panic_halt(msg: *const c_char) -> ! {
    if !msg.is_null() {
        // SAFETY: guaranteed by the caller.
        let text = unsafe { core::ffi::CStr::from_ptr(msg) }.to_string_lossy();
        eprintln!("bsd panic: {text}");
    }
    std::process::abort()
}
