//! Processes and the kernel state that ties them together: the process
//! table, the IPC state machine, the scheduling policy, and who is running.

pub mod lifecycle;
pub mod loader;
pub mod process;
pub mod sched;

use crate::global::Global;
use alloc::boxed::Box;
use molt_abi::endpoint::MAX_PROCS;
use molt_abi::{Endpoint, Error};
use molt_kernel_logic::ipc::Ipc;
use molt_kernel_logic::privilege::{PortRange, MAX_PORT_RANGES};
use molt_kernel_logic::sched::AnyPolicy;
use process::Process;

pub struct Kernel {
    pub procs: [Option<Box<Process>>; MAX_PROCS],
    pub ipc: Ipc,
    pub sched: AnyPolicy,
    /// The running process, or `None` while the idle loop runs.
    pub current: Option<usize>,
    /// The running process's record (null while idle): `cur()` is on
    /// every system call, so it skips the table lookup. Set only by the
    /// context switch, together with `current`.
    current_ptr: *mut Process,
    /// Saved stack pointer of the idle loop.
    pub idle_rsp: u64,
    /// The process told about every exit and fault (the reincarnation
    /// server, once it asks).
    pub exit_watcher: Option<Endpoint>,
    /// TSC (since boot) of the last context switch, for CPU accounting.
    pub last_switch_tsc: u64,
    /// A process that exited while running, whose slot (and kernel stack)
    /// is freed once another stack runs.
    pub reap_pending: Option<usize>,
    /// Whose I/O ports the TSS bitmap opens now (privilege id and ranges).
    pub io_open: Option<(u8, [PortRange; MAX_PORT_RANGES])>,
}

pub static KERNEL: Global<Kernel> = Global::empty();

impl Kernel {
    pub fn new(sched: AnyPolicy) -> Kernel {
        Kernel {
            procs: core::array::from_fn(|_| None),
            ipc: Ipc::new(),
            sched,
            current: None,
            current_ptr: core::ptr::null_mut(),
            idle_rsp: 0,
            exit_watcher: None,
            last_switch_tsc: 0,
            reap_pending: None,
            io_open: None,
        }
    }

    /// The process in `slot`; callers pass slots the IPC machine or the
    /// table handed them, so a missing one is a kernel bug reported as SRCH.
    pub fn proc(&mut self, slot: usize) -> Result<&mut Process, Error> {
        self.procs.get_mut(slot).and_then(|p| p.as_deref_mut()).ok_or(Error::SRCH)
    }

    /// The running process. Only called on behalf of a process (system
    /// calls, traps from user mode), never from the idle loop.
    pub fn cur(&mut self) -> &mut Process {
        debug_assert!(!self.current_ptr.is_null());
        // SAFETY: `set_current` stores a pointer to the running process's
        // boxed record, and that box is not freed while the process runs
        // (`lifecycle::reap` defers the running process to the next
        // switch); the record is reached through `&mut self`, so no other
        // reference to it is live.
        unsafe { &mut *self.current_ptr }
    }

    /// Records who runs now (called by the context switch only).
    pub fn set_current(&mut self, slot: Option<usize>) {
        self.current = slot;
        self.current_ptr = match slot.and_then(|s| self.procs[s].as_deref_mut()) {
            Some(p) => p,
            None => core::ptr::null_mut(),
        };
    }

    /// The slot of a live (non-zombie) process named by `e`.
    pub fn resolve(&self, e: Endpoint) -> Result<usize, Error> {
        let slot = self.ipc.resolve(e)?;
        match &self.procs[slot] {
            Some(p) if !p.is_zombie() => Ok(slot),
            _ => Err(Error::DEADSRCDST),
        }
    }

    /// The slot of the process `e` names, zombies included.
    pub fn resolve_any(&self, e: Endpoint) -> Result<usize, Error> {
        let slot = e.slot().ok_or(Error::INVAL)?;
        match &self.procs[slot] {
            Some(p) if p.endpoint == e => Ok(slot),
            _ => Err(Error::DEADSRCDST),
        }
    }

    /// A free process slot.
    pub fn free_slot(&self) -> Option<usize> {
        self.procs.iter().position(Option::is_none)
    }
}
