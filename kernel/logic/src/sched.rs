//! Scheduler policies behind one trait, chosen on the kernel command line
//! (`sched=prio` or `sched=stride`).
//!
//! The kernel owns threads and context switches; a [`Policy`] only decides
//! which process slot runs next. Each slot is in one of four states
//! ([`RunState`]), moved by these calls:
//!
//! ```text
//!   add        absent             -> blocked
//!   wake       blocked            -> runnable
//!   pick_next  runnable           -> running   (leaves the runnable set)
//!   yield_     running            -> runnable  (back of its queue, fresh quantum)
//!   block      runnable | running -> blocked
//!   remove     any                -> absent
//! ```
//!
//! Protocol for the kernel (one CPU):
//! - `add` registers a new process as blocked; `wake` makes it runnable.
//! - `pick_next` removes the chosen slot from the runnable set and marks it
//!   running. Before calling it again, the kernel must hand the current
//!   running slot back: `block` (it waits for IPC or exited: then `remove`),
//!   or `yield_` (it stays runnable: it goes to the back of its queue).
//! - On every timer interrupt the kernel calls `tick(running, elapsed_ns)`;
//!   `true` means "preempt": call `yield_(running)` then `pick_next`.
//! - After waking a process while another runs, the kernel may ask
//!   `should_preempt(running)`; `true` means the same as from `tick`.
//! - `wake` of a running or runnable slot and `block` of a blocked one do
//!   nothing, so the kernel need not track states twice. Slots out of range
//!   or absent are ignored everywhere.

use molt_abi::endpoint::MAX_PROCS;

mod prio;
mod stride;

pub use prio::PriorityRoundRobin;
pub use stride::Stride;

/// Number of priority levels: 0 is the highest.
pub const LEVELS: usize = 16;
/// The default time slice.
pub const DEFAULT_QUANTUM_NS: u64 = 10_000_000;

/// A scheduling policy; see the module comment for the protocol.
pub trait Policy {
    /// The name used on the kernel command line.
    fn name(&self) -> &'static str;
    /// Registers slot `t` as blocked with the given parameters.
    fn add(&mut self, t: usize, priority: u8, tickets: u32);
    /// Forgets slot `t`, whatever its state.
    fn remove(&mut self, t: usize);
    /// Makes a blocked `t` runnable.
    fn wake(&mut self, t: usize);
    /// Makes a runnable or running `t` blocked.
    fn block(&mut self, t: usize);
    /// Chooses the next slot to run and marks it running.
    fn pick_next(&mut self) -> Option<usize>;
    /// Charges `elapsed_ns` of CPU to the running slot; `true`: preempt it.
    fn tick(&mut self, running: usize, elapsed_ns: u64) -> bool;
    /// Puts the running `t` back in the runnable set, behind its peers.
    fn yield_(&mut self, t: usize);
    /// True if a runnable slot should displace `running` right now.
    fn should_preempt(&self, running: usize) -> bool;
    /// Changes `t`'s priority (0..LEVELS, clamped) and tickets (>= 1).
    fn set_params(&mut self, t: usize, priority: u8, tickets: u32);
    /// IPC handoff: the running `from` blocks and the blocked `to` (which
    /// it just sent to or replied to) should run next. If the policy
    /// agrees that `to` may run now, it makes `from` blocked and `to`
    /// running without touching the run queues and returns true; otherwise
    /// it changes nothing and the kernel wakes `to`, blocks `from` and
    /// picks as usual.
    fn handoff(&mut self, from: usize, to: usize) -> bool {
        let _ = (from, to);
        false
    }
}

/// Where a slot stands with the policy.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum RunState {
    Absent,
    Blocked,
    Runnable,
    Running,
}

/// The policies there are, by command-line name.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum PolicyKind {
    Prio,
    Stride,
}

impl PolicyKind {
    /// The kind called `name` ("prio" or "stride").
    pub fn by_name(name: &str) -> Option<PolicyKind> {
        match name {
            "prio" => Some(PolicyKind::Prio),
            "stride" => Some(PolicyKind::Stride),
            _ => None,
        }
    }
}

/// One of the policies, chosen at boot. The variants differ in size (a few
/// KiB against about 13 KiB); the kernel keeps one in a static, so the
/// padding is irrelevant, and [`AnyPolicy::new`] is `const` for that.
#[allow(clippy::large_enum_variant)]
pub enum AnyPolicy {
    Prio(PriorityRoundRobin),
    Stride(Stride),
}

impl AnyPolicy {
    /// A policy of the given kind and time slice.
    pub const fn new(kind: PolicyKind, quantum_ns: u64) -> AnyPolicy {
        match kind {
            PolicyKind::Prio => AnyPolicy::Prio(PriorityRoundRobin::new(quantum_ns)),
            PolicyKind::Stride => AnyPolicy::Stride(Stride::new(quantum_ns)),
        }
    }

    /// The policy called `name` ("prio" or "stride") with the default
    /// quantum.
    pub fn by_name(name: &str) -> Option<AnyPolicy> {
        PolicyKind::by_name(name).map(|kind| AnyPolicy::new(kind, DEFAULT_QUANTUM_NS))
    }

    fn policy(&self) -> &dyn Policy {
        match self {
            AnyPolicy::Prio(p) => p,
            AnyPolicy::Stride(s) => s,
        }
    }

    fn policy_mut(&mut self) -> &mut dyn Policy {
        match self {
            AnyPolicy::Prio(p) => p,
            AnyPolicy::Stride(s) => s,
        }
    }
}

impl Policy for AnyPolicy {
    fn name(&self) -> &'static str {
        self.policy().name()
    }
    fn add(&mut self, t: usize, priority: u8, tickets: u32) {
        self.policy_mut().add(t, priority, tickets)
    }
    fn remove(&mut self, t: usize) {
        self.policy_mut().remove(t)
    }
    fn wake(&mut self, t: usize) {
        self.policy_mut().wake(t)
    }
    fn block(&mut self, t: usize) {
        self.policy_mut().block(t)
    }
    fn pick_next(&mut self) -> Option<usize> {
        self.policy_mut().pick_next()
    }
    fn tick(&mut self, running: usize, elapsed_ns: u64) -> bool {
        self.policy_mut().tick(running, elapsed_ns)
    }
    fn yield_(&mut self, t: usize) {
        self.policy_mut().yield_(t)
    }
    fn should_preempt(&self, running: usize) -> bool {
        self.policy().should_preempt(running)
    }
    fn set_params(&mut self, t: usize, priority: u8, tickets: u32) {
        self.policy_mut().set_params(t, priority, tickets)
    }

    fn handoff(&mut self, from: usize, to: usize) -> bool {
        self.policy_mut().handoff(from, to)
    }
}

/// `t` as an index, if it is a valid slot.
fn slot(t: usize) -> Option<usize> {
    (t < MAX_PROCS).then_some(t)
}

#[cfg(test)]
mod tests;
