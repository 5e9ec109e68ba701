//! A value set once and read many times, without `std` (what `OnceLock`
//! does for the hosted build): the platform itself and the I/O backends
//! are installed this way.
use core::cell::UnsafeCell;
use core::mem::MaybeUninit;
use core::sync::atomic::{AtomicU8, Ordering};

const EMPTY: u8 = 0;
const SETTING: u8 = 1;
const SET: u8 = 2;

/// A cell written at most once; readers see nothing or the final value.
pub struct Once<T: Copy> {
    state: AtomicU8,
    value: UnsafeCell<MaybeUninit<T>>,
}

// SAFETY: the value is written once, by the one caller that moved the state
// from EMPTY to SETTING, and read only after the state is SET (Release on
// the store, Acquire on the load orders the write before every read).
unsafe impl<T: Copy + Send + Sync> Sync for Once<T> {}

impl<T: Copy> Once<T> {
    /// An empty cell.
    pub const fn new() -> Self {
        Self { state: AtomicU8::new(EMPTY), value: UnsafeCell::new(MaybeUninit::uninit()) }
    }

    /// Stores `value` if the cell is empty; `false` (and no change) otherwise.
    pub fn set(&self, value: T) -> bool {
        if self.state.compare_exchange(EMPTY, SETTING, Ordering::Acquire, Ordering::Relaxed).is_err() {
            return false;
        }
        // SAFETY: we won the EMPTY -> SETTING race, so no one else writes,
        // and no one reads until the state is SET.
        unsafe { (*self.value.get()).write(value) };
        self.state.store(SET, Ordering::Release);
        true
    }

    /// The value, once it is set (waits out a `set` in progress).
    pub fn get(&self) -> Option<T> {
        loop {
            match self.state.load(Ordering::Acquire) {
                EMPTY => return None,
                SET => break,
                _ => core::hint::spin_loop(),
            }
        }
        // SAFETY: the state is SET, so the value was written and never
        // changes again.
        Some(unsafe { (*self.value.get()).assume_init() })
    }
}

impl<T: Copy> Default for Once<T> {
    fn default() -> Self {
        Self::new()
    }
}
