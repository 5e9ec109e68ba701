//! The kernel's global state cells.
//!
//! Molt runs on one CPU and kernel code runs with interrupts disabled, so
//! at any moment at most one path is inside the kernel. A cell hands out
//! a mutable reference on that basis. Rules for callers: never hold the
//! reference across a context switch (`sched::switch_to`), re-borrow
//! after; and only call `get` on paths that run after `set` (system calls,
//! traps from user mode, the scheduler). Paths that may run earlier (a
//! fault during boot) use `try_get`.

use core::cell::UnsafeCell;
use core::mem::MaybeUninit;
use core::sync::atomic::{AtomicBool, Ordering};

pub struct Global<T> {
    value: UnsafeCell<MaybeUninit<T>>,
    ready: AtomicBool,
}

// SAFETY: one CPU, kernel entered with interrupts disabled (see module doc).
unsafe impl<T> Sync for Global<T> {}

impl<T> Global<T> {
    pub const fn empty() -> Global<T> {
        Global { value: UnsafeCell::new(MaybeUninit::uninit()), ready: AtomicBool::new(false) }
    }

    /// Installs the value; called once at boot.
    pub fn set(&self, value: T) {
        assert!(!self.ready.load(Ordering::Relaxed), "global state set twice");
        // SAFETY: boot is single-threaded and nothing borrowed the cell yet.
        unsafe { (*self.value.get()).write(value) };
        self.ready.store(true, Ordering::Release);
    }

    /// The value, if installed.
    #[allow(clippy::mut_from_ref)]
    pub fn try_get(&self) -> Option<&mut T> {
        if self.ready.load(Ordering::Acquire) {
            Some(self.get())
        } else {
            None
        }
    }

    /// The value. This is on every system call, so it does not check
    /// `ready`: every caller runs after boot set the value (module doc).
    #[allow(clippy::mut_from_ref)]
    #[inline(always)]
    pub fn get(&self) -> &mut T {
        debug_assert!(self.ready.load(Ordering::Relaxed));
        // SAFETY: initialised by `set` before any caller of `get` can run,
        // and exclusive by the module's discipline: one CPU, interrupts off
        // in the kernel, no reference kept across a context switch.
        unsafe { (*self.value.get()).assume_init_mut() }
    }
}
