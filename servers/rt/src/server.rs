//! The main loop every server shares: receive a request, hand it to the
//! server's handler, reply. The loop, not the server, keeps the
//! reincarnation server informed:
//!
//! - at start it publishes the server's name with rs, which answers with
//!   the heartbeat period the boot manifest sets for it;
//! - it sends IPC_MSG_HEARTBEAT with the server's pid every period, timed
//!   by a kernel alarm (re-armed before every receive, so a handler that
//!   sleeps cannot lose it);
//! - it answers IPC_MSG_FAULT_INJECT (crash: a CPU exception; hang: stop
//!   answering and heartbeating, as a deadlocked server does) and IPC_MSG_SHUTDOWN (the handler
//!   cleans up, then the server exits), and IPC_MSG_PING (echoed: the
//!   cheapest proof that an instance answers).
//!
//! Every `call` gets a reply: types the loop does not serve go to the
//! handler, which answers NOSYS for types it does not know. Two kinds of
//! message need no check here because the kernel makes them trustworthy:
//! a NOTIFY always comes from the kernel's `notify` (a `send` or `call` of
//! that type fails with INVAL, so it never waits for a reply), and the
//! control messages (SHUTDOWN, FAULT_INJECT) come only from senders with
//! the manifest's `control` right (rs, and the `service` and `poweroff`
//! programs); anyone else's fails with PERM.

use crate::{ipc, kcall, names, time};
use molt_abi::message::*;
use molt_abi::{Endpoint, Error, Message};

/// Fault-injection kinds (payload[0] of IPC_MSG_FAULT_INJECT).
pub const FI_CRASH: u64 = 1;
pub const FI_HANG: u64 = 2;

/// A server's request handler.
pub trait Server {
    /// Handles a request from `from`. `Some(reply)` answers now; `None`
    /// answers later with [`ipc::reply`] (or never, for exec).
    fn request(&mut self, from: Endpoint, msg: &Message) -> Option<Message>;

    /// A notification: kernel event bits (alarm bit removed) from
    /// [`Endpoint::KERNEL`], or 0 from a process that called `notify`.
    fn notified(&mut self, _from: Endpoint, _bits: u64) {}

    /// Called once per heartbeat period.
    fn tick(&mut self) {}

    /// Called before the server exits on IPC_MSG_SHUTDOWN.
    fn shutdown(&mut self) {}
}

/// A reply carrying a result word (`Ok(value)` or `-error`).
pub fn result_reply(result: Result<u64, Error>, rest: [u64; 6]) -> Message {
    let word = match result {
        Ok(v) => v,
        Err(e) => e.to_ret() as i64 as u64,
    };
    Message::new(IPC_MSG_REPLY, [word, rest[0], rest[1], rest[2], rest[3], rest[4], rest[5]])
}

/// Publishes `name` with rs; returns the heartbeat period in ms (0: none).
fn publish(name: &str) -> u64 {
    let w = names::pack(name);
    let mut msg = Message::new(IPC_MSG_PUBLISH, [w[0], w[1], w[2], w[3], 0, 0, 0]);
    match names::call_rs(&mut msg).and_then(|()| names::reply_value(&msg)) {
        Ok(_) => msg.payload[1],
        Err(e) => {
            crate::println!("{}: cannot publish with rs: {}", name, e.text());
            0
        }
    }
}

fn heartbeat(name: &str, me: Endpoint) {
    let msg = Message::new(IPC_MSG_HEARTBEAT, [me.0.into(), 0, 0, 0, 0, 0, 0]);
    match names::rs().and_then(|rs| ipc::send(rs, &msg)) {
        Err(Error::DEADSRCDST) | Err(Error::NOENT) => {
            // rs was restarted: find the new one and introduce ourselves.
            names::forget_rs();
            publish(name);
        }
        _ => {}
    }
}

/// Carries out an injected fault: crash or hang.
pub fn inject_fault(kind: u64) -> ! {
    if kind == FI_CRASH {
        // SAFETY: ud2 raises an invalid-opcode exception on purpose; the
        // kernel ends this process and tells rs, which is the point.
        unsafe { core::arch::asm!("ud2", options(noreturn)) }
    }
    // Hang like a deadlocked server: never answer or heartbeat again, but
    // without burning the CPU (a spinning server at a high priority would
    // also starve every lower one and get them declared hung too).
    let _ = kcall::alarm(0);
    let mut msg = Message::default();
    loop {
        let _ = ipc::receive(Endpoint::KERNEL, &mut msg);
    }
}

/// Runs `server` under the name `name` forever (until shutdown).
pub fn run(name: &str, server: &mut impl Server) -> i32 {
    let me = kcall::self_endpoint();
    let period = publish(name);
    let mut next_beat = time::now_ms() + period;
    let mut msg = Message::default();
    loop {
        if period > 0 {
            let now = time::now_ms();
            if now >= next_beat {
                heartbeat(name, me);
                server.tick();
                next_beat = now + period;
            }
            let _ = kcall::alarm((next_beat.saturating_sub(now)).max(1) * 1_000_000);
        }
        let from = match ipc::receive(Endpoint::ANY, &mut msg) {
            Ok(from) => from,
            Err(_) => continue,
        };
        match msg.mtype {
            IPC_MSG_NOTIFY if from == Endpoint::KERNEL => {
                let bits = msg.payload[0] & !NOTIFY_ALARM;
                if bits != 0 {
                    server.notified(from, bits);
                }
            }
            IPC_MSG_NOTIFY => server.notified(from, 0),
            IPC_MSG_FAULT_INJECT => {
                let kind = msg.payload[0];
                if kind != FI_CRASH && kind != FI_HANG {
                    let _ = ipc::reply(from, &result_reply(Err(Error::INVAL), [0; 6]));
                    continue;
                }
                let _ = ipc::reply(from, &result_reply(Ok(0), [0; 6]));
                inject_fault(kind);
            }
            IPC_MSG_PING => {
                let mut echo = msg;
                echo.mtype = IPC_MSG_REPLY;
                let _ = ipc::reply(from, &echo);
            }
            IPC_MSG_SHUTDOWN => {
                server.shutdown();
                let _ = ipc::reply(from, &result_reply(Ok(0), [0; 6]));
                return 0;
            }
            _ => {
                if let Some(reply) = server.request(from, &msg) {
                    let _ = ipc::reply(from, &reply);
                }
            }
        }
    }
}
