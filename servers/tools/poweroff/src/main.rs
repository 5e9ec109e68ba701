//! poweroff: asks rs to stop every service and power the machine off
//! (QEMU then exits with status 0).
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

use molt_abi::message::IPC_MSG_POWEROFF;
use molt_abi::Message;
use molt_rt::{names, outln, time};

molt_rt::entry!(main);

fn main(_args: &molt_rt::Args) -> i32 {
    let mut msg = Message::new(IPC_MSG_POWEROFF, [0; 7]);
    if let Err(e) = names::call_rs(&mut msg).and_then(|()| names::reply_value(&msg)) {
        outln!("poweroff: {}", e.text());
        return 1;
    }
    // rs is stopping everything, this program included.
    loop {
        let _ = time::sleep_ms(1000);
    }
}
