//! The local APIC (timer, end of interrupt) and the IOAPIC (device IRQ
//! routing), through their MMIO windows in the direct map. The legacy
//! 8259 PICs are masked.

use super::acpi::Platform;
use super::port::{inb, outb};
use crate::mem::phys::to_virt;
use core::sync::atomic::{AtomicU64, Ordering};

/// Vector of the LAPIC timer.
pub const TIMER_VECTOR: u8 = 32;
/// Vector of ISA IRQ line `n` is `IRQ_VECTOR_BASE + n`.
pub const IRQ_VECTOR_BASE: u8 = 33;
/// IRQ lines routed (ISA 0..16 and a few PCI lines).
pub const IRQ_LINES: u8 = 24;

static LAPIC: AtomicU64 = AtomicU64::new(0);
static IOAPIC: AtomicU64 = AtomicU64::new(0);

const LAPIC_EOI: u64 = 0xb0;
const LAPIC_SVR: u64 = 0xf0;
const LAPIC_LVT_TIMER: u64 = 0x320;
const LAPIC_TIMER_INIT: u64 = 0x380;
const LAPIC_TIMER_CURRENT: u64 = 0x390;
const LAPIC_TIMER_DIVIDE: u64 = 0x3e0;

fn mmio_write(base: &AtomicU64, reg: u64, value: u32) {
    let addr = to_virt(base.load(Ordering::Relaxed) + reg) as *mut u32;
    // SAFETY: the APIC windows lie in the uncached part of the direct map
    // and these registers accept 32-bit writes.
    unsafe { core::ptr::write_volatile(addr, value) }
}

fn mmio_read(base: &AtomicU64, reg: u64) -> u32 {
    let addr = to_virt(base.load(Ordering::Relaxed) + reg) as *const u32;
    // SAFETY: as for `mmio_write`.
    unsafe { core::ptr::read_volatile(addr) }
}

fn ioapic_write(index: u32, value: u32) {
    mmio_write(&IOAPIC, 0x00, index);
    mmio_write(&IOAPIC, 0x10, value);
}

/// Routing of one ISA IRQ line.
fn route(p: &Platform, line: u8) -> (u32, bool, bool) {
    for o in &p.overrides[..p.override_count] {
        if o.isa_irq == line {
            return (o.gsi, o.active_low, o.level);
        }
    }
    (u32::from(line), false, false)
}

/// Masks the 8259s, enables the LAPIC, and routes every ISA line to its
/// vector on the IOAPIC, masked until a driver acknowledges it.
pub fn init(p: &Platform) {
    outb(0x21, 0xff);
    outb(0xa1, 0xff);
    LAPIC.store(p.lapic_base, Ordering::Relaxed);
    IOAPIC.store(p.ioapic_base, Ordering::Relaxed);
    mmio_write(&LAPIC, LAPIC_SVR, 0x100 | u32::from(super::trap::SPURIOUS_VECTOR));
    for line in 0..16u8 {
        let (gsi, low, level) = route(p, line);
        let Some(pin) = gsi.checked_sub(p.ioapic_gsi_base) else { continue };
        let mut lo = u32::from(IRQ_VECTOR_BASE + line) | 1 << 16; // masked
        if low {
            lo |= 1 << 13;
        }
        if level {
            lo |= 1 << 15;
        }
        ioapic_write(0x10 + 2 * pin, lo);
        ioapic_write(0x11 + 2 * pin, 0); // to APIC 0
        ROUTES[line as usize].store(u64::from(pin) << 32 | u64::from(lo), Ordering::Relaxed);
    }
}

/// (pin << 32 | low redirection word) per ISA line.
static ROUTES: [AtomicU64; 16] = [const { AtomicU64::new(u64::MAX) }; 16];

/// Masks or unmasks an ISA IRQ line.
pub fn set_masked(line: u8, masked: bool) {
    let Some(route) = ROUTES.get(line as usize).map(|r| r.load(Ordering::Relaxed)) else { return };
    if route == u64::MAX {
        return;
    }
    let (pin, mut lo) = ((route >> 32) as u32, route as u32);
    if masked {
        lo |= 1 << 16;
    } else {
        lo &= !(1 << 16);
    }
    ioapic_write(0x10 + 2 * pin, lo);
}

/// Signals end of interrupt to the LAPIC.
pub fn eoi() {
    mmio_write(&LAPIC, LAPIC_EOI, 0);
}

/// Counts LAPIC timer ticks (divide by 16) and TSC cycles over 2 ms of
/// the PIT's channel 2 (2,386 PIT counts: 0.05% resolution, and a short
/// busy wait at boot).
pub fn calibrate() -> (u64, u64) {
    const PIT_HZ: u64 = 1_193_182;
    const WINDOWS_PER_SECOND: u64 = 500;
    let count = (PIT_HZ / WINDOWS_PER_SECOND) as u16;
    outb(0x61, (inb(0x61) & !0x02) | 0x01);
    outb(0x43, 0xb0); // channel 2, lobyte/hibyte, mode 0
    outb(0x42, count as u8);
    outb(0x42, (count >> 8) as u8);
    mmio_write(&LAPIC, LAPIC_TIMER_DIVIDE, 0x3);
    let gate = inb(0x61) & !0x01;
    outb(0x61, gate);
    outb(0x61, gate | 0x01);
    mmio_write(&LAPIC, LAPIC_TIMER_INIT, u32::MAX);
    let tsc0 = super::rdtsc();
    while inb(0x61) & 0x20 == 0 {}
    let tsc1 = super::rdtsc();
    let lapic = u64::from(u32::MAX - mmio_read(&LAPIC, LAPIC_TIMER_CURRENT));
    mmio_write(&LAPIC, LAPIC_TIMER_INIT, 0);
    (lapic * WINDOWS_PER_SECOND, (tsc1 - tsc0) * WINDOWS_PER_SECOND)
}

/// Starts the periodic timer at `hz` given the LAPIC timer frequency.
pub fn start_timer(lapic_hz: u64, hz: u64) {
    let initial = (lapic_hz / hz).clamp(1, u64::from(u32::MAX)) as u32;
    mmio_write(&LAPIC, LAPIC_TIMER_DIVIDE, 0x3);
    mmio_write(&LAPIC, LAPIC_LVT_TIMER, u32::from(TIMER_VECTOR) | 1 << 17);
    mmio_write(&LAPIC, LAPIC_TIMER_INIT, initial);
}
