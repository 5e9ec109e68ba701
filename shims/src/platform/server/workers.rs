//! The server's user-level threads ("workers"), MINIX 3 VFS style: each
//! request runs on a worker with its own stack; a worker runs until it
//! waits on the monitor (tsleep, waiting for giant) or finishes, and then
//! control goes back to the dispatcher (the process's initial context,
//! which receives messages). Switching is cooperative and happens only
//! there, so the giant lock is always free when the dispatcher runs.
//!
//! Worker stacks are anonymous mappings of [`STACK_SIZE`] bytes, each with
//! an unmapped guard page below it, kept and reused when a worker is
//! free again (as are its private word: the BSD `proc` of that worker).
use alloc::vec::Vec;
use core::ffi::{c_int, c_void};

use super::local::Local;
use super::runq::{RunQueue, Slot, NEVER};
use super::switch;

/// Bytes of stack per worker (4.4BSD kernel stacks were 8 KiB; the C here
/// is the same code).
pub const STACK_SIZE: usize = 64 << 10;
/// Address space per worker: the stack and a guard page below it.
const STACK_SPAN: usize = STACK_SIZE + 4096;
/// Where worker stacks start (above the heap, below the initial stack).
const STACKS_BASE: usize = 0x5000_0000_0000;
/// Most workers a server may have.
pub const MAX_WORKERS: usize = 256;
/// The dispatcher's context id (workers get 2, 3, ... one per start).
pub const DISPATCHER_ID: u64 = 1;

struct Worker {
    /// This run's context id.
    id: u64,
    /// Saved stack pointer while not running.
    sp: usize,
    /// Top of this worker's stack.
    stack_top: usize,
    /// What to run next (taken when it starts).
    entry: Option<(extern "C" fn(*mut c_void), usize)>,
    /// The context's private word.
    private: usize,
}

struct Scheduler {
    runq: RunQueue,
    workers: Vec<Worker>,
    /// The running worker; `None` when the dispatcher runs.
    current: Option<Slot>,
    dispatcher_sp: usize,
    dispatcher_private: usize,
    next_id: u64,
    monitor_held: bool,
    /// The platform timer: deadline and callback.
    timer: Option<(u64, extern "C" fn())>,
}

static SCHED: Local<Scheduler> = Local::new(Scheduler {
    runq: RunQueue::new(),
    workers: Vec::new(),
    current: None,
    dispatcher_sp: 0,
    dispatcher_private: 0,
    next_id: DISPATCHER_ID + 1,
    monitor_held: false,
    timer: None,
});

fn new_stack(index: usize) -> Option<usize> {
    let base = STACKS_BASE + index * STACK_SPAN + 4096;
    super::heap::map(base, STACK_SIZE).then_some(base + STACK_SIZE)
}

/// Starts a worker running `func(arg)` (a free one, or a new one);
/// returns 0 or EAGAIN (no memory for a stack, or too many workers).
pub fn create(func: extern "C" fn(*mut c_void), arg: *mut c_void) -> c_int {
    let free = SCHED.with(|s| s.runq.free_slot());
    let slot = match free {
        Some(slot) => slot,
        None => {
            let index = SCHED.with(|s| s.workers.len());
            let Some(stack_top) = (index < MAX_WORKERS).then(|| new_stack(index)).flatten() else {
                return crate::bsd::EAGAIN as c_int;
            };
            SCHED.with(|s| {
                s.workers.push(Worker { id: 0, sp: 0, stack_top, entry: None, private: 0 });
                s.runq.add()
            })
        }
    };
    SCHED.with(|s| {
        let id = s.next_id;
        s.next_id += 1;
        let w = &mut s.workers[slot];
        w.id = id;
        w.entry = Some((func, arg as usize));
        // SAFETY: the worker is free, so nothing runs on its stack; the
        // top 64 bytes of it are mapped and writable.
        w.sp = unsafe { switch::prepare(w.stack_top, worker_main) };
        s.runq.start(slot);
    });
    0
}

/// Where every worker starts: runs its entry, then gives the CPU back to
/// the dispatcher for good (a new start prepares the stack afresh).
extern "C" fn worker_main() -> ! {
    let entry = SCHED.with(|s| s.current.and_then(|slot| s.workers[slot].entry.take()));
    if let Some((func, arg)) = entry {
        func(arg as *mut c_void);
    }
    let (save, load) = SCHED.with(|s| {
        let slot = s.current.take().expect("a worker is running");
        s.runq.finish(slot);
        (&mut s.workers[slot].sp as *mut usize, s.dispatcher_sp)
    });
    // SAFETY: dispatcher_sp was saved when the dispatcher switched to us;
    // `save` is our slot's field (not retained past the switch).
    unsafe { switch::switch(save, load) };
    unreachable!("a finished worker is never resumed")
}

/// Dispatcher only: runs ready workers until none is ready. Each runs
/// until it waits or finishes.
pub fn run_ready() {
    loop {
        let next = SCHED.with(|s| {
            assert!(s.current.is_none(), "run_ready is for the dispatcher");
            let slot = s.runq.next()?;
            s.current = Some(slot);
            Some((&mut s.dispatcher_sp as *mut usize, s.workers[slot].sp))
        });
        let Some((save, load)) = next else { return };
        // SAFETY: load is the slot's prepared or saved stack pointer (it was
        // ready, so not running); save is the dispatcher's field in a static.
        unsafe { switch::switch(save, load) };
    }
}

/// The running worker waits until a notification or `deadline`; the
/// dispatcher runs meanwhile.
fn block_current(deadline: u64) {
    let (save, load) = SCHED.with(|s| {
        let slot = s.current.take().expect("only a worker blocks");
        s.runq.block(slot, deadline);
        (&mut s.workers[slot].sp as *mut usize, s.dispatcher_sp)
    });
    // SAFETY: as in worker_main; we are resumed by run_ready.
    unsafe { switch::switch(save, load) };
}

/// The calling context's id.
pub fn id() -> u64 {
    SCHED.with(|s| s.current.map_or(DISPATCHER_ID, |slot| s.workers[slot].id))
}

/// The calling context's private word.
pub fn private() -> *mut c_void {
    SCHED.with(|s| s.current.map_or(s.dispatcher_private, |slot| s.workers[slot].private)) as *mut c_void
}

/// Sets the calling context's private word.
pub fn set_private(value: *mut c_void) {
    SCHED.with(|s| match s.current {
        Some(slot) => s.workers[slot].private = value as usize,
        None => s.dispatcher_private = value as usize,
    })
}

/// Takes the monitor. With one kernel thread and switches only in
/// [`monitor_wait`], this only checks it is not taken twice.
pub fn monitor_lock() {
    SCHED.with(|s| {
        assert!(!s.monitor_held, "the scheduler monitor is not re-entrant");
        s.monitor_held = true;
    })
}

/// Releases the monitor.
pub fn monitor_unlock() {
    SCHED.with(|s| s.monitor_held = false)
}

/// A worker waits for a notification or the timeout; the dispatcher
/// (which must not block here: it is the one that receives messages)
/// runs the ready workers instead and returns.
pub fn monitor_wait(timeout_ns: u64) {
    let is_worker = SCHED.with(|s| {
        s.monitor_held = false;
        s.current.is_some()
    });
    if is_worker {
        let deadline = if timeout_ns == 0 { NEVER } else { super::clock::monotonic_ns().saturating_add(timeout_ns) };
        block_current(deadline);
    } else {
        run_ready();
    }
    monitor_lock();
}

/// Every waiting worker becomes ready.
pub fn monitor_notify_all() {
    SCHED.with(|s| s.runq.notify_all());
}

/// Arms the platform timer.
pub fn timer_arm(deadline_ns: u64, fire: extern "C" fn()) {
    SCHED.with(|s| s.timer = (deadline_ns != u64::MAX).then_some((deadline_ns, fire)));
}

/// Dispatcher only: wakes the workers whose deadline passed and, if the
/// timer is due, disarms it and returns its callback (to be called by the
/// dispatcher with nothing borrowed). Returns the next deadline too.
pub fn expire(now: u64) -> (Option<extern "C" fn()>, Option<u64>) {
    SCHED.with(|s| {
        s.runq.expire(now);
        let fire = match s.timer {
            Some((deadline, fire)) if deadline <= now => {
                s.timer = None;
                Some(fire)
            }
            _ => None,
        };
        let timer = s.timer.map(|(d, _)| d);
        let next = match (s.runq.next_deadline(), timer) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        (fire, next)
    })
}

/// True when a worker is ready to run.
pub fn has_ready() -> bool {
    SCHED.with(|s| s.runq.has_ready())
}

/// Workers that are not free (running, ready or waiting).
pub fn busy() -> usize {
    SCHED.with(|s| s.runq.busy())
}
