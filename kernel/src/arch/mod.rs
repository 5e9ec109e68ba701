//! x86_64-specific code: boot entry, descriptor tables, traps, system-call
//! entry, context switching, interrupt controllers.

/// Assembly that pushes the general registers in [`trap::TrapFrame`]
/// order (rax first, r15 last, so r15 ends up at the lowest address).
macro_rules! push_gprs {
    () => {
        "push rax\npush rbx\npush rcx\npush rdx\npush rsi\npush rdi\npush rbp\npush r8\n\
         push r9\npush r10\npush r11\npush r12\npush r13\npush r14\npush r15\n"
    };
}

/// Assembly that pops what [`push_gprs`] pushed.
macro_rules! pop_gprs {
    () => {
        "pop r15\npop r14\npop r13\npop r12\npop r11\npop r10\npop r9\npop r8\n\
         pop rbp\npop rdi\npop rsi\npop rdx\npop rcx\npop rbx\npop rax\n"
    };
}

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

/// The CPU's physical address width in bits (CPUID leaf 0x80000008),
/// read once; 36 if the CPU does not report it.
pub fn phys_addr_bits() -> u32 {
    use core::sync::atomic::{AtomicU32, Ordering};
    static BITS: AtomicU32 = AtomicU32::new(0);
    let cached = BITS.load(Ordering::Relaxed);
    if cached != 0 {
        return cached;
    }
    #[allow(unused_unsafe)]
    // SAFETY: cpuid only reads identification registers; every x86-64 CPU
    // has it, and leaf 0x80000000 says whether 0x80000008 exists.
    let bits = unsafe {
        let max = core::arch::x86_64::__cpuid(0x8000_0000).eax;
        if max >= 0x8000_0008 {
            core::arch::x86_64::__cpuid(0x8000_0008).eax & 0xff
        } else {
            36
        }
    };
    BITS.store(bits, Ordering::Relaxed);
    bits
}
