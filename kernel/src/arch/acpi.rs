//! ACPI tables through the `acpi` crate: where the local APIC and the
//! IOAPIC are, how ISA IRQs map to IOAPIC inputs, and the PM1a control
//! port used to power off.

use crate::mem::phys::to_virt;
use acpi::madt::{Madt, MadtEntry};
use acpi::fadt::Fadt;
use acpi::{AcpiHandler, AcpiTables, PhysicalMapping};
use core::ptr::NonNull;

/// Maps ACPI tables through the direct map: nothing to map or unmap.
#[derive(Clone, Copy)]
struct DirectMap;

impl AcpiHandler for DirectMap {
    unsafe fn map_physical_region<T>(&self, physical_address: usize, size: usize) -> PhysicalMapping<Self, T> {
        let virt = to_virt(physical_address as u64) as *mut T;
        // SAFETY: ACPI tables lie in RAM or firmware ranges below 4 GiB,
        // all covered by the direct map; the pointer is not null.
        unsafe { PhysicalMapping::new(physical_address, NonNull::new_unchecked(virt), size, size, *self) }
    }

    fn unmap_physical_region<T>(_region: &PhysicalMapping<Self, T>) {}
}

/// An ISA IRQ routed to another IOAPIC input.
#[derive(Clone, Copy, Debug, Default)]
pub struct IrqOverride {
    pub isa_irq: u8,
    pub gsi: u32,
    pub active_low: bool,
    pub level: bool,
}

/// What the kernel needs from ACPI.
#[derive(Clone, Copy, Debug, Default)]
pub struct Platform {
    pub lapic_base: u64,
    pub ioapic_base: u64,
    pub ioapic_gsi_base: u32,
    pub overrides: [IrqOverride; 16],
    pub override_count: usize,
    /// PM1a control I/O port, if the FADT names one.
    pub pm1a_control: Option<u16>,
}

/// Reads the MADT and FADT found from the RSDP.
pub fn discover(rsdp: u64) -> Result<Platform, acpi::AcpiError> {
    // SAFETY: the RSDP address comes from the PVH start info, filled by
    // the loader from the firmware's tables.
    let tables = unsafe { AcpiTables::from_rsdp(DirectMap, rsdp as usize)? };
    let mut p = Platform { lapic_base: 0xfee0_0000, ..Platform::default() };
    let madt = tables.find_table::<Madt>()?;
    p.lapic_base = u64::from(madt.get().local_apic_address);
    for entry in madt.get().entries() {
        match entry {
            MadtEntry::IoApic(io) if p.ioapic_base == 0 => {
                p.ioapic_base = u64::from(io.io_apic_address);
                p.ioapic_gsi_base = io.global_system_interrupt_base;
            }
            MadtEntry::InterruptSourceOverride(o) if p.override_count < p.overrides.len() => {
                let flags = o.flags;
                p.overrides[p.override_count] = IrqOverride {
                    isa_irq: o.irq,
                    gsi: o.global_system_interrupt,
                    active_low: flags & 0x3 == 0x3,
                    level: (flags >> 2) & 0x3 == 0x3,
                };
                p.override_count += 1;
            }
            MadtEntry::LocalApicAddressOverride(o) => p.lapic_base = o.local_apic_address,
            _ => {}
        }
    }
    if let Ok(fadt) = tables.find_table::<Fadt>() {
        if let Ok(block) = fadt.get().pm1a_control_block() {
            p.pm1a_control = u16::try_from(block.address).ok();
        }
    }
    Ok(p)
}
