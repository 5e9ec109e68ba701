//! The hosted timer: one thread (started on the first arm) that sleeps
//! until the armed deadline and then calls the armed function with no
//! lock held. Re-arming replaces the deadline and wakes the thread.
use std::sync::{Condvar, Mutex};
use std::time::Duration;

struct Armed {
    deadline_ns: u64,
    fire: Option<extern "C" fn()>,
    started: bool,
}

static ARMED: Mutex<Armed> = Mutex::new(Armed { deadline_ns: u64::MAX, fire: None, started: false });
static CHANGED: Condvar = Condvar::new();

/// Arms the timer (`u64::MAX` disarms).
pub fn arm(deadline_ns: u64, fire: extern "C" fn()) {
    let mut a = ARMED.lock().unwrap_or_else(|e| e.into_inner());
    a.deadline_ns = deadline_ns;
    a.fire = Some(fire);
    if !a.started {
        a.started = true;
        std::thread::Builder::new().name("softclock".into()).spawn(timer_main).expect("the timer thread starts");
    }
    drop(a);
    CHANGED.notify_all();
}

fn timer_main() {
    let mut a = ARMED.lock().unwrap_or_else(|e| e.into_inner());
    loop {
        let now = super::clock::monotonic_ns();
        if a.deadline_ns <= now {
            let fire = a.fire;
            a.deadline_ns = u64::MAX;
            drop(a);
            if let Some(f) = fire {
                f();
            }
            a = ARMED.lock().unwrap_or_else(|e| e.into_inner());
            continue;
        }
        let wait = Duration::from_nanos((a.deadline_ns - now).min(3_600_000_000_000));
        a = CHANGED.wait_timeout(a, wait).unwrap_or_else(|e| e.into_inner()).0;
    }
}
