//! Message types the kernel vets (issue 18): a `send` or `call` of type
//! NOTIFY fails with INVAL (notifications are the kernel's own, so a
//! receiver never owes one a reply), and control messages (shutdown,
//! fault injection, service restart/stop, poweroff) fail with PERM unless
//! the sender's manifest record has the `control` right. `ktest-plain`
//! has IPC rights to ktest but not that right; ktest has it.

use crate::{check, Verdict};
use molt_abi::message::*;
use molt_abi::{Endpoint, Error, Message};
use molt_rt::{ipc, kcall};

pub const ALL: &[crate::Scenario] = &[("control", control_messages)];

/// Manifest index of `ktest-plain` (boot/ktest.toml).
const PLAIN_INDEX: usize = 4;

/// `ktest-plain`: tries every control type and NOTIFY on whoever sent it
/// the first message; exits with a bit set per check that failed.
pub fn plain_main() -> i32 {
    let mut m = Message::default();
    let Ok(parent) = ipc::receive(Endpoint::ANY, &mut m) else { return 0x100 };
    let mut failed = 0;
    let control = [IPC_MSG_SHUTDOWN, IPC_MSG_FAULT_INJECT, IPC_MSG_SERVICE_RESTART, IPC_MSG_SERVICE_STOP, IPC_MSG_POWEROFF];
    for (bit, &t) in control.iter().enumerate() {
        let mut msg = Message::new(t, [1, 0, 0, 0, 0, 0, 0]);
        if ipc::send(parent, &msg) != Err(Error::PERM) || ipc::call(parent, &mut msg) != Err(Error::PERM) {
            failed |= 1 << bit;
        }
    }
    let mut notify = Message::new(IPC_MSG_NOTIFY, [0; 7]);
    if ipc::send(parent, &notify) != Err(Error::INVAL) || ipc::call(parent, &mut notify) != Err(Error::INVAL) {
        failed |= 1 << 6;
    }
    // An ordinary message still goes through (the parent receives it).
    if ipc::send(parent, &Message::new(IPC_MSG_PING, [7; 7])).is_err() {
        failed |= 1 << 7;
    }
    failed
}

fn control_messages() -> Verdict {
    let plain = kcall::spawn(PLAIN_INDEX).map_err(|_| "spawn of ktest-plain failed")?;
    ipc::send(plain, &Message::new(IPC_MSG_PING, [0; 7])).map_err(|_| "start ktest-plain")?;
    let mut m = Message::default();
    let from = ipc::receive(plain, &mut m).map_err(|_| "the ordinary message did not arrive")?;
    check!(from == plain && m.mtype == IPC_MSG_PING, "not the ordinary message");
    let (_, status) = kcall::wait(plain).map_err(|_| "wait")?;
    molt_rt::println!("control: ktest-plain checks failed: {:#x}", status);
    check!(status == 0, "a control or NOTIFY-typed message got through");
    // With the right (ktest has it), a control message is delivered.
    let child = crate::scenarios::fork_child(|_| {
        let mut m = Message::default();
        match ipc::receive(Endpoint::ANY, &mut m) {
            Ok(_) if m.mtype == IPC_MSG_SHUTDOWN => 0,
            _ => 1,
        }
    })?;
    // Even the control holder cannot make a NOTIFY (the child, waiting,
    // would take it and fail).
    let mut notify = Message::new(IPC_MSG_NOTIFY, [0; 7]);
    check!(ipc::call(child, &mut notify) == Err(Error::INVAL), "a NOTIFY-typed call went through");
    check!(ipc::send(child, &Message::new(IPC_MSG_SHUTDOWN, [0; 7])).is_ok(), "a control holder's shutdown was refused");
    let (_, status) = kcall::wait(child).map_err(|_| "wait")?;
    check!(status == 0, "the shutdown did not arrive first");
    Ok(())
}
