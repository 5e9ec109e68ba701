//! Device interrupts become notifications.
//!
//! A driver whose privileges allow IRQ line `n` calls `irq_ack(n)`: that
//! names it the line's handler and unmasks the line. When the line fires,
//! the kernel masks it, and notifies the driver (kernel event bit
//! `NOTIFY_IRQ_BASE + n`); the driver handles the device and acknowledges
//! again, which unmasks the line.

use crate::arch::apic::{self, IRQ_LINES};
use crate::ipc::deliver_notification;
use crate::proc::KERNEL;
use molt_abi::message::NOTIFY_IRQ_BASE;
use molt_abi::{Endpoint, Error};

static mut OWNERS: [Endpoint; IRQ_LINES as usize] = [Endpoint::NONE; IRQ_LINES as usize];

fn owners() -> &'static mut [Endpoint; IRQ_LINES as usize] {
    // SAFETY: one CPU, interrupts off in the kernel: no concurrent access.
    unsafe { &mut *core::ptr::addr_of_mut!(OWNERS) }
}

/// `irq_ack(line)` from `owner` (privilege already checked).
pub fn acknowledge(line: u8, owner: Endpoint) -> Result<(), Error> {
    if line >= 16 {
        return Err(Error::INVAL);
    }
    let slot = &mut owners()[line as usize];
    if *slot != Endpoint::NONE && *slot != owner && KERNEL.get().resolve(*slot).is_ok() {
        return Err(Error::BUSY);
    }
    *slot = owner;
    apic::set_masked(line, false);
    Ok(())
}

/// Called from the trap handler for IRQ line `line`.
pub fn fire(line: u8) {
    apic::set_masked(line, true);
    apic::eoi();
    let owner = owners()[line as usize];
    let k = KERNEL.get();
    if let Ok(slot) = k.resolve(owner) {
        let outcome = k.ipc.notify_kernel(slot, 1 << (NOTIFY_IRQ_BASE + u32::from(line)));
        deliver_notification(k, outcome);
    }
}
