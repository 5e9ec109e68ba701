//! The run queue of the server's worker threads: which worker is free,
//! ready, running or waiting (with an optional deadline), and in which
//! order they run. Pure logic, no stacks or switching (see `workers`), so
//! it is unit-tested on the host.
//!
//! Policy: first come, first served. Woken and timed-out workers join the
//! back of the ready queue in the order they went to sleep; the dispatcher
//! runs ready workers one at a time until each blocks or finishes.
use alloc::collections::VecDeque;
use alloc::vec::Vec;

/// A worker's index in the worker table.
pub type Slot = usize;

/// No deadline.
pub const NEVER: u64 = u64::MAX;

/// What a worker is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// No work: may be given a new request.
    Free,
    /// Queued to run.
    Ready,
    /// Running now (at most one worker).
    Running,
    /// Waiting on the monitor until a notification or `deadline`
    /// (monotonic ns, [`NEVER`] for none); `seq` orders the waiters.
    Waiting { deadline: u64, seq: u64 },
}

/// The states of every worker and the ready queue.
#[derive(Debug, Default)]
pub struct RunQueue {
    states: Vec<State>,
    ready: VecDeque<Slot>,
    next_seq: u64,
}

impl RunQueue {
    /// An empty queue.
    pub const fn new() -> Self {
        Self { states: Vec::new(), ready: VecDeque::new(), next_seq: 0 }
    }

    /// Adds a free worker; returns its slot.
    pub fn add(&mut self) -> Slot {
        self.states.push(State::Free);
        self.states.len() - 1
    }

    /// A free worker, if any (lowest slot first).
    pub fn free_slot(&self) -> Option<Slot> {
        self.states.iter().position(|s| *s == State::Free)
    }

    /// The state of `slot`.
    #[cfg(test)]
    pub fn state(&self, slot: Slot) -> State {
        self.states[slot]
    }

    /// Gives a free worker work: it becomes ready.
    pub fn start(&mut self, slot: Slot) {
        assert_eq!(self.states[slot], State::Free, "starting a busy worker");
        self.make_ready(slot);
    }

    fn make_ready(&mut self, slot: Slot) {
        self.states[slot] = State::Ready;
        self.ready.push_back(slot);
    }

    /// The next ready worker, now running.
    pub fn next(&mut self) -> Option<Slot> {
        let slot = self.ready.pop_front()?;
        self.states[slot] = State::Running;
        Some(slot)
    }

    /// The running worker waits (until `deadline`, or [`NEVER`]).
    pub fn block(&mut self, slot: Slot, deadline: u64) {
        assert_eq!(self.states[slot], State::Running, "only the running worker can wait");
        self.states[slot] = State::Waiting { deadline, seq: self.next_seq };
        self.next_seq += 1;
    }

    /// The running worker is done: it is free again.
    pub fn finish(&mut self, slot: Slot) {
        assert_eq!(self.states[slot], State::Running, "only the running worker can finish");
        self.states[slot] = State::Free;
    }

    fn wake_matching(&mut self, matches: impl Fn(u64) -> bool) -> usize {
        let mut woken: Vec<(u64, Slot)> = self
            .states
            .iter()
            .enumerate()
            .filter_map(|(i, s)| match *s {
                State::Waiting { deadline, seq } if matches(deadline) => Some((seq, i)),
                _ => None,
            })
            .collect();
        woken.sort_unstable();
        for &(_, slot) in &woken {
            self.make_ready(slot);
        }
        woken.len()
    }

    /// Every waiting worker becomes ready (a monitor notification);
    /// returns how many.
    pub fn notify_all(&mut self) -> usize {
        self.wake_matching(|_| true)
    }

    /// Every waiter whose deadline is at or before `now` becomes ready;
    /// returns how many.
    pub fn expire(&mut self, now: u64) -> usize {
        self.wake_matching(|deadline| deadline <= now)
    }

    /// The earliest deadline of a waiting worker.
    pub fn next_deadline(&self) -> Option<u64> {
        self.states
            .iter()
            .filter_map(|s| match *s {
                State::Waiting { deadline, .. } if deadline != NEVER => Some(deadline),
                _ => None,
            })
            .min()
    }

    /// True when some worker is ready to run.
    pub fn has_ready(&self) -> bool {
        !self.ready.is_empty()
    }

    /// Workers that are not free.
    pub fn busy(&self) -> usize {
        self.states.iter().filter(|s| **s != State::Free).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn queue(n: usize) -> RunQueue {
        let mut q = RunQueue::new();
        for _ in 0..n {
            q.add();
        }
        q
    }

    #[test]
    fn workers_run_in_arrival_order_and_free_slots_are_reused() {
        let mut q = queue(3);
        q.start(2);
        q.start(0);
        assert_eq!(q.free_slot(), Some(1));
        assert_eq!(q.next(), Some(2));
        assert_eq!(q.state(2), State::Running);
        q.finish(2);
        assert_eq!(q.next(), Some(0));
        assert_eq!(q.next(), None);
        assert_eq!(q.free_slot(), Some(1));
        q.finish(0);
        assert_eq!(q.free_slot(), Some(0));
        assert_eq!(q.busy(), 0);
    }

    #[test]
    fn a_notification_wakes_every_waiter_in_the_order_they_slept() {
        let mut q = queue(3);
        for s in [1, 0, 2] {
            q.start(s);
        }
        for _ in 0..3 {
            let s = q.next().unwrap();
            q.block(s, NEVER);
        }
        assert!(!q.has_ready());
        assert_eq!(q.expire(u64::MAX - 1), 0, "no deadline, no expiry");
        assert_eq!(q.notify_all(), 3);
        let order: Vec<Slot> = core::iter::from_fn(|| q.next()).collect();
        assert_eq!(order, vec![1, 0, 2]);
    }

    #[test]
    fn deadlines_expire_only_when_due() {
        let mut q = queue(2);
        q.start(0);
        q.start(1);
        let a = q.next().unwrap();
        q.block(a, 500);
        let b = q.next().unwrap();
        q.block(b, 200);
        assert_eq!(q.next_deadline(), Some(200));
        assert_eq!(q.expire(199), 0);
        assert_eq!(q.expire(200), 1);
        assert_eq!(q.next(), Some(b));
        assert_eq!(q.next_deadline(), Some(500));
        q.finish(b);
        assert_eq!(q.notify_all(), 1, "a waiter with a deadline is woken early by a notification");
        assert_eq!(q.next_deadline(), None);
    }

    #[test]
    #[should_panic(expected = "only the running worker can wait")]
    fn a_worker_that_is_not_running_cannot_wait() {
        let mut q = queue(1);
        q.start(0);
        q.block(0, NEVER);
    }
}
