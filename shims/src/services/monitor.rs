//! `Monitor<T>`: service state behind the platform's scheduler monitor.
//!
//! Every `Monitor` shares the platform's one monitor lock (there is one
//! scheduler per platform), so a context holds at most one `Guard` at a
//! time and never calls C code or another platform item while it does:
//! the monitor is the innermost lock. Waiting releases the monitor until a
//! `notify_all`, a timeout or a spurious wake-up; callers re-check.
use core::cell::UnsafeCell;
use core::marker::PhantomData;
use core::ops::{Deref, DerefMut};

use crate::platform;

/// A value only touched while holding the platform monitor.
pub struct Monitor<T> {
    value: UnsafeCell<T>,
}

// SAFETY: the value is reached only through a Guard, and a Guard exists
// only while its context holds the platform monitor, which is exclusive
// among contexts (the interface's contract).
unsafe impl<T: Send> Sync for Monitor<T> {}

/// Holding the platform monitor, with access to one `Monitor`'s value.
pub struct Guard<'a, T> {
    monitor: &'a Monitor<T>,
    /// The monitor belongs to the context that took it.
    _not_send: PhantomData<*const ()>,
}

impl<T> Monitor<T> {
    /// A new monitor-protected value.
    pub const fn new(value: T) -> Self {
        Self { value: UnsafeCell::new(value) }
    }

    /// Takes the platform monitor.
    pub fn lock(&self) -> Guard<'_, T> {
        platform::sched_lock();
        Guard { monitor: self, _not_send: PhantomData }
    }

    /// Releases the monitor, waits for a notification, and takes it again.
    pub fn wait<'a>(&self, guard: Guard<'a, T>) -> Guard<'a, T> {
        platform::sched_wait(0);
        guard
    }

    /// Wakes every context waiting on the monitor.
    pub fn notify_all(&self) {
        platform::sched_notify_all();
    }
}

impl<T> Deref for Guard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: this context holds the monitor (see the Sync impl).
        unsafe { &*self.monitor.value.get() }
    }
}

impl<T> DerefMut for Guard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: this context holds the monitor, and the guard is borrowed
        // mutably, so this is the only reference.
        unsafe { &mut *self.monitor.value.get() }
    }
}

impl<T> Drop for Guard<'_, T> {
    fn drop(&mut self) {
        platform::sched_unlock();
    }
}
