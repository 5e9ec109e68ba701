//! x86_64-specific code: boot entry, descriptor tables, traps, system-call
//! entry, context switching, interrupt controllers.

pub mod acpi;
pub mod apic;
pub mod boot;
pub mod gdt;
pub mod port;
pub mod switch;
pub mod syscall;
pub mod trap;

/// Stops the CPU for good.
pub fn halt_forever() -> ! {
    loop {
        x86_64::instructions::interrupts::disable();
        x86_64::instructions::hlt();
    }
}

/// Reads the time-stamp counter (under `-icount shift=0` it counts
/// executed instructions).
pub fn rdtsc() -> u64 {
    // SAFETY: rdtsc has no side effects.
    unsafe { core::arch::x86_64::_rdtsc() }
}
