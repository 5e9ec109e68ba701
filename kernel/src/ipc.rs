//! The IPC system calls: send, receive, call, reply, notify.
//!
//! Each call decodes and checks its arguments (privileges, the message
//! buffer in the caller's memory) before asking the rendezvous state
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

/// Reads the caller's message and stamps it with the caller's endpoint.
fn read_message(k: &mut Kernel, ptr: u64) -> Result<Message, Error> {
    let cur = k.cur();
    let mut msg = Message::default();
    cur.space.as_ref().ok_or(Error::FAULT)?.read(ptr, as_bytes_mut(&mut msg))?;
    msg.source = cur.endpoint.0;
    Ok(msg)
}

fn check_buffer(k: &mut Kernel, ptr: u64) -> Result<(), Error> {
    k.cur().space.as_ref().ok_or(Error::FAULT)?.check_writable(ptr, MESSAGE_SIZE)
}

/// Writes `msg` into the buffer process `to` is waiting with, sets the
/// value its call returns, and makes it runnable.
fn deliver(k: &mut Kernel, to: usize, msg: &Message, ret: isize) {
    let Ok(p) = k.proc(to) else { return };
    let copied = p.space.as_ref().ok_or(Error::FAULT).and_then(|s| s.write(p.msg_buf, as_bytes(msg)));
    p.set_return(match copied {
        Ok(()) => ret,
        Err(e) => e.to_ret(),
    });
    p.activity = Activity::Active;
    sched::wake(to);
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

fn block_current(k: &mut Kernel, msg_buf: u64) -> Ret {
    let cur = k.cur();
    cur.msg_buf = msg_buf;
    cur.activity = Activity::InIpc;
    sched::block_and_schedule();
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

/// `send(dst, &msg)` and `call(dst, &mut msg)`.
pub fn send(dst: u64, msg_ptr: u64, call: bool) -> Ret {
    let k = KERNEL.get();
    let prepared = (|| -> Result<_, Error> {
        let dst = Endpoint(u32::try_from(dst).map_err(|_| Error::INVAL)?);
        check_send_right(k, dst)?;
        let msg = read_message(k, msg_ptr)?;
        if call {
            check_buffer(k, msg_ptr)?;
        }
        let cur = k.current.ok_or(Error::SRCH)?;
        Ok((cur, dst, msg))
    })();
    let (cur, dst, msg) = match prepared {
        Ok(v) => v,
        Err(e) => return Ret::Now(e.to_ret()),
    };
    match k.ipc.send(cur, dst, call) {
        Err(e) => Ret::Now(e.to_ret()),
        Ok(SendOutcome::Delivered { to }) => {
            deliver(k, to, &msg, Endpoint(msg.source).0 as isize);
            if call {
                block_current(k, msg_ptr)
            } else {
                sched::preempt_if_needed();
                Ret::Now(0)
            }
        }
        Ok(SendOutcome::Blocked) => {
            k.cur().out_msg = msg;
            block_current(k, msg_ptr)
        }
    }
}

/// `receive(src, &mut msg)`; returns the sender's endpoint.
pub fn receive(src: u64, msg_ptr: u64, block: bool) -> Ret {
    let k = KERNEL.get();
    let prepared = (|| -> Result<_, Error> {
        let from = Endpoint(u32::try_from(src).map_err(|_| Error::INVAL)?);
        check_buffer(k, msg_ptr)?;
        Ok((k.current.ok_or(Error::SRCH)?, from))
    })();
    let (cur, from) = match prepared {
        Ok(v) => v,
        Err(e) => return Ret::Now(e.to_ret()),
    };
    match k.ipc.receive(cur, from, block) {
        Err(e) => Ret::Now(e.to_ret()),
        Ok(RecvOutcome::Notification { source, bits }) => {
            let m = notification(source, bits);
            let wrote = k.cur().space.as_ref().ok_or(Error::FAULT).and_then(|s| s.write(msg_ptr, as_bytes(&m)));
            Ret::from(wrote.map(|()| source.0 as isize))
        }
        Ok(RecvOutcome::Message { from, sender_was_call }) => {
            let Ok(sender) = k.proc(from) else { return Ret::Now(Error::SRCH.to_ret()) };
            let msg = sender.out_msg;
            if !sender_was_call {
                resume(k, from, 0);
            }
            let wrote = k.cur().space.as_ref().ok_or(Error::FAULT).and_then(|s| s.write(msg_ptr, as_bytes(&msg)));
            Ret::from(wrote.map(|()| msg.source as isize))
        }
        Ok(RecvOutcome::Blocked) => block_current(k, msg_ptr),
    }
}

/// `reply(dst, &msg)`: never blocks.
pub fn reply(dst: u64, msg_ptr: u64) -> Ret {
    let k = KERNEL.get();
    let result = (|| -> Result<isize, Error> {
        let dst = Endpoint(u32::try_from(dst).map_err(|_| Error::INVAL)?);
        let msg = read_message(k, msg_ptr)?;
        let cur = k.current.ok_or(Error::SRCH)?;
        let to = k.ipc.reply(cur, dst)?;
        deliver(k, to, &msg, 0);
        Ok(0)
    })();
    Ret::from(result)
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
