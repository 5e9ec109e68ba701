//! Kernel threads for the BSD code: `molt_kthread_create(func, arg, name)`
//! starts a platform thread that runs `func(arg)` holding the giant lock,
//! as a 4.4BSD kernel process would (the VFS's update daemon uses it).
//! The thread gets its own proc like every thread entering the C code;
//! it gives giant up only when it sleeps (tsleep).
use core::ffi::{c_char, c_int, c_void};

/// What the new thread is to run.
struct Start {
    func: extern "C" fn(*mut c_void),
    arg: *mut c_void,
}

extern "C" fn kthread_main(start: *mut c_void) {
    // SAFETY: `start` is the Box made by molt_kthread_create, handed to
    // this thread alone.
    let start = unsafe { Box::from_raw(start.cast::<Start>()) };
    super::sched::with_giant(|| (start.func)(start.arg));
}

/// `int molt_kthread_create(void (*func)(void *), void *arg, const char *name)`:
/// 0, or an errno if no thread could be started.
///
/// # Safety
/// `func` must be safe to call with `arg` on another thread (holding
/// giant), and `name` null or a NUL-terminated string.
#[export_name = "bsd_molt_kthread_create"]
pub unsafe extern "C" fn molt_kthread_create(func: extern "C" fn(*mut c_void), arg: *mut c_void, name: *const c_char) -> c_int {
    let start = Box::into_raw(Box::new(Start { func, arg })).cast::<c_void>();
    // SAFETY: kthread_main takes ownership of `start` on the new thread;
    // `name` is as the caller guarantees.
    let e = unsafe { crate::platform::thread_create(kthread_main, start, name) };
    if e != 0 {
        // SAFETY: the thread did not start, so `start` is still ours.
        drop(unsafe { Box::from_raw(start.cast::<Start>()) });
    }
    e
}
