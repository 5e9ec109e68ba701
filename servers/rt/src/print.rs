//! Printing through the kernel's debug output (for programs whose
//! privileges allow it: early servers and tests).

use core::fmt::{self, Write};
use molt_abi::syscall::SYS_DEBUG_WRITE;

/// A line buffer flushed in one system call, so lines never interleave.
pub struct DebugOut {
    buf: [u8; 256],
    len: usize,
}

impl DebugOut {
    pub const fn new() -> DebugOut {
        DebugOut { buf: [0; 256], len: 0 }
    }

    pub fn flush(&mut self) {
        if self.len > 0 {
            crate::raw::syscall(SYS_DEBUG_WRITE, self.buf.as_ptr() as u64, self.len as u64, 0, 0, 0, 0);
            self.len = 0;
        }
    }
}

impl Default for DebugOut {
    fn default() -> DebugOut {
        DebugOut::new()
    }
}

impl Write for DebugOut {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for &b in s.as_bytes() {
            if self.len == self.buf.len() {
                self.flush();
            }
            self.buf[self.len] = b;
            self.len += 1;
        }
        Ok(())
    }
}

/// Prints formatted text on the debug output.
pub fn print(args: fmt::Arguments) {
    let mut out = DebugOut::new();
    let _ = out.write_fmt(args);
    out.flush();
}

#[macro_export]
macro_rules! print {
    ($($arg:tt)*) => { $crate::print::print(format_args!($($arg)*)) };
}

#[macro_export]
macro_rules! println {
    ($($arg:tt)*) => { $crate::print::print(format_args!("{}\n", format_args!($($arg)*))) };
}
