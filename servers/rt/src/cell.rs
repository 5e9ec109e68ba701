//! Program-lifetime buffers too large for the stack (256 KiB), handed out
//! once as a `&'static mut`. Molt processes are single threaded; the flag
//! still makes a second `take` fail instead of aliasing.

use core::cell::UnsafeCell;
use core::sync::atomic::{AtomicBool, Ordering};

/// A value in `.bss`/`.data` that one owner takes for the program's life.
pub struct StaticCell<T> {
    taken: AtomicBool,
    value: UnsafeCell<T>,
}

// SAFETY: access to `value` goes only through `take`, which hands out the
// one mutable reference at most once.
unsafe impl<T> Sync for StaticCell<T> {}

impl<T> StaticCell<T> {
    pub const fn new(value: T) -> StaticCell<T> {
        StaticCell { taken: AtomicBool::new(false), value: UnsafeCell::new(value) }
    }

    /// The value, the first time; `None` afterwards.
    // A `&'static mut` from `&'static self` is the point: the flag makes it
    // unique.
    #[allow(clippy::mut_from_ref)]
    pub fn take(&'static self) -> Option<&'static mut T> {
        if self.taken.swap(true, Ordering::AcqRel) {
            return None;
        }
        // SAFETY: the flag was clear, so no other reference exists, and
        // none will be handed out again.
        Some(unsafe { &mut *self.value.get() })
    }
}
