//! The Molt microkernel.
//!
//! Design principles:
//! - Mechanism only: address spaces, threads, IPC, grants, privileges,
//!   interrupt delivery and a few kernel calls for trusted servers. Policy
//!   (memory, naming, who runs) lives in user-space servers.
//! - Decide, then act: pure logic (IPC rendezvous, scheduling policy, grant
//!   checks, ELF and boot-archive parsing) lives in `molt-kernel-logic`,
//!   which is tested on the host; this crate applies its decisions to the
//!   hardware.
//! - Untrusted input never panics the kernel: every system call decodes and
//!   validates its arguments first and returns an error from `molt_abi`.
//! - Unsafe code sits in thin, commented wrappers (`arch`, `mem::phys`).
//! - One CPU, and the kernel is not preemptible: interrupts are off while
//!   kernel code runs, except in the idle loop.
#![no_std]
#![no_main]
#![forbid(unsafe_op_in_unsafe_fn)]
#![deny(clippy::undocumented_unsafe_blocks)]

extern crate alloc;

mod arch;
mod boot;
mod cmdline;
mod global;
mod ipc;
mod irq;
mod kcall;
mod klog;
mod mem;
mod power;
mod proc;
mod pvh;
mod serial;
mod signal;
mod syscall;
mod time;
mod trap;

use global::Global;
use molt_kernel_logic::sched::{AnyPolicy, Policy as _};

/// The kernel version, printed in the boot banner.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

static BOOT_INFO: Global<pvh::BootInfo> = Global::empty();

/// Entered from `arch::boot` on the boot stack, with the physical address
/// of the PVH start info.
extern "C" fn kmain(start_info_phys: u32) -> ! {
    // First, while the boot tables still map the entry code's data.
    time::mark_boot();
    let Some(info) = pvh::read(u64::from(start_info_phys)) else {
        kprintln!("molt: not started through PVH; halting");
        arch::halt_forever();
    };
    BOOT_INFO.set(info);
    let boot = BOOT_INFO.get();
    klog::init(&boot.cmdline);
    arch::gdt::init();
    arch::trap::init();
    arch::syscall::init();

    mem::frame::init(boot);
    let ram_regions = || boot.regions().iter().filter(|r| r.kind == pvh::MEMMAP_RAM);
    let phys_top = ram_regions().map(|r| r.addr + r.size).max().unwrap_or(0);
    mem::paging::init(phys_top);
    mem::heap::init();

    let ram: u64 = ram_regions().map(|r| r.size).sum();
    let (free, _) = mem::frame::stats();
    kprintln!(
        "Molt {VERSION} microkernel (x86_64): {} MiB RAM, {} MiB free, kernel image {} KiB, heap {} MiB",
        ram >> 20,
        (free as u64 * 4096) >> 20,
        (mem::frame::kernel_image_end() - 0x10_0000) >> 10,
        mem::heap::HEAP_SIZE >> 20,
    );

    match arch::acpi::discover(boot.rsdp) {
        Ok(platform) => {
            log::info!("acpi: LAPIC {:#x}, IOAPIC {:#x}, {} IRQ overrides", platform.lapic_base, platform.ioapic_base, platform.override_count);
            arch::apic::init(&platform);
            power::init(platform.pm1a_control);
        }
        Err(e) => {
            kprintln!("molt: ACPI tables unusable ({e:?}); halting");
            arch::halt_forever();
        }
    }

    let policy_name = boot.cmdline.get("sched").unwrap_or("prio");
    let policy = AnyPolicy::by_name(policy_name).unwrap_or_else(|| {
        log::warn!("sched: unknown policy {policy_name:?}, using prio");
        AnyPolicy::by_name("prio").expect("the prio policy exists")
    });
    log::info!("sched: {} policy", policy.name());
    proc::KERNEL.set(proc::Kernel::new(policy));
    time::init();

    match boot::init(boot.initrd, boot.cmdline.as_str()) {
        Ok(()) => boot::start_boot_servers(proc::KERNEL.get()),
        Err(e) => log::error!("boot: {e}; nothing to run"),
    }
    log::info!("boot: {} TSC cycles from kernel entry to the first user process", time::tsc_since_boot());
    proc::sched::idle_loop();
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    use core::fmt::Write as _;
    let _ = writeln!(serial::emergency(), "KERNEL PANIC: {info}");
    arch::halt_forever();
}
