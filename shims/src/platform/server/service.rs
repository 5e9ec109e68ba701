//! A BSD server as a service of rs: the dispatcher's loop with the
//! service protocol that `molt_rt::server::run` speaks for the other
//! servers. It publishes the server's name, sends a heartbeat every
//! period the manifest sets (timed by the same kernel alarm as the
//! callouts: the earliest deadline wins), echoes IPC_MSG_PING, carries out
//! IPC_MSG_FAULT_INJECT (crash or hang, for `service fi`), and hands
//! IPC_MSG_SHUTDOWN and every other message to the server.
use molt_abi::{Endpoint, Error, Message};
use molt_rt::kcall;
use molt_rt::service::Protocol;

use super::{clock, dispatch};

/// What [`Service::next`] got.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Next {
    /// A request (or a kernel event) for the server, from this sender.
    Request(Endpoint),
    /// rs asks the server to stop: clean up, reply to this sender, exit.
    Shutdown(Endpoint),
    /// The time given to `next` passed.
    TimedOut,
}

/// The service state of a BSD server.
pub struct Service {
    name: &'static str,
    me: Endpoint,
    period_ns: u64,
    next_beat_ns: u64,
    beats: u64,
}

impl Service {
    /// Publishes `name` with rs (the manifest entry rs started must have
    /// that name) and starts heartbeating at the period rs answers.
    pub fn start(name: &'static str) -> Result<Service, Error> {
        let period_ms = molt_rt::service::publish(name)?;
        let period_ns = period_ms.saturating_mul(1_000_000);
        let next_beat_ns = if period_ns == 0 { u64::MAX } else { clock::monotonic_ns() + period_ns };
        Ok(Service { name, me: kcall::self_endpoint(), period_ns, next_beat_ns, beats: 0 })
    }

    /// The heartbeat period in nanoseconds (0: none).
    pub fn period_ns(&self) -> u64 {
        self.period_ns
    }

    /// Heartbeats sent so far.
    pub fn beats(&self) -> u64 {
        self.beats
    }

    fn beat_if_due(&mut self) {
        let now = clock::monotonic_ns();
        if now >= self.next_beat_ns {
            molt_rt::service::heartbeat(self.name, self.me);
            self.beats += 1;
            self.next_beat_ns = now + self.period_ns;
        }
    }

    /// Runs workers, timers and heartbeats until a message for the server
    /// arrives (or monotonic time `until_ns`: `u64::MAX` for never).
    pub fn next(&mut self, msg: &mut Message, until_ns: u64) -> Next {
        loop {
            self.beat_if_due();
            let Some(from) = dispatch::receive_until(msg, until_ns.min(self.next_beat_ns)) else {
                if clock::monotonic_ns() >= until_ns {
                    return Next::TimedOut;
                }
                continue;
            };
            match molt_rt::service::answer(from, msg) {
                Protocol::Answered => {}
                Protocol::Shutdown => return Next::Shutdown(from),
                Protocol::Request => return Next::Request(from),
            }
        }
    }
}
