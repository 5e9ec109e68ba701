//! A reference model of the IPC rules, written for clarity rather than
//! speed (growable queues, sets, explicit graph walks), and a differential
//! test running the same random operations on the model and on [`Ipc`].
//! Any disagreement in an outcome or a state is a bug in one of them.

use super::*;
use crate::testrng::Rng;
use std::collections::{BTreeSet, VecDeque};

const N: usize = 8;

struct Model {
    generation: [u32; N],
    state: [IpcState; N],
    queue: [VecDeque<usize>; N],
    pending: [BTreeSet<usize>; N],
    kernel_pending: [u64; N],
    cursor: [usize; N],
}

impl Model {
    fn new() -> Model {
        Model {
            generation: [0; N],
            state: [IpcState::Dead; N],
            queue: Default::default(),
            pending: Default::default(),
            kernel_pending: [0; N],
            cursor: [0; N],
        }
    }

    fn ep(&self, s: usize) -> Endpoint {
        Endpoint::new(s, self.generation[s]).unwrap()
    }

    fn spawn(&mut self, s: usize) -> Endpoint {
        if self.state[s] != IpcState::Dead {
            return Endpoint::NONE;
        }
        self.generation[s] += 1;
        self.state[s] = IpcState::Running;
        self.ep(s)
    }

    fn resolve(&self, e: Endpoint) -> Result<usize, Error> {
        let s = e.slot().ok_or(Error::INVAL)?;
        if s < N && self.state[s] != IpcState::Dead && self.generation[s] == e.generation() {
            Ok(s)
        } else {
            Err(Error::DEADSRCDST)
        }
    }

    /// The set of slots `start` waits for, transitively (including itself).
    fn waits_chain(&self, start: usize) -> BTreeSet<usize> {
        let mut seen = BTreeSet::new();
        let mut at = Some(start);
        while let Some(s) = at {
            if !seen.insert(s) {
                break;
            }
            at = match self.state[s] {
                IpcState::Sending { to, .. } => Some(to),
                IpcState::WaitingReply { from } => Some(from),
                IpcState::Receiving { from } => self.resolve(from).ok(),
                _ => None,
            };
        }
        seen
    }

    fn send(&mut self, caller: usize, dst: Endpoint, call: bool) -> Result<SendOutcome, Error> {
        if self.state[caller] != IpcState::Running {
            return Err(Error::INVAL);
        }
        let to = self.resolve(dst)?;
        if to == caller {
            return Err(Error::INVAL);
        }
        if let IpcState::Receiving { from } = self.state[to] {
            if from == Endpoint::ANY || from == self.ep(caller) {
                self.state[to] = IpcState::Running;
                if call {
                    self.state[caller] = IpcState::WaitingReply { from: to };
                }
                return Ok(SendOutcome::Delivered { to });
            }
        }
        if self.waits_chain(to).contains(&caller) {
            return Err(Error::DEADLK);
        }
        self.state[caller] = IpcState::Sending { to, call };
        self.queue[to].push_back(caller);
        Ok(SendOutcome::Blocked)
    }

    fn receive(
        &mut self,
        caller: usize,
        from: Endpoint,
        block: bool,
    ) -> Result<RecvOutcome, Error> {
        if self.state[caller] != IpcState::Running {
            return Err(Error::INVAL);
        }
        let source = if from == Endpoint::ANY || from == Endpoint::KERNEL {
            None
        } else {
            let s = self.resolve(from)?;
            if s == caller {
                return Err(Error::INVAL);
            }
            Some(s)
        };
        if source.is_none() && self.kernel_pending[caller] != 0 {
            let bits = std::mem::take(&mut self.kernel_pending[caller]);
            return Ok(RecvOutcome::Notification {
                source: Endpoint::KERNEL,
                bits,
            });
        }
        if from != Endpoint::KERNEL {
            let note = match source {
                Some(s) => self.pending[caller].contains(&s).then_some(s),
                None => {
                    let c = self.cursor[caller];
                    let p = &self.pending[caller];
                    p.range(c..).next().or_else(|| p.iter().next()).copied()
                }
            };
            if let Some(n) = note {
                self.pending[caller].remove(&n);
                if source.is_none() {
                    self.cursor[caller] = n + 1;
                }
                return Ok(RecvOutcome::Notification {
                    source: self.ep(n),
                    bits: 0,
                });
            }
            let pos = match source {
                Some(s) => self.queue[caller].iter().position(|&q| q == s),
                None => (!self.queue[caller].is_empty()).then_some(0),
            };
            if let Some(i) = pos {
                let sender = self.queue[caller].remove(i).unwrap();
                let IpcState::Sending { call, .. } = self.state[sender] else {
                    panic!("queued but not sending")
                };
                self.state[sender] = if call {
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
            if self.waits_chain(s).contains(&caller) {
                return Err(Error::DEADLK);
            }
        }
        self.state[caller] = IpcState::Receiving { from };
        Ok(RecvOutcome::Blocked)
    }

    fn reply(&mut self, caller: usize, dst: Endpoint) -> Result<usize, Error> {
        if self.state[caller] != IpcState::Running {
            return Err(Error::INVAL);
        }
        let to = self.resolve(dst)?;
        if self.state[to] != (IpcState::WaitingReply { from: caller }) {
            return Err(Error::NOTWAITING);
        }
        self.state[to] = IpcState::Running;
        Ok(to)
    }

    fn notify(&mut self, source: usize, dst: Endpoint) -> Result<NotifyOutcome, Error> {
        if self.state[source] != IpcState::Running {
            return Err(Error::INVAL);
        }
        let to = self.resolve(dst)?;
        if to == source {
            return Err(Error::INVAL);
        }
        match self.state[to] {
            IpcState::Receiving { from } if from == Endpoint::ANY || from == self.ep(source) => {
                self.state[to] = IpcState::Running;
                Ok(NotifyOutcome::Delivered {
                    to,
                    source: self.ep(source),
                    bits: 0,
                })
            }
            _ => {
                self.pending[to].insert(source);
                Ok(NotifyOutcome::Pending)
            }
        }
    }

    fn notify_kernel(&mut self, dst: usize, bits: u64) -> NotifyOutcome {
        if self.state[dst] == IpcState::Dead || bits == 0 {
            return NotifyOutcome::Dropped;
        }
        match self.state[dst] {
            IpcState::Receiving { from } if from == Endpoint::ANY || from == Endpoint::KERNEL => {
                self.state[dst] = IpcState::Running;
                let bits = bits | std::mem::take(&mut self.kernel_pending[dst]);
                NotifyOutcome::Delivered {
                    to: dst,
                    source: Endpoint::KERNEL,
                    bits,
                }
            }
            _ => {
                self.kernel_pending[dst] |= bits;
                NotifyOutcome::Pending
            }
        }
    }

    fn cancel(&mut self, s: usize) -> bool {
        match self.state[s] {
            IpcState::Running | IpcState::Dead => false,
            _ => {
                for q in &mut self.queue {
                    q.retain(|&x| x != s);
                }
                self.state[s] = IpcState::Running;
                true
            }
        }
    }

    fn exit(&mut self, s: usize) -> BTreeSet<usize> {
        let mut woken = BTreeSet::new();
        if self.state[s] == IpcState::Dead {
            return woken;
        }
        let ep = self.ep(s);
        for q in &mut self.queue {
            q.retain(|&x| x != s);
        }
        for sender in std::mem::take(&mut self.queue[s]) {
            self.state[sender] = IpcState::Running;
            woken.insert(sender);
        }
        for t in 0..N {
            let blocked_on = match self.state[t] {
                IpcState::WaitingReply { from } => from == s,
                IpcState::Receiving { from } => from == ep,
                _ => false,
            };
            if blocked_on && t != s {
                self.state[t] = IpcState::Running;
                woken.insert(t);
            }
            self.pending[t].remove(&s);
        }
        self.state[s] = IpcState::Dead;
        self.pending[s].clear();
        self.kernel_pending[s] = 0;
        self.cursor[s] = 0;
        woken
    }
}

#[test]
fn state_machine_agrees_with_the_reference_model() {
    let mut rng = Rng::new(2024);
    let mut ipc = Box::new(Ipc::new());
    let mut model = Model::new();
    let mut eps = [Endpoint::NONE; N];
    for (s, ep) in eps.iter_mut().enumerate() {
        *ep = ipc.spawn(s);
        assert_eq!(model.spawn(s), *ep);
    }
    // How often each interesting outcome occurred, to show the run covers
    // every rule.
    let mut seen: std::collections::BTreeMap<String, u32> = Default::default();
    let mut note = |what: String| *seen.entry(what).or_default() += 1;
    for step in 0..300_000 {
        let me = rng.below(N as u64) as usize;
        let other = rng.below(N as u64) as usize;
        let target = match rng.below(16) {
            0 => Endpoint::ANY,
            1 => Endpoint::KERNEL,
            2 => Endpoint::new(other, eps[other].generation().saturating_sub(1)).unwrap(),
            _ => eps[other],
        };
        match rng.below(10) {
            0 | 1 => {
                let call = rng.below(2) == 0;
                let r = ipc.send(me, target, call);
                assert_eq!(r, model.send(me, target, call), "step {step}: send");
                note(format!(
                    "send {:?}",
                    r.map(|o| matches!(o, SendOutcome::Delivered { .. }))
                ));
            }
            2 | 3 => {
                let block = rng.below(4) != 0;
                let r = ipc.receive(me, target, block);
                assert_eq!(r, model.receive(me, target, block), "step {step}: receive");
                note(format!(
                    "receive {}",
                    match r {
                        Ok(RecvOutcome::Blocked) => "Ok(Blocked)".into(),
                        Ok(RecvOutcome::Message { .. }) => "Ok(Message)".into(),
                        Ok(RecvOutcome::Notification { .. }) => "Ok(Notification)".into(),
                        Err(e) => format!("Err({})", e.name()),
                    }
                ));
            }
            4 => {
                let target =
                    match (0..N).find(|&w| model.state[w] == IpcState::WaitingReply { from: me }) {
                        Some(w) if rng.below(2) == 0 => eps[w],
                        _ => target,
                    };
                let r = ipc.reply(me, target);
                assert_eq!(r, model.reply(me, target), "step {step}: reply");
                note(format!("reply {:?}", r.map(|_| ())));
            }
            5 => {
                let r = ipc.notify(me, target);
                assert_eq!(r, model.notify(me, target), "step {step}: notify");
                note(format!(
                    "notify {:?}",
                    r.map(|o| matches!(o, NotifyOutcome::Delivered { .. }))
                ));
            }
            6 => {
                let bits = rng.below(8);
                assert_eq!(
                    ipc.notify_kernel(me, bits),
                    model.notify_kernel(me, bits),
                    "step {step}: kernel"
                );
            }
            7 => {
                // Restart a blocked process now and then so the run does not
                // seize up.
                if ipc.state(me) != IpcState::Running || rng.below(20) == 0 {
                    let woken: BTreeSet<usize> = ipc.exit(me).iter().collect();
                    assert_eq!(woken, model.exit(me), "step {step}: exit");
                    note(format!("exit woke {}", woken.len().min(2)));
                    eps[me] = ipc.spawn(me);
                    assert_eq!(model.spawn(me), eps[me]);
                }
            }
            8 => {
                let r = ipc.cancel(me);
                assert_eq!(r, model.cancel(me), "step {step}: cancel");
                note(format!("cancel {r}"));
            }
            _ => {
                let first_dead = (0..N)
                    .find(|&s| model.state[s] == IpcState::Dead)
                    .unwrap_or(N);
                assert_eq!(ipc.free_slot(), Some(first_dead));
            }
        }
        super::tests::check_invariants(&ipc);
        for s in 0..N {
            assert_eq!(ipc.state(s), model.state[s], "step {step}: state of {s}");
            assert_eq!(
                ipc.endpoint(s),
                (model.state[s] != IpcState::Dead).then(|| model.ep(s))
            );
        }
    }
    eprintln!("ipc model run: {seen:?}");
    for kind in [
        "send Ok(true)",
        "send Ok(false)",
        "send Err(DEADLK)",
        "send Err(DEADSRCDST)",
        "send Err(INVAL)",
        "receive Ok(Blocked)",
        "receive Ok(Message",
        "receive Ok(Notification",
        "receive Err(AGAIN)",
        "receive Err(DEADLK)",
        "receive Err(DEADSRCDST)",
        "reply Ok(())",
        "reply Err(NOTWAITING)",
        "notify Ok(true)",
        "notify Ok(false)",
        "exit woke 1",
        "exit woke 2",
        "cancel true",
    ] {
        let n: u32 = seen
            .iter()
            .filter(|(k, _)| k.starts_with(kind))
            .map(|(_, &v)| v)
            .sum();
        assert!(n >= 20, "outcome {kind:?} occurred only {n} times");
    }
}
