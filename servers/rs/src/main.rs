//! rs, the reincarnation server.
//!
//! It is the first boot server. It becomes the kernel's exit watcher,
//! reads the restart policy of every service from the boot manifest
//! (`server_info`), starts the services the kernel did not, and then
//! serves: heartbeats (IPC_MSG_HEARTBEAT, sent by the shared server loop
//! of molt-rt), the name service (IPC_MSG_PUBLISH / IPC_MSG_LOOKUP), the
//! `service` command's requests, and poweroff. A service that exits or
//! faults, or stays silent past its limit, is restarted after its backoff
//! until it has used up its restarts. Every exit is also passed on to pm
//! (a notification), which reaps user processes.
//!
//! Every `call` gets a reply, whatever its type. The control requests
//! (`service restart|stop|fi`, poweroff) reach rs only from senders with
//! the manifest's `control` right: the kernel refuses them to everyone
//! else with PERM.
//!
//! If rs itself dies the kernel starts it again; the new instance adopts
//! the running services it finds in the kernel's process table.
//!
//! rs never waits on a service that might be hung: it reports through the
//! kernel's debug output (the same serial line) rather than the console
//! driver, and asks only services that still heartbeat to shut down.
#![cfg_attr(not(test), no_std)]
#![cfg_attr(not(test), no_main)]
#![forbid(unsafe_op_in_unsafe_fn)]
#![deny(clippy::undocumented_unsafe_blocks)]

mod control;
mod sets;
mod state;
mod table;

use molt_abi::message::*;
use molt_abi::{Endpoint, Error, Message};
use molt_rt::server::result_reply;
use molt_rt::{ipc, kcall, names, time, Args};
use table::{State, Table};

/// Exit status rs gives a hung service it kills (SIGKILL, as pm encodes it).
const KILLED: i64 = molt_rt::process::Status::Signaled(molt_rt::process::SIGKILL).encode();

pub struct Rs {
    table: Table,
    me: Endpoint,
    state: state::Store,
}

molt_rt::entry!(main);

fn main(_args: &Args) -> i32 {
    let me = kcall::self_endpoint();
    if let Err(e) = kcall::watch_exits() {
        molt_rt::println!("rs: cannot watch exits: {}", e.text());
        return 1;
    }
    let mut rs = Rs { table: Table::load(), me, state: state::Store::new() };
    let adopted = rs.adopt_running();
    if adopted > 0 {
        rs.say(format_args!("rs: restarted; adopted {adopted} running services\n"));
    }
    rs.start_missing();
    rs.serve()
}

impl Rs {
    /// Takes over services already running (the kernel's boot servers, or
    /// everything, after rs itself was restarted).
    fn adopt_running(&mut self) -> usize {
        let now = time::now_ms();
        let mut adopted = 0;
        let mut index = 0;
        while let Ok((info, next)) = kcall::proc_info(index) {
            index = next;
            // The previous rs's children (its services) wait for us to adopt
            // them, so their exits reach our `wait` again.
            if info.parent == Endpoint::NONE.0 {
                let _ = kcall::adopt(Endpoint(info.endpoint));
            }
            if info.state == 3 {
                continue;
            }
            let name = names::padded(&info.name);
            let me = self.me;
            if let Some(s) = self.table.iter_mut().find(|s| s.index == info.priv_id as usize && s.name() == name) {
                if s.is_rs() {
                    s.on_start(me, now, false);
                    s.published = true;
                    continue;
                }
                s.on_start(Endpoint(info.endpoint), now, false);
                // A server that runs the server loop republishes when its
                // heartbeat to the old rs fails; until then assume it does.
                s.published = s.info.heartbeat_ms > 0;
                adopted += 1;
            }
        }
        adopted
    }

    /// Starts every service that is not running, in manifest order.
    fn start_missing(&mut self) {
        let now = time::now_ms();
        for s in self.table.iter_mut() {
            if s.state == State::Stopped && s.endpoint == Endpoint::NONE && !s.is_rs() {
                match kcall::spawn(s.index) {
                    Ok(ep) => s.on_start(ep, now, false),
                    Err(e) => {
                        molt_rt::println!("rs: cannot start {}: {}", s.name(), e.text());
                        s.state = State::Failed;
                    }
                }
            }
        }
    }

    fn serve(&mut self) -> ! {
        let mut msg = Message::default();
        loop {
            self.arm_alarm();
            let Ok(from) = ipc::receive(Endpoint::ANY, &mut msg) else { continue };
            self.dispatch(from, &msg);
        }
    }

    /// Handles one message (also used while draining during a call).
    fn dispatch(&mut self, from: Endpoint, msg: &Message) {
        match msg.mtype {
            IPC_MSG_NOTIFY if from == Endpoint::KERNEL => {
                if msg.payload[0] & NOTIFY_EXIT != 0 {
                    self.collect_exits();
                }
                self.check_deadlines();
            }
            IPC_MSG_NOTIFY => {}
            IPC_MSG_HEARTBEAT => {
                let now = time::now_ms();
                let known = self.table.by_endpoint(from).map(|s| s.last_heard_ms = now).is_some();
                // Heartbeats are sent, not called; a `call` still gets an
                // answer. (To a sender this reply fails with NOTWAITING: it
                // is not waiting for one.)
                let _ = ipc::reply(from, &result_reply(if known { Ok(0) } else { Err(Error::PERM) }, [0; 6]));
            }
            IPC_MSG_PUBLISH => {
                let reply = self.publish(from, msg);
                let _ = ipc::reply(from, &reply);
            }
            IPC_MSG_LOOKUP => {
                let mut buf = [0; names::NAME_MAX];
                let name = names::unpack(&msg.payload[..4], &mut buf);
                let found = self.table.by_name(name).filter(|s| s.state == State::Running).map(|s| s.endpoint);
                let _ = ipc::reply(from, &result_reply(found.map(|e| u64::from(e.0)).ok_or(Error::NOENT), [0; 6]));
            }
            IPC_MSG_STATE => {
                let result = match self.table.by_endpoint(from) {
                    Some(s) if s.state == State::Running => self.state.grant_for(s.index, from),
                    _ => Err(Error::PERM),
                };
                let (id, len) = result.map_or((Err(Error::PERM), 0), |(id, len)| (Ok(id), len));
                let _ = ipc::reply(from, &result_reply(id, [len, 0, 0, 0, 0, 0]));
            }
            IPC_MSG_SERVICE_LIST => {
                let reply = self.list_entry(msg.payload[0] as usize);
                let _ = ipc::reply(from, &reply);
            }
            IPC_MSG_SERVICE_RESTART | IPC_MSG_SERVICE_STOP => {
                let mut buf = [0; names::NAME_MAX];
                let name = names::unpack(&msg.payload[..4], &mut buf);
                let result = if msg.mtype == IPC_MSG_SERVICE_STOP { self.stop_by_name(name) } else { self.restart_by_name(name) };
                let _ = ipc::reply(from, &result_reply(result.map(|()| 0), [0; 6]));
            }
            IPC_MSG_FAULT_INJECT if matches!(msg.payload[0], molt_rt::server::FI_CRASH | molt_rt::server::FI_HANG) => {
                // rs is not run by the server loop; it honours the same
                // request. The kernel restarts it.
                let _ = ipc::reply(from, &result_reply(Ok(0), [0; 6]));
                molt_rt::server::inject_fault(msg.payload[0]);
            }
            IPC_MSG_POWEROFF => {
                let _ = ipc::reply(from, &result_reply(Ok(0), [0; 6]));
                self.power_off();
            }
            _ => {
                let _ = ipc::reply(from, &result_reply(Err(Error::NOSYS), [0; 6]));
            }
        }
    }

    /// IPC_MSG_PUBLISH: only the instance rs runs under that name may
    /// publish it. Replies with the heartbeat period.
    fn publish(&mut self, from: Endpoint, msg: &Message) -> Message {
        let mut buf = [0; names::NAME_MAX];
        let name = names::unpack(&msg.payload[..4], &mut buf);
        let now = time::now_ms();
        match self.table.by_endpoint(from) {
            Some(s) if s.name() == name => {
                s.published = true;
                s.last_heard_ms = now;
                result_reply(Ok(0), [u64::from(s.info.heartbeat_ms), 0, 0, 0, 0, 0])
            }
            _ => result_reply(Err(Error::PERM), [0; 6]),
        }
    }

    fn list_entry(&self, index: usize) -> Message {
        let now = time::now_ms();
        let Some(s) = self.table.rows.iter().skip(index).flatten().next() else {
            return result_reply(Err(Error::NOENT), [0; 6]);
        };
        let age = if s.state == State::Running && s.published && !s.is_rs() { now.saturating_sub(s.last_heard_ms) } else { u64::MAX };
        let w = names::pack(s.name());
        result_reply(
            Ok(s.index as u64 + 1),
            [u64::from(s.endpoint.0), s.state.code() | u64::from(s.restarts) << 32, age, w[0], w[1], w[2]],
        )
    }

    /// Wakes us at the next silence deadline or end of a backoff.
    fn arm_alarm(&self) {
        let now = time::now_ms();
        let ms = match self.table.next_deadline() {
            Some(at) => at.saturating_sub(now).max(1),
            None => 0,
        };
        let _ = kcall::alarm(ms * 1_000_000);
    }

    /// NOTIFY_EXIT: collect our children's statuses, notice adopted
    /// services that vanished, and tell pm.
    fn collect_exits(&mut self) {
        while let Ok(Some((ep, status))) = kcall::wait_nohang(Endpoint::ANY) {
            self.died(ep, Some(status));
        }
        let running: sets::Set = sets::live_endpoints();
        let gone: sets::Set = self
            .table
            .iter()
            .filter(|s| s.state == State::Running && !s.is_rs() && !running.contains(s.endpoint))
            .map(|s| s.endpoint)
            .collect();
        for ep in gone.iter() {
            self.died(ep, None);
        }
        if let Some(pm) = self.table.by_name("pm").filter(|s| s.state == State::Running).map(|s| s.endpoint) {
            let _ = ipc::notify(pm);
        }
    }

    fn died(&mut self, ep: Endpoint, status: Option<i64>) {
        let now = time::now_ms();
        let Some(s) = self.table.by_endpoint(ep) else { return };
        if s.state == State::Stopped {
            s.on_death(now);
            return;
        }
        let next = s.on_death(now);
        let name = s.name_copy();
        match (next, status) {
            (State::Failed, _) => self.say(format_args!("rs: {} died and used up its restarts; giving up\n", name.as_str())),
            (_, Some(st)) => self.say(format_args!("rs: {} (pid {}) exited with status {:#x}; restarting\n", name.as_str(), ep.0, st)),
            (_, None) => self.say(format_args!("rs: {} (pid {}) is gone; restarting\n", name.as_str(), ep.0)),
        }
        self.check_deadlines();
    }

    /// Restarts services whose backoff ended; restarts silent ones.
    fn check_deadlines(&mut self) {
        let now = time::now_ms();
        let hung: sets::Set = self.table.iter().filter(|s| s.silent_too_long(now).is_some()).map(|s| s.endpoint).collect();
        for ep in hung.iter() {
            let Some(s) = self.table.by_endpoint(ep) else { continue };
            let silent = now.saturating_sub(s.last_heard_ms);
            let (limit, name) = (s.info.silence_limit_ms, s.name_copy());
            self.say(format_args!(
                "rs: warning: {} (pid {}) silent for {} ms (limit {} ms); restarting it\n",
                name.as_str(),
                ep.0,
                silent,
                limit
            ));
            let _ = kcall::kill(ep, KILLED);
            let _ = kcall::wait_nohang(ep);
            self.died(ep, Some(KILLED));
        }
        let due: sets::Indexes = self
            .table
            .iter()
            .filter(|s| matches!(s.state, State::Restarting { at_ms } if at_ms <= now))
            .map(|s| s.index)
            .collect();
        for index in due.iter() {
            self.restart(index);
        }
    }

    /// Starts service `index` again.
    fn restart(&mut self, index: usize) {
        let now = time::now_ms();
        let Some(s) = self.table.rows[index].as_mut() else { return };
        match kcall::spawn(index) {
            Ok(ep) => {
                s.on_start(ep, now, true);
                let (name, took) = (s.name_copy(), now.saturating_sub(s.died_ms));
                let restarts = s.restarts;
                self.say(format_args!(
                    "rs: restarted {} as pid {} ({} ms after its exit; restart {})\n",
                    name.as_str(),
                    ep.0,
                    took,
                    restarts
                ));
            }
            Err(e) => {
                s.state = State::Failed;
                let name = s.name_copy();
                self.say(format_args!("rs: cannot restart {}: {}\n", name.as_str(), e.text()));
            }
        }
    }

    /// Prints a line on the serial console through the kernel's debug
    /// output, never through the console driver: rs must not block on a
    /// server that may be the hung one.
    fn say(&mut self, args: core::fmt::Arguments) {
        molt_rt::print::print(args);
    }
}

