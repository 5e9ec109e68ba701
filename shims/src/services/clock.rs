//! Time: the tick count and the `time` variable the C code reads, kept
//! from the platform clock (real or virtual), and `microtime()`.
use crate::bsd;
use crate::platform::{clock_monotonic_ns, clock_realtime_ns, virtual_clock};

/// Clock ticks per second (the C variable `hz` is initialised to this).
pub const HZ: u64 = 100;

/// Nanoseconds per tick.
pub fn tick_ns() -> u64 {
    1_000_000_000 / HZ
}

/// Ticks since the platform clock started.
pub fn current_tick() -> u64 {
    clock_monotonic_ns() / tick_ns()
}

fn timeval_of(ns: u64) -> bsd::timeval {
    bsd::timeval { tv_sec: (ns / 1_000_000_000) as _, tv_usec: ((ns % 1_000_000_000) / 1000) as _ }
}

/// Writes `ticks`, `time`, `mono_time` and (once) `boottime`. Caller
/// holds giant.
pub fn refresh_clock_vars() {
    let now = timeval_of(clock_realtime_ns());
    let mono_ns = clock_monotonic_ns();
    // SAFETY: these C globals are written only by the giant holder (the
    // caller); `time` and `mono_time` are volatile in C, so write them
    // with volatile stores.
    unsafe {
        bsd::ticks = (mono_ns / tick_ns()) as i32;
        core::ptr::write_volatile(core::ptr::addr_of_mut!(bsd::time), now);
        core::ptr::write_volatile(core::ptr::addr_of_mut!(bsd::mono_time), timeval_of(mono_ns));
        if bsd::boottime.tv_sec == 0 {
            bsd::boottime = now;
        }
    }
}

/// Moves the virtual clock forward by `ns`, one tick at a time, running the
/// callouts due at each tick (with the giant lock). Enables the virtual
/// clock first if it is not on yet.
pub fn advance(ns: u64) {
    if virtual_clock::now_ns().is_none() {
        virtual_clock::enable();
    }
    let mut left = ns;
    while left > 0 {
        let step = left.min(tick_ns() - virtual_clock::now_ns().unwrap_or(0) % tick_ns());
        virtual_clock::add_ns(step);
        left -= step;
        super::sched::with_giant(super::callout::run_due);
    }
}

/// `void microtime(struct timeval *tv)`: the current wall-clock time.
///
/// # Safety
/// `tv` is valid for a write of one struct timeval.
#[export_name = "bsd_microtime"]
pub unsafe extern "C" fn microtime(tv: *mut bsd::timeval) {
    let now = timeval_of(clock_realtime_ns());
    // SAFETY: guaranteed by the caller.
    unsafe { tv.write(now) };
}
