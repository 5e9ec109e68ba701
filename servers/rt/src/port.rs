//! x86 port I/O for drivers whose privilege record opens the ports (the
//! kernel sets the TSS I/O bitmap; a port outside it faults the process,
//! it cannot harm anyone else).

/// Reads a byte from I/O port `port`.
#[inline]
pub fn inb(port: u16) -> u8 {
    let value: u8;
    // SAFETY: `in` touches no memory; if our privileges do not include the
    // port the CPU raises #GP and the kernel ends this process only.
    unsafe { core::arch::asm!("in al, dx", in("dx") port, out("al") value, options(nomem, nostack, preserves_flags)) };
    value
}

/// Writes a byte to I/O port `port`.
#[inline]
pub fn outb(port: u16, value: u8) {
    // SAFETY: as for `inb`: no memory is touched, a forbidden port only
    // faults this process.
    unsafe { core::arch::asm!("out dx, al", in("dx") port, in("al") value, options(nomem, nostack, preserves_flags)) };
}
