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

/// The table, and which of its slots changed since pm last saved them
/// (`crate::persist`).
pub struct Table {
    slots: [Option<Proc>; MAX_PROCS],
    dirty: u64,
}

const _: () = assert!(MAX_PROCS <= 64, "one dirty bit per slot");

impl Table {
    pub const fn new() -> Table {
        Table { slots: [None; MAX_PROCS], dirty: 0 }
    }

    pub fn get(&mut self, pid: Pid) -> Option<&mut Proc> {
        let i = self.slots.iter().position(|s| s.is_some_and(|p| p.pid == pid))?;
        self.dirty |= 1 << i;
        self.slots[i].as_mut()
    }

    /// The process `pid`, to read (not counted as a change).
    pub fn find(&self, pid: Pid) -> Option<&Proc> {
        self.slots.iter().flatten().find(|p| p.pid == pid)
    }

    /// Slot `i` as saved (`None`: free).
    pub fn slot(&self, i: usize) -> Option<&Proc> {
        self.slots.get(i)?.as_ref()
    }

    /// Puts `p` in slot `i` (restoring a saved table).
    pub fn set_slot(&mut self, i: usize, p: Proc) {
        if let Some(slot) = self.slots.get_mut(i) {
            *slot = Some(p);
        }
    }

    /// The slots changed since the last call, as a bit mask.
    pub fn take_dirty(&mut self) -> u64 {
        core::mem::take(&mut self.dirty)
    }

    /// Marks every slot changed (the saved copy was lost).
    pub fn mark_all_dirty(&mut self) {
        self.dirty = (1u64 << MAX_PROCS) - 1;
    }

    pub fn contains(&self, pid: Pid) -> bool {
        self.slots.iter().flatten().any(|p| p.pid == pid)
    }

    pub fn is_full(&self) -> bool {
        self.slots.iter().all(Option::is_some)
    }

    /// Adds `p`; `false` if the table is full.
    pub fn insert(&mut self, p: Proc) -> bool {
        match self.slots.iter().position(Option::is_none) {
            Some(i) => {
                self.slots[i] = Some(p);
                self.dirty |= 1 << i;
                true
            }
            None => false,
        }
    }

    pub fn remove(&mut self, pid: Pid) {
        for (i, slot) in self.slots.iter_mut().enumerate() {
            if slot.is_some_and(|p| p.pid == pid) {
                *slot = None;
                self.dirty |= 1 << i;
            }
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = &Proc> {
        self.slots.iter().flatten()
    }

    /// The children of `pid` lose their parent (only their rows change).
    pub fn orphan_children_of(&mut self, pid: Pid) {
        for (i, slot) in self.slots.iter_mut().enumerate() {
            if let Some(c) = slot.as_mut().filter(|c| c.ppid == pid) {
                c.ppid = 0;
                self.dirty |= 1 << i;
            }
        }
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
