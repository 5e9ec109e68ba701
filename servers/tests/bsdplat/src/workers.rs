//! The worker checks: requests on user-level threads that sleep in tsleep
//! while others are served, wakeups, tsleep timeouts and callouts driven
//! by Molt kernel alarms.
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::ffi::{c_int, c_void};
use core::sync::atomic::{AtomicI32, AtomicU64, AtomicUsize, Ordering};

use molt_shims::bsd;
use molt_shims::platform::server::dispatch;

use crate::events::{Event, Log};

static LOG: Log = Log::new();
// Sleep channels: the addresses of these statics.
static CHAN_A: u8 = 0;
static CHAN_B: u8 = 0;
static CHAN_D: u8 = 0;
static CHAN_MANY: u8 = 0;

static A_RESULT: AtomicI32 = AtomicI32::new(-1);
static B_RESULT: AtomicI32 = AtomicI32::new(-1);
static D_RESULT: AtomicI32 = AtomicI32::new(-1);
static B_SLEPT_NS: AtomicU64 = AtomicU64::new(0);
static D_SLEPT_TICKS: AtomicU64 = AtomicU64::new(0);
static MANY_DONE: AtomicUsize = AtomicUsize::new(0);

/// Ticks B sleeps (its tsleep timeout) and D's callout delay.
const B_TICKS: c_int = 3;
const D_TICKS: c_int = 5;

fn chan(c: &'static u8) -> *mut c_void {
    c as *const u8 as *mut c_void
}

/// `tsleep(chan, PRIBIO, wmesg, timo)` with giant held.
pub fn tsleep(c: &'static u8, timo: c_int) -> c_int {
    molt_shims::with_giant(|| {
        // SAFETY: sleeping on a static's address with a literal wmesg.
        unsafe { bsd::tsleep(chan(c), bsd::PRIBIO as c_int, c"bsdplat".as_ptr(), timo) }
    })
}

pub fn wakeup(c: &'static u8) {
    molt_shims::with_giant(|| {
        // SAFETY: waking a static's address.
        unsafe { bsd::wakeup(chan(c)) }
    })
}

/// The callout D arms: wakes the channel it is given.
extern "C" fn callout_wakes(arg: *mut c_void) {
    LOG.push(Event::CalloutFired);
    // SAFETY: arg is CHAN_D's address, a valid sleep channel; callouts run
    // with giant held.
    unsafe { bsd::wakeup(arg) };
}

pub fn spawn(f: impl FnOnce() + 'static) -> Result<(), String> {
    match dispatch::spawn(f) {
        0 => Ok(()),
        e => Err(format!("spawn failed: errno {e}")),
    }
}

/// A sleeps until woken; B sleeps until its timeout, then wakes A; C is
/// served meanwhile; D arms a callout and sleeps until the callout wakes it.
pub fn sleep_wakeup_timeout_callout() -> Result<(), String> {
    spawn(|| {
        LOG.push(Event::ASleeps);
        A_RESULT.store(tsleep(&CHAN_A, 0), Ordering::SeqCst);
        LOG.push(Event::AWoken);
    })?;
    spawn(|| {
        LOG.push(Event::BSleeps);
        let t0 = molt_rt::kcall::uptime_ns();
        let e = tsleep(&CHAN_B, B_TICKS);
        B_SLEPT_NS.store(molt_rt::kcall::uptime_ns() - t0, Ordering::SeqCst);
        B_RESULT.store(e, Ordering::SeqCst);
        LOG.push(Event::BTimedOut);
        wakeup(&CHAN_A);
        LOG.push(Event::BWakesA);
    })?;
    spawn(|| LOG.push(Event::CServed))?;
    spawn(|| {
        let t0 = molt_shims::clock::current_tick();
        molt_shims::with_giant(|| {
            // SAFETY: a Rust callback with a static's address, D_TICKS from now.
            unsafe { bsd::timeout(Some(callout_wakes), chan(&CHAN_D), D_TICKS) };
            LOG.push(Event::DSleeps);
        });
        D_RESULT.store(tsleep(&CHAN_D, 0), Ordering::SeqCst);
        D_SLEPT_TICKS.store(molt_shims::clock::current_tick() - t0, Ordering::SeqCst);
        LOG.push(Event::DWoken);
    })?;
    dispatch::run_until_done();

    // C is served while A and B sleep; B's timeout wakes A; the callout
    // wakes D last.
    let want = crate::events::WORKERS;
    let got: Vec<Event> = LOG.events();
    if got[..] != want[..] {
        return Err(format!("events {got:?}, want {want:?}"));
    }
    let ewouldblock = bsd::EWOULDBLOCK as c_int;
    let results = (A_RESULT.load(Ordering::SeqCst), B_RESULT.load(Ordering::SeqCst), D_RESULT.load(Ordering::SeqCst));
    if results != (0, ewouldblock, 0) {
        return Err(format!("tsleep results (woken, timed out, callout) {results:?}"));
    }
    let b_ms = B_SLEPT_NS.load(Ordering::SeqCst) / 1_000_000;
    let tick_ms = 1000 / molt_shims::clock::HZ;
    if b_ms < (B_TICKS as u64 - 1) * tick_ms {
        return Err(format!("a {B_TICKS}-tick tsleep ended after {b_ms} ms"));
    }
    let d_ticks = D_SLEPT_TICKS.load(Ordering::SeqCst);
    if d_ticks < D_TICKS as u64 {
        return Err(format!("a {D_TICKS}-tick callout fired after {d_ticks} ticks"));
    }
    if molt_shims::holding_giant() {
        return Err("the dispatcher holds giant after the workers finished".into());
    }
    molt_rt::outln!("bsdplat: workers: tsleep timeout after {} ms, callout after {} ticks", b_ms, d_ticks);
    Ok(())
}

/// `n` workers sleep on one channel; one more wakes them all; then the
/// same again (the free workers and their stacks are reused).
pub fn many_sleepers(n: usize) -> Result<(), String> {
    for round in 1..=2 {
        for _ in 0..n {
            spawn(|| {
                if tsleep(&CHAN_MANY, 0) == 0 {
                    MANY_DONE.fetch_add(1, Ordering::SeqCst);
                }
            })?;
        }
        spawn(|| wakeup(&CHAN_MANY))?;
        dispatch::run_until_done();
        let done = MANY_DONE.load(Ordering::SeqCst);
        if done != n * round {
            return Err(format!("round {round}: {done} of {} sleepers woke", n * round));
        }
    }
    Ok(())
}

/// A worker's timed wait on the platform monitor (no notification comes)
/// returns after its timeout, driven by the dispatcher's kernel alarm.
pub fn timed_monitor_wait() -> Result<(), String> {
    static WAITED_NS: AtomicU64 = AtomicU64::new(0);
    const TIMEOUT_NS: u64 = 20_000_000;
    spawn(|| {
        let t0 = molt_rt::kcall::uptime_ns();
        molt_shims::platform::sched_lock();
        molt_shims::platform::sched_wait(TIMEOUT_NS);
        molt_shims::platform::sched_unlock();
        WAITED_NS.store(molt_rt::kcall::uptime_ns() - t0, Ordering::SeqCst);
    })?;
    dispatch::run_until_done();
    let waited = WAITED_NS.load(Ordering::SeqCst);
    if waited < TIMEOUT_NS {
        return Err(format!("a 20 ms wait ended after {} us", waited / 1000));
    }
    Ok(())
}
