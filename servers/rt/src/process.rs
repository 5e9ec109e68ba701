//! Process calls, answered by the process manager (pm): fork, exec, wait,
//! kill, process ids and groups, signal handlers, the process list.
//!
//! A pid is the process's endpoint number: unique among living processes,
//! never reused while the slot's generation lasts, and stable across a pm
//! restart (the new pm rebuilds its table from the kernel's).

use crate::grant::Grant;
use crate::names::{reply_value, PM};
use molt_abi::message::*;
use molt_abi::{Error, Message};

pub type Pid = u64;

/// Interrupt (^C): default action ends the process.
pub const SIGINT: u64 = 2;
/// Cannot be caught or ignored.
pub const SIGKILL: u64 = 9;
/// Polite termination request: default action ends the process.
pub const SIGTERM: u64 = 15;
/// A child exited: ignored by default.
pub const SIGCHLD: u64 = 17;
/// Signal numbers are below this.
pub const NSIG: u64 = 32;

/// `sigaction` handler value: the default action.
pub const SIG_DFL: u64 = 0;
/// `sigaction` handler value: ignore the signal.
pub const SIG_IGN: u64 = 1;

/// `wait` option: return `Ok(None)` instead of blocking.
pub const WNOHANG: u64 = 1;

/// Signal names, for `kill -NAME` and messages.
pub const SIGNAL_NAMES: &[(u64, &str)] = &[(SIGINT, "INT"), (SIGKILL, "KILL"), (SIGTERM, "TERM"), (SIGCHLD, "CHLD")];

/// How a process ended, as wait reports it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Status {
    /// It called exit with this code.
    Exited(u8),
    /// A signal ended it.
    Signaled(u64),
    /// The CPU raised this exception vector in it.
    Faulted(u64),
}

/// Exit-status flag the kernel sets for a CPU exception (with the vector).
const FAULT_FLAG: i64 = 0x100;
/// Exit-status flag pm sets for a death by signal (with the signal).
const SIGNAL_FLAG: i64 = 0x200;

impl Status {
    /// The raw status word that travels in messages.
    pub const fn encode(self) -> i64 {
        match self {
            Status::Exited(code) => code as i64,
            Status::Signaled(sig) => SIGNAL_FLAG | sig as i64,
            Status::Faulted(vector) => FAULT_FLAG | vector as i64,
        }
    }

    pub fn decode(raw: i64) -> Status {
        if raw & SIGNAL_FLAG != 0 {
            Status::Signaled((raw & 0xff) as u64)
        } else if raw & FAULT_FLAG != 0 {
            Status::Faulted((raw & 0xff) as u64)
        } else {
            Status::Exited(raw as u8)
        }
    }

    /// The shell's `$?` for it.
    pub fn shell_code(self) -> u64 {
        match self {
            Status::Exited(c) => u64::from(c),
            Status::Signaled(s) => 128 + s,
            Status::Faulted(v) => 128 + v,
        }
    }
}

fn pm(mtype: u32, payload: [u64; 7]) -> Result<Message, Error> {
    PM.request(mtype, payload)
}

/// Forks: `Ok(0)` in the child, the child's pid in the parent.
pub fn fork() -> Result<Pid, Error> {
    let mut msg = Message::new(IPC_MSG_FORK, [0; 7]);
    PM.call(&mut msg)?;
    reply_value(&msg)
}

/// Replaces this program with the boot-archive program `path`, passing
/// `args` (words separated by spaces). Returns only on failure.
pub fn exec(path: &str, args: &str) -> Error {
    let pm_ep = match PM.endpoint() {
        Ok(ep) => ep,
        Err(e) => return e,
    };
    let path_grant = match Grant::read(pm_ep, path.as_bytes()) {
        Ok(g) => g,
        Err(e) => return e,
    };
    // No grant for no arguments (an empty range cannot be granted).
    let args_grant = match args.is_empty() {
        true => None,
        false => match Grant::read(pm_ep, args.as_bytes()) {
            Ok(g) => Some(g),
            Err(e) => return e,
        },
    };
    let (args_id, args_len) = args_grant.as_ref().map_or((0, 0), |g| (g.id(), g.len()));
    let mut msg = Message::new(IPC_MSG_EXEC, [path_grant.id(), path_grant.len(), args_id, args_len, 0, 0, 0]);
    // A successful exec never replies: this process is the new program.
    match crate::ipc::call(pm_ep, &mut msg) {
        Err(e) => e,
        Ok(()) => reply_value(&msg).err().unwrap_or(Error::INVAL),
    }
}

/// Waits for a child (`pid`, or any with `None`); `Ok(None)` if WNOHANG
/// and none has ended. Retries when a signal handler interrupts it.
pub fn wait(pid: Option<Pid>, options: u64) -> Result<Option<(Pid, Status)>, Error> {
    let which = pid.map_or(u64::MAX, |p| p);
    loop {
        match pm(IPC_MSG_WAIT, [which, options, 0, 0, 0, 0, 0]) {
            Ok(m) if m.payload[0] == 0 => return Ok(None),
            Ok(m) => return Ok(Some((m.payload[0], Status::decode(m.payload[1] as i64)))),
            Err(Error::INTR) => continue,
            Err(e) => return Err(e),
        }
    }
}

/// Sends signal `sig` to process `pid`, or to process group `-pid` when
/// `pid` is negative.
pub fn kill(pid: i64, sig: u64) -> Result<(), Error> {
    pm(IPC_MSG_KILL, [pid as u64, sig, 0, 0, 0, 0, 0]).map(drop)
}

/// This process's pid and its parent's.
pub fn ids() -> Result<(Pid, Pid), Error> {
    pm(IPC_MSG_GETPID, [0; 7]).map(|m| (m.payload[1], m.payload[2]))
}

/// Our pid.
pub fn getpid() -> Result<Pid, Error> {
    ids().map(|(p, _)| p)
}

/// Our parent's pid.
pub fn getppid() -> Result<Pid, Error> {
    ids().map(|(_, p)| p)
}

/// Puts process `pid` (0: us) in group `pgid` (0: its own pid).
pub fn setpgid(pid: Pid, pgid: Pid) -> Result<Pid, Error> {
    pm(IPC_MSG_SETPGID, [pid, pgid, 0, 0, 0, 0, 0]).map(|m| m.payload[1])
}

/// Sets what signal `sig` does to us: [`SIG_DFL`], [`SIG_IGN`] or a handler.
pub fn sigaction_raw(sig: u64, action: u64) -> Result<(), Error> {
    let restorer = crate::signal::restorer as *const () as u64;
    pm(IPC_MSG_SIGACTION, [sig, action, restorer, 0, 0, 0, 0]).map(drop)
}

/// Runs `handler(sig)` when signal `sig` arrives.
pub fn on_signal(sig: u64, handler: extern "C" fn(u64)) -> Result<(), Error> {
    sigaction_raw(sig, handler as *const () as u64)
}

/// True while the kernel has a live (not yet ended) process with this pid.
/// Needs the `proc_info` kernel call.
pub fn alive(pid: Pid) -> bool {
    let mut index = 0;
    while let Ok((info, next)) = crate::kcall::proc_info(index) {
        if u64::from(info.endpoint) == pid {
            return info.state != 3;
        }
        index = next;
    }
    false
}

/// One row of the process list.
#[derive(Clone, Copy, Debug)]
pub struct ProcRow {
    pub pid: Pid,
    pub ppid: Pid,
    pub pgid: Pid,
    pub state: u32,
    pub cpu_ns: u64,
    pub name: [u8; 24],
}

/// The process at or after table index `index`, and the next index.
pub fn proc_list(index: u64) -> Result<(ProcRow, u64), Error> {
    let m = pm(IPC_MSG_PROC_LIST, [index, 0, 0, 0, 0, 0, 0])?;
    let p = m.payload;
    let mut name = [0u8; 24];
    for (i, w) in p[4..7].iter().enumerate() {
        name[i * 8..i * 8 + 8].copy_from_slice(&w.to_le_bytes());
    }
    let row = ProcRow {
        pid: p[1] & 0xffff_ffff,
        ppid: p[1] >> 32,
        pgid: p[3] >> 32,
        state: (p[3] & 0xffff_ffff) as u32,
        cpu_ns: p[2],
        name,
    };
    Ok((row, p[0]))
}


#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_and_give_shell_codes() {
        for s in [Status::Exited(0), Status::Exited(255), Status::Signaled(SIGKILL), Status::Faulted(14)] {
            assert_eq!(Status::decode(s.encode()), s);
        }
        assert_eq!(Status::Signaled(SIGINT).shell_code(), 130);
        assert_eq!(Status::Signaled(SIGKILL).shell_code(), 137);
        assert_eq!(Status::Exited(3).shell_code(), 3);
        // The kernel's own encoding of a fault: 0x100 | vector.
        assert_eq!(Status::decode(0x10e), Status::Faulted(14));
    }
}
