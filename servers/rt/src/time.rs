//! Time: the uptime clock and sleeping on a kernel alarm.

use crate::ipc::receive;
use crate::kcall;
use molt_abi::message::NOTIFY_ALARM;
use molt_abi::{Endpoint, Error, Message};

/// Milliseconds since boot.
pub fn now_ms() -> u64 {
    kcall::uptime_ns() / 1_000_000
}

/// Sleeps `ms` milliseconds. Fails with INTR if a signal arrives first.
pub fn sleep_ms(ms: u64) -> Result<(), Error> {
    kcall::alarm(ms.max(1) * 1_000_000)?;
    let mut msg = Message::default();
    loop {
        match receive(Endpoint::KERNEL, &mut msg) {
            Ok(_) if msg.payload[0] & NOTIFY_ALARM != 0 => return Ok(()),
            Ok(_) => continue,
            Err(e) => {
                let _ = kcall::alarm(0);
                return Err(e);
            }
        }
    }
}
