//! The dispatcher: the server's initial context, which runs the ready
//! workers and receives messages. A BSD server's main loop is
//!
//! ```text
//! loop {
//!     let from = dispatch::receive(&mut msg);   // runs workers, timers
//!     dispatch::spawn(move || handle(from, msg)); // the request's worker
//! }
//! ```
//!
//! `receive` runs every ready worker first, then sleeps in IPC receive
//! with a kernel alarm set for the earliest deadline (a tsleep timeout or
//! the callout timer); alarms are consumed here (they wake workers and run
//! callouts) and everything else is returned: requests, and kernel
//! notifications with other bits (interrupts) with the alarm bit removed.
use alloc::boxed::Box;
use core::ffi::{c_int, c_void};

use molt_abi::message::{IPC_MSG_NOTIFY, NOTIFY_ALARM};
use molt_abi::{Endpoint, Message};
use molt_rt::{ipc, kcall};

use super::{clock, workers};

/// Runs ready workers and due timers until a message that is not only an
/// alarm arrives; returns its sender.
pub fn receive(msg: &mut Message) -> Endpoint {
    loop {
        if let Some(from) = receive_until(msg, u64::MAX) {
            return from;
        }
    }
}

/// Like [`receive`], but gives up at monotonic time `until_ns` (`None`).
pub fn receive_until(msg: &mut Message, until_ns: u64) -> Option<Endpoint> {
    loop {
        let Some(next) = run_until_idle() else { continue };
        let now = clock::monotonic_ns();
        if now >= until_ns {
            return None;
        }
        let next = next.min(until_ns);
        let _ = kcall::alarm(if next == u64::MAX { 0 } else { next.saturating_sub(now).max(1) });
        let Ok(from) = ipc::receive(Endpoint::ANY, msg) else { continue };
        if from == Endpoint::KERNEL && msg.mtype == IPC_MSG_NOTIFY {
            msg.payload[0] &= !NOTIFY_ALARM;
            if msg.payload[0] == 0 {
                continue;
            }
        }
        return Some(from);
    }
}

/// Runs ready workers and due timers until nothing is ready or due.
/// Returns the next deadline (`u64::MAX`: none), or `None` if more work
/// became ready meanwhile (call again).
pub fn run_until_idle() -> Option<u64> {
    workers::run_ready();
    let (fire, next) = workers::expire(clock::monotonic_ns());
    if let Some(fire) = fire {
        fire();
        return None;
    }
    if workers::has_ready() {
        return None;
    }
    Some(next.unwrap_or(u64::MAX))
}

/// Runs workers, timers and alarms until no worker is busy (for programs
/// that do their work on workers and then end, such as tests).
pub fn run_until_done() {
    let mut msg = Message::default();
    while workers::busy() > 0 {
        let Some(next) = run_until_idle() else { continue };
        if workers::busy() == 0 {
            break;
        }
        if next == u64::MAX {
            // Busy workers, no deadline: only a message can wake them.
            let _ = receive(&mut msg);
            continue;
        }
        let now = clock::monotonic_ns();
        let _ = kcall::alarm(next.saturating_sub(now).max(1));
        let _ = ipc::receive(Endpoint::KERNEL, &mut msg);
    }
}

extern "C" fn run_boxed(arg: *mut c_void) {
    // SAFETY: arg is the Box made by `spawn`, handed over exactly once.
    let f = unsafe { Box::from_raw(arg.cast::<Box<dyn FnOnce()>>()) };
    f()
}

/// Starts a worker running `f`; 0 or EAGAIN.
pub fn spawn(f: impl FnOnce() + 'static) -> c_int {
    let boxed: Box<Box<dyn FnOnce()>> = Box::new(Box::new(f));
    let arg = Box::into_raw(boxed);
    let e = workers::create(run_boxed, arg.cast());
    if e != 0 {
        // SAFETY: the worker was not created, so the Box is still ours.
        drop(unsafe { Box::from_raw(arg) });
    }
    e
}
