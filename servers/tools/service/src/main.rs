//! service: the reincarnation server's command line.
//!
//! - `service list`: name, pid, endpoint, state, restarts and the age of
//!   the last heartbeat of every service;
//! - `service restart NAME [in MS]`, `service stop NAME` (`in MS`: after
//!   a delay, so a test can restart a server while a job runs);
//! - `service fi NAME crash|hang`: fault injection, answered by the
//!   server runtime of NAME itself.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

use molt_abi::message::*;
use molt_abi::{Endpoint, Error, Message};
use molt_rt::server::{FI_CRASH, FI_HANG};
use molt_rt::{ipc, names, outln, time};

molt_rt::entry!(main);

const STATES: [&str; 4] = ["running", "restarting", "stopped", "failed"];

fn main(args: &molt_rt::Args) -> i32 {
    let mut words = args.rest().split_ascii_whitespace();
    let result = match (words.next(), words.next(), words.next()) {
        (Some("list") | None, None, None) => list(),
        (Some("restart"), Some(name), None) => by_name(IPC_MSG_SERVICE_RESTART, name),
        (Some("restart"), Some(name), Some("in")) => match words.next().and_then(|ms| ms.parse().ok()) {
            Some(ms) => time::sleep_ms(ms).and_then(|()| by_name(IPC_MSG_SERVICE_RESTART, name)),
            None => Err(Error::INVAL),
        },
        (Some("stop"), Some(name), None) => by_name(IPC_MSG_SERVICE_STOP, name),
        (Some("fi"), Some(name), Some("crash")) => inject(name, FI_CRASH),
        (Some("fi"), Some(name), Some("hang")) => inject(name, FI_HANG),
        _ => {
            outln!("usage: service list | restart NAME [in MS] | stop NAME | fi NAME crash|hang");
            return 2;
        }
    };
    match result {
        Ok(()) => 0,
        Err(e) => {
            outln!("service: {}", e.text());
            1
        }
    }
}

fn list() -> Result<(), Error> {
    outln!("{:<12} {:>7} {:>8} {:<10} {:>8} {:>10}", "NAME", "PID", "ENDPOINT", "STATE", "RESTARTS", "HEARTBEAT");
    let mut index = 0;
    loop {
        let mut msg = Message::new(IPC_MSG_SERVICE_LIST, [index, 0, 0, 0, 0, 0, 0]);
        names::call_rs(&mut msg)?;
        let next = match names::reply_value(&msg) {
            Ok(next) => next,
            Err(Error::NOENT) => return Ok(()),
            Err(e) => return Err(e),
        };
        let p = msg.payload;
        let mut buf = [0; names::NAME_MAX];
        let name = names::unpack(&[p[4], p[5], p[6], 0], &mut buf);
        let ep = Endpoint(p[1] as u32);
        let state = STATES.get((p[2] & 0xffff_ffff) as usize).copied().unwrap_or("?");
        let restarts = p[2] >> 32;
        let (pid, endpoint) = match ep.slot() {
            Some(slot) => (p[1], (slot, ep.generation())),
            None => (0, (0, 0)),
        };
        let mut age = [0u8; 16];
        let age = if p[3] == u64::MAX { "-" } else { fmt_age(p[3], &mut age) };
        outln!("{:<12} {:>7} {:>4}/{:<3} {:<10} {:>8} {:>10}", name, pid, endpoint.0, endpoint.1, state, restarts, age);
        index = next;
    }
}

/// "123ms ago"
fn fmt_age(ms: u64, buf: &mut [u8; 16]) -> &str {
    let mut line = Cursor { buf, len: 0 };
    let _ = core::fmt::Write::write_fmt(&mut line, format_args!("{}ms ago", ms));
    let len = line.len;
    core::str::from_utf8(&buf[..len]).unwrap_or("?")
}

struct Cursor<'a> {
    buf: &'a mut [u8; 16],
    len: usize,
}

impl core::fmt::Write for Cursor<'_> {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let n = s.len().min(self.buf.len() - self.len);
        self.buf[self.len..self.len + n].copy_from_slice(&s.as_bytes()[..n]);
        self.len += n;
        Ok(())
    }
}

fn by_name(mtype: u32, name: &str) -> Result<(), Error> {
    let w = names::pack(name);
    let mut msg = Message::new(mtype, [w[0], w[1], w[2], w[3], 0, 0, 0]);
    names::call_rs(&mut msg)?;
    names::reply_value(&msg).map(drop)
}

fn inject(name: &str, kind: u64) -> Result<(), Error> {
    let target = names::lookup(name)?;
    let mut msg = Message::new(IPC_MSG_FAULT_INJECT, [kind, 0, 0, 0, 0, 0, 0]);
    ipc::call(target, &mut msg)?;
    names::reply_value(&msg)?;
    outln!("service: injected {} into {}", if kind == FI_CRASH { "a crash" } else { "a hang" }, name);
    Ok(())
}
