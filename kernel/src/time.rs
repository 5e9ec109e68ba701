//! Time: the TSC, calibrated against the PIT at boot, gives uptime; the
//! LAPIC timer gives the scheduler tick.

use core::sync::atomic::{AtomicU64, Ordering};

/// Scheduler ticks per second.
pub const TICK_HZ: u64 = 100;
/// Nanoseconds per tick.
pub const TICK_NS: u64 = 1_000_000_000 / TICK_HZ;

static BOOT_TSC: AtomicU64 = AtomicU64::new(0);
static TSC_HZ: AtomicU64 = AtomicU64::new(1_000_000_000);

/// Records the TSC of the first kernel instruction (the zero of uptime).
pub fn mark_boot() {
    BOOT_TSC.store(crate::arch::boot::entry_tsc(), Ordering::Relaxed);
}

/// TSC cycles since kernel entry.
pub fn tsc_since_boot() -> u64 {
    crate::arch::rdtsc().wrapping_sub(BOOT_TSC.load(Ordering::Relaxed))
}

/// Calibrates the clocks and starts the tick.
pub fn init() {
    let (lapic_hz, tsc_hz) = crate::arch::apic::calibrate();
    TSC_HZ.store(tsc_hz.max(1), Ordering::Relaxed);
    crate::arch::apic::start_timer(lapic_hz, TICK_HZ);
    log::info!("time: TSC {} MHz, LAPIC timer {} MHz, tick {} Hz", tsc_hz / 1_000_000, lapic_hz / 1_000_000, TICK_HZ);
}

/// Converts TSC cycles to nanoseconds.
pub fn tsc_to_ns(cycles: u64) -> u64 {
    (u128::from(cycles) * 1_000_000_000 / u128::from(TSC_HZ.load(Ordering::Relaxed))) as u64
}

/// Nanoseconds since kernel entry.
pub fn uptime_ns() -> u64 {
    tsc_to_ns(tsc_since_boot())
}
