//! The kernel's one global state cell.
//!
//! Molt runs on one CPU and kernel code runs with interrupts disabled, so
//! at any moment at most one path is inside the kernel. The cell hands out
//! a mutable reference on that basis. Rule for callers: never hold the
//! reference across a context switch (`sched::switch_to`), re-borrow after.

use core::cell::UnsafeCell;

pub struct Global<T>(UnsafeCell<Option<T>>);

// SAFETY: one CPU, kernel entered with interrupts disabled (see module doc).
unsafe impl<T> Sync for Global<T> {}

impl<T> Global<T> {
    pub const fn empty() -> Global<T> {
        Global(UnsafeCell::new(None))
    }

    /// Installs the value; called once at boot.
    pub fn set(&self, value: T) {
        // SAFETY: boot is single-threaded and nothing borrowed the cell yet.
        unsafe { *self.0.get() = Some(value) };
    }

    /// The value, if installed (for paths that may run before init).
    #[allow(clippy::mut_from_ref)]
    pub fn try_get(&self) -> Option<&mut T> {
        // SAFETY: as for `get`.
        unsafe { (*self.0.get()).as_mut() }
    }

    /// The value. Panics only if used before `set`, a boot-order bug.
    #[allow(clippy::mut_from_ref)]
    pub fn get(&self) -> &mut T {
        // SAFETY: exclusive by the module's discipline: one CPU, interrupts
        // off in the kernel, no reference kept across a context switch.
        unsafe { (*self.0.get()).as_mut().expect("kernel state used before init") }
    }
}
