//! Tests of the IPC state machine: each rule in the module comment, then a
//! randomized run checking the table's invariants after every operation.

use super::*;
use crate::testrng::Rng;

/// A table with `n` live processes in slots 0..n; returns their endpoints.
fn table(n: usize) -> (Box<Ipc>, Vec<Endpoint>) {
    let mut ipc = Box::new(Ipc::new());
    let eps = (0..n).map(|s| ipc.spawn(s)).collect();
    (ipc, eps)
}

const ANY: Endpoint = Endpoint::ANY;

#[test]
fn spawn_endpoint_resolve() {
    let mut ipc = Box::new(Ipc::new());
    assert_eq!(ipc.free_slot(), Some(0));
    let a = ipc.spawn(0);
    assert_eq!(a.slot(), Some(0));
    assert_eq!(ipc.endpoint(0), Some(a));
    assert_eq!(ipc.resolve(a), Ok(0));
    assert_eq!(ipc.spawn(0), Endpoint::NONE, "already alive");
    assert_eq!(ipc.spawn(MAX_PROCS), Endpoint::NONE);
    assert_eq!(ipc.endpoint(1), None);
    assert_eq!(ipc.endpoint(MAX_PROCS), None);
    assert_eq!(ipc.free_slot(), Some(1));
    assert_eq!(ipc.resolve(Endpoint::ANY), Err(Error::INVAL));
    assert_eq!(ipc.resolve(Endpoint::KERNEL), Err(Error::INVAL));
    assert_eq!(ipc.resolve(Endpoint::NONE), Err(Error::INVAL));
    assert_eq!(
        ipc.resolve(Endpoint::new(1, 1).unwrap()),
        Err(Error::DEADSRCDST)
    );
    assert_eq!(ipc.state(0), IpcState::Running);
    assert_eq!(ipc.state(1), IpcState::Dead);
    assert_eq!(ipc.state(MAX_PROCS + 3), IpcState::Dead);
}

#[test]
fn send_then_receive() {
    let (mut ipc, e) = table(2);
    assert_eq!(ipc.send(0, e[1], false), Ok(SendOutcome::Blocked));
    assert_eq!(ipc.state(0), IpcState::Sending { to: 1, call: false });
    assert_eq!(
        ipc.receive(1, ANY, true),
        Ok(RecvOutcome::Message {
            from: 0,
            sender_was_call: false
        })
    );
    assert_eq!(ipc.state(0), IpcState::Running);
    assert_eq!(ipc.state(1), IpcState::Running);
}

#[test]
fn receive_then_send() {
    let (mut ipc, e) = table(2);
    assert_eq!(ipc.receive(1, ANY, true), Ok(RecvOutcome::Blocked));
    assert_eq!(ipc.state(1), IpcState::Receiving { from: ANY });
    assert_eq!(
        ipc.send(0, e[1], false),
        Ok(SendOutcome::Delivered { to: 1 })
    );
    assert_eq!(ipc.state(0), IpcState::Running);
    assert_eq!(ipc.state(1), IpcState::Running);
}

#[test]
fn call_and_reply_both_orders() {
    let (mut ipc, e) = table(2);
    // Server waits first.
    assert_eq!(ipc.receive(1, ANY, true), Ok(RecvOutcome::Blocked));
    assert_eq!(
        ipc.send(0, e[1], true),
        Ok(SendOutcome::Delivered { to: 1 })
    );
    assert_eq!(ipc.state(0), IpcState::WaitingReply { from: 1 });
    assert_eq!(ipc.reply(1, e[0]), Ok(0));
    assert_eq!(ipc.state(0), IpcState::Running);
    assert_eq!(ipc.reply(1, e[0]), Err(Error::NOTWAITING), "only once");
    // Client calls first.
    assert_eq!(ipc.send(0, e[1], true), Ok(SendOutcome::Blocked));
    assert_eq!(ipc.state(0), IpcState::Sending { to: 1, call: true });
    assert_eq!(
        ipc.reply(1, e[0]),
        Err(Error::NOTWAITING),
        "not received yet"
    );
    assert_eq!(
        ipc.receive(1, ANY, true),
        Ok(RecvOutcome::Message {
            from: 0,
            sender_was_call: true
        })
    );
    assert_eq!(ipc.state(0), IpcState::WaitingReply { from: 1 });
    assert_eq!(ipc.reply(1, e[0]), Ok(0));
}

#[test]
fn reply_checks_the_waiter() {
    let (mut ipc, e) = table(3);
    ipc.receive(1, ANY, true).unwrap();
    ipc.send(0, e[1], true).unwrap();
    assert_eq!(
        ipc.reply(2, e[0]),
        Err(Error::NOTWAITING),
        "0 awaits 1, not 2"
    );
    assert_eq!(ipc.reply(1, e[2]), Err(Error::NOTWAITING));
    assert_eq!(ipc.reply(1, Endpoint::ANY), Err(Error::INVAL));
    assert_eq!(
        ipc.reply(1, Endpoint::new(0, 9).unwrap()),
        Err(Error::DEADSRCDST)
    );
    assert_eq!(ipc.reply(1, e[0]), Ok(0));
}

#[test]
fn specific_source_and_any() {
    let (mut ipc, e) = table(3);
    // 2 waits for 1 only; a send from 0 queues.
    assert_eq!(ipc.receive(2, e[1], true), Ok(RecvOutcome::Blocked));
    assert_eq!(ipc.send(0, e[2], false), Ok(SendOutcome::Blocked));
    assert_eq!(
        ipc.send(1, e[2], false),
        Ok(SendOutcome::Delivered { to: 2 })
    );
    // Now 2 receives from 0 specifically while 1 is also queued.
    assert_eq!(ipc.send(1, e[2], false), Ok(SendOutcome::Blocked));
    assert_eq!(
        ipc.receive(2, e[1], true),
        Ok(RecvOutcome::Message {
            from: 1,
            sender_was_call: false
        })
    );
    assert_eq!(ipc.receive(2, e[1], false), Err(Error::AGAIN));
    assert_eq!(
        ipc.receive(2, ANY, true),
        Ok(RecvOutcome::Message {
            from: 0,
            sender_was_call: false
        })
    );
    assert_eq!(ipc.receive(2, ANY, false), Err(Error::AGAIN));
}

#[test]
fn senders_are_served_in_fifo_order() {
    let (mut ipc, e) = table(6);
    for s in [3, 1, 4, 2] {
        assert_eq!(ipc.send(s, e[0], s % 2 == 0), Ok(SendOutcome::Blocked));
    }
    // Taking one from the middle keeps the order of the rest.
    assert_eq!(
        ipc.receive(0, e[4], true),
        Ok(RecvOutcome::Message {
            from: 4,
            sender_was_call: true
        })
    );
    ipc.send(5, e[0], false).unwrap();
    let mut order = vec![];
    while let Ok(RecvOutcome::Message { from, .. }) = ipc.receive(0, ANY, false) {
        order.push(from);
    }
    assert_eq!(order, [3, 1, 2, 5]);
}

#[test]
fn bad_arguments() {
    let (mut ipc, e) = table(2);
    assert_eq!(ipc.send(0, e[0], false), Err(Error::INVAL), "to self");
    assert_eq!(ipc.send(0, Endpoint::ANY, false), Err(Error::INVAL));
    assert_eq!(ipc.send(0, Endpoint::KERNEL, false), Err(Error::INVAL));
    assert_eq!(ipc.send(0, Endpoint::NONE, true), Err(Error::INVAL));
    assert_eq!(
        ipc.send(0, Endpoint(12345 << 10 | 999), true),
        Err(Error::INVAL)
    );
    assert_eq!(ipc.send(7, e[0], false), Err(Error::INVAL), "dead caller");
    assert_eq!(ipc.send(MAX_PROCS + 1, e[0], false), Err(Error::INVAL));
    assert_eq!(ipc.receive(0, e[0], true), Err(Error::INVAL), "from self");
    assert_eq!(ipc.receive(0, Endpoint::NONE, true), Err(Error::INVAL));
    assert_eq!(ipc.notify(0, e[0]), Err(Error::INVAL));
    // A blocked process cannot issue another IPC.
    ipc.send(0, e[1], false).unwrap();
    assert_eq!(ipc.send(0, e[1], false), Err(Error::INVAL));
    assert_eq!(ipc.receive(0, ANY, true), Err(Error::INVAL));
}

#[test]
fn deadlock_two_cycle() {
    let (mut ipc, e) = table(2);
    assert_eq!(ipc.send(0, e[1], false), Ok(SendOutcome::Blocked));
    assert_eq!(ipc.send(1, e[0], false), Err(Error::DEADLK));
    assert_eq!(
        ipc.state(1),
        IpcState::Running,
        "refused sender is unchanged"
    );
    // A calls B, B received it; B calling A would wait forever.
    let (mut ipc, e) = table(2);
    ipc.receive(1, ANY, true).unwrap();
    ipc.send(0, e[1], true).unwrap();
    assert_eq!(ipc.send(1, e[0], true), Err(Error::DEADLK));
    assert_eq!(ipc.send(1, e[0], false), Err(Error::DEADLK));
    // And receiving from A specifically would, too.
    assert_eq!(ipc.receive(1, e[0], true), Err(Error::DEADLK));
    assert_eq!(ipc.reply(1, e[0]), Ok(0));
}

#[test]
fn deadlock_three_cycle() {
    let (mut ipc, e) = table(4);
    ipc.send(0, e[1], true).unwrap();
    ipc.send(1, e[2], false).unwrap();
    assert_eq!(ipc.send(2, e[0], true), Err(Error::DEADLK));
    assert_eq!(
        ipc.send(2, e[3], true),
        Ok(SendOutcome::Blocked),
        "no cycle through 3"
    );
    assert_eq!(
        ipc.send(3, e[0], false),
        Err(Error::DEADLK),
        "3 -> 0 -> 1 -> 2 -> 3"
    );
    // Receiving from a specific endpoint that waits on us is refused too.
    let (mut ipc, e) = table(3);
    ipc.receive(0, e[1], true).unwrap();
    ipc.receive(1, e[2], true).unwrap();
    assert_eq!(ipc.receive(2, e[0], true), Err(Error::DEADLK));
    assert_eq!(
        ipc.receive(2, e[0], false),
        Err(Error::AGAIN),
        "non-blocking cannot deadlock"
    );
    assert_eq!(
        ipc.send(2, e[0], false),
        Err(Error::DEADLK),
        "0 waits for 1, 1 for 2"
    );
}

#[test]
fn dead_and_stale_endpoints() {
    let (mut ipc, e) = table(3);
    ipc.exit(1);
    assert_eq!(ipc.send(0, e[1], false), Err(Error::DEADSRCDST));
    assert_eq!(ipc.receive(0, e[1], true), Err(Error::DEADSRCDST));
    assert_eq!(ipc.notify(0, e[1]), Err(Error::DEADSRCDST));
    assert_eq!(ipc.reply(0, e[1]), Err(Error::DEADSRCDST));
    let e1_new = ipc.spawn(1);
    assert_eq!(e1_new.slot(), Some(1));
    assert_ne!(e1_new, e[1]);
    assert_eq!(
        ipc.send(0, e[1], false),
        Err(Error::DEADSRCDST),
        "stale generation"
    );
    assert_eq!(ipc.resolve(e[1]), Err(Error::DEADSRCDST));
    assert_eq!(ipc.send(0, e1_new, false), Ok(SendOutcome::Blocked));
}

#[test]
fn generation_wraps_but_stays_valid() {
    let mut ipc = Box::new(Ipc::new());
    ipc.slots[5].generation = MAX_GENERATION - 1;
    let a = ipc.spawn(5);
    assert_eq!(a.generation(), MAX_GENERATION);
    ipc.exit(5);
    let b = ipc.spawn(5);
    assert_eq!(b.generation(), 1);
    assert!(!b.is_special());
}

#[test]
fn notifications_coalesce_per_source() {
    let (mut ipc, e) = table(4);
    for _ in 0..5 {
        assert_eq!(ipc.notify(1, e[0]), Ok(NotifyOutcome::Pending));
    }
    assert_eq!(ipc.notify(2, e[0]), Ok(NotifyOutcome::Pending));
    let mut sources = vec![];
    while let Ok(RecvOutcome::Notification { source, bits }) = ipc.receive(0, ANY, false) {
        assert_eq!(bits, 0);
        sources.push(source);
    }
    assert_eq!(sources, [e[1], e[2]]);
    // Kernel bits coalesce by OR and come before process notifications.
    ipc.notify(3, e[0]).unwrap();
    assert_eq!(ipc.notify_kernel(0, 1), NotifyOutcome::Pending);
    assert_eq!(ipc.notify_kernel(0, 4), NotifyOutcome::Pending);
    assert_eq!(
        ipc.receive(0, ANY, true),
        Ok(RecvOutcome::Notification {
            source: Endpoint::KERNEL,
            bits: 5
        })
    );
    assert_eq!(
        ipc.receive(0, ANY, true),
        Ok(RecvOutcome::Notification {
            source: e[3],
            bits: 0
        })
    );
}

#[test]
fn notifications_before_messages_and_by_source() {
    let (mut ipc, e) = table(3);
    ipc.send(1, e[0], false).unwrap();
    ipc.notify(2, e[0]).unwrap();
    ipc.notify_kernel(0, 8);
    // A specific receive sees only that source.
    assert_eq!(
        ipc.receive(0, e[1], true),
        Ok(RecvOutcome::Message {
            from: 1,
            sender_was_call: false
        })
    );
    assert_eq!(
        ipc.receive(0, e[2], true),
        Ok(RecvOutcome::Notification {
            source: e[2],
            bits: 0
        })
    );
    // Receiving from KERNEL sees only kernel events.
    ipc.notify(2, e[0]).unwrap();
    assert_eq!(
        ipc.receive(0, Endpoint::KERNEL, true),
        Ok(RecvOutcome::Notification {
            source: Endpoint::KERNEL,
            bits: 8
        })
    );
    assert_eq!(ipc.receive(0, Endpoint::KERNEL, false), Err(Error::AGAIN));
    assert_eq!(
        ipc.receive(0, ANY, false),
        Ok(RecvOutcome::Notification {
            source: e[2],
            bits: 0
        })
    );
}

#[test]
fn notifications_are_delivered_to_a_waiting_receiver() {
    let (mut ipc, e) = table(3);
    ipc.receive(0, ANY, true).unwrap();
    assert_eq!(
        ipc.notify(1, e[0]),
        Ok(NotifyOutcome::Delivered {
            to: 0,
            source: e[1],
            bits: 0
        })
    );
    assert_eq!(ipc.state(0), IpcState::Running);
    ipc.receive(0, e[2], true).unwrap();
    assert_eq!(
        ipc.notify(1, e[0]),
        Ok(NotifyOutcome::Pending),
        "waiting for 2 only"
    );
    assert_eq!(ipc.notify_kernel(0, 2), NotifyOutcome::Pending);
    assert_eq!(
        ipc.notify(2, e[0]),
        Ok(NotifyOutcome::Delivered {
            to: 0,
            source: e[2],
            bits: 0
        })
    );
    ipc.receive(0, Endpoint::KERNEL, false).unwrap();
    ipc.receive(0, e[1], false).unwrap();
    ipc.receive(0, Endpoint::KERNEL, true).unwrap();
    assert_eq!(
        ipc.notify_kernel(0, 16),
        NotifyOutcome::Delivered {
            to: 0,
            source: Endpoint::KERNEL,
            bits: 16
        }
    );
    assert_eq!(ipc.notify_kernel(1, 0), NotifyOutcome::Dropped);
    assert_eq!(ipc.notify_kernel(7, 1), NotifyOutcome::Dropped);
    assert_eq!(ipc.notify_kernel(MAX_PROCS, 1), NotifyOutcome::Dropped);
    // A process blocked sending does not take notifications.
    ipc.send(0, e[1], false).unwrap();
    assert_eq!(ipc.notify(2, e[0]), Ok(NotifyOutcome::Pending));
}

#[test]
fn notification_sources_are_served_round_robin() {
    let (mut ipc, e) = table(4);
    let mut got = vec![];
    for _ in 0..3 {
        ipc.notify(1, e[0]).unwrap();
        ipc.notify(3, e[0]).unwrap();
        let RecvOutcome::Notification { source, .. } = ipc.receive(0, ANY, false).unwrap() else {
            panic!()
        };
        got.push(source);
    }
    // Source 1 notifies again each round but cannot starve source 3.
    assert_eq!(got, [e[1], e[3], e[1]]);
}

#[test]
fn exit_wakes_everyone_blocked_on_the_dead() {
    let (mut ipc, e) = table(6);
    ipc.send(1, e[0], false).unwrap(); // queued sender
    ipc.send(2, e[0], true).unwrap(); // queued caller
    ipc.receive(3, e[0], true).unwrap(); // receiver waiting on 0
    ipc.receive(0, ANY, true).unwrap(); // takes sender 1
    let RecvOutcome::Message {
        from: 2,
        sender_was_call: true,
    } = ipc.receive(0, ANY, true).unwrap()
    else {
        panic!()
    };
    // 2 now awaits 0's reply; 4 receives from ANY (not woken); 0 queues on 5.
    ipc.receive(4, ANY, true).unwrap();
    ipc.send(0, e[5], false).unwrap();
    ipc.notify(0, e[4]).unwrap_err(); // 0 is blocked: cannot notify
    let w = ipc.exit(0);
    let mut woken: Vec<usize> = w.iter().collect();
    woken.sort();
    assert_eq!(woken, [2, 3]);
    assert!(w.contains(2) && !w.contains(4));
    assert_eq!(w.len(), 2);
    assert_eq!(ipc.state(2), IpcState::Running);
    assert_eq!(ipc.state(3), IpcState::Running);
    assert_eq!(ipc.state(4), IpcState::Receiving { from: ANY });
    assert_eq!(ipc.state(0), IpcState::Dead);
    // 0 was removed from 5's queue.
    assert_eq!(ipc.receive(5, ANY, false), Err(Error::AGAIN));
    assert!(ipc.exit(0).is_empty(), "exiting twice does nothing");
    assert!(ipc.exit(MAX_PROCS).is_empty());
}

#[test]
fn exit_wakes_queued_senders_and_drops_notifications() {
    let (mut ipc, e) = table(4);
    ipc.send(1, e[0], true).unwrap();
    ipc.send(2, e[0], false).unwrap();
    ipc.notify(0, e[3]).unwrap();
    let w = ipc.exit(0);
    let mut woken: Vec<usize> = w.iter().collect();
    woken.sort();
    assert_eq!(woken, [1, 2]);
    assert_eq!(
        ipc.receive(3, ANY, false),
        Err(Error::AGAIN),
        "notification from the dead dropped"
    );
    // A middle member of a queue can exit too.
    let (mut ipc, e) = table(4);
    for s in 1..4 {
        ipc.send(s, e[0], false).unwrap();
    }
    assert!(ipc.exit(2).is_empty());
    let mut order = vec![];
    while let Ok(RecvOutcome::Message { from, .. }) = ipc.receive(0, ANY, false) {
        order.push(from);
    }
    assert_eq!(order, [1, 3]);
    ipc.send(1, e[0], false).unwrap();
    assert_eq!(
        ipc.receive(0, ANY, false),
        Ok(RecvOutcome::Message {
            from: 1,
            sender_was_call: false
        })
    );
}

/// Checks every structural invariant of the table.
pub(super) fn check_invariants(ipc: &Ipc) {
    let mut queued_on = [NIL; MAX_PROCS];
    for d in 0..MAX_PROCS {
        let slot = &ipc.slots[d];
        let mut at = slot.queue_head;
        let mut last = NIL;
        let mut n = 0;
        while at != NIL {
            let s = usize::from(at);
            n += 1;
            assert!(n <= MAX_PROCS, "queue of {d} has a cycle");
            assert_eq!(queued_on[s], NIL, "{s} is in two queues");
            queued_on[s] = d as u16;
            assert!(
                matches!(ipc.state(s), IpcState::Sending { to, .. } if to == d),
                "{s} queued on {d} but not sending to it"
            );
            last = at;
            at = ipc.slots[s].next;
        }
        assert_eq!(slot.queue_tail, last, "tail of {d}");
        if !slot.alive() {
            assert_eq!(slot.queue_head, NIL);
            assert_eq!(slot.pending, [0; PENDING_WORDS]);
            assert_eq!(slot.kernel_pending, 0);
        }
    }
    for s in 0..MAX_PROCS {
        match ipc.state(s) {
            IpcState::Sending { to, .. } => {
                assert_eq!(usize::from(queued_on[s]), to, "{s} sending but not queued");
                assert!(ipc.slots[to].alive());
            }
            IpcState::Receiving { from } => {
                assert_eq!(queued_on[s], NIL);
                let slot = &ipc.slots[s];
                match from {
                    Endpoint::ANY => {
                        assert_eq!(
                            slot.queue_head, NIL,
                            "{s} receives from ANY with senders queued"
                        );
                        assert_eq!(slot.pending, [0; PENDING_WORDS]);
                        assert_eq!(slot.kernel_pending, 0);
                    }
                    Endpoint::KERNEL => assert_eq!(slot.kernel_pending, 0),
                    _ => {
                        let src = ipc.resolve(from).expect("receiving from a live endpoint");
                        assert_ne!(
                            usize::from(queued_on[src]),
                            s,
                            "{s} waits for {src}, which is queued on it"
                        );
                        assert_eq!(slot.pending[src / 64] & (1 << (src % 64)), 0);
                    }
                }
            }
            IpcState::WaitingReply { from } => {
                assert_eq!(queued_on[s], NIL);
                assert!(ipc.slots[from].alive());
            }
            IpcState::Running | IpcState::Dead => assert_eq!(queued_on[s], NIL),
        }
        // No cycle of waiting processes.
        let mut at = s;
        for _ in 0..=MAX_PROCS {
            match ipc.waits_for(at) {
                Some(next) => {
                    assert_ne!(next, s, "waits-for cycle through {s}");
                    at = next;
                }
                None => break,
            }
        }
    }
}

#[test]
fn random_operations_keep_the_invariants() {
    const N: usize = 10;
    let mut rng = Rng::new(99);
    let mut ipc = Box::new(Ipc::new());
    let mut eps = [Endpoint::NONE; N];
    for (s, ep) in eps.iter_mut().enumerate() {
        *ep = ipc.spawn(s);
    }
    let mut counts = [0usize; 8];
    for step in 0..200_000 {
        let me = rng.below(N as u64) as usize;
        let other = rng.below(N as u64) as usize;
        // Sometimes use a stale endpoint, or a special one.
        let target = match rng.below(12) {
            0 => Endpoint::ANY,
            1 => Endpoint::new(other, eps[other].generation().wrapping_sub(1))
                .unwrap_or(Endpoint::NONE),
            _ => eps[other],
        };
        let before_target = ipc.state(other);
        let op = rng.below(8) as usize;
        let ok = match op {
            0 | 1 => {
                let r = ipc.send(me, target, rng.below(2) == 0);
                if let Ok(SendOutcome::Delivered { to }) = r {
                    assert!(matches!(before_target, IpcState::Receiving { .. }));
                    assert_eq!(ipc.state(to), IpcState::Running);
                }
                r.is_ok()
            }
            2 | 3 => {
                let from = if rng.below(3) == 0 {
                    target
                } else {
                    Endpoint::ANY
                };
                let r = ipc.receive(me, from, rng.below(4) != 0);
                if let Ok(RecvOutcome::Message {
                    from,
                    sender_was_call,
                }) = r
                {
                    let want = if sender_was_call {
                        IpcState::WaitingReply { from: me }
                    } else {
                        IpcState::Running
                    };
                    assert_eq!(ipc.state(from), want);
                    if from == other {
                        assert!(matches!(before_target, IpcState::Sending { to, .. } if to == me));
                    }
                }
                r.is_ok()
            }
            4 => {
                // Half the time, reply to someone who really awaits it.
                let waiter = (0..N).find(|&s| ipc.state(s) == IpcState::WaitingReply { from: me });
                let (target, before) = match waiter {
                    Some(w) if rng.below(2) == 0 => (eps[w], ipc.state(w)),
                    _ => (target, before_target),
                };
                let r = ipc.reply(me, target);
                if let Ok(to) = r {
                    assert_eq!(before, IpcState::WaitingReply { from: me });
                    assert_eq!(ipc.state(to), IpcState::Running);
                }
                r.is_ok()
            }
            5 => ipc.notify(me, target).is_ok(),
            6 => ipc.notify_kernel(me, rng.below(4)) != NotifyOutcome::Dropped,
            _ => {
                if rng.below(20) == 0 {
                    let w = ipc.exit(me);
                    for s in w.iter() {
                        assert_eq!(ipc.state(s), IpcState::Running);
                    }
                    eps[me] = ipc.spawn(me);
                    true
                } else {
                    false
                }
            }
        };
        if ok {
            counts[op] += 1;
        }
        // Unstick the system now and then: blocked processes otherwise
        // accumulate until nothing can act.
        if step % 50 == 0 {
            let victim = rng.below(N as u64) as usize;
            if ipc.state(victim) != IpcState::Running {
                ipc.exit(victim);
                eps[victim] = ipc.spawn(victim);
            }
        }
        check_invariants(&ipc);
    }
    eprintln!("ipc random run: successes per operation {counts:?}");
    for (op, &n) in counts.iter().enumerate() {
        assert!(n > 100, "operation {op} succeeded only {n} times");
    }
}

/// A tiny kernel around the state machine: it keeps each process's
/// outgoing message and inbox, carries out the outcomes exactly as the
/// real kernel must, and runs whichever process the table says is running.
/// Clients call a server 10,000 times in total with checked payloads while
/// kernel events and a notifying process interleave.
#[test]
fn fake_kernel_runs_clients_and_a_server() {
    const SERVER: usize = 0;
    const NOTIFIER: usize = 1;
    const CLIENTS: [usize; 3] = [2, 3, 4];
    const CALLS: u64 = 10_000;
    let (mut ipc, e) = table(5);
    let mut out = [0u64; 5];
    let mut inbox: [Option<(Endpoint, u64)>; 5] = [None; 5];
    let mut sent = [0u64; 5];
    let mut got_reply = [0u64; 5];
    let mut waiting = [false; 5]; // a client has a call outstanding
    let (mut served, mut kernel_events, mut process_notes) = (0u64, 0u64, 0u64);
    let mut rng = Rng::new(77);
    let mut steps = 0;
    while served < CALLS {
        steps += 1;
        assert!(steps < 1_000_000, "no progress");
        let p = rng.below(5) as usize;
        if ipc.state(p) != IpcState::Running {
            continue;
        }
        match p {
            SERVER => match ipc.receive(SERVER, ANY, true).unwrap() {
                RecvOutcome::Blocked => {}
                RecvOutcome::Notification { source, bits } => {
                    if source == Endpoint::KERNEL {
                        assert_ne!(bits, 0);
                        kernel_events += 1;
                    } else {
                        assert_eq!(source, e[NOTIFIER]);
                        process_notes += 1;
                    }
                }
                RecvOutcome::Message {
                    from,
                    sender_was_call,
                } => {
                    assert!(sender_was_call && CLIENTS.contains(&from));
                    inbox[SERVER] = Some((e[from], out[from]));
                }
            },
            NOTIFIER => {
                if rng.below(4) == 0 {
                    if let NotifyOutcome::Delivered { to, source, .. } =
                        ipc.notify(NOTIFIER, e[SERVER]).unwrap()
                    {
                        assert_eq!((to, source), (SERVER, e[NOTIFIER]));
                        process_notes += 1;
                    }
                } else if rng.below(4) == 0 {
                    if let NotifyOutcome::Delivered { bits, .. } =
                        ipc.notify_kernel(SERVER, 1 << rng.below(8))
                    {
                        assert_ne!(bits, 0);
                        kernel_events += 1;
                    }
                }
            }
            client => {
                if waiting[client] {
                    // Resumed: the reply must be there and match.
                    let (from, value) = inbox[client].take().expect("resumed without a reply");
                    assert_eq!(from, e[SERVER]);
                    assert_eq!(value, out[client] + 1);
                    got_reply[client] += 1;
                    waiting[client] = false;
                } else if sent.iter().sum::<u64>() < CALLS {
                    sent[client] += 1;
                    out[client] = (client as u64) << 32 | sent[client];
                    waiting[client] = true;
                    if let SendOutcome::Delivered { to } =
                        ipc.send(client, e[SERVER], true).unwrap()
                    {
                        inbox[to] = Some((e[client], out[client]));
                    }
                }
            }
        }
        // The server answers whatever it received, in its next step.
        if ipc.state(SERVER) == IpcState::Running {
            if let Some((client, value)) = inbox[SERVER].take() {
                let to = ipc.reply(SERVER, client).unwrap();
                inbox[to] = Some((e[SERVER], value + 1));
                served += 1;
            }
        }
        check_invariants(&ipc);
    }
    assert_eq!(sent.iter().sum::<u64>(), CALLS);
    let pending: u64 = CLIENTS.iter().map(|&c| u64::from(waiting[c])).sum();
    assert_eq!(got_reply.iter().sum::<u64>() + pending, CALLS);
    assert!(
        CLIENTS.iter().all(|&c| sent[c] > 1000),
        "every client got turns: {sent:?}"
    );
    assert!(kernel_events > 0 && process_notes > 0);
}

#[test]
fn cancel_leaves_queues_and_waits() {
    let mut ipc = Ipc::new();
    let a = ipc.spawn(0);
    let b = ipc.spawn(1);
    let _c = ipc.spawn(2);
    // 1 and 2 queue on 0; cancelling 1 leaves 2 first in line.
    assert_eq!(ipc.send(1, a, true), Ok(SendOutcome::Blocked));
    assert_eq!(ipc.send(2, a, false), Ok(SendOutcome::Blocked));
    assert!(ipc.cancel(1));
    assert_eq!(ipc.state(1), IpcState::Running);
    assert_eq!(ipc.receive(0, Endpoint::ANY, true), Ok(RecvOutcome::Message { from: 2, sender_was_call: false }));
    // A cancelled receive and a cancelled reply wait.
    assert_eq!(ipc.receive(0, Endpoint::ANY, true), Ok(RecvOutcome::Blocked));
    assert!(ipc.cancel(0));
    assert_eq!(ipc.send(1, a, true), Ok(SendOutcome::Blocked));
    assert_eq!(ipc.receive(0, b, true), Ok(RecvOutcome::Message { from: 1, sender_was_call: true }));
    assert!(ipc.cancel(1));
    assert_eq!(ipc.reply(0, b), Err(Error::NOTWAITING));
    assert!(!ipc.cancel(1));
}
