//! Device mappings: which physical ranges `map_device` may map into a
//! process.
//!
//! A request `(phys, len)` is decoded first: `len` is rounded up to whole
//! pages, and an empty, unaligned or wrapping range, or one that ends past
//! the CPU's physical address width (CPUID 0x80000008; never more than
//! 2^52), is `INVAL`. Then it is checked: it must lie wholly inside one
//! range the caller's manifest record grants ([`Privileges::devices`]) and
//! must not touch RAM; otherwise `PERM`. Only then does the kernel map it.
//!
//! The pages are marked device memory in the page table
//! ([`crate::pagetable::DEVICE`]), and the kernel's copies to and from user
//! memory refuse such pages, so the kernel itself never reaches device
//! memory through its direct map.

use crate::privilege::Privileges;
use crate::usercopy::PAGE_SIZE;
use molt_abi::Error;

/// The architectural limit of physical address bits on x86-64.
pub const MAX_PHYS_BITS: u32 = 52;

/// Checks a `map_device(phys, len)` request by a holder of `privileges`
/// on a CPU with `phys_bits` physical address bits; `overlaps_ram(phys,
/// len)` says whether a range touches RAM. Returns the length rounded up
/// to whole pages.
pub fn check_map_device(
    privileges: &Privileges,
    phys: u64,
    len: u64,
    phys_bits: u32,
    overlaps_ram: impl Fn(u64, u64) -> bool,
) -> Result<u64, Error> {
    if len == 0 || !phys.is_multiple_of(PAGE_SIZE) {
        return Err(Error::INVAL);
    }
    let len = len.checked_next_multiple_of(PAGE_SIZE).ok_or(Error::INVAL)?;
    let end = phys.checked_add(len).ok_or(Error::INVAL)?;
    if end > 1u64 << phys_bits.min(MAX_PHYS_BITS) {
        return Err(Error::INVAL);
    }
    if !privileges.may_map_device(phys, len) || overlaps_ram(phys, len) {
        return Err(Error::PERM);
    }
    Ok(len)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::privilege::DeviceRange;

    const LAPIC: u64 = 0xfee0_0000;
    const IOAPIC: u64 = 0xfec0_0000;

    fn driver() -> Privileges {
        let mut p = Privileges::NONE;
        p.devices[0] = DeviceRange { base: IOAPIC, len: 0x1000 };
        p.devices[1] = DeviceRange { base: 0x1_0000_0000, len: 0x4000 };
        p.devices[2] = DeviceRange { base: 0x8000_0000, len: 0x1000 };
        p.devices[3] = DeviceRange { base: 1 << 47, len: 0x1000 };
        p
    }

    /// RAM below 2 GiB and from 2 GiB + 4 KiB on (the test's "RAM map").
    fn ram(phys: u64, len: u64) -> bool {
        phys < 0x8000_0000 || phys.saturating_add(len) > 0x8000_1000 && phys < 0xc000_0000
    }

    #[test]
    fn granted_device_ranges_map() {
        let p = driver();
        assert_eq!(check_map_device(&p, IOAPIC, 4096, 40, ram), Ok(4096));
        assert_eq!(check_map_device(&p, IOAPIC, 1, 40, ram), Ok(4096), "rounded to a page");
        assert_eq!(check_map_device(&p, 0x1_0000_0000, 0x4000, 40, ram), Ok(0x4000));
        assert_eq!(check_map_device(&p, 0x1_0000_3000, 0x1000, 40, ram), Ok(0x1000));
    }

    #[test]
    fn the_issue_cases_are_refused() {
        let p = Privileges::NONE;
        // The one-call reproducer and its relatives, for a holder of no
        // device ranges: 4 GiB, 2^47 (wraps the direct map into the user
        // half), 2^48, the LAPIC.
        for phys in [0x1_0000_0000, 1 << 47, 1 << 48, LAPIC] {
            assert!(check_map_device(&p, phys, 4096, 48, |_, _| false).is_err(), "{phys:#x}");
        }
        assert_eq!(check_map_device(&p, LAPIC, 4096, 48, |_, _| false), Err(Error::PERM));
        assert_eq!(check_map_device(&p, 1 << 48, 4096, 48, |_, _| false), Err(Error::INVAL));
        // Even granted, nothing past the CPU's width maps.
        let d = driver();
        assert_eq!(check_map_device(&d, 1 << 47, 4096, 40, ram), Err(Error::INVAL));
        assert_eq!(check_map_device(&d, 1 << 47, 4096, 48, ram), Ok(4096));
        assert_eq!(check_map_device(&d, 0x1_0000_0000, 4096, 32, ram), Err(Error::INVAL));
        assert_eq!(check_map_device(&d, 1 << 47, 4096, 60, ram), Ok(4096), "width capped at 52");
    }

    #[test]
    fn malformed_requests_are_invalid() {
        let p = driver();
        assert_eq!(check_map_device(&p, IOAPIC, 0, 40, ram), Err(Error::INVAL));
        assert_eq!(check_map_device(&p, IOAPIC + 8, 8, 40, ram), Err(Error::INVAL));
        assert_eq!(check_map_device(&p, IOAPIC, u64::MAX, 40, ram), Err(Error::INVAL));
        assert_eq!(check_map_device(&p, u64::MAX & !0xfff, 0x2000, 64, ram), Err(Error::INVAL));
        assert_eq!(check_map_device(&p, 1 << 52, 0x1000, 64, ram), Err(Error::INVAL));
    }

    #[test]
    fn outside_the_grant_or_over_ram_is_refused() {
        let p = driver();
        assert_eq!(check_map_device(&p, IOAPIC, 0x2000, 40, ram), Err(Error::PERM), "runs past");
        assert_eq!(check_map_device(&p, IOAPIC - 0x1000, 0x2000, 40, ram), Err(Error::PERM));
        assert_eq!(check_map_device(&p, LAPIC, 0x1000, 40, ram), Err(Error::PERM));
        assert_eq!(check_map_device(&p, 0x1_0000_0000, 0x5000, 40, ram), Err(Error::PERM));
        // Granted, but RAM after all (a manifest written for other hardware).
        assert_eq!(check_map_device(&p, 0x8000_0000, 0x1000, 40, ram), Ok(0x1000));
        assert_eq!(check_map_device(&p, 0x8000_0000, 0x1000, 40, |_, _| true), Err(Error::PERM));
    }
}
