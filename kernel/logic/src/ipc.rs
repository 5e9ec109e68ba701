//! The IPC rendezvous state machine (MINIX style).
//!
//! The kernel owns registers, address spaces and the 64-byte message
//! buffers; this module owns who waits for whom and decides what happens on
//! each IPC operation. Every operation returns an outcome telling the kernel
//! which copy to make and which process to resume; the kernel never has to
//! inspect the tables itself.
//!
//! Per process-table slot the [`Ipc`] table keeps:
//! - a generation, bumped by [`Ipc::spawn`], so endpoints of a dead or
//!   restarted process are refused with `DEADSRCDST`;
//! - an [`IpcState`]: running, blocked sending (queued on the destination),
//!   blocked receiving (from ANY or one endpoint), or waiting for a reply;
//! - the FIFO queue of senders blocked on it, linked through the senders'
//!   own `next` fields (intrusive, no allocation);
//! - pending notifications: one bit per source slot, plus a word of kernel
//!   event bits. Repeated notifications from one source coalesce.
//!
//! Rules:
//! - `send` to a process receiving from ANY or from the caller is delivered
//!   at once; otherwise the caller blocks at the tail of the destination's
//!   queue. A `call` then waits for the reply from that destination only.
//! - `receive` takes, in order: pending kernel events, pending process
//!   notifications (round robin over sources), then the oldest queued
//!   sender (from ANY), or only that source's notification or message (from
//!   a specific endpoint). Receiving from [`Endpoint::KERNEL`] takes kernel
//!   events only.
//! - Blocking must never close a cycle: a process blocked in IPC "waits for"
//!   the process it sends to, awaits a reply from, or receives from
//!   specifically. A send, or a blocking receive from a specific endpoint,
//!   that would make the caller wait for someone who (transitively) waits
//!   for the caller fails with `DEADLK`.
//! - When a process exits, everyone blocked on it (queued senders, callers
//!   awaiting its reply, receivers waiting for it specifically) is returned
//!   in [`Wakeups`] to be resumed with `DEADSRCDST`, and its pending
//!   notifications to others are dropped.

use molt_abi::endpoint::MAX_PROCS;
use molt_abi::{Endpoint, Error};

const NIL: u16 = u16::MAX;
// Slots are stored as u16 with NIL as the terminator.
const _: () = assert!(MAX_PROCS < NIL as usize);
const PENDING_WORDS: usize = MAX_PROCS.div_ceil(64);
/// Largest generation an endpoint can carry.
const MAX_GENERATION: u32 = (u32::MAX >> 10) - 1;

/// What a slot is doing, as far as IPC is concerned.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum IpcState {
    /// No process in this slot.
    Dead,
    /// Not blocked in IPC.
    Running,
    /// Blocked in the queue of `to`; `call` if a reply is awaited after.
    Sending { to: usize, call: bool },
    /// Blocked receiving from ANY, KERNEL or one endpoint.
    Receiving { from: Endpoint },
    /// Sent a call to `from`, which received it; awaiting its reply.
    WaitingReply { from: usize },
}

/// Result of [`Ipc::send`].
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum SendOutcome {
    /// `to` was receiving: copy the caller's message into `to`'s buffer and
    /// resume `to`. After a `call`, the caller stays blocked awaiting the
    /// reply; after a plain send, the caller continues.
    Delivered { to: usize },
    /// The caller is queued on the destination and must block.
    Blocked,
}

/// Result of [`Ipc::receive`].
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum RecvOutcome {
    /// Give the caller a notification from `source`. For the kernel as
    /// source, `bits` holds the pending event bits; for a process it is 0.
    Notification { source: Endpoint, bits: u64 },
    /// Copy the message of queued sender `from` to the caller. If
    /// `sender_was_call`, the sender now awaits the reply; otherwise resume
    /// the sender.
    Message { from: usize, sender_was_call: bool },
    /// Nothing there; the caller must block.
    Blocked,
}

/// Result of [`Ipc::notify`] and [`Ipc::notify_kernel`].
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum NotifyOutcome {
    /// `to` was waiting: give it the notification and resume it.
    Delivered {
        to: usize,
        source: Endpoint,
        bits: u64,
    },
    /// Recorded as pending at the destination.
    Pending,
    /// Nothing recorded: the destination slot is dead (kernel events only;
    /// process notifications to dead endpoints fail with `DEADSRCDST`) or
    /// there were no bits.
    Dropped,
}

/// Slots to resume with `DEADSRCDST` after an exit.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Wakeups {
    slots: [u16; MAX_PROCS],
    len: usize,
}

impl Wakeups {
    const fn new() -> Wakeups {
        Wakeups {
            slots: [0; MAX_PROCS],
            len: 0,
        }
    }

    fn push(&mut self, slot: usize) {
        if self.len < MAX_PROCS {
            self.slots[self.len] = slot as u16;
            self.len += 1;
        }
    }

    /// The slots, in no particular order; each appears once.
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.slots[..self.len].iter().map(|&s| usize::from(s))
    }

    /// Number of slots.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True if nobody must be woken.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// True if `slot` is in the list.
    pub fn contains(&self, slot: usize) -> bool {
        self.iter().any(|s| s == slot)
    }
}

#[derive(Clone, Copy)]
struct Slot {
    generation: u32,
    state: IpcState,
    /// Senders blocked on this slot: head and tail of the FIFO.
    queue_head: u16,
    queue_tail: u16,
    /// This slot's successor in the queue it is blocked in.
    next: u16,
    /// Pending notifications, one bit per source slot.
    pending: [u64; PENDING_WORDS],
    /// Pending kernel event bits.
    kernel_pending: u64,
    /// Where the round-robin scan for pending notifications resumes.
    notify_cursor: u16,
}

impl Slot {
    const EMPTY: Slot = Slot {
        generation: 0,
        state: IpcState::Dead,
        queue_head: NIL,
        queue_tail: NIL,
        next: NIL,
        pending: [0; PENDING_WORDS],
        kernel_pending: 0,
        notify_cursor: 0,
    };

    fn alive(&self) -> bool {
        self.state != IpcState::Dead
    }
}

/// The IPC table; see the module comment.
pub struct Ipc {
    slots: [Slot; MAX_PROCS],
}

impl Default for Ipc {
    fn default() -> Ipc {
        Ipc::new()
    }
}

impl Ipc {
    /// A table with every slot dead.
    pub const fn new() -> Ipc {
        Ipc {
            slots: [Slot::EMPTY; MAX_PROCS],
        }
    }

    /// Brings `slot` to life with a new generation and returns its endpoint.
    /// Returns [`Endpoint::NONE`] (and changes nothing) if the slot is out of
    /// range or already alive.
    pub fn spawn(&mut self, slot: usize) -> Endpoint {
        let Some(s) = self.slots.get_mut(slot) else {
            return Endpoint::NONE;
        };
        if s.alive() {
            return Endpoint::NONE;
        }
        let generation = if s.generation >= MAX_GENERATION {
            1
        } else {
            s.generation + 1
        };
        *s = Slot {
            generation,
            state: IpcState::Running,
            ..Slot::EMPTY
        };
        Endpoint::new(slot, generation).unwrap_or(Endpoint::NONE)
    }

    /// The lowest dead slot, if any.
    pub fn free_slot(&self) -> Option<usize> {
        self.slots.iter().position(|s| !s.alive())
    }

    /// The endpoint of the live process in `slot`.
    pub fn endpoint(&self, slot: usize) -> Option<Endpoint> {
        let s = self.slots.get(slot)?;
        if s.alive() {
            Endpoint::new(slot, s.generation)
        } else {
            None
        }
    }

    /// The slot of a live process's endpoint. `INVAL` for ANY, KERNEL and
    /// NONE; `DEADSRCDST` if the process is dead or the endpoint stale.
    pub fn resolve(&self, e: Endpoint) -> Result<usize, Error> {
        let slot = e.slot().ok_or(Error::INVAL)?;
        let s = &self.slots[slot];
        if s.alive() && s.generation == e.generation() {
            Ok(slot)
        } else {
            Err(Error::DEADSRCDST)
        }
    }

    /// The IPC state of `slot` (`Dead` when out of range).
    pub fn state(&self, slot: usize) -> IpcState {
        self.slots.get(slot).map_or(IpcState::Dead, |s| s.state)
    }

    /// Sends (or calls, if `call`) from `caller` to `dst`.
    pub fn send(&mut self, caller: usize, dst: Endpoint, call: bool) -> Result<SendOutcome, Error> {
        self.check_running(caller)?;
        let to = self.resolve(dst)?;
        if to == caller {
            return Err(Error::INVAL);
        }
        if self.accepts_message(to, caller) {
            self.slots[to].state = IpcState::Running;
            if call {
                self.slots[caller].state = IpcState::WaitingReply { from: to };
            }
            return Ok(SendOutcome::Delivered { to });
        }
        if self.waits_for_transitively(to, caller) {
            return Err(Error::DEADLK);
        }
        self.slots[caller].state = IpcState::Sending { to, call };
        self.enqueue(to, caller);
        Ok(SendOutcome::Blocked)
    }

    /// Receives into `caller` from ANY, KERNEL or one endpoint.
    pub fn receive(
        &mut self,
        caller: usize,
        from: Endpoint,
        block: bool,
    ) -> Result<RecvOutcome, Error> {
        self.check_running(caller)?;
        let source = match from {
            Endpoint::ANY | Endpoint::KERNEL => None,
            _ => {
                let s = self.resolve(from)?;
                if s == caller {
                    return Err(Error::INVAL);
                }
                Some(s)
            }
        };
        if source.is_none() {
            let bits = core::mem::take(&mut self.slots[caller].kernel_pending);
            if bits != 0 {
                return Ok(RecvOutcome::Notification {
                    source: Endpoint::KERNEL,
                    bits,
                });
            }
        }
        if from != Endpoint::KERNEL {
            if let Some(n) = self.take_notification(caller, source) {
                return Ok(RecvOutcome::Notification {
                    source: self.endpoint_or_none(n),
                    bits: 0,
                });
            }
            if let Some((sender, call)) = self.dequeue(caller, source) {
                self.slots[sender].state = if call {
                    IpcState::WaitingReply { from: caller }
                } else {
                    IpcState::Running
                };
                return Ok(RecvOutcome::Message {
                    from: sender,
                    sender_was_call: call,
                });
            }
        }
        if !block {
            return Err(Error::AGAIN);
        }
        if let Some(s) = source {
            if self.waits_for_transitively(s, caller) {
                return Err(Error::DEADLK);
            }
        }
        self.slots[caller].state = IpcState::Receiving { from };
        Ok(RecvOutcome::Blocked)
    }

    /// Replies from `caller` to `dst`, which must be awaiting `caller`'s
    /// reply. Returns `dst`'s slot: copy the reply there and resume it.
    pub fn reply(&mut self, caller: usize, dst: Endpoint) -> Result<usize, Error> {
        self.check_running(caller)?;
        let to = self.resolve(dst)?;
        if self.slots[to].state != (IpcState::WaitingReply { from: caller }) {
            return Err(Error::NOTWAITING);
        }
        self.slots[to].state = IpcState::Running;
        Ok(to)
    }

    /// Notifies `dst` from process `source`; never blocks.
    pub fn notify(&mut self, source: usize, dst: Endpoint) -> Result<NotifyOutcome, Error> {
        self.check_running(source)?;
        let to = self.resolve(dst)?;
        if to == source {
            return Err(Error::INVAL);
        }
        let source_ep = self.endpoint_or_none(source);
        match self.slots[to].state {
            IpcState::Receiving { from } if from == Endpoint::ANY || from == source_ep => {
                self.slots[to].state = IpcState::Running;
                Ok(NotifyOutcome::Delivered {
                    to,
                    source: source_ep,
                    bits: 0,
                })
            }
            _ => {
                self.slots[to].pending[source / 64] |= 1 << (source % 64);
                Ok(NotifyOutcome::Pending)
            }
        }
    }

    /// Raises kernel event `bits` (IRQs, alarms, exits) at slot `dst`.
    pub fn notify_kernel(&mut self, dst: usize, bits: u64) -> NotifyOutcome {
        let Some(s) = self.slots.get_mut(dst) else {
            return NotifyOutcome::Dropped;
        };
        if !s.alive() || bits == 0 {
            return NotifyOutcome::Dropped;
        }
        match s.state {
            IpcState::Receiving {
                from: Endpoint::ANY | Endpoint::KERNEL,
            } => {
                let bits = bits | core::mem::take(&mut s.kernel_pending);
                s.state = IpcState::Running;
                NotifyOutcome::Delivered {
                    to: dst,
                    source: Endpoint::KERNEL,
                    bits,
                }
            }
            _ => {
                s.kernel_pending |= bits;
                NotifyOutcome::Pending
            }
        }
    }

    /// Abandons whatever IPC `slot` is blocked in (a signal interrupts it):
    /// it leaves the queue it waits in, stops receiving or waiting for a
    /// reply, and is running again. Returns false if it was not blocked.
    /// A later reply to it fails with NOTWAITING.
    pub fn cancel(&mut self, slot: usize) -> bool {
        let Some(state) = self.slots.get(slot).map(|s| s.state) else { return false };
        match state {
            IpcState::Sending { to, .. } => self.unlink(to, slot),
            IpcState::Receiving { .. } | IpcState::WaitingReply { .. } => {}
            IpcState::Running | IpcState::Dead => return false,
        }
        self.slots[slot].next = NIL;
        self.slots[slot].state = IpcState::Running;
        true
    }

    /// Ends the process in `slot`: unblocks everyone blocked on it (returned,
    /// to be resumed with `DEADSRCDST`), removes it from any queue and drops
    /// its pending notifications to others. The generation is kept, so the
    /// next [`Ipc::spawn`] of the slot gets a new one. A dead or out-of-range
    /// slot yields no wake-ups.
    pub fn exit(&mut self, slot: usize) -> Wakeups {
        let mut wake = Wakeups::new();
        if !self.slots.get(slot).is_some_and(Slot::alive) {
            return wake;
        }
        if let IpcState::Sending { to, .. } = self.slots[slot].state {
            self.unlink(to, slot);
        }
        let mut q = self.slots[slot].queue_head;
        while q != NIL {
            let s = usize::from(q);
            q = self.slots[s].next;
            self.slots[s].next = NIL;
            self.slots[s].state = IpcState::Running;
            wake.push(s);
        }
        let ep = self.endpoint_or_none(slot);
        for (i, s) in self.slots.iter_mut().enumerate() {
            let blocked_on_exiting = match s.state {
                IpcState::WaitingReply { from } => from == slot,
                IpcState::Receiving { from } => from == ep,
                _ => false,
            };
            if blocked_on_exiting && i != slot {
                s.state = IpcState::Running;
                wake.push(i);
            }
            s.pending[slot / 64] &= !(1 << (slot % 64));
        }
        let generation = self.slots[slot].generation;
        self.slots[slot] = Slot {
            generation,
            ..Slot::EMPTY
        };
        wake
    }

    fn check_running(&self, caller: usize) -> Result<(), Error> {
        match self.slots.get(caller) {
            Some(s) if s.state == IpcState::Running => Ok(()),
            _ => Err(Error::INVAL),
        }
    }

    fn endpoint_or_none(&self, slot: usize) -> Endpoint {
        self.endpoint(slot).unwrap_or(Endpoint::NONE)
    }

    /// True if `to` is blocked receiving and would take a message from
    /// `sender`.
    fn accepts_message(&self, to: usize, sender: usize) -> bool {
        match self.slots[to].state {
            IpcState::Receiving { from } => {
                from == Endpoint::ANY || from == self.endpoint_or_none(sender)
            }
            _ => false,
        }
    }

    /// Whom a blocked slot waits for.
    fn waits_for(&self, slot: usize) -> Option<usize> {
        match self.slots[slot].state {
            IpcState::Sending { to, .. } => Some(to),
            IpcState::WaitingReply { from } => Some(from),
            IpcState::Receiving { from } => self.resolve(from).ok(),
            IpcState::Running | IpcState::Dead => None,
        }
    }

    /// True if following "waits for" from `start` reaches `target`.
    fn waits_for_transitively(&self, start: usize, target: usize) -> bool {
        let mut at = start;
        // A chain visits each slot at most once unless a cycle already
        // exists (which the rules prevent); the bound makes that harmless.
        for _ in 0..MAX_PROCS {
            if at == target {
                return true;
            }
            match self.waits_for(at) {
                Some(next) => at = next,
                None => return false,
            }
        }
        false
    }

    fn enqueue(&mut self, dst: usize, sender: usize) {
        self.slots[sender].next = NIL;
        match self.slots[dst].queue_tail {
            NIL => self.slots[dst].queue_head = sender as u16,
            tail => self.slots[usize::from(tail)].next = sender as u16,
        }
        self.slots[dst].queue_tail = sender as u16;
    }

    /// Removes the first sender in `dst`'s queue, or the given one if it is
    /// queued there; returns it and whether it is calling.
    fn dequeue(&mut self, dst: usize, only: Option<usize>) -> Option<(usize, bool)> {
        let sender = match only {
            None => self.slots[dst].queue_head,
            Some(s) => s as u16,
        };
        let s = usize::from(sender);
        // Every queue member is `Sending` to the queue's owner, and every
        // `Sending` slot is in that queue (checked by the tests).
        let IpcState::Sending { to, call } = self.slots.get(s)?.state else {
            return None;
        };
        if to != dst {
            return None;
        }
        self.unlink(dst, s);
        Some((s, call))
    }

    /// Removes `sender` from `dst`'s queue (no-op if absent).
    fn unlink(&mut self, dst: usize, sender: usize) {
        let mut prev = NIL;
        let mut at = self.slots[dst].queue_head;
        while at != NIL && usize::from(at) != sender {
            prev = at;
            at = self.slots[usize::from(at)].next;
        }
        if at == NIL {
            return;
        }
        let next = self.slots[sender].next;
        match prev {
            NIL => self.slots[dst].queue_head = next,
            p => self.slots[usize::from(p)].next = next,
        }
        if self.slots[dst].queue_tail == sender as u16 {
            self.slots[dst].queue_tail = prev;
        }
        self.slots[sender].next = NIL;
    }

    /// Takes one pending process notification for `slot`: from `only` if
    /// given, else the next source in round-robin order.
    fn take_notification(&mut self, slot: usize, only: Option<usize>) -> Option<usize> {
        let s = &mut self.slots[slot];
        let source = match only {
            Some(src) => (s.pending[src / 64] & (1 << (src % 64)) != 0).then_some(src),
            None => {
                // The common case on the IPC path: nothing pending.
                if s.pending.iter().all(|&w| w == 0) {
                    return None;
                }
                let start = usize::from(s.notify_cursor) % MAX_PROCS;
                next_set_bit(&s.pending, start).or_else(|| next_set_bit(&s.pending, 0))
            }
        }?;
        s.pending[source / 64] &= !(1 << (source % 64));
        if only.is_none() {
            s.notify_cursor = ((source + 1) % MAX_PROCS) as u16;
        }
        Some(source)
    }
}

/// The lowest set bit at or above `from`.
fn next_set_bit(words: &[u64; PENDING_WORDS], from: usize) -> Option<usize> {
    let mut w = from / 64;
    let mut word = words.get(w)? & (u64::MAX << (from % 64));
    loop {
        if word != 0 {
            return Some(w * 64 + word.trailing_zeros() as usize);
        }
        w += 1;
        word = *words.get(w)?;
    }
}

#[cfg(test)]
mod model;
#[cfg(test)]
mod tests;
