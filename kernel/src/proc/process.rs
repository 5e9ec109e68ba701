//! One process: its address space, kernel stack, privileges, grants and
//! the kernel-side state of the calls it is blocked in.

use crate::arch::switch::prepare_new_stack;
use crate::arch::trap::TrapFrame;
use crate::mem::vspace::AddressSpace;
use alloc::alloc::{alloc, alloc_zeroed, Layout};
use alloc::boxed::Box;
use molt_abi::{Endpoint, Error, Message};
use molt_kernel_logic::grant::GrantTable;
use molt_kernel_logic::privilege::Privileges;

/// Kernel stack size per process.
pub const KSTACK_SIZE: usize = 16 * 1024;
const KSTACK_WORDS: usize = KSTACK_SIZE / 8;

#[repr(C, align(16))]
pub struct KernelStack([u64; KSTACK_WORDS]);

/// A zero-filled heap value, or `None` when the heap is exhausted.
/// `T` must be valid when all zeros (plain integer arrays).
fn try_box_zeroed<T>() -> Option<Box<T>> {
    let layout = Layout::new::<T>();
    // SAFETY: the layout has a non-zero size; a null result is handled;
    // callers only use types for which all-zero bytes are a valid value
    // (KernelStack, an array of u64); Box::from_raw takes ownership of an
    // allocation made by the global allocator with T's layout.
    unsafe {
        let p = alloc_zeroed(layout) as *mut T;
        (!p.is_null()).then(|| Box::from_raw(p))
    }
}

/// `Box::new` that reports an exhausted heap instead of aborting.
fn try_box<T>(value: T) -> Option<Box<T>> {
    let layout = Layout::new::<T>();
    // SAFETY: as above; the allocation is initialised with `value` by
    // `write` before `Box::from_raw` takes it.
    unsafe {
        let p = alloc(layout) as *mut T;
        if p.is_null() {
            return None;
        }
        p.write(value);
        Some(Box::from_raw(p))
    }
}

/// A short process name, for reports and `ps`.
#[derive(Clone, Copy)]
pub struct Name {
    bytes: [u8; 24],
    len: u8,
}

impl Name {
    pub fn new(s: &str) -> Name {
        let mut n = Name { bytes: [0; 24], len: 0 };
        let mut end = s.len().min(n.bytes.len());
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        n.bytes[..end].copy_from_slice(&s.as_bytes()[..end]);
        n.len = end as u8;
        n
    }

    pub fn as_str(&self) -> &str {
        core::str::from_utf8(&self.bytes[..self.len as usize]).unwrap_or("?")
    }
}

/// What a process is doing, from the kernel's side (the IPC state machine
/// keeps its own view of IPC waits).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Activity {
    /// Runnable or running.
    Active,
    /// Blocked in an IPC call.
    InIpc,
    /// Blocked waiting for a child to exit.
    InWait { child: Endpoint, status_ptr: u64 },
    /// Exited; holds its status until the parent collects it.
    Zombie { status: i64 },
}

pub struct Process {
    pub name: Name,
    pub endpoint: Endpoint,
    pub parent: Option<Endpoint>,
    /// The privilege id of the server parent that died, while no one has
    /// adopted this process (`KC_ADOPT`): it then stays a zombie when it
    /// exits, so the server's next instance can still collect its status.
    pub orphan_of: Option<u8>,
    pub space: Option<AddressSpace>,
    kstack: Box<KernelStack>,
    /// Kernel stack pointer saved at the last switch away.
    pub saved_rsp: u64,
    pub privileges: Privileges,
    /// The record the process had before it exec'ed a program with
    /// `exec_privileges` (see `adopt_exec_privileges`); `None` if it never did.
    pub own_privileges: Option<Privileges>,
    /// Whether the privileges open any I/O port (decided once).
    pub has_io_ports: bool,
    pub grants: GrantTable,
    /// User address of the message buffer of a pending receive or call.
    pub msg_buf: u64,
    /// Its physical address, when it lies in one page (found when the
    /// call blocked; the page stays mapped while its owner is blocked).
    pub msg_buf_phys: Option<u64>,
    /// A message sent but not yet received.
    pub out_msg: Message,
    pub activity: Activity,
    /// Uptime (ns) at which the alarm fires.
    pub alarm_at: Option<u64>,
    /// CPU time used, in TSC cycles (converted when reported, to keep
    /// divisions off the context-switch path).
    pub cpu_tsc: u64,
    /// Manifest entry this process was started from, if it is a server.
    pub manifest_index: Option<usize>,
    /// User address of the innermost signal frame, 0 if none.
    pub sig_frame: u64,
    /// Scheduling parameters (the policy keeps its own copy).
    pub priority: u8,
    pub tickets: u32,
}

impl Process {
    /// A process record with a fresh kernel stack; NOMEM if the kernel
    /// heap cannot hold them (never a panic). `start_user` prepares its
    /// first entry to user mode.
    pub fn new(name: &str, endpoint: Endpoint, space: AddressSpace, privileges: Privileges) -> Result<Box<Process>, Error> {
        let kstack = try_box_zeroed::<KernelStack>().ok_or(Error::NOMEM)?;
        try_box(Process {
            name: Name::new(name),
            endpoint,
            parent: None,
            orphan_of: None,
            space: Some(space),
            kstack,
            saved_rsp: 0,
            has_io_ports: privileges.io_ranges().next().is_some(),
            privileges,
            own_privileges: None,
            grants: GrantTable::new(),
            msg_buf: 0,
            msg_buf_phys: None,
            out_msg: Message::default(),
            activity: Activity::Active,
            alarm_at: None,
            cpu_tsc: 0,
            manifest_index: None,
            sig_frame: 0,
            priority: 8,
            tickets: 100,
        })
        .ok_or(Error::NOMEM)
    }

    /// After an exec of `image` under `name`: takes the manifest record of
    /// a program with `exec_privileges`, if this is its image (keeping the
    /// record it had, once); any other image runs with the record the
    /// process had before it ever exec'ed such a program.
    pub fn adopt_exec_privileges(&mut self, name: &str, image: &[u8]) {
        let privileges = match crate::boot::exec_privileges(name, image) {
            Some(p) => {
                self.own_privileges.get_or_insert(self.privileges);
                p
            }
            None => match self.own_privileges.take() {
                Some(p) => p,
                None => return,
            },
        };
        self.has_io_ports = privileges.io_ranges().next().is_some();
        self.privileges = privileges;
    }

    /// Top of the kernel stack (16-byte aligned).
    pub fn kstack_top(&self) -> u64 {
        self.kstack.0.as_ptr() as u64 + KSTACK_SIZE as u64
    }

    /// The saved user registers: always at the top of the kernel stack,
    /// where both `syscall_entry` and a trap from user mode put them.
    pub fn user_frame(&mut self) -> &mut TrapFrame {
        let addr = self.kstack_top() - core::mem::size_of::<TrapFrame>() as u64;
        // SAFETY: the top of this process's own kernel stack always holds
        // its user frame (written at entry, or by `start_user`); the
        // reference borrows self mutably, so it is unique.
        unsafe { &mut *(addr as *mut TrapFrame) }
    }

    /// Prepares the kernel stack so the next switch to this process enters
    /// user mode with `frame`.
    pub fn start_user(&mut self, frame: &TrapFrame) {
        self.saved_rsp = prepare_new_stack(&mut self.kstack.0, frame);
    }

    /// Sets the value the blocked system call will return.
    pub fn set_return(&mut self, value: isize) {
        self.user_frame().rax = value as u64;
    }

    /// CPU time used, in nanoseconds.
    pub fn cpu_ns(&self) -> u64 {
        crate::time::tsc_to_ns(self.cpu_tsc)
    }

    pub fn is_zombie(&self) -> bool {
        matches!(self.activity, Activity::Zombie { .. })
    }
}

/// A user frame that starts at `entry` with stack `rsp`, `rdi = arg`,
/// `rsi = arg_len`.
pub fn initial_frame(entry: u64, rsp: u64, arg: u64, arg_len: u64) -> TrapFrame {
    TrapFrame {
        rip: entry,
        cs: crate::arch::gdt::USER_CS as u64,
        rflags: 0x202,
        rsp,
        ss: crate::arch::gdt::USER_DS as u64,
        rdi: arg,
        rsi: arg_len,
        ..TrapFrame::default()
    }
}
