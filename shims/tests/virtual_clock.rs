//! Callouts and tsleep timeouts under the virtual clock: nothing fires
//! until the test moves time, and then everything fires at its tick.
#![allow(clippy::manual_dangling_ptr)] // small integers as callout arguments
use core::ffi::{c_int, c_void};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use molt_shims::bsd;

static FIRED: Mutex<Vec<(usize, u64)>> = Mutex::new(Vec::new());
static REARMS: AtomicUsize = AtomicUsize::new(0);

extern "C" fn record(arg: *mut c_void) {
    FIRED.lock().unwrap().push((arg as usize, molt_shims::clock::current_tick()));
}

extern "C" fn rearm(arg: *mut c_void) {
    if REARMS.fetch_add(1, Ordering::SeqCst) < 4 {
        // SAFETY: re-scheduling this same callout, as slow timers do.
        unsafe { bsd::timeout(Some(rearm), arg, 10) };
    }
}

#[test]
fn callouts_and_sleeps_follow_virtual_time() {
    molt_shims::platform::virtual_clock::enable();
    molt_shims::with_giant(|| {
        // SAFETY: scheduling Rust callbacks with plain integer arguments.
        unsafe {
            bsd::timeout(Some(record), 3 as *mut c_void, 30);
            bsd::timeout(Some(record), 1 as *mut c_void, 10);
            bsd::timeout(Some(record), 2 as *mut c_void, 20);
            bsd::timeout(Some(record), 9 as *mut c_void, 15);
            bsd::untimeout(Some(record), 9 as *mut c_void);
            bsd::timeout(Some(rearm), core::ptr::null_mut(), 10);
        }
    });
    std::thread::sleep(std::time::Duration::from_millis(50));
    assert!(FIRED.lock().unwrap().is_empty(), "real time passing fires nothing");

    molt_shims::clock::advance(250_000_000); // 25 ticks
    assert_eq!(*FIRED.lock().unwrap(), vec![(1, 10), (2, 20)]);
    molt_shims::clock::advance(50_000_000);
    assert_eq!(FIRED.lock().unwrap().last(), Some(&(3, 30)));
    molt_shims::clock::advance(1_000_000_000);
    assert_eq!(REARMS.load(Ordering::SeqCst), 5, "a callout may re-arm itself");

    // A tsleep with a timeout ends when virtual time reaches it.
    let sleeper = std::thread::spawn(|| {
        molt_shims::with_giant(|| {
            let chan = &FIRED as *const _ as *mut c_void;
            // SAFETY: sleeping on a static's address for 5 ticks.
            unsafe { bsd::tsleep(chan, bsd::PWAIT as c_int, c"wait".as_ptr(), 5) }
        })
    });
    while molt_shims::callout::pending() == 0 {
        std::thread::yield_now();
    }
    std::thread::sleep(std::time::Duration::from_millis(20));
    assert!(!sleeper.is_finished(), "no virtual time passed, so the sleep goes on");
    molt_shims::clock::advance(60_000_000);
    assert_eq!(sleeper.join().unwrap(), bsd::EWOULDBLOCK as c_int);
}
