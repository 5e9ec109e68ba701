//! The server's clock: the kernel's uptime. There is no real-time clock
//! driver yet, so wall-clock time is a fixed epoch plus uptime (the same
//! epoch as the virtual clock), until a time server exists.
use crate::platform::virtual_clock::EPOCH_NS;

/// Nanoseconds since boot.
pub fn monotonic_ns() -> u64 {
    molt_rt::kcall::uptime_ns()
}

/// The fixed epoch plus uptime.
pub fn realtime_ns() -> u64 {
    EPOCH_NS + monotonic_ns()
}
