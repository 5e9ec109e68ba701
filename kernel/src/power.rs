//! Ending the machine: ACPI soft-off for a clean power-off (QEMU exits
//! with status 0), or QEMU's isa-debug-exit device with a status for tests
//! (QEMU exits with `status << 1 | 1`).

use crate::arch::port::{outl, outw};
use molt_abi::Error;
use spin::Mutex;

/// The isa-debug-exit port the test harness configures.
const DEBUG_EXIT_PORT: u16 = 0xf4;
/// SLP_EN in PM1a_CNT; QEMU's S5 sleep type is 0.
const SLP_EN: u16 = 1 << 13;
/// How long a soft-off may take before isa-debug-exit is used instead.
const ACPI_GRACE_NS: u64 = 2_000_000_000;

static PM1A_CONTROL: Mutex<Option<u16>> = Mutex::new(None);

pub fn init(pm1a_control: Option<u16>) {
    *PM1A_CONTROL.lock() = pm1a_control;
}

/// `power_off(status)`: 0 is a clean power-off; anything else leaves
/// through isa-debug-exit. Returns only if neither device exists.
pub fn off(status: u64) -> Result<isize, Error> {
    let status = u32::try_from(status).map_err(|_| Error::INVAL)?;
    crate::kprintln!("molt: power off (status {status})");
    if status == 0 {
        if let Some(port) = *PM1A_CONTROL.lock() {
            outw(port, SLP_EN);
            // QEMU handles the sleep request asynchronously, in its main
            // loop, while isa-debug-exit ends it at once (with status 1):
            // give the soft-off time to happen before falling back.
            let deadline = crate::time::uptime_ns().saturating_add(ACPI_GRACE_NS);
            while crate::time::uptime_ns() < deadline {
                core::hint::spin_loop();
            }
        }
    }
    outl(DEBUG_EXIT_PORT, status);
    Err(Error::NOSYS)
}
