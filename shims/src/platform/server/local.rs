//! `Local<T>`: process-global state of the server platform.
//!
//! A Molt server is one kernel thread; its worker threads are user-level
//! contexts that switch only inside `switch::switch`. So a value is never
//! touched by two CPUs at once, and a borrow is never live across a
//! switch because every `with` closure returns before any switch happens
//! (the switch sites compute their pointers inside `with` and switch after
//! it). A nested `with` on the same value is a bug and panics (RefCell).
use core::cell::RefCell;

/// State shared by the contexts of one single-threaded process.
pub struct Local<T>(RefCell<T>);

// SAFETY: see the module comment: one kernel thread per process, and no
// borrow is held across a context switch.
unsafe impl<T> Sync for Local<T> {}

impl<T> Local<T> {
    /// A new value.
    pub const fn new(value: T) -> Self {
        Self(RefCell::new(value))
    }

    /// Runs `f` with the value.
    pub fn with<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        f(&mut self.0.borrow_mut())
    }
}
