//! Callouts: `timeout(ftn, arg, ticks)` / `untimeout(ftn, arg)`.
//!
//! Pending callouts sit in a list ordered by due tick (then by arrival).
//! [`run_due`] runs every callout whose tick has come, with the giant lock
//! held. Who calls it depends on the clock: under the real clock the
//! platform's timer does (armed for the earliest due tick: a host thread,
//! or a Molt alarm in a server); under the virtual clock
//! `crate::clock::advance` does, tick by tick, so tests are deterministic.
use alloc::vec::Vec;
use core::ffi::{c_int, c_void};

use super::clock;
use super::monitor::{Guard, Monitor};
use crate::platform;

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

static CALLOUTS: Monitor<Callouts> = Monitor::new(Callouts { pending: Vec::new(), next_seq: 0 });

fn callouts() -> Guard<'static, Callouts> {
    CALLOUTS.lock()
}

/// Schedules `action` to run `ticks` ticks from now (at least one).
pub fn schedule(action: Action, ticks: c_int) {
    let due = clock::current_tick() + ticks.max(1) as u64;
    let mut c = callouts();
    let seq = c.next_seq;
    c.next_seq += 1;
    let at = c.pending.partition_point(|p| (p.due, p.seq) <= (due, seq));
    c.pending.insert(at, Pending { due, seq, action });
    let first = at == 0;
    drop(c);
    if first {
        arm_timer(due);
    }
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
    let next = callouts().pending.first().map(|p| p.due);
    if let Some(due) = next {
        arm_timer(due);
    }
}

/// The platform timer's callback: runs the due callouts with giant (only
/// while the real clock is in use; `advance` drives the virtual one).
extern "C" fn softclock() {
    if platform::virtual_clock::now_ns().is_none() {
        super::sched::with_giant(run_due);
    }
}

/// Under the real clock, arms the platform timer for tick `due`.
fn arm_timer(due: u64) {
    if platform::virtual_clock::now_ns().is_none() {
        platform::timer_arm(due.saturating_mul(clock::tick_ns()), softclock);
    }
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
