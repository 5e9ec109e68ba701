//! A virtual clock: once enabled, time stands still until a test moves it.
//! Platform-independent, so every implementation gets it for free.
use core::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Wall-clock time at virtual time 0 (2001-09-09 01:46:40 UTC).
pub const EPOCH_NS: u64 = 1_000_000_000 * 1_000_000_000;

static ENABLED: AtomicBool = AtomicBool::new(false);
static NOW_NS: AtomicU64 = AtomicU64::new(0);

/// Switches the process to virtual time, starting at 0.
pub fn enable() {
    NOW_NS.store(0, Ordering::SeqCst);
    ENABLED.store(true, Ordering::SeqCst);
}

/// Virtual nanoseconds, or `None` when the real clock is in use.
pub fn now_ns() -> Option<u64> {
    ENABLED.load(Ordering::SeqCst).then(|| NOW_NS.load(Ordering::SeqCst))
}

/// Moves virtual time forward (does nothing under the real clock).
/// Callers normally use `crate::clock::advance`, which also runs callouts.
pub fn add_ns(ns: u64) {
    NOW_NS.fetch_add(ns, Ordering::SeqCst);
}
