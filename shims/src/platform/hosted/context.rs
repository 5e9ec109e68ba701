//! Hosted execution contexts: std threads, each with a numeric identity
//! and a private word (thread-local).
use core::cell::Cell;
use core::ffi::{c_char, c_int, c_void, CStr};
use std::sync::atomic::{AtomicU64, Ordering};

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

thread_local! {
    static ID: Cell<u64> = const { Cell::new(0) };
    static PRIVATE: Cell<*mut c_void> = const { Cell::new(core::ptr::null_mut()) };
}

/// This thread's identity, assigned on first use (never 0).
pub fn id() -> u64 {
    ID.with(|id| {
        if id.get() == 0 {
            id.set(NEXT_ID.fetch_add(1, Ordering::Relaxed));
        }
        id.get()
    })
}

/// This thread's private word.
pub fn private() -> *mut c_void {
    PRIVATE.with(Cell::get)
}

/// Sets this thread's private word.
pub fn set_private(value: *mut c_void) {
    PRIVATE.with(|p| p.set(value))
}

/// Starts a thread running `func(arg)`; returns 0 or EAGAIN.
///
/// # Safety
/// `func` must be safe to call with `arg` on another thread, and `name`
/// must be null or a NUL-terminated string.
pub unsafe fn create(func: extern "C" fn(*mut c_void), arg: *mut c_void, name: *const c_char) -> c_int {
    let name = if name.is_null() {
        "bsd".to_string()
    } else {
        // SAFETY: the caller guarantees a NUL-terminated string.
        unsafe { CStr::from_ptr(name) }.to_string_lossy().into_owned()
    };
    struct SendPtr(*mut c_void);
    // SAFETY: the caller guarantees arg may be used on another thread.
    unsafe impl Send for SendPtr {}
    let arg = SendPtr(arg);
    let spawned = std::thread::Builder::new().name(name).spawn(move || {
        let arg = arg;
        func(arg.0)
    });
    match spawned {
        Ok(_) => 0,
        Err(_) => crate::bsd::EAGAIN as c_int,
    }
}
