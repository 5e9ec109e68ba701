//! The process table: pm's view of every user process (pid, parent,
//! process group, signal actions, exit status until the parent collects
//! it). A pid is the process's endpoint number.
//!
//! Its size is the system's limit on user processes: when it is full,
//! fork fails with AGAIN, however many processes try, so a fork bomb
//! cannot take the kernel's table (or memory) from the servers.

use molt_rt::process::{Pid, NSIG, SIG_DFL};

/// Most user processes at once.
pub const MAX_PROCS: usize = 48;

#[derive(Clone, Copy, Debug)]
pub struct Proc {
    pub pid: Pid,
    /// 0: no parent pm knows of (adopted, or orphaned).
    pub ppid: Pid,
    pub pgid: Pid,
    /// The raw exit status, once it ended and until its parent waits.
    pub zombie: Option<i64>,
    /// Per signal: SIG_DFL, SIG_IGN or a handler address.
    pub actions: [u64; NSIG as usize],
    /// Where its handlers return to (its runtime's restorer).
    pub restorer: u64,
    /// Blocked in wait for this pid (u64::MAX: any child).
    pub waiting: Option<u64>,
    /// pm forked it, so the kernel reports its exit to pm's `wait`.
    pub kernel_child: bool,
}

impl Proc {
    pub fn new(pid: Pid, ppid: Pid, pgid: Pid) -> Proc {
        Proc { pid, ppid, pgid, zombie: None, actions: [SIG_DFL; NSIG as usize], restorer: 0, waiting: None, kernel_child: false }
    }

    pub fn alive(&self) -> bool {
        self.zombie.is_none()
    }
}

pub struct Table {
    slots: [Option<Proc>; MAX_PROCS],
}

impl Table {
    pub const fn new() -> Table {
        Table { slots: [None; MAX_PROCS] }
    }

    pub fn get(&mut self, pid: Pid) -> Option<&mut Proc> {
        self.slots.iter_mut().flatten().find(|p| p.pid == pid)
    }

    pub fn contains(&self, pid: Pid) -> bool {
        self.slots.iter().flatten().any(|p| p.pid == pid)
    }

    pub fn is_full(&self) -> bool {
        self.slots.iter().all(Option::is_some)
    }

    /// Adds `p`; `false` if the table is full.
    pub fn insert(&mut self, p: Proc) -> bool {
        match self.slots.iter_mut().find(|s| s.is_none()) {
            Some(slot) => {
                *slot = Some(p);
                true
            }
            None => false,
        }
    }

    pub fn remove(&mut self, pid: Pid) {
        for slot in self.slots.iter_mut() {
            if slot.is_some_and(|p| p.pid == pid) {
                *slot = None;
            }
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = &Proc> {
        self.slots.iter().flatten()
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut Proc> {
        self.slots.iter_mut().flatten()
    }

    /// Pids matching `pred` (copied out, so the table can change meanwhile).
    pub fn pids(&self, pred: impl Fn(&Proc) -> bool) -> PidList {
        let mut list = PidList { pids: [0; MAX_PROCS], len: 0 };
        for p in self.iter().filter(|p| pred(p)) {
            list.pids[list.len] = p.pid;
            list.len += 1;
        }
        list
    }
}

/// A copied-out list of pids.
pub struct PidList {
    pids: [Pid; MAX_PROCS],
    len: usize,
}

impl PidList {
    pub fn iter(&self) -> impl Iterator<Item = Pid> + '_ {
        self.pids[..self.len].iter().copied()
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}
