//! MINIX-like multi-level priority round robin.
//!
//! Sixteen levels, 0 the highest. The highest non-empty level always runs
//! first (strict priority); inside a level, slots take turns, each running
//! for at most one quantum before going to the back of its level. Each
//! level is a doubly linked FIFO threaded through the slots, and a 16-bit
//! mask of non-empty levels makes every operation O(1).

use super::{slot, Policy, RunState, LEVELS};
use molt_abi::endpoint::MAX_PROCS;

const NIL: u16 = u16::MAX;
const _: () = assert!(MAX_PROCS < NIL as usize);

#[derive(Clone, Copy)]
struct Thread {
    state: RunState,
    priority: u8,
    used_ns: u64,
    next: u16,
    prev: u16,
}

const ABSENT: Thread = Thread {
    state: RunState::Absent,
    priority: 0,
    used_ns: 0,
    next: NIL,
    prev: NIL,
};

/// The priority round-robin policy.
pub struct PriorityRoundRobin {
    quantum_ns: u64,
    threads: [Thread; MAX_PROCS],
    head: [u16; LEVELS],
    tail: [u16; LEVELS],
    /// Bit `l` set: level `l` has runnable slots.
    nonempty: u16,
}

impl PriorityRoundRobin {
    /// A policy giving each slot `quantum_ns` of CPU per turn.
    pub const fn new(quantum_ns: u64) -> PriorityRoundRobin {
        PriorityRoundRobin {
            quantum_ns,
            threads: [ABSENT; MAX_PROCS],
            head: [NIL; LEVELS],
            tail: [NIL; LEVELS],
            nonempty: 0,
        }
    }

    /// The state of slot `t`.
    pub fn state(&self, t: usize) -> RunState {
        slot(t).map_or(RunState::Absent, |t| self.threads[t].state)
    }

    /// The highest level with a runnable slot.
    fn top_level(&self) -> Option<usize> {
        (self.nonempty != 0).then(|| self.nonempty.trailing_zeros() as usize)
    }

    fn push_back(&mut self, t: usize) {
        let level = usize::from(self.threads[t].priority);
        self.threads[t].next = NIL;
        self.threads[t].prev = self.tail[level];
        match self.tail[level] {
            NIL => self.head[level] = t as u16,
            last => self.threads[usize::from(last)].next = t as u16,
        }
        self.tail[level] = t as u16;
        self.nonempty |= 1 << level;
        self.threads[t].state = RunState::Runnable;
    }

    fn unlink(&mut self, t: usize) {
        let level = usize::from(self.threads[t].priority);
        let Thread { next, prev, .. } = self.threads[t];
        match prev {
            NIL => self.head[level] = next,
            p => self.threads[usize::from(p)].next = next,
        }
        match next {
            NIL => self.tail[level] = prev,
            n => self.threads[usize::from(n)].prev = prev,
        }
        if self.head[level] == NIL {
            self.nonempty &= !(1 << level);
        }
        self.threads[t].next = NIL;
        self.threads[t].prev = NIL;
    }
}

impl Policy for PriorityRoundRobin {
    fn name(&self) -> &'static str {
        "prio"
    }

    fn add(&mut self, t: usize, priority: u8, _tickets: u32) {
        let Some(t) = slot(t) else { return };
        self.remove(t);
        self.threads[t] = Thread {
            state: RunState::Blocked,
            priority: clamp(priority),
            ..ABSENT
        };
    }

    fn remove(&mut self, t: usize) {
        let Some(t) = slot(t) else { return };
        if self.threads[t].state == RunState::Runnable {
            self.unlink(t);
        }
        self.threads[t] = ABSENT;
    }

    fn wake(&mut self, t: usize) {
        let Some(t) = slot(t) else { return };
        if self.threads[t].state == RunState::Blocked {
            self.push_back(t);
        }
    }

    fn block(&mut self, t: usize) {
        let Some(t) = slot(t) else { return };
        match self.threads[t].state {
            RunState::Runnable => self.unlink(t),
            RunState::Running => {}
            RunState::Blocked | RunState::Absent => return,
        }
        self.threads[t].state = RunState::Blocked;
    }

    fn pick_next(&mut self) -> Option<usize> {
        let level = self.top_level()?;
        let t = usize::from(self.head[level]);
        self.unlink(t);
        self.threads[t].state = RunState::Running;
        Some(t)
    }

    fn tick(&mut self, running: usize, elapsed_ns: u64) -> bool {
        let Some(t) = slot(running) else { return false };
        if self.threads[t].state != RunState::Running {
            return false;
        }
        let used = self.threads[t].used_ns.saturating_add(elapsed_ns);
        self.threads[t].used_ns = used;
        used >= self.quantum_ns || self.should_preempt(t)
    }

    fn yield_(&mut self, t: usize) {
        let Some(t) = slot(t) else { return };
        if self.threads[t].state == RunState::Running {
            self.threads[t].used_ns = 0;
            self.push_back(t);
        }
    }

    /// Strict priority still holds: `to` runs only if nothing runnable has
    /// a higher priority than it.
    fn handoff(&mut self, from: usize, to: usize) -> bool {
        let (Some(from), Some(to)) = (slot(from), slot(to)) else { return false };
        if from == to || self.threads[from].state != RunState::Running || self.threads[to].state != RunState::Blocked {
            return false;
        }
        if self.top_level().is_some_and(|level| level < usize::from(self.threads[to].priority)) {
            return false;
        }
        self.threads[from].state = RunState::Blocked;
        self.threads[to].state = RunState::Running;
        true
    }

    fn should_preempt(&self, running: usize) -> bool {
        let Some(t) = slot(running) else { return false };
        match self.top_level() {
            Some(level) => level < usize::from(self.threads[t].priority),
            None => false,
        }
    }

    fn set_params(&mut self, t: usize, priority: u8, _tickets: u32) {
        let Some(t) = slot(t) else { return };
        match self.threads[t].state {
            RunState::Absent => {}
            RunState::Runnable => {
                self.unlink(t);
                self.threads[t].priority = clamp(priority);
                self.push_back(t);
            }
            RunState::Blocked | RunState::Running => self.threads[t].priority = clamp(priority),
        }
    }
}

fn clamp(priority: u8) -> u8 {
    priority.min(LEVELS as u8 - 1)
}
