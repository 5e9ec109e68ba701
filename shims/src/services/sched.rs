//! The giant lock, sleep/wakeup and the spl levels.
//!
//! Concurrency model (a uniprocessor 4.4BSD kernel): one giant lock is held
//! by whichever thread runs BSD C code. A thread takes it with
//! [`with_giant`]; `tsleep` releases it while the thread sleeps and takes it
//! back before returning; callouts run holding it. So C code sees no
//! concurrency except across a tsleep, exactly as on 4.4BSD, and spl*()
//! only record a level (no interrupt can run while C code holds giant).
//!
//! Each execution context that enters (a thread, a server worker) gets its
//! own `struct proc` (credentials copied from proc0's), kept in the
//! context's private word, and `curproc` points at it while it holds giant.
//! The state here lives under the platform monitor ([`Monitor`]).
use alloc::collections::BTreeMap;
use core::ffi::{c_char, c_int, c_void};

use super::monitor::{Guard, Monitor};
use crate::bsd;
use crate::platform;

/// A context identity (`platform::ctx_id`, never 0).
type ContextId = u64;

struct Channel {
    generation: u64,
    sleepers: u32,
}

struct Sched {
    owner: Option<ContextId>,
    /// Channels with sleepers; `wakeup` bumps the generation.
    channels: BTreeMap<usize, Channel>,
    /// Sleepers whose tsleep timeout fired, by sleeper id.
    timed_out: BTreeMap<u64, ()>,
    next_sleeper: u64,
}

static SCHED: Monitor<Sched> = Monitor::new(Sched {
    owner: None,
    channels: BTreeMap::new(),
    timed_out: BTreeMap::new(),
    next_sleeper: 1,
});

fn me() -> ContextId {
    platform::ctx_id()
}

/// True when the calling thread holds the giant lock.
pub fn holding_giant() -> bool {
    SCHED.lock().owner == Some(me())
}

fn wait_for_giant(mut s: Guard<'_, Sched>) {
    while s.owner.is_some() {
        s = SCHED.wait(s);
    }
    s.owner = Some(me());
    drop(s);
    set_curproc();
    super::clock::refresh_clock_vars();
}

fn release_giant() {
    let mut s = SCHED.lock();
    s.owner = None;
    drop(s);
    SCHED.notify_all();
}

/// Runs `f` holding the giant lock (taking it if this thread does not hold
/// it yet). All calls into BSD C code go through here.
pub fn with_giant<R>(f: impl FnOnce() -> R) -> R {
    if holding_giant() {
        return f();
    }
    wait_for_giant(SCHED.lock());
    struct Release;
    impl Drop for Release {
        fn drop(&mut self) {
            release_giant();
        }
    }
    let _release = Release;
    f()
}

/// This context's proc, made on first use with a copy of proc0's credentials.
fn thread_proc() -> *mut bsd::proc_ {
    let mut p = platform::ctx_private().cast::<bsd::proc_>();
    if p.is_null() {
        p = super::cred::new_thread_proc();
        platform::ctx_set_private(p.cast());
    }
    p
}

fn set_curproc() {
    let p = thread_proc();
    // SAFETY: curproc is only written by the giant-lock holder, which we are.
    unsafe { bsd::curproc = p };
}

/// Sleeps on `chan` until `wakeup(chan)` or `timo` ticks pass (0: forever).
/// Returns 0 when woken, EWOULDBLOCK on timeout.
fn sleep_on(chan: usize, wmesg: *const c_char, timo: c_int) -> c_int {
    let id;
    let generation;
    {
        let mut s = SCHED.lock();
        assert_eq!(s.owner, Some(me()), "tsleep without the giant lock");
        id = s.next_sleeper;
        s.next_sleeper += 1;
        let ch = s.channels.entry(chan).or_insert(Channel { generation: 0, sleepers: 0 });
        ch.sleepers += 1;
        generation = ch.generation;
    }
    if timo > 0 {
        super::callout::schedule(super::callout::Action::WakeSleeper(id), timo);
    }
    let p = thread_proc();
    // SAFETY: p is this thread's proc; we hold giant, so nobody else writes it.
    unsafe {
        (*p).p_wchan = chan as *mut c_void;
        (*p).p_wmesg = wmesg;
        (*p).p_stat = bsd::SSLEEP as c_char;
    }
    let mut s = SCHED.lock();
    s.owner = None;
    SCHED.notify_all();
    let timed_out = loop {
        if s.timed_out.remove(&id).is_some() {
            break s.channels.get(&chan).is_none_or(|c| c.generation == generation);
        }
        if s.channels.get(&chan).is_some_and(|c| c.generation != generation) {
            break false;
        }
        s = SCHED.wait(s);
    };
    if let Some(ch) = s.channels.get_mut(&chan) {
        ch.sleepers -= 1;
        if ch.sleepers == 0 {
            s.channels.remove(&chan);
        }
    }
    wait_for_giant(s);
    if timo > 0 && !timed_out {
        super::callout::cancel(super::callout::Action::WakeSleeper(id));
        SCHED.lock().timed_out.remove(&id);
    }
    // SAFETY: as above; we hold giant again.
    unsafe {
        (*p).p_wchan = core::ptr::null_mut();
        (*p).p_stat = bsd::SRUN as c_char;
    }
    if timed_out {
        bsd::EWOULDBLOCK as c_int
    } else {
        0
    }
}

/// Marks sleeper `id` as timed out (called by the callout that tsleep set).
pub(crate) fn time_out_sleeper(id: u64) {
    SCHED.lock().timed_out.insert(id, ());
    SCHED.notify_all();
}

fn wake(chan: usize) {
    let mut s = SCHED.lock();
    if let Some(ch) = s.channels.get_mut(&chan) {
        ch.generation += 1;
        drop(s);
        SCHED.notify_all();
    }
}

/// `int tsleep(void *chan, int pri, const char *wmesg, int timo)`. There are
/// no signals in Molt's BSD code, so PCATCH never interrupts a sleep.
#[export_name = "bsd_tsleep"]
pub extern "C" fn tsleep(chan: *mut c_void, _pri: c_int, wmesg: *const c_char, timo: c_int) -> c_int {
    sleep_on(chan as usize, wmesg, timo)
}

/// `void wakeup(void *chan)`: wakes every thread sleeping on chan.
#[export_name = "bsd_wakeup"]
pub extern "C" fn wakeup(chan: *mut c_void) {
    wake(chan as usize)
}

/// `void wakeup_one(void *chan)`: wakes the sleepers on chan (all of them:
/// 4.4BSD callers re-check their condition, so extra wakeups are harmless).
#[export_name = "bsd_wakeup_one"]
pub extern "C" fn wakeup_one(chan: *mut c_void) {
    wake(chan as usize)
}

// spl: the current level, only touched by the giant holder.
static SPL: core::sync::atomic::AtomicI32 = core::sync::atomic::AtomicI32::new(0);

fn raise(level: c_int) -> c_int {
    let old = SPL.load(core::sync::atomic::Ordering::Relaxed);
    SPL.store(old.max(level), core::sync::atomic::Ordering::Relaxed);
    old
}

/// Interrupt priority levels, lowest to highest.
pub mod spl_level {
    pub const SOFTCLOCK: i32 = 1;
    pub const SOFTNET: i32 = 2;
    pub const NET: i32 = 3;
    pub const BIO: i32 = 4;
    pub const TTY: i32 = 5;
    pub const IMP: i32 = 6;
    pub const CLOCK: i32 = 7;
    pub const HIGH: i32 = 8;
}

macro_rules! spl_fn {
    ($name:ident, $export:literal, $level:expr) => {
        #[doc = concat!("`int ", stringify!($name), "(void)`: raises the level; returns the old one.")]
        #[export_name = $export]
        pub extern "C" fn $name() -> c_int {
            raise($level)
        }
    };
}
spl_fn!(splsoftclock, "bsd_splsoftclock", spl_level::SOFTCLOCK);
spl_fn!(splsoftnet, "bsd_splsoftnet", spl_level::SOFTNET);
spl_fn!(splnet, "bsd_splnet", spl_level::NET);
spl_fn!(splbio, "bsd_splbio", spl_level::BIO);
spl_fn!(spltty, "bsd_spltty", spl_level::TTY);
spl_fn!(splimp, "bsd_splimp", spl_level::IMP);
spl_fn!(splclock, "bsd_splclock", spl_level::CLOCK);
spl_fn!(splhigh, "bsd_splhigh", spl_level::HIGH);

/// `int spl0(void)`: drops to level 0; returns the old level.
#[export_name = "bsd_spl0"]
pub extern "C" fn spl0() -> c_int {
    SPL.swap(0, core::sync::atomic::Ordering::Relaxed)
}

/// `void splx(int s)`: restores a level returned by an spl call.
#[export_name = "bsd_splx"]
pub extern "C" fn splx(s: c_int) {
    SPL.store(s, core::sync::atomic::Ordering::Relaxed)
}

/// The current spl level (for tests and assertions).
pub fn spl_current() -> i32 {
    SPL.load(core::sync::atomic::Ordering::Relaxed)
}
