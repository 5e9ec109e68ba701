//! Hosted console: standard error, one write per call. If a capture buffer
//! is installed (tests), output goes there instead.
use core::ffi::c_char;
use std::io::Write;
use std::sync::Mutex;

static CAPTURE: Mutex<Option<Vec<u8>>> = Mutex::new(None);

/// Writes console bytes. Never blocks for long; callable with the giant lock.
pub fn write(bytes: &[u8]) {
    let mut cap = CAPTURE.lock().unwrap_or_else(|e| e.into_inner());
    match cap.as_mut() {
        Some(buf) => buf.extend_from_slice(bytes),
        None => {
            let _ = std::io::stderr().write_all(bytes);
        }
    }
}

/// Starts capturing console output (for tests); returns what was captured
/// since the previous call.
pub fn capture() -> Vec<u8> {
    let mut cap = CAPTURE.lock().unwrap_or_else(|e| e.into_inner());
    cap.replace(Vec::new()).unwrap_or_default()
}

/// A BSD panic aborts the process; the message goes straight to standard
/// error, so it is seen even while a test captures the console.
///
/// # Safety
/// `msg` is null or NUL-terminated.
pub unsafe fn halt(msg: *const c_char) -> ! {
    if !msg.is_null() {
        // SAFETY: guaranteed by the caller.
        let text = unsafe { core::ffi::CStr::from_ptr(msg) }.to_string_lossy();
        eprintln!("bsd panic: {text}");
    }
    std::process::abort()
}
