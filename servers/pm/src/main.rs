//! pm, the process manager.
//!
//! It owns the process table of user processes and answers the process
//! calls of molt-rt's `process` module: fork (the kernel's `fork_for`
//! copies the calling client), exec (a program from the boot archive
//! replaces the calling client with `exec_for`), wait and waitpid
//! (answered when a child ends: a deferred reply), kill with signals and
//! process groups, getpid and getppid, signal actions, and the process
//! list for `ps`.
//!
//! pm is the kernel parent of every process it forks, so the kernel keeps
//! their exit statuses for it; rs passes every exit notification on to pm,
//! which then collects them with a non-blocking `wait`. Policy lives here:
//! the default action of each signal, who a process's parent is, the
//! limit on processes.
//!
//! The table survives a restart of pm (`persist`): it is saved, row by
//! row as it changes, in memory rs keeps for pm, and a new instance reads
//! it back and adopts its predecessor's children from the kernel.
#![cfg_attr(not(test), no_std)]
#![cfg_attr(not(test), no_main)]
#![forbid(unsafe_op_in_unsafe_fn)]
#![deny(clippy::undocumented_unsafe_blocks)]

mod exec;
mod persist;
mod signals;
mod table;

use molt_abi::message::*;
use molt_abi::{Endpoint, Error, Message};
use molt_rt::process::{Pid, NSIG, SIGKILL, SIG_DFL};
use molt_rt::server::{result_reply, Server};
use molt_rt::{ipc, kcall, names, Args};
use table::{Proc, Table};

molt_rt::entry!(main);

fn main(_args: &Args) -> i32 {
    let mut pm = Pm { procs: Table::new(), loader: exec::Loader::new(), saved: None };
    pm.restore();
    pm.adopt_orphans();
    pm.reap();
    pm.save();
    molt_rt::server::run("pm", &mut pm)
}

pub struct Pm {
    procs: Table,
    loader: exec::Loader,
    /// Where the table is saved (`None` until rs gives pm its buffer).
    saved: Option<persist::Saved>,
}

impl Server for Pm {
    fn request(&mut self, from: Endpoint, msg: &Message) -> Option<Message> {
        let reply = self.handle(from, msg);
        self.save();
        reply
    }

    fn notified(&mut self, _from: Endpoint, _bits: u64) {
        self.reap();
        self.save();
    }

    fn tick(&mut self) {
        self.reap();
        self.sweep();
        self.save();
    }
}

impl Pm {
    fn handle(&mut self, from: Endpoint, msg: &Message) -> Option<Message> {
        let caller = u64::from(from.0);
        if !self.adopt(caller) && msg.mtype != IPC_MSG_PROC_LIST {
            return Some(result_reply(Err(Error::AGAIN), [0; 6]));
        }
        if self.procs.find(caller).is_some_and(|p| p.waiting.is_some()) {
            // A new request means any earlier wait was given up (a signal
            // interrupted it).
            if let Some(p) = self.procs.get(caller) {
                p.waiting = None;
            }
        }
        let p = msg.payload;
        match msg.mtype {
            IPC_MSG_FORK => Some(result_reply(self.fork(from), [0; 6])),
            IPC_MSG_EXEC => match self.loader.exec(from, (p[0], p[1]), (p[2], p[3])) {
                Ok(()) => {
                    if let Some(proc) = self.procs.get(caller) {
                        proc.actions = [SIG_DFL; NSIG as usize];
                    }
                    None
                }
                Err(e) => Some(result_reply(Err(e), [0; 6])),
            },
            IPC_MSG_WAIT => self.wait(caller, p[0], p[1]),
            IPC_MSG_KILL => Some(result_reply(self.kill(p[0] as i64, p[1]).map(|()| 0), [0; 6])),
            IPC_MSG_GETPID => {
                let ppid = self.procs.find(caller).map_or(0, |p| p.ppid);
                Some(result_reply(Ok(0), [caller, ppid, 0, 0, 0, 0]))
            }
            IPC_MSG_SETPGID => Some(self.setpgid(caller, p[0], p[1])),
            IPC_MSG_SIGACTION => Some(result_reply(self.sigaction(caller, p[0], p[1], p[2]).map(|()| 0), [0; 6])),
            IPC_MSG_PROC_LIST => Some(self.proc_list(p[0])),
            _ => Some(result_reply(Err(Error::NOSYS), [0; 6])),
        }
    }

    /// Reads back the table a previous pm saved, and takes its children
    /// from the kernel; a saved process that is gone altogether ended
    /// while no pm was there to see how.
    fn restore(&mut self) {
        self.saved = persist::Saved::connect();
        let Some(saved) = &self.saved else { return };
        if saved.load(&mut self.procs) == 0 {
            return;
        }
        let kernel_children = self.procs.pids(|p| p.kernel_child && p.alive());
        for pid in kernel_children.iter() {
            match kcall::adopt(Endpoint(pid as u32)) {
                Ok(()) => {}
                // Ours already (a restart of rs, not of pm), or another's.
                Err(Error::PERM) => {}
                Err(_) => self.ended(pid, molt_rt::process::Status::Signaled(SIGKILL).encode()),
            }
        }
        molt_rt::println!("pm: restored {} processes from the saved table", self.procs.iter().count());
    }

    /// Saves the rows that changed. If the saved copy is gone (rs was
    /// restarted), asks rs for a new buffer and saves everything.
    fn save(&mut self) {
        let dirty = self.procs.take_dirty();
        if dirty == 0 {
            return;
        }
        let ok = self.saved.as_ref().is_some_and(|s| s.save(&self.procs, dirty).is_ok());
        if !ok {
            self.saved = persist::Saved::connect();
            if let Some(s) = &self.saved {
                self.procs.mark_all_dirty();
                let all = self.procs.take_dirty();
                let _ = s.save(&self.procs, all);
            }
        }
    }
    /// Makes sure `pid` has an entry (a process pm did not fork: init, or
    /// anyone after pm was restarted). `false` if the table is full.
    fn adopt(&mut self, pid: Pid) -> bool {
        self.procs.contains(pid) || self.procs.insert(Proc::new(pid, 0, pid))
    }

    /// After a restart of pm, the user processes the old pm forked have no
    /// kernel parent: take them into the table (their parents are lost),
    /// so kill, process groups and the exit sweep reach them.
    fn adopt_orphans(&mut self) {
        let rs = names::rs().map_or(u64::MAX, |e| u64::from(e.0));
        let mut index = 0;
        while let Ok((info, next)) = kcall::proc_info(index) {
            index = next;
            let pid = u64::from(info.endpoint);
            if info.parent == Endpoint::NONE.0 && info.state == 3 && !self.procs.contains(pid) {
                // A child of the previous pm that ended unrecorded: adopt
                // it so `reap` frees its slot (nobody waits for it).
                let _ = kcall::adopt(Endpoint(info.endpoint));
                continue;
            }
            let orphan = info.parent == Endpoint::NONE.0 && info.state != 3 && pid != rs && info.priv_id != names::RS_PRIV_ID;
            if orphan && !self.procs.contains(pid) {
                let mut p = Proc::new(pid, 0, pid);
                // A child of the previous pm the saved table missed.
                p.kernel_child = kcall::adopt(Endpoint(info.endpoint)).is_ok();
                self.procs.insert(p);
            }
        }
    }

    fn fork(&mut self, client: Endpoint) -> Result<u64, Error> {
        let parent_pid = u64::from(client.0);
        if self.procs.is_full() {
            return Err(Error::AGAIN);
        }
        let parent = *self.procs.find(parent_pid).ok_or(Error::SRCH)?;
        let child = kcall::fork_for(client)?;
        let mut p = Proc::new(u64::from(child.0), parent_pid, parent.pgid);
        p.actions = parent.actions;
        p.restorer = parent.restorer;
        p.kernel_child = true;
        self.procs.insert(p);
        Ok(p.pid)
    }

    /// wait(which, options): answers now if a matching child has ended,
    /// otherwise remembers the caller and answers when one does.
    fn wait(&mut self, caller: Pid, which: u64, options: u64) -> Option<Message> {
        let matches = |p: &Proc| p.ppid == caller && (which == u64::MAX || p.pid == which);
        let children = self.procs.pids(matches);
        if children.is_empty() {
            return Some(result_reply(Err(Error::CHILD), [0; 6]));
        }
        let ended = self.procs.iter().find(|p| matches(p) && !p.alive()).map(|p| (p.pid, p.zombie.unwrap_or(0)));
        if let Some((pid, status)) = ended {
            self.procs.remove(pid);
            return Some(result_reply(Ok(pid), [status as u64, 0, 0, 0, 0, 0]));
        }
        if options & molt_rt::process::WNOHANG != 0 {
            return Some(result_reply(Ok(0), [0; 6]));
        }
        if let Some(p) = self.procs.get(caller) {
            p.waiting = Some(which);
        }
        None
    }

    fn setpgid(&mut self, caller: Pid, pid: Pid, pgid: Pid) -> Message {
        let target = if pid == 0 { caller } else { pid };
        let pgid = if pgid == 0 { target } else { pgid };
        match self.procs.get(target) {
            Some(p) if p.alive() && (p.pid == caller || p.ppid == caller) => {
                p.pgid = pgid;
                result_reply(Ok(0), [pgid, 0, 0, 0, 0, 0])
            }
            Some(_) => result_reply(Err(Error::PERM), [0; 6]),
            None => result_reply(Err(Error::SRCH), [0; 6]),
        }
    }

    fn sigaction(&mut self, caller: Pid, sig: u64, action: u64, restorer: u64) -> Result<(), Error> {
        if sig == 0 || sig >= NSIG || sig == SIGKILL {
            return Err(Error::INVAL);
        }
        let p = self.procs.get(caller).ok_or(Error::SRCH)?;
        p.actions[sig as usize] = action;
        p.restorer = restorer;
        Ok(())
    }

    /// One process of the kernel's table, with pm's parent and group.
    fn proc_list(&mut self, index: u64) -> Message {
        let (info, next) = match kcall::proc_info(index as usize) {
            Ok(v) => v,
            Err(e) => return result_reply(Err(e), [0; 6]),
        };
        let pid = u64::from(info.endpoint);
        let (ppid, pgid) = match self.procs.find(pid) {
            Some(p) => (p.ppid, p.pgid),
            None if info.parent == Endpoint::NONE.0 => (0, 0),
            None => (u64::from(info.parent), 0),
        };
        let w = names::pack(names::padded(&info.name));
        result_reply(Ok(next as u64), [pid | ppid << 32, info.cpu_ns, u64::from(info.state) | pgid << 32, w[0], w[1], w[2]])
    }

    /// Collects every child the kernel reports ended.
    fn reap(&mut self) {
        while let Ok(Some((ep, status))) = kcall::wait_nohang(Endpoint::ANY) {
            self.ended(u64::from(ep.0), status);
        }
    }

    /// Notices adopted processes (not our kernel children) that are gone.
    fn sweep(&mut self) {
        let adopted = self.procs.pids(|p| p.alive() && !p.kernel_child);
        if adopted.is_empty() {
            return;
        }
        for pid in adopted.iter() {
            if !molt_rt::process::alive(pid) {
                self.ended(pid, molt_rt::process::Status::Signaled(SIGKILL).encode());
            }
        }
    }

    /// Process `pid` ended with `status`: tell its parent.
    fn ended(&mut self, pid: Pid, status: i64) {
        let Some(p) = self.procs.get(pid) else { return };
        if !p.alive() {
            return;
        }
        p.zombie = Some(status);
        let ppid = p.ppid;
        // Its children are orphans now; ended orphans are forgotten.
        self.procs.orphan_children_of(pid);
        let gone = self.procs.pids(|c| c.ppid == 0 && !c.alive());
        for c in gone.iter() {
            self.procs.remove(c);
        }
        let Some(parent) = self.procs.get(ppid).filter(|p| p.alive()) else {
            self.procs.remove(pid);
            return;
        };
        match parent.waiting {
            Some(w) if w == u64::MAX || w == pid => {
                parent.waiting = None;
                let reply = result_reply(Ok(pid), [status as u64, 0, 0, 0, 0, 0]);
                if ipc::reply(Endpoint(ppid as u32), &reply).is_ok() {
                    self.procs.remove(pid);
                }
            }
            _ => self.signal_parent(ppid),
        }
    }
}
