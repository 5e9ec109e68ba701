//! The hosted scheduler monitor: one lock and one event, built from a std
//! mutex (protecting the owner and an event generation) and two condition
//! variables (the lock coming free; an event). Taking the monitor twice
//! in one thread is a bug in the services and panics instead of hanging.
//! The condition variables are signalled only when someone waits on them
//! (malloc takes the monitor on every call; an uncontended unlock must
//! not cost a futex system call).
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

struct State {
    /// Context id of the holder (0: free).
    owner: u64,
    /// Bumped by every notify_all.
    generation: u64,
    /// Threads waiting for the lock, and for an event.
    lock_waiters: u32,
    event_waiters: u32,
}

static STATE: Mutex<State> = Mutex::new(State { owner: 0, generation: 0, lock_waiters: 0, event_waiters: 0 });
static FREED: Condvar = Condvar::new();
static EVENT: Condvar = Condvar::new();

fn state() -> MutexGuard<'static, State> {
    STATE.lock().unwrap_or_else(|e| e.into_inner())
}

fn acquire(mut s: MutexGuard<'static, State>, me: u64) {
    assert_ne!(s.owner, me, "the scheduler monitor is not re-entrant");
    while s.owner != 0 {
        s.lock_waiters += 1;
        s = FREED.wait(s).unwrap_or_else(|e| e.into_inner());
        s.lock_waiters -= 1;
    }
    s.owner = me;
}

/// Frees the lock (the caller holds STATE) and wakes one lock waiter.
fn release(s: &mut State) {
    s.owner = 0;
    if s.lock_waiters > 0 {
        FREED.notify_one();
    }
}

/// Takes the monitor.
pub fn lock() {
    acquire(state(), super::context::id())
}

/// Releases the monitor.
pub fn unlock() {
    let mut s = state();
    debug_assert_eq!(s.owner, super::context::id(), "monitor released by a thread that does not hold it");
    release(&mut s);
}

/// Releases the monitor, waits for the next notify_all (or the timeout),
/// and takes the monitor again.
pub fn wait(timeout_ns: u64) {
    let me = super::context::id();
    let mut s = state();
    let generation = s.generation;
    release(&mut s);
    s.event_waiters += 1;
    let deadline = (timeout_ns > 0).then(|| Instant::now() + Duration::from_nanos(timeout_ns));
    while s.generation == generation {
        match deadline {
            None => s = EVENT.wait(s).unwrap_or_else(|e| e.into_inner()),
            Some(d) => {
                let now = Instant::now();
                if now >= d {
                    break;
                }
                s = EVENT.wait_timeout(s, d - now).unwrap_or_else(|e| e.into_inner()).0;
            }
        }
    }
    s.event_waiters -= 1;
    acquire(s, me);
}

/// Wakes every waiter.
pub fn notify_all() {
    let mut s = state();
    s.generation += 1;
    if s.event_waiters > 0 {
        EVENT.notify_all();
    }
}
