//! The 16550 UART at COM1 (ports 0x3F8-0x3FF, IRQ 4), driven from ring 3
//! through the I/O ports the boot manifest opens to the console driver.

use molt_rt::port::{inb, outb};

const BASE: u16 = 0x3f8;
const DATA: u16 = BASE;
const IER: u16 = BASE + 1;
const MCR: u16 = BASE + 4;
const LSR: u16 = BASE + 5;

const LSR_DATA_READY: u8 = 0x01;
const LSR_THR_EMPTY: u8 = 0x20;

/// The IRQ line of COM1.
pub const IRQ: u8 = 4;

/// Keeps the line settings the kernel chose and enables the receive
/// interrupt (OUT2 routes it to the PIC). The FIFOs stay off, as the
/// kernel left them: switching them on clears them, which would lose
/// bytes typed (or piped in) before the driver started or while it
/// restarted; with them off the UART holds one byte and the host side
/// waits until the driver has read it.
pub fn init() {
    outb(MCR, 0x0b);
    outb(IER, 0x01);
}

/// A received byte, if any.
pub fn read_byte() -> Option<u8> {
    (inb(LSR) & LSR_DATA_READY != 0).then(|| inb(DATA))
}

/// Writes bytes, turning `\n` into `\r\n`.
pub fn write(bytes: &[u8]) {
    for &b in bytes {
        if b == b'\n' {
            put(b'\r');
        }
        put(b);
    }
}

/// Writes bytes as they are.
pub fn write_raw(bytes: &[u8]) {
    for &b in bytes {
        put(b);
    }
}

fn put(byte: u8) {
    while inb(LSR) & LSR_THR_EMPTY == 0 {}
    outb(DATA, byte);
}
