//! The PVH boot protocol's `hvm_start_info`: memory map, command line,
//! boot modules (our `-initrd` archive) and the ACPI RSDP.
//!
//! Layouts follow Xen's public `arch-x86/hvm/start_info.h`. Everything is
//! read once at boot and copied into [`BootInfo`], so nothing later depends
//! on the loader's memory.

use crate::mem::phys;

const START_INFO_MAGIC: u32 = 0x336e_c578;
/// Memory-map entry type for usable RAM.
pub const MEMMAP_RAM: u32 = 1;
/// Largest number of memory-map entries kept.
pub const MAX_REGIONS: usize = 32;

#[repr(C)]
#[derive(Clone, Copy)]
struct StartInfo {
    magic: u32,
    version: u32,
    flags: u32,
    nr_modules: u32,
    modlist_paddr: u64,
    cmdline_paddr: u64,
    rsdp_paddr: u64,
    memmap_paddr: u64,
    memmap_entries: u32,
    reserved: u32,
}

#[repr(C)]
#[derive(Clone, Copy)]
struct ModlistEntry {
    paddr: u64,
    size: u64,
    cmdline_paddr: u64,
    reserved: u64,
}

#[repr(C)]
#[derive(Clone, Copy, Default, Debug)]
pub struct MemRegion {
    pub addr: u64,
    pub size: u64,
    pub kind: u32,
    pub reserved: u32,
}

/// What the loader told us, copied out of its structures.
pub struct BootInfo {
    pub regions: [MemRegion; MAX_REGIONS],
    pub region_count: usize,
    /// Physical range of the boot archive (`-initrd`), if any.
    pub initrd: Option<(u64, u64)>,
    pub rsdp: u64,
    pub cmdline: crate::cmdline::Cmdline,
}

impl BootInfo {
    pub fn regions(&self) -> &[MemRegion] {
        &self.regions[..self.region_count]
    }
}

/// Reads the start info at `start_info_phys`. Returns `None` if the magic
/// is wrong (we were not started through PVH).
pub fn read(start_info_phys: u64) -> Option<BootInfo> {
    let si: StartInfo = phys::read(start_info_phys);
    if si.magic != START_INFO_MAGIC {
        return None;
    }
    let mut info = BootInfo {
        regions: [MemRegion::default(); MAX_REGIONS],
        region_count: 0,
        initrd: None,
        rsdp: si.rsdp_paddr,
        cmdline: crate::cmdline::Cmdline::empty(),
    };
    if si.cmdline_paddr != 0 {
        info.cmdline = crate::cmdline::Cmdline::from_bytes(phys::bytes(si.cmdline_paddr, crate::cmdline::MAX_CMDLINE));
    }
    if si.nr_modules > 0 && si.modlist_paddr != 0 {
        let m: ModlistEntry = phys::read(si.modlist_paddr);
        info.initrd = Some((m.paddr, m.size));
    }
    if si.version >= 1 && si.memmap_paddr != 0 {
        let n = (si.memmap_entries as usize).min(MAX_REGIONS);
        for i in 0..n {
            info.regions[i] = phys::read(si.memmap_paddr + (i * core::mem::size_of::<MemRegion>()) as u64);
        }
        info.region_count = n;
    }
    Some(info)
}
