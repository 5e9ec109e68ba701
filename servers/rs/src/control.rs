//! Commands that change what runs: `service stop`, `service restart` and
//! poweroff. Stopping a server that runs the shared server loop sends it
//! IPC_MSG_SHUTDOWN so it can finish cleanly; anything else is killed.

use crate::table::State;
use crate::Rs;
use molt_abi::message::IPC_MSG_SHUTDOWN;
use molt_abi::{Endpoint, Error, Message};
use molt_rt::process::{Status, SIGTERM};
use molt_rt::{ipc, kcall, time};

/// Tries a call this many times when it would close a send cycle (the
/// server was sending us a heartbeat at that moment).
const DEADLOCK_RETRIES: usize = 20;

impl Rs {
    pub(crate) fn stop_by_name(&mut self, name: &str) -> Result<(), Error> {
        let index = self.table.by_name(name).ok_or(Error::NOENT)?.index;
        if self.table.rows[index].is_some_and(|s| s.is_rs()) {
            return Err(Error::INVAL);
        }
        self.stop(index);
        Ok(())
    }

    pub(crate) fn restart_by_name(&mut self, name: &str) -> Result<(), Error> {
        let index = self.table.by_name(name).ok_or(Error::NOENT)?.index;
        if self.table.rows[index].is_some_and(|s| s.is_rs()) {
            return Err(Error::INVAL);
        }
        self.stop(index);
        if let Some(s) = self.table.rows[index].as_mut() {
            s.died_ms = time::now_ms();
            s.consecutive = 0;
        }
        self.restart(index);
        Ok(())
    }

    /// Stops service `index` and marks it stopped.
    fn stop(&mut self, index: usize) {
        let Some(s) = self.table.rows[index].as_mut() else { return };
        let (ep, was_running) = (s.endpoint, s.state == State::Running);
        // Only a server that is answering heartbeats is asked to stop: a
        // call to a hung one would never return.
        let heard_lately = time::now_ms().saturating_sub(s.last_heard_ms) <= 2 * u64::from(s.info.heartbeat_ms);
        let published = s.published && heard_lately;
        s.state = State::Stopped;
        if !was_running || ep == Endpoint::NONE {
            return;
        }
        if published {
            let mut msg = Message::new(IPC_MSG_SHUTDOWN, [0; 7]);
            let _ = self.call_draining(ep, &mut msg);
        }
        // After its shutdown reply the server only returns from main: make
        // sure it is gone before anyone looks it up again.
        let _ = kcall::kill(ep, Status::Signaled(SIGTERM).encode());
        let _ = kcall::wait_nohang(ep);
        if let Some(s) = self.table.rows[index].as_mut() {
            s.on_death(time::now_ms());
        }
    }

    /// Calls `ep`; if that would deadlock because `ep` is sending to us,
    /// takes its message first.
    fn call_draining(&mut self, ep: Endpoint, msg: &mut Message) -> Result<(), Error> {
        let request = *msg;
        for _ in 0..DEADLOCK_RETRIES {
            match ipc::call(ep, msg) {
                Err(Error::DEADLK) => {
                    *msg = request;
                    let mut incoming = Message::default();
                    if let Ok(from) = ipc::try_receive(ep, &mut incoming) {
                        self.dispatch(from, &incoming);
                    }
                }
                other => return other,
            }
        }
        Err(Error::DEADLK)
    }

    /// Stops every service (the console last, so it can report), then
    /// powers the machine off.
    pub(crate) fn power_off(&mut self) -> ! {
        self.say(format_args!("rs: stopping services for poweroff\n"));
        let order: crate::sets::Indexes =
            self.table.iter().filter(|s| !s.is_rs() && s.name() != "console").map(|s| s.index).collect();
        let mut reversed = [0usize; 64];
        let n = order.iter().count();
        for (i, index) in order.iter().enumerate() {
            reversed[n - 1 - i] = index;
        }
        for &index in &reversed[..n] {
            self.stop(index);
        }
        self.say(format_args!("rs: all services stopped; powering off\n"));
        if let Some(index) = self.table.by_name("console").map(|s| s.index) {
            self.stop(index);
        }
        let _ = kcall::power_off(0);
        kcall::exit(0)
    }
}
