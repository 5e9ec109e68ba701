//! Console client: writing lines and reading input through the console
//! driver. Each `out!` is formatted into one buffer and sent as a single
//! request, which the driver writes whole, so two writers never
//! interleave within a line.

use crate::grant::Grant;
use crate::names::CONSOLE;
use core::fmt::{self, Write};
use molt_abi::message::{IPC_MSG_CONSOLE_READ, IPC_MSG_CONSOLE_SET_FG, IPC_MSG_CONSOLE_WRITE};
use molt_abi::{Endpoint, Error, Message};

const LINE: usize = 512;

/// Writes `bytes` through the console driver at `console`.
pub fn write_to(console: Endpoint, bytes: &[u8]) -> Result<usize, Error> {
    let grant = Grant::read(console, bytes)?;
    let mut msg = Message::new(IPC_MSG_CONSOLE_WRITE, [grant.id(), grant.len(), 0, 0, 0, 0, 0]);
    crate::ipc::call(console, &mut msg)?;
    crate::names::reply_value(&msg).map(|n| n as usize)
}

/// Writes `bytes` on the console, finding the driver again if it was
/// restarted. Falls back to the kernel's debug output if there is none.
pub fn write(bytes: &[u8]) -> Result<usize, Error> {
    let mut last = Err(Error::NOENT);
    for _ in 0..3 {
        let ep = match CONSOLE.endpoint() {
            Ok(ep) => ep,
            Err(e) => {
                last = Err(e);
                break;
            }
        };
        match write_to(ep, bytes) {
            Err(Error::DEADSRCDST) => {
                CONSOLE.forget();
                last = Err(Error::DEADSRCDST);
            }
            other => return other,
        }
    }
    crate::print::print(format_args!("{}", core::str::from_utf8(bytes).unwrap_or("?")));
    last
}

/// Reads one line (or what a ^D ended) into `buf`; `Ok(0)` is end of file.
pub fn read(buf: &mut [u8]) -> Result<usize, Error> {
    let mut msg = Message::default();
    let ep_grant = |ep: Endpoint, buf: &mut [u8], msg: &mut Message| -> Result<(), Error> {
        let grant = Grant::write(ep, buf)?;
        *msg = Message::new(IPC_MSG_CONSOLE_READ, [grant.id(), grant.len(), 0, 0, 0, 0, 0]);
        crate::ipc::call(ep, msg)
    };
    loop {
        let ep = CONSOLE.endpoint()?;
        match ep_grant(ep, buf, &mut msg) {
            Err(Error::DEADSRCDST) => {
                // The driver died; wait for rs to restart it and ask again.
                CONSOLE.forget();
                crate::time::sleep_ms(20)?;
            }
            Err(e) => return Err(e),
            Ok(()) => return crate::names::reply_value(&msg).map(|n| n as usize),
        }
    }
}

/// Makes `pgid` the foreground process group (^C signals it).
pub fn set_foreground(pgid: u64) -> Result<(), Error> {
    CONSOLE.request(IPC_MSG_CONSOLE_SET_FG, [pgid, 0, 0, 0, 0, 0, 0]).map(drop)
}

/// A line buffer that goes out in one console request.
pub struct ConsoleOut {
    buf: [u8; LINE],
    len: usize,
}

impl ConsoleOut {
    pub const fn new() -> ConsoleOut {
        ConsoleOut { buf: [0; LINE], len: 0 }
    }

    pub fn flush(&mut self) {
        if self.len > 0 {
            let _ = write(&self.buf[..self.len]);
            self.len = 0;
        }
    }
}

impl Default for ConsoleOut {
    fn default() -> ConsoleOut {
        ConsoleOut::new()
    }
}

impl Write for ConsoleOut {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for &b in s.as_bytes() {
            if self.len == LINE {
                self.flush();
            }
            self.buf[self.len] = b;
            self.len += 1;
        }
        Ok(())
    }
}

/// Prints formatted text on the console.
pub fn print(args: fmt::Arguments) {
    let mut out = ConsoleOut::new();
    let _ = out.write_fmt(args);
    out.flush();
}

/// Prints on the console (through the console driver).
#[macro_export]
macro_rules! out {
    ($($arg:tt)*) => { $crate::console::print(format_args!($($arg)*)) };
}

/// Prints a line on the console (through the console driver).
#[macro_export]
macro_rules! outln {
    ($($arg:tt)*) => { $crate::console::print(format_args!("{}\n", format_args!($($arg)*))) };
}

/// Prints the blank-separated words of `text` separated by single spaces,
/// then a newline (what `echo` does).
pub fn print_words(text: &str) {
    let mut out = ConsoleOut::new();
    for (i, word) in text.split_ascii_whitespace().enumerate() {
        if i > 0 {
            let _ = out.write_str(" ");
        }
        let _ = out.write_str(word);
    }
    let _ = out.write_str("\n");
    out.flush();
}
