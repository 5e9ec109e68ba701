//! IPC wrappers: send, receive, call, reply, notify.

use crate::raw::syscall;
use molt_abi::syscall::*;
use molt_abi::{Endpoint, Error, Message};

fn result(ret: isize) -> Result<usize, Error> {
    Error::from_ret(ret)
}

/// Sends `msg` to `dst`, blocking until it is received.
pub fn send(dst: Endpoint, msg: &Message) -> Result<(), Error> {
    result(syscall(SYS_SEND, dst.0.into(), msg as *const Message as u64, 0, 0, 0, 0)).map(drop)
}

/// Receives a message from `from` (or [`Endpoint::ANY`]); returns the sender.
pub fn receive(from: Endpoint, msg: &mut Message) -> Result<Endpoint, Error> {
    result(syscall(SYS_RECEIVE, from.0.into(), msg as *mut Message as u64, 0, 0, 0, 0)).map(|e| Endpoint(e as u32))
}

/// Like [`receive`], but fails with `AGAIN` instead of blocking.
pub fn try_receive(from: Endpoint, msg: &mut Message) -> Result<Endpoint, Error> {
    result(syscall(SYS_RECEIVE_NB, from.0.into(), msg as *mut Message as u64, 0, 0, 0, 0)).map(|e| Endpoint(e as u32))
}

/// Sends `msg` to `dst` and waits for the reply, which replaces `msg`.
pub fn call(dst: Endpoint, msg: &mut Message) -> Result<(), Error> {
    result(syscall(SYS_CALL, dst.0.into(), msg as *mut Message as u64, 0, 0, 0, 0)).map(drop)
}

/// Replies to `dst`, which is blocked in `call` on us.
pub fn reply(dst: Endpoint, msg: &Message) -> Result<(), Error> {
    result(syscall(SYS_REPLY, dst.0.into(), msg as *const Message as u64, 0, 0, 0, 0)).map(drop)
}

/// Replies to `dst` with `msg`, then receives from `from` into `msg`: a
/// server's loop step in one system call. Returns the new sender.
pub fn reply_receive(dst: Endpoint, msg: &mut Message, from: Endpoint) -> Result<Endpoint, Error> {
    result(syscall(SYS_REPLY_RECEIVE, dst.0.into(), msg as *mut Message as u64, from.0.into(), 0, 0, 0))
        .map(|e| Endpoint(e as u32))
}

/// Sets our pending-notification bit at `dst`.
pub fn notify(dst: Endpoint) -> Result<(), Error> {
    result(syscall(SYS_NOTIFY, dst.0.into(), 0, 0, 0, 0, 0)).map(drop)
}

/// The null system call (the ruler for kernel entry cost).
pub fn null() -> isize {
    syscall(SYS_NULL, 0, 0, 0, 0, 0, 0)
}

/// Gives up the rest of the time slice.
pub fn yield_now() {
    syscall(SYS_YIELD, 0, 0, 0, 0, 0, 0);
}
