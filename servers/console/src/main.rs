//! console, the console driver.
//!
//! A user-space driver for the 16550 UART: it may touch only ports
//! 0x3F8-0x3FF and IRQ 4 (the boot manifest says so). At start it claims
//! the serial line from the kernel, which from then on writes only panics
//! there. Clients write with IPC_MSG_CONSOLE_WRITE (a read grant; each
//! request goes out whole, so two writers never interleave within a
//! line) and read lines with IPC_MSG_CONSOLE_READ (a write grant; the
//! reply waits until a line is typed). The line discipline is in
//! `discipline`; ^C sends SIGINT to the foreground process group that the
//! shell names with IPC_MSG_CONSOLE_SET_FG.
#![cfg_attr(not(test), no_std)]
#![cfg_attr(not(test), no_main)]
#![forbid(unsafe_op_in_unsafe_fn)]
#![deny(clippy::undocumented_unsafe_blocks)]

mod discipline;
mod uart;

use discipline::{Discipline, Event};
use molt_abi::message::*;
use molt_abi::{Endpoint, Error, Message};
use molt_rt::process::SIGINT;
use molt_rt::server::{result_reply, Server};
use molt_rt::{ipc, kcall, Args};

/// Readers waiting for a line.
const MAX_READERS: usize = 16;
/// Bytes copied per safecopy when writing.
const CHUNK: usize = 256;

#[derive(Clone, Copy)]
struct Reader {
    who: Endpoint,
    grant: u64,
    len: u64,
}

struct Console {
    discipline: Discipline,
    readers: [Option<Reader>; MAX_READERS],
    foreground: u64,
}

molt_rt::entry!(main);

fn main(_args: &Args) -> i32 {
    if let Err(e) = kcall::console_claim() {
        molt_rt::println!("console: cannot claim the serial line: {}", e.text());
        return 1;
    }
    uart::init();
    if let Err(e) = kcall::irq_ack(uart::IRQ) {
        molt_rt::println!("console: cannot take IRQ {}: {}", uart::IRQ, e.text());
        return 1;
    }
    let mut console = Console { discipline: Discipline::new(), readers: [None; MAX_READERS], foreground: 0 };
    console.drain_input();
    molt_rt::server::run("console", &mut console)
}

impl Server for Console {
    fn request(&mut self, from: Endpoint, msg: &Message) -> Option<Message> {
        let p = msg.payload;
        match msg.mtype {
            IPC_MSG_CONSOLE_WRITE => Some(result_reply(write(from, p[0], p[1]), [0; 6])),
            IPC_MSG_CONSOLE_READ => {
                self.queue_reader(Reader { who: from, grant: p[0], len: p[1] });
                self.serve_readers();
                None
            }
            IPC_MSG_CONSOLE_SET_FG => {
                self.foreground = p[0];
                Some(result_reply(Ok(0), [0; 6]))
            }
            _ => Some(result_reply(Err(Error::NOSYS), [0; 6])),
        }
    }

    fn notified(&mut self, from: Endpoint, bits: u64) {
        if from == Endpoint::KERNEL && bits & (1 << (NOTIFY_IRQ_BASE + u32::from(uart::IRQ))) != 0 {
            self.drain_input();
            let _ = kcall::irq_ack(uart::IRQ);
        }
    }

    fn tick(&mut self) {
        // In case an interrupt notification was lost (a retrying call to
        // pm sleeps, and sleeping takes every kernel event): read what
        // came, and unmask the line again.
        self.drain_input();
        let _ = kcall::irq_ack(uart::IRQ);
    }
}

/// Copies a client's text from its grant to the UART.
fn write(from: Endpoint, grant: u64, len: u64) -> Result<u64, Error> {
    let mut buf = [0u8; CHUNK];
    let mut done = 0u64;
    while done < len {
        let n = (len - done).min(CHUNK as u64) as usize;
        kcall::safecopy_from(from, grant, done, &mut buf[..n])?;
        uart::write(&buf[..n]);
        done += n as u64;
    }
    Ok(len)
}

impl Console {
    fn drain_input(&mut self) {
        let mut interrupted = false;
        while let Some(byte) = uart::read_byte() {
            match self.discipline.input(byte, &mut |echo| uart::write_raw(echo)) {
                Event::Interrupt => interrupted = true,
                Event::LineReady | Event::None => {}
            }
        }
        self.serve_readers();
        if interrupted && self.foreground != 0 {
            let _ = molt_rt::process::kill(-(self.foreground as i64), SIGINT);
        }
    }

    /// A client asking again replaces its earlier request (a signal
    /// interrupted that one).
    fn queue_reader(&mut self, reader: Reader) {
        for slot in self.readers.iter_mut() {
            if slot.is_some_and(|r| r.who == reader.who) {
                *slot = None;
            }
        }
        match self.readers.iter_mut().find(|s| s.is_none()) {
            Some(slot) => *slot = Some(reader),
            None => {
                let _ = ipc::reply(reader.who, &result_reply(Err(Error::AGAIN), [0; 6]));
            }
        }
    }

    /// Hands completed lines to waiting readers, oldest request first.
    fn serve_readers(&mut self) {
        while let Some(line) = self.discipline.peek() {
            let Some(i) = self.readers.iter().position(Option::is_some) else { return };
            let Some(r) = self.readers[i].take() else { return };
            let n = line.len().min(r.len as usize);
            let result = if n == 0 { Ok(0) } else { kcall::safecopy_to(r.who, r.grant, 0, &line[..n]).map(|n| n as u64) };
            let delivered = ipc::reply(r.who, &result_reply(result, [0; 6])).is_ok() && result.is_ok();
            if delivered {
                self.discipline.pop();
            }
        }
    }
}
