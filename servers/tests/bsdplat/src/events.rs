//! A log of what the workers did, in order: up to 16 four-bit event codes
//! in one atomic word (no locks, no unsafe), read back as a list.
use alloc::vec::Vec;
use core::sync::atomic::{AtomicU64, Ordering};

/// What happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Event {
    ASleeps = 1,
    BSleeps,
    CServed,
    DSleeps,
    BTimedOut,
    BWakesA,
    AWoken,
    CalloutFired,
    DWoken,
    SleepAsked,
    SleeperSleeps,
    WakeAsked,
    WakerAnswered,
    SleeperAnswered,
}

/// The order the worker check expects.
pub const WORKERS: [Event; 9] = [
    Event::ASleeps,
    Event::BSleeps,
    Event::CServed,
    Event::DSleeps,
    Event::BTimedOut,
    Event::BWakesA,
    Event::AWoken,
    Event::CalloutFired,
    Event::DWoken,
];

/// The order the IPC client check expects (with WORKERS: every event).
pub const CLIENTS: [Event; 5] =
    [Event::SleepAsked, Event::SleeperSleeps, Event::WakeAsked, Event::WakerAnswered, Event::SleeperAnswered];


/// The log: codes packed four bits each, oldest in the high bits.
pub struct Log(AtomicU64);

impl Log {
    pub const fn new() -> Log {
        Log(AtomicU64::new(0))
    }

    /// Appends an event (the 17th and later push the oldest out).
    pub fn push(&self, e: Event) {
        let _ = self.0.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |v| Some((v << 4) | e as u64));
    }

    /// The events so far, oldest first.
    pub fn events(&self) -> Vec<Event> {
        let v = self.0.load(Ordering::SeqCst);
        (0..16)
            .rev()
            .filter_map(|i| {
                let code = ((v >> (i * 4)) & 0xf) as u8;
                WORKERS.iter().chain(&CLIENTS).copied().find(|e| *e as u8 == code)
            })
            .collect()
    }
}
