//! Stride scheduling (Waldspurger): CPU shares proportional to tickets.
//!
//! Each slot has `stride = STRIDE1 / tickets` and a `pass`; the runnable
//! slot with the smallest pass runs next, and running advances its pass by
//! `stride` per nanosecond of CPU it used, so over time every slot's CPU
//! time is proportional to its tickets. Passes are `u128`, which cannot
//! overflow in any realistic uptime, so comparisons are plain.
//!
//! A slot that slept does not bank credit: on waking, its pass is raised to
//! the global virtual time (the pass of the most recently picked slot), so
//! it competes from "now" and cannot monopolise the CPU.
//!
//! The runnable set is an indexed binary min-heap over slots keyed by
//! (pass, slot): O(log n) insert, remove and pick.

use super::{slot, Policy, RunState};
use molt_abi::endpoint::MAX_PROCS;

/// Pass advance per nanosecond for a slot holding one ticket.
pub const STRIDE1: u64 = 1 << 20;
/// Most tickets a slot may hold (larger values are clamped).
pub const MAX_TICKETS: u32 = 1 << 16;
const NOT_QUEUED: u16 = u16::MAX;
const _: () = assert!(MAX_PROCS < NOT_QUEUED as usize);

#[derive(Clone, Copy)]
struct Thread {
    state: RunState,
    tickets: u32,
    stride: u64,
    pass: u128,
    used_ns: u64,
}

const ABSENT: Thread = Thread {
    state: RunState::Absent,
    tickets: 1,
    stride: STRIDE1,
    pass: 0,
    used_ns: 0,
};

/// The stride policy.
pub struct Stride {
    quantum_ns: u64,
    threads: [Thread; MAX_PROCS],
    virtual_time: u128,
    heap: [u16; MAX_PROCS],
    heap_len: usize,
    /// Index of each slot in `heap`, or NOT_QUEUED.
    position: [u16; MAX_PROCS],
}

impl Stride {
    /// A policy preempting after `quantum_ns` of CPU.
    pub const fn new(quantum_ns: u64) -> Stride {
        Stride {
            quantum_ns,
            threads: [ABSENT; MAX_PROCS],
            virtual_time: 0,
            heap: [0; MAX_PROCS],
            heap_len: 0,
            position: [NOT_QUEUED; MAX_PROCS],
        }
    }

    /// The state of slot `t`.
    pub fn state(&self, t: usize) -> RunState {
        slot(t).map_or(RunState::Absent, |t| self.threads[t].state)
    }

    /// The pass of slot `t` (for tests and statistics).
    pub fn pass(&self, t: usize) -> Option<u128> {
        slot(t).map(|t| self.threads[t].pass)
    }

    fn key(&self, t: u16) -> (u128, u16) {
        (self.threads[usize::from(t)].pass, t)
    }

    fn place(&mut self, i: usize, t: u16) {
        self.heap[i] = t;
        self.position[usize::from(t)] = i as u16;
    }

    fn sift_up(&mut self, mut i: usize) {
        let t = self.heap[i];
        while i > 0 {
            let parent = (i - 1) / 2;
            if self.key(self.heap[parent]) <= self.key(t) {
                break;
            }
            self.place(i, self.heap[parent]);
            i = parent;
        }
        self.place(i, t);
    }

    fn sift_down(&mut self, mut i: usize) {
        let t = self.heap[i];
        loop {
            let left = 2 * i + 1;
            if left >= self.heap_len {
                break;
            }
            let right = left + 1;
            let child = if right < self.heap_len
                && self.key(self.heap[right]) < self.key(self.heap[left])
            {
                right
            } else {
                left
            };
            if self.key(t) <= self.key(self.heap[child]) {
                break;
            }
            self.place(i, self.heap[child]);
            i = child;
        }
        self.place(i, t);
    }

    fn enqueue(&mut self, t: usize) {
        let i = self.heap_len;
        self.heap_len += 1;
        self.place(i, t as u16);
        self.sift_up(i);
        self.threads[t].state = RunState::Runnable;
    }

    fn dequeue(&mut self, t: usize) {
        let i = usize::from(self.position[t]);
        if i >= self.heap_len {
            return;
        }
        self.position[t] = NOT_QUEUED;
        self.heap_len -= 1;
        if i < self.heap_len {
            let last = self.heap[self.heap_len];
            self.place(i, last);
            self.sift_down(i);
            self.sift_up(usize::from(self.position[usize::from(last)]));
        }
    }
}

impl Policy for Stride {
    fn name(&self) -> &'static str {
        "stride"
    }

    fn add(&mut self, t: usize, _priority: u8, tickets: u32) {
        let Some(t) = slot(t) else { return };
        self.remove(t);
        let tickets = clamp(tickets);
        self.threads[t] = Thread {
            state: RunState::Blocked,
            tickets,
            stride: STRIDE1 / u64::from(tickets),
            pass: self.virtual_time,
            used_ns: 0,
        };
    }

    fn remove(&mut self, t: usize) {
        let Some(t) = slot(t) else { return };
        if self.threads[t].state == RunState::Runnable {
            self.dequeue(t);
        }
        self.threads[t] = ABSENT;
    }

    fn wake(&mut self, t: usize) {
        let Some(t) = slot(t) else { return };
        if self.threads[t].state == RunState::Blocked {
            self.threads[t].pass = self.threads[t].pass.max(self.virtual_time);
            self.enqueue(t);
        }
    }

    fn block(&mut self, t: usize) {
        let Some(t) = slot(t) else { return };
        match self.threads[t].state {
            RunState::Runnable => self.dequeue(t),
            RunState::Running => {}
            RunState::Blocked | RunState::Absent => return,
        }
        self.threads[t].state = RunState::Blocked;
    }

    fn pick_next(&mut self) -> Option<usize> {
        if self.heap_len == 0 {
            return None;
        }
        let t = usize::from(self.heap[0]);
        self.dequeue(t);
        self.threads[t].state = RunState::Running;
        self.virtual_time = self.virtual_time.max(self.threads[t].pass);
        Some(t)
    }

    fn tick(&mut self, running: usize, elapsed_ns: u64) -> bool {
        let Some(t) = slot(running) else { return false };
        let th = &mut self.threads[t];
        if th.state != RunState::Running {
            return false;
        }
        th.pass += u128::from(elapsed_ns) * u128::from(th.stride);
        th.used_ns = th.used_ns.saturating_add(elapsed_ns);
        th.used_ns >= self.quantum_ns
    }

    fn yield_(&mut self, t: usize) {
        let Some(t) = slot(t) else { return };
        if self.threads[t].state == RunState::Running {
            self.threads[t].used_ns = 0;
            self.enqueue(t);
        }
    }

    fn should_preempt(&self, _running: usize) -> bool {
        // Shares are enforced at quantum boundaries; a waking slot waits for
        // the current quantum to end.
        false
    }

    fn set_params(&mut self, t: usize, _priority: u8, tickets: u32) {
        let Some(t) = slot(t) else { return };
        if self.threads[t].state == RunState::Absent {
            return;
        }
        let tickets = clamp(tickets);
        self.threads[t].tickets = tickets;
        self.threads[t].stride = STRIDE1 / u64::from(tickets);
    }
}

fn clamp(tickets: u32) -> u32 {
    tickets.clamp(1, MAX_TICKETS)
}
