//! The service protocol with rs, for server loops other than
//! [`crate::server::run`]: the BSD servers' dispatcher (molt-shims'
//! server platform), which must also wake for its own deadlines (callouts,
//! tsleep timeouts) and so arms the kernel alarm itself.
//!
//! `server::run` speaks the same protocol with private copies of these
//! steps; they can be replaced by calls to this module.

use crate::server::{inject_fault, result_reply, FI_CRASH, FI_HANG};
use crate::{ipc, names};
use molt_abi::message::{
    IPC_MSG_FAULT_INJECT, IPC_MSG_HEARTBEAT, IPC_MSG_PING, IPC_MSG_PUBLISH, IPC_MSG_REPLY, IPC_MSG_SHUTDOWN,
};
use molt_abi::{Endpoint, Error, Message};

/// Publishes `name` with rs; returns the heartbeat period in ms that the
/// boot manifest sets for the service (0: none), or the error.
pub fn publish(name: &str) -> Result<u64, Error> {
    let w = names::pack(name);
    let mut msg = Message::new(IPC_MSG_PUBLISH, [w[0], w[1], w[2], w[3], 0, 0, 0]);
    names::call_rs(&mut msg)?;
    names::reply_value(&msg)?;
    Ok(msg.payload[1])
}

/// Sends one heartbeat for the service `name` (pid `me`); if rs was
/// restarted, finds the new one and publishes again.
pub fn heartbeat(name: &str, me: Endpoint) {
    let msg = Message::new(IPC_MSG_HEARTBEAT, [me.0.into(), 0, 0, 0, 0, 0, 0]);
    if let Err(Error::DEADSRCDST | Error::NOENT) = names::rs().and_then(|rs| ipc::send(rs, &msg)) {
        names::forget_rs();
        let _ = publish(name);
    }
}

/// What [`answer`] did with a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    /// A protocol message, answered: receive the next one.
    Answered,
    /// IPC_MSG_SHUTDOWN: the loop cleans up, replies (`result_reply(Ok(0))`) and ends.
    Shutdown,
    /// Not a protocol message: the server's own request.
    Request,
}

/// Answers the protocol messages every service loop treats alike:
/// IPC_MSG_PING is echoed, IPC_MSG_FAULT_INJECT is carried out (a valid
/// kind never returns: crash or hang), IPC_MSG_SHUTDOWN is reported.
pub fn answer(from: Endpoint, msg: &Message) -> Protocol {
    match msg.mtype {
        IPC_MSG_PING => {
            let mut echo = *msg;
            echo.mtype = IPC_MSG_REPLY;
            let _ = ipc::reply(from, &echo);
            Protocol::Answered
        }
        IPC_MSG_FAULT_INJECT => {
            let kind = msg.payload[0];
            if kind != FI_CRASH && kind != FI_HANG {
                let _ = ipc::reply(from, &result_reply(Err(Error::INVAL), [0; 6]));
                return Protocol::Answered;
            }
            let _ = ipc::reply(from, &result_reply(Ok(0), [0; 6]));
            inject_fault(kind)
        }
        IPC_MSG_SHUTDOWN => Protocol::Shutdown,
        _ => Protocol::Request,
    }
}
