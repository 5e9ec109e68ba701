//! Process lifecycle mechanism: spawn (from a boot module), fork, exec,
//! exit, kill and wait. Who may do these is the privilege record's
//! business (checked in `kcall`); what policy to apply (restarts, process
//! groups, signals) belongs to the servers.

use molt_kernel_logic::sched::Policy as _;
use super::loader;
use super::process::{initial_frame, Activity, Process};
use super::{sched, Kernel, KERNEL};
use crate::ipc::{deliver_notification, resume, wake_dead_waiters};
use molt_abi::message::{IPC_MSG_REPLY, NOTIFY_EXIT};
use molt_abi::{Endpoint, Error, Message};
use molt_kernel_logic::ipc::IpcState;
use molt_kernel_logic::privilege::{Privileges, USER_PRIV_ID};

/// Exit status of a process ended by a CPU exception: this flag plus the vector.
pub const EXIT_FAULT: i64 = 0x100;

/// Starts a new process from an ELF image.
pub fn spawn(k: &mut Kernel, name: &str, image: &[u8], args: &[u8], privileges: Privileges, priority: u8, tickets: u32)
    -> Result<Endpoint, Error> {
    let slot = k.free_slot().ok_or(Error::AGAIN)?;
    let loaded = loader::load(image, args)?;
    let mut p = Process::new(name, Endpoint::NONE, loaded.space, privileges)?;
    let endpoint = k.ipc.spawn(slot);
    p.endpoint = endpoint;
    p.priority = priority;
    p.tickets = tickets;
    p.start_user(&initial_frame(loaded.entry, loaded.rsp, loaded.args, args.len() as u64));
    k.procs[slot] = Some(p);
    k.sched.add(slot, priority, tickets);
    k.sched.wake(slot);
    Ok(endpoint)
}

/// `fork()`: a copy of the caller. The child returns 0, the parent the
/// child's endpoint.
pub fn fork(k: &mut Kernel) -> Result<Endpoint, Error> {
    let me = k.current.ok_or(Error::SRCH)?;
    let parent_ep = k.proc(me)?.endpoint;
    fork_of(k, me, parent_ep).map(|(_, e)| e)
}

/// `fork_for(client)`: the process manager forks a client blocked in its
/// IPC_MSG_FORK call. The child belongs to the caller (its kernel parent)
/// and resumes from the call with a reply saying 0.
pub fn fork_for(k: &mut Kernel, client: Endpoint) -> Result<Endpoint, Error> {
    let me = k.current.ok_or(Error::SRCH)?;
    let client_slot = waiting_client(k, me, client)?;
    let my_ep = k.proc(me)?.endpoint;
    let (child_slot, child_ep) = fork_of(k, client_slot, my_ep)?;
    let mut reply = Message::new(IPC_MSG_REPLY, [0; 7]);
    reply.source = my_ep.0;
    let child = k.proc(child_slot)?;
    let buf = child.msg_buf;
    if let Some(space) = &child.space {
        // The client's buffer was checked writable when it called; a
        // failure here leaves the child with its request in the buffer.
        let _ = space.write(buf, crate::ipc::as_bytes(&reply));
    }
    Ok(child_ep)
}

/// The slot of `client` if it waits for a reply from process `me`.
fn waiting_client(k: &mut Kernel, me: usize, client: Endpoint) -> Result<usize, Error> {
    let slot = k.resolve(client)?;
    match k.ipc.state(slot) {
        IpcState::WaitingReply { from } if from == me => Ok(slot),
        _ => Err(Error::NOTWAITING),
    }
}

/// Copies process `src` into a new process whose kernel parent is
/// `parent`. The child's frame is the source's, returning 0.
fn fork_of(k: &mut Kernel, src: usize, parent: Endpoint) -> Result<(usize, Endpoint), Error> {
    let slot = k.free_slot().ok_or(Error::AGAIN)?;
    let p = k.proc(src)?;
    let space = p.space.as_ref().ok_or(Error::SRCH)?.fork()?;
    let mut frame = *p.user_frame();
    frame.rax = 0;
    let (name, privileges, prio, tickets, msg_buf) = (p.name, p.privileges, p.priority, p.tickets, p.msg_buf);
    let own_privileges = p.own_privileges;
    let mut child = Process::new(name.as_str(), Endpoint::NONE, space, privileges)?;
    child.own_privileges = own_privileges;
    let endpoint = k.ipc.spawn(slot);
    child.endpoint = endpoint;
    child.parent = Some(parent);
    child.priority = prio;
    child.tickets = tickets;
    child.msg_buf = msg_buf;
    child.start_user(&frame);
    k.procs[slot] = Some(child);
    k.sched.add(slot, prio, tickets);
    k.sched.wake(slot);
    Ok((slot, endpoint))
}

/// `exec(image, args)`: replaces the caller's image. On success the
/// caller's system call "returns" at the new entry point.
pub fn exec(k: &mut Kernel, image: &[u8], args: &[u8], name: &str) -> Result<(), Error> {
    let loaded = loader::load(image, args)?;
    let cur = k.cur();
    crate::mem::paging::activate(loaded.space.root());
    cur.space = Some(loaded.space);
    cur.adopt_exec_privileges(name, image);
    cur.grants.clear();
    cur.sig_frame = 0;
    cur.name = super::process::Name::new(name);
    *cur.user_frame() = initial_frame(loaded.entry, loaded.rsp, loaded.args, args.len() as u64);
    Ok(())
}

/// `exec_for(client, image, args)`: replaces the image of a client blocked
/// in its IPC_MSG_EXEC call to the caller; the client resumes at the new
/// entry point instead of receiving a reply.
pub fn exec_for(k: &mut Kernel, client: Endpoint, image: &[u8], args: &[u8], name: &str) -> Result<(), Error> {
    let me = k.current.ok_or(Error::SRCH)?;
    let slot = waiting_client(k, me, client)?;
    let loaded = loader::load(image, args)?;
    let p = k.proc(slot)?;
    p.space = Some(loaded.space);
    p.adopt_exec_privileges(name, image);
    p.grants.clear();
    p.sig_frame = 0;
    p.name = super::process::Name::new(name);
    *p.user_frame() = initial_frame(loaded.entry, loaded.rsp, loaded.args, args.len() as u64);
    k.ipc.reply(me, client)?;
    if let Ok(p) = k.proc(slot) {
        p.activity = Activity::Active;
    }
    sched::wake(slot);
    Ok(())
}

/// Ends process `slot` with `status`: wakes whoever waited on it, frees
/// its memory, tells its parent and the exit watcher. If it is the running
/// process, the caller must `sched::exit_and_schedule()` afterwards (it never
/// returns to it).
pub fn exit(k: &mut Kernel, slot: usize, status: i64) {
    let running = k.current == Some(slot);
    let Ok(p) = k.proc(slot) else { return };
    if p.is_zombie() {
        return;
    }
    let endpoint = p.endpoint;
    let parent = p.parent;
    p.activity = Activity::Zombie { status };
    p.alarm_at = None;
    p.grants.clear();
    if running {
        // Leave the dying address space before freeing it.
        crate::mem::paging::activate(crate::mem::paging::kernel_pml4());
    }
    p.space = None;
    k.sched.remove(slot);
    let wakeups = k.ipc.exit(slot);
    wake_dead_waiters(k, wakeups.iter());

    // Children lose their parent. The children of a manifest server (pm,
    // rs) wait, zombies included, for its next instance to adopt them;
    // anyone else's zombie children are reaped now.
    let adoptable = k.proc(slot).ok().map(|p| p.privileges.id).filter(|&id| id != USER_PRIV_ID);
    for s in 0..k.procs.len() {
        match k.procs[s].as_deref_mut() {
            Some(c) if c.parent == Some(endpoint) && adoptable.is_some() => {
                c.parent = None;
                c.orphan_of = adoptable;
            }
            Some(c) if c.parent == Some(endpoint) && c.is_zombie() => reap(k, s),
            Some(c) if c.parent == Some(endpoint) => c.parent = None,
            _ => {}
        }
    }

    if k.exit_watcher == Some(endpoint) {
        // The watchdog itself died: the kernel restarts it, and the new
        // instance rebuilds its view with proc_info.
        k.exit_watcher = None;
        if let Some(index) = k.proc(slot).ok().and_then(|p| p.manifest_index) {
            match crate::boot::respawn(k, index) {
                Ok(e) => log::warn!("exit watcher {} died; restarted as {:#x}", endpoint.0, e.0),
                Err(e) => log::error!("exit watcher died and could not be restarted: {}", e.text()),
            }
        }
    }
    if let Some(w) = k.exit_watcher {
        if let Ok(ws) = k.resolve(w) {
            let outcome = k.ipc.notify_kernel(ws, NOTIFY_EXIT);
            deliver_notification(k, outcome);
        }
    }
    match parent.and_then(|pe| k.resolve(pe).ok()) {
        Some(ps) => {
            let waiting = match k.procs[ps].as_deref().map(|pp| pp.activity) {
                Some(Activity::InWait { child, status_ptr }) if child == Endpoint::ANY || child == endpoint => Some(status_ptr),
                _ => None,
            };
            if let Some(status_ptr) = waiting {
                let ret = collect(k, ps, slot, status_ptr);
                resume(k, ps, ret);
            }
        }
        // An orphan waiting for adoption keeps its status for the adopter.
        None if k.procs[slot].as_deref().is_some_and(|p| p.orphan_of.is_some()) => {}
        None => reap(k, slot),
    }
}

/// `adopt(child)`: the caller becomes the kernel parent of `child`, an
/// orphan of a server with the caller's privilege id. A zombie child can
/// then be collected with `wait`.
pub fn adopt(k: &mut Kernel, child: Endpoint) -> Result<(), Error> {
    let (me, my_id) = {
        let cur = k.cur();
        (cur.endpoint, cur.privileges.id)
    };
    let slot = k.resolve_any(child)?;
    let c = k.proc(slot)?;
    if c.parent.is_some() || c.orphan_of != Some(my_id) || c.endpoint == me {
        return Err(Error::PERM);
    }
    c.parent = Some(me);
    c.orphan_of = None;
    Ok(())
}

/// Frees a zombie's slot for good. The running process's slot (its kernel
/// stack is in use) is freed by the next context switch instead.
fn reap(k: &mut Kernel, slot: usize) {
    if k.current == Some(slot) {
        k.reap_pending = Some(slot);
    } else {
        k.procs[slot] = None;
    }
}

/// Hands zombie `child`'s status to `parent` (writing it at `status_ptr`
/// in the parent's memory) and reaps it; returns the child's endpoint.
fn collect(k: &mut Kernel, parent: usize, child: usize, status_ptr: u64) -> isize {
    let (ep, status) = match k.procs[child].as_deref() {
        Some(c) => match c.activity {
            Activity::Zombie { status } => (c.endpoint, status),
            _ => return Error::CHILD.to_ret(),
        },
        None => return Error::CHILD.to_ret(),
    };
    reap(k, child);
    if status_ptr != 0 {
        if let Some(space) = k.procs[parent].as_deref().and_then(|p| p.space.as_ref()) {
            if let Err(e) = space.write(status_ptr, &status.to_le_bytes()) {
                return e.to_ret();
            }
        }
    }
    ep.0 as isize
}

/// `wait(child_or_ANY, &mut status)`: collects an exited child, blocking
/// until one exits.
pub fn wait(k: &mut Kernel, which: Endpoint, status_ptr: u64, block: bool) -> Option<isize> {
    let me_slot = k.current?;
    let me = k.cur().endpoint;
    let mut has_child = false;
    for s in 0..k.procs.len() {
        let Some(c) = k.procs[s].as_deref() else { continue };
        if c.parent != Some(me) || (which != Endpoint::ANY && c.endpoint != which) {
            continue;
        }
        has_child = true;
        if c.is_zombie() {
            return Some(collect(k, me_slot, s, status_ptr));
        }
    }
    if !has_child {
        return Some(Error::CHILD.to_ret());
    }
    if !block {
        return Some(Error::AGAIN.to_ret());
    }
    if status_ptr != 0 {
        if let Err(e) = k.cur().space.as_ref().map_or(Err(Error::FAULT), |s| s.check_writable(status_ptr, 8)) {
            return Some(e.to_ret());
        }
    }
    k.cur().activity = Activity::InWait { child: which, status_ptr };
    sched::block_and_run(None);
    None
}

/// Ends the running process and never returns.
pub fn exit_current(status: i64) -> ! {
    let k = KERNEL.get();
    if let Some(slot) = k.current {
        exit(k, slot, status);
    }
    sched::exit_and_schedule();
}
