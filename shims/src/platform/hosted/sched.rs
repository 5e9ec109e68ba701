//! Hosted threads and the scheduler lock: std threads, a std mutex and
//! one condition variable.
use core::ffi::{c_char, c_int, c_void, CStr};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::Duration;

/// A lock with one condition, the only blocking primitive the services use.
/// Waiting releases the lock; `notify_all` wakes every waiter, which then
/// re-check their own conditions.
pub struct SchedLock<T> {
    state: Mutex<T>,
    cond: Condvar,
}

/// Holding a [`SchedLock`].
pub type SchedGuard<'a, T> = MutexGuard<'a, T>;

impl<T> SchedLock<T> {
    /// A new lock protecting `value`.
    pub const fn new(value: T) -> Self {
        Self { state: Mutex::new(value), cond: Condvar::new() }
    }
    /// Takes the lock (blocks while another thread holds it).
    pub fn lock(&self) -> SchedGuard<'_, T> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
    /// Releases the lock, waits for a notification, and takes it again.
    pub fn wait<'a>(&self, guard: SchedGuard<'a, T>) -> SchedGuard<'a, T> {
        self.cond.wait(guard).unwrap_or_else(|e| e.into_inner())
    }
    /// Like [`Self::wait`], but returns after at most `ns` nanoseconds.
    pub fn wait_ns<'a>(&self, guard: SchedGuard<'a, T>, ns: u64) -> SchedGuard<'a, T> {
        self.cond.wait_timeout(guard, Duration::from_nanos(ns)).unwrap_or_else(|e| e.into_inner()).0
    }
    /// Wakes every thread waiting on this lock.
    pub fn notify_all(&self) {
        self.cond.notify_all();
    }
}

/// Starts a thread running `func(arg)`; returns 0 or an errno.
///
/// # Safety
/// `func` must be safe to call with `arg` on another thread, and `name`
/// must be null or a NUL-terminated string.
pub unsafe fn thread_create(func: extern "C" fn(*mut c_void), arg: *mut c_void, name: *const c_char) -> c_int {
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
