//! The IPC system calls: send, receive, call, reply, notify.
//!
//! Each call decodes and checks its arguments (privileges, the message
//! buffer in the caller's memory, the message type: NOTIFY is the kernel's
//! own, control messages need the `control` right) before asking the rendezvous state
//! machine (`molt_kernel_logic::ipc`) what happens, then carries out the
//! answer: copy the 64-byte message into the peer's buffer through its
//! page tables, set return values, wake and block processes.

use crate::proc::process::Activity;
use crate::proc::{sched, Kernel, KERNEL};
use molt_abi::message::{IPC_MSG_NOTIFY, MESSAGE_SIZE};
use molt_abi::{Endpoint, Error, Message};
use molt_kernel_logic::ipc::{NotifyOutcome, RecvOutcome, SendOutcome};

/// The result of a system call: a value to return now, or `Blocked` when
/// the caller went to sleep and whoever wakes it sets its return value.
pub enum Ret {
    Now(isize),
    Blocked,
}

impl From<Result<isize, Error>> for Ret {
    fn from(r: Result<isize, Error>) -> Ret {
        Ret::Now(r.unwrap_or_else(Error::to_ret))
    }
}

pub(crate) fn as_bytes(msg: &Message) -> &[u8; MESSAGE_SIZE] {
    // SAFETY: Message is repr(C), 64 bytes of integers with no padding
    // (u32, u32, [u64; 7]), so every byte is initialised.
    unsafe { &*(msg as *const Message as *const [u8; MESSAGE_SIZE]) }
}

fn as_bytes_mut(msg: &mut Message) -> &mut [u8; MESSAGE_SIZE] {
    // SAFETY: as above, and any byte pattern is a valid Message.
    unsafe { &mut *(msg as *mut Message as *mut [u8; MESSAGE_SIZE]) }
}

/// The caller's message buffer at `ptr`, checked (and writable if
/// `write`); its physical address when it lies in one page.
fn buffer(k: &mut Kernel, ptr: u64, write: bool) -> Result<Option<u64>, Error> {
    k.cur().space.as_ref().ok_or(Error::FAULT)?.single_page(ptr, MESSAGE_SIZE, write)
}

/// The caller's outgoing message: still in its buffer (when that lies in
/// one page, so it can be copied straight into the receiver's), or copied
/// out.
enum Outgoing {
    InPage { phys: u64, source: u32 },
    Copied(Message),
}

impl Outgoing {
    /// The message as a value, stamped with its sender.
    fn message(&self) -> Message {
        match *self {
            Outgoing::InPage { phys, source } => {
                let mut m = crate::mem::phys::read_message(phys);
                m.source = source;
                m
            }
            Outgoing::Copied(m) => m,
        }
    }

    /// The message type, read from the caller's buffer.
    fn mtype(&self) -> u32 {
        match *self {
            Outgoing::InPage { phys, .. } => crate::mem::phys::read::<u32>(phys),
            Outgoing::Copied(m) => m.mtype,
        }
    }

    fn source(&self) -> u32 {
        match self {
            Outgoing::InPage { source, .. } => *source,
            Outgoing::Copied(m) => m.source,
        }
    }
}

/// The caller's message at `ptr` (at `phys`, if it lies in one page).
fn outgoing(k: &mut Kernel, ptr: u64, phys: Option<u64>) -> Result<Outgoing, Error> {
    match phys {
        Some(phys) => Ok(Outgoing::InPage { phys, source: k.cur().endpoint.0 }),
        None => read_message(k, ptr, None).map(Outgoing::Copied),
    }
}

/// Reads the caller's message at `ptr` (at `phys` if known) and stamps it
/// with the caller's endpoint.
fn read_message(k: &mut Kernel, ptr: u64, phys: Option<u64>) -> Result<Message, Error> {
    let cur = k.cur();
    let mut msg = match phys {
        Some(pa) => crate::mem::phys::read_message(pa),
        None => {
            let mut m = Message::default();
            cur.space.as_ref().ok_or(Error::FAULT)?.read(ptr, as_bytes_mut(&mut m))?;
            m
        }
    };
    msg.source = cur.endpoint.0;
    Ok(msg)
}

/// Writes `msg` into the caller's own buffer.
fn write_own(k: &mut Kernel, ptr: u64, phys: Option<u64>, msg: &Message) -> Result<(), Error> {
    match phys {
        Some(pa) => {
            crate::mem::phys::write_message(pa, msg);
            Ok(())
        }
        None => k.cur().space.as_ref().ok_or(Error::FAULT)?.write(ptr, as_bytes(msg)),
    }
}

/// Writes `msg` into the buffer process `to` is waiting with, sets the
/// value its call returns, and makes it runnable.
fn deliver(k: &mut Kernel, to: usize, msg: &Message, ret: isize) {
    deliver_quiet(k, to, &Outgoing::Copied(*msg), ret);
    sched::wake(to);
}

/// `deliver` without the wake-up: the caller hands `to` the CPU itself
/// (or wakes it) right after.
fn deliver_quiet(k: &mut Kernel, to: usize, msg: &Outgoing, ret: isize) {
    let Ok(p) = k.proc(to) else { return };
    let copied = match (p.msg_buf_phys, msg) {
        (Some(dst), Outgoing::InPage { phys, source }) => {
            crate::mem::phys::copy_message(dst, *phys, *source);
            Ok(())
        }
        (Some(dst), Outgoing::Copied(m)) => {
            crate::mem::phys::write_message(dst, m);
            Ok(())
        }
        (None, _) => p.space.as_ref().ok_or(Error::FAULT).and_then(|s| s.write(p.msg_buf, as_bytes(&msg.message()))),
    };
    p.set_return(match copied {
        Ok(()) => ret,
        Err(e) => e.to_ret(),
    });
    p.activity = Activity::Active;
}

/// Resumes a blocked process with just a return value.
pub fn resume(k: &mut Kernel, slot: usize, ret: isize) {
    if let Ok(p) = k.proc(slot) {
        p.set_return(ret);
        p.activity = Activity::Active;
        sched::wake(slot);
    }
}

fn notification(source: Endpoint, bits: u64) -> Message {
    let mut m = Message::new(IPC_MSG_NOTIFY, [bits, 0, 0, 0, 0, 0, 0]);
    m.source = source.0;
    m
}

/// Delivers a notification the state machine decided on.
pub fn deliver_notification(k: &mut Kernel, outcome: NotifyOutcome) {
    if let NotifyOutcome::Delivered { to, source, bits } = outcome {
        deliver(k, to, &notification(source, bits), source.0 as isize);
    }
}

/// Blocks the caller in IPC with its buffer; `handoff` is a process just
/// given a message (not yet woken), which gets the CPU directly if the
/// policy agrees.
fn block_current(k: &mut Kernel, msg_buf: u64, phys: Option<u64>, handoff: Option<usize>) -> Ret {
    let cur = k.cur();
    cur.msg_buf = msg_buf;
    cur.msg_buf_phys = phys;
    cur.activity = Activity::InIpc;
    sched::block_and_run(handoff);
    Ret::Blocked
}

fn check_send_right(k: &mut Kernel, dst: Endpoint) -> Result<usize, Error> {
    let slot = k.resolve(dst)?;
    let target_id = k.proc(slot)?.privileges.id;
    if !k.cur().privileges.may_send(target_id) {
        return Err(Error::PERM);
    }
    Ok(slot)
}

/// May the caller send a message of type `mtype`? Notifications are the
/// kernel's own (`INVAL`: a receiver must be able to trust that a NOTIFY
/// needs no reply); control messages need the `control` right (`PERM`).
fn check_type(k: &mut Kernel, mtype: u32) -> Result<(), Error> {
    if mtype == IPC_MSG_NOTIFY {
        return Err(Error::INVAL);
    }
    if !k.cur().privileges.may_send_type(mtype) {
        return Err(Error::PERM);
    }
    Ok(())
}

/// `send(dst, &msg)` and `call(dst, &mut msg)`.
pub fn send(dst: u64, msg_ptr: u64, call: bool) -> Ret {
    let k = KERNEL.get();
    let prepared = (|| -> Result<_, Error> {
        let dst = Endpoint(u32::try_from(dst).map_err(|_| Error::INVAL)?);
        // The caller's own buffer first, so a bad one is FAULT whatever
        // state the destination is in. A call's buffer also takes the
        // reply, so it must be writable.
        let phys = buffer(k, msg_ptr, call)?;
        let msg = outgoing(k, msg_ptr, phys)?;
        check_send_right(k, dst)?;
        check_type(k, msg.mtype())?;
        let cur = k.current.ok_or(Error::SRCH)?;
        Ok((cur, dst, msg, phys))
    })();
    let (cur, dst, msg, phys) = match prepared {
        Ok(v) => v,
        Err(e) => return Ret::Now(e.to_ret()),
    };
    match k.ipc.send(cur, dst, call) {
        Err(e) => Ret::Now(e.to_ret()),
        Ok(SendOutcome::Delivered { to }) => {
            let source = msg.source() as isize;
            deliver_quiet(k, to, &msg, source);
            if call {
                block_current(k, msg_ptr, phys, Some(to))
            } else {
                sched::wake(to);
                sched::preempt_if_needed();
                Ret::Now(0)
            }
        }
        Ok(SendOutcome::Blocked) => {
            k.cur().out_msg = msg.message();
            block_current(k, msg_ptr, phys, None)
        }
    }
}

/// `receive(src, &mut msg)`; returns the sender's endpoint.
pub fn receive(src: u64, msg_ptr: u64, block: bool) -> Ret {
    receive_then(src, msg_ptr, block, None)
}

/// `receive`, where `pending` is a process just handed a reply and not yet
/// woken: it gets the CPU directly if the receive blocks.
fn receive_then(src: u64, msg_ptr: u64, block: bool, pending: Option<usize>) -> Ret {
    let k = KERNEL.get();
    let outcome = receive_inner(k, src, msg_ptr, block, pending);
    if let (Some(p), false) = (pending, matches!(outcome, Ret::Blocked)) {
        sched::wake(p);
    }
    outcome
}

fn receive_inner(k: &mut Kernel, src: u64, msg_ptr: u64, block: bool, pending: Option<usize>) -> Ret {
    let prepared = (|| -> Result<_, Error> {
        let from = Endpoint(u32::try_from(src).map_err(|_| Error::INVAL)?);
        let phys = buffer(k, msg_ptr, true)?;
        Ok((k.current.ok_or(Error::SRCH)?, from, phys))
    })();
    let (cur, from, phys) = match prepared {
        Ok(v) => v,
        Err(e) => return Ret::Now(e.to_ret()),
    };
    match k.ipc.receive(cur, from, block) {
        Err(e) => Ret::Now(e.to_ret()),
        Ok(RecvOutcome::Notification { source, bits }) => {
            let m = notification(source, bits);
            Ret::from(write_own(k, msg_ptr, phys, &m).map(|()| source.0 as isize))
        }
        Ok(RecvOutcome::Message { from, sender_was_call }) => {
            let Ok(sender) = k.proc(from) else { return Ret::Now(Error::SRCH.to_ret()) };
            let msg = sender.out_msg;
            if !sender_was_call {
                resume(k, from, 0);
            }
            Ret::from(write_own(k, msg_ptr, phys, &msg).map(|()| msg.source as isize))
        }
        Ok(RecvOutcome::Blocked) => block_current(k, msg_ptr, phys, pending),
    }
}

/// Delivers the caller's reply; returns the (not yet woken) client.
fn do_reply(k: &mut Kernel, dst: u64, msg_ptr: u64) -> Result<usize, Error> {
    let dst = Endpoint(u32::try_from(dst).map_err(|_| Error::INVAL)?);
    let phys = buffer(k, msg_ptr, false)?;
    let msg = outgoing(k, msg_ptr, phys)?;
    let cur = k.current.ok_or(Error::SRCH)?;
    let to = k.ipc.reply(cur, dst)?;
    deliver_quiet(k, to, &msg, 0);
    Ok(to)
}

/// `reply(dst, &msg)`: never blocks.
pub fn reply(dst: u64, msg_ptr: u64) -> Ret {
    Ret::from(do_reply(KERNEL.get(), dst, msg_ptr).map(|to| {
        sched::wake(to);
        sched::preempt_if_needed();
        0
    }))
}

/// `reply_receive(dst, &mut msg, src)`: see `SYS_REPLY_RECEIVE`. The
/// client gets the CPU directly when the receive blocks.
pub fn reply_receive(dst: u64, msg_ptr: u64, src: u64) -> Ret {
    match do_reply(KERNEL.get(), dst, msg_ptr) {
        Ok(to) => receive_then(src, msg_ptr, true, Some(to)),
        Err(Error::DEADSRCDST | Error::NOTWAITING) => receive(src, msg_ptr, true),
        Err(e) => Ret::Now(e.to_ret()),
    }
}

/// `notify(dst)`: never blocks.
pub fn notify(dst: u64) -> Ret {
    let k = KERNEL.get();
    let result = (|| -> Result<isize, Error> {
        let dst = Endpoint(u32::try_from(dst).map_err(|_| Error::INVAL)?);
        check_send_right(k, dst)?;
        let cur = k.current.ok_or(Error::SRCH)?;
        let outcome = k.ipc.notify(cur, dst)?;
        deliver_notification(k, outcome);
        sched::preempt_if_needed();
        Ok(0)
    })();
    Ret::from(result)
}

/// Wakes everyone the state machine says was waiting on a process that
/// is gone, with DEADSRCDST.
pub fn wake_dead_waiters(k: &mut Kernel, slots: impl Iterator<Item = usize>) {
    for s in slots {
        resume(k, s, Error::DEADSRCDST.to_ret());
    }
}
