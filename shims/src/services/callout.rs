//! Callouts: `timeout(ftn, arg, ticks)` / `untimeout(ftn, arg)`.
//!
//! Pending callouts sit in a list ordered by due tick (then by arrival).
//! [`run_due`] runs every callout whose tick has come, with the giant lock
//! held. Who calls it depends on the clock: under the real clock a hosted
//! "softclock" thread does, every tick; under the virtual clock
//! `crate::clock::advance` does, tick by tick, so tests are deterministic.
use core::ffi::{c_int, c_void};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use super::clock;

/// What a callout does when it fires.
#[derive(Clone, Copy, Debug)]
pub enum Action {
    /// Call a C function with its argument.
    Call { func: extern "C" fn(*mut c_void), arg: usize },
    /// End the tsleep of this sleeper (its timeout).
    WakeSleeper(u64),
}

impl PartialEq for Action {
    /// Two C callouts are the same when they name the same function address
    /// and argument (what untimeout() matches on).
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Action::Call { func: f, arg: a }, Action::Call { func: g, arg: b }) => *f as usize == *g as usize && a == b,
            (Action::WakeSleeper(x), Action::WakeSleeper(y)) => x == y,
            _ => false,
        }
    }
}

struct Pending {
    due: u64,
    seq: u64,
    action: Action,
}

struct Callouts {
    pending: Vec<Pending>,
    next_seq: u64,
}

static CALLOUTS: Mutex<Callouts> = Mutex::new(Callouts { pending: Vec::new(), next_seq: 0 });
static TICKER_STARTED: AtomicBool = AtomicBool::new(false);

fn callouts() -> std::sync::MutexGuard<'static, Callouts> {
    CALLOUTS.lock().unwrap_or_else(|e| e.into_inner())
}

/// Schedules `action` to run `ticks` ticks from now (at least one).
pub fn schedule(action: Action, ticks: c_int) {
    let due = clock::current_tick() + ticks.max(1) as u64;
    let mut c = callouts();
    let seq = c.next_seq;
    c.next_seq += 1;
    let at = c.pending.partition_point(|p| (p.due, p.seq) <= (due, seq));
    c.pending.insert(at, Pending { due, seq, action });
    drop(c);
    start_ticker();
}

/// Cancels the earliest pending callout equal to `action`; true if one was.
pub fn cancel(action: Action) -> bool {
    let mut c = callouts();
    match c.pending.iter().position(|p| p.action == action) {
        Some(i) => {
            c.pending.remove(i);
            true
        }
        None => false,
    }
}

/// Number of pending callouts.
pub fn pending() -> usize {
    callouts().pending.len()
}

/// Runs every callout that is due. The caller holds the giant lock.
pub fn run_due() {
    let now = clock::current_tick();
    clock::refresh_clock_vars();
    loop {
        let next = {
            let mut c = callouts();
            if c.pending.first().is_some_and(|p| p.due <= now) {
                Some(c.pending.remove(0).action)
            } else {
                None
            }
        };
        match next {
            Some(Action::Call { func, arg }) => func(arg as *mut c_void),
            Some(Action::WakeSleeper(id)) => super::sched::time_out_sleeper(id),
            None => break,
        }
    }
}

/// The softclock thread: every tick, takes giant and runs due callouts
/// (only while the real clock is in use).
extern "C" fn softclock_main(_arg: *mut c_void) {
    loop {
        crate::platform::sleep_ns(clock::tick_ns());
        if crate::platform::virtual_clock::now_ns().is_none() {
            super::sched::with_giant(run_due);
        }
    }
}

/// Under the real clock, starts the softclock thread (once).
fn start_ticker() {
    if crate::platform::virtual_clock::now_ns().is_some() || TICKER_STARTED.swap(true, Ordering::SeqCst) {
        return;
    }
    // SAFETY: softclock_main ignores its argument and may run on any
    // thread; the name is a NUL-terminated literal.
    let e = unsafe { crate::platform::thread_create(softclock_main, core::ptr::null_mut(), c"softclock".as_ptr()) };
    assert_eq!(e, 0, "the softclock thread could not start");
}

/// `void timeout(void (*ftn)(void *), void *arg, int ticks)`.
#[export_name = "bsd_timeout"]
pub extern "C" fn timeout(ftn: extern "C" fn(*mut c_void), arg: *mut c_void, ticks: c_int) {
    schedule(Action::Call { func: ftn, arg: arg as usize }, ticks)
}

/// `void untimeout(void (*ftn)(void *), void *arg)`: cancels the first
/// pending callout of ftn with arg, if any.
#[export_name = "bsd_untimeout"]
pub extern "C" fn untimeout(ftn: extern "C" fn(*mut c_void), arg: *mut c_void) {
    cancel(Action::Call { func: ftn, arg: arg as usize });
}
