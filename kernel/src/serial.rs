//! The kernel's own output: COM1, polled, no interrupts.
//!
//! Once the user-space console driver runs, the kernel keeps this only for
//! the log, panics and the privileged debug-write call. A spin lock keeps
//! lines from interleaving.

use crate::arch::port::{inb, outb};
use core::fmt;
use core::sync::atomic::{AtomicBool, Ordering};
use spin::Mutex;

const COM1: u16 = 0x3f8;

/// The serial port, behind a lock so whole lines come out together.
pub static SERIAL: Mutex<Serial> = Mutex::new(Serial { ready: false });

pub struct Serial {
    ready: bool,
}

impl Serial {
    fn init(&mut self) {
        outb(COM1 + 1, 0x00); // no interrupts
        outb(COM1 + 3, 0x80); // DLAB
        outb(COM1, 0x01); // 115200 baud
        outb(COM1 + 1, 0x00);
        outb(COM1 + 3, 0x03); // 8N1
        // The FIFOs stay off: turning them on clears them, and a byte
        // already typed (input piped in before boot) would be lost.
        outb(COM1 + 4, 0x03); // DTR, RTS
        self.ready = true;
    }

    fn put(&mut self, byte: u8) {
        if !self.ready {
            self.init();
        }
        while inb(COM1 + 5) & 0x20 == 0 {}
        outb(COM1, byte);
    }

    /// Writes raw bytes, turning `\n` into `\r\n`.
    pub fn write_bytes(&mut self, bytes: &[u8]) {
        for &b in bytes {
            if b == b'\n' {
                self.put(b'\r');
            }
            self.put(b);
        }
    }
}

impl fmt::Write for Serial {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.write_bytes(s.as_bytes());
        Ok(())
    }
}

static CLAIMED: AtomicBool = AtomicBool::new(false);

/// The user-space console driver took the port: from now on the kernel
/// only writes emergencies (panics, kernel faults) and debug writes of
/// processes privileged to make them.
pub fn claim() {
    CLAIMED.store(true, Ordering::Relaxed);
}

/// True once the console driver owns the port.
pub fn claimed() -> bool {
    CLAIMED.load(Ordering::Relaxed)
}

/// Prints to the serial port (until the console driver claims it).
#[macro_export]
macro_rules! kprint {
    ($($arg:tt)*) => {{
        use core::fmt::Write as _;
        if !$crate::serial::claimed() {
            let _ = write!($crate::serial::SERIAL.lock(), $($arg)*);
        }
    }};
}

/// Prints a line to the serial port.
#[macro_export]
macro_rules! kprintln {
    ($($arg:tt)*) => {{
        use core::fmt::Write as _;
        if !$crate::serial::claimed() {
            let mut serial = $crate::serial::SERIAL.lock();
            let _ = writeln!(serial, $($arg)*);
        }
    }};
}

/// Takes the serial lock even if a panicking path held it, so the last
/// words always come out.
pub fn emergency() -> spin::MutexGuard<'static, Serial> {
    // SAFETY: only called on the way to halting the machine; whoever held
    // the lock will never run again.
    unsafe { SERIAL.force_unlock() };
    SERIAL.lock()
}
