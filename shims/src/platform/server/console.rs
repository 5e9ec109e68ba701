//! The server's console: through the console server (one request per
//! write; molt-rt finds the driver again if it is restarted and falls back
//! to the kernel's debug output if there is none).
use core::ffi::{c_char, CStr};

/// Writes console bytes.
pub fn write(bytes: &[u8]) {
    let _ = molt_rt::console::write(bytes);
}

/// After a BSD panic: the message goes to the kernel's debug output (seen
/// even if the console server is what failed) and the server exits; rs
/// restarts it by its manifest policy.
///
/// # Safety
/// `msg` is null or NUL-terminated.
pub unsafe fn halt(msg: *const c_char) -> ! {
    let text = if msg.is_null() {
        "?"
    } else {
        // SAFETY: guaranteed by the caller.
        unsafe { CStr::from_ptr(msg) }.to_str().unwrap_or("(not UTF-8)")
    };
    molt_rt::println!("bsd panic: {}", text);
    molt_rt::kcall::exit(134)
}
