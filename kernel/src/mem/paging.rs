//! The kernel half of every address space.
//!
//! `init` replaces the boot page tables with the kernel's own:
//! - the direct map of physical memory at `PHYS_OFFSET`: 2 MiB pages,
//!   writable, never executable, global; the 3..4 GiB window (APIC and
//!   other device registers) uncached;
//! - the kernel image at `KERNEL_VMA + phys` in 4 KiB pages: text
//!   read-only and executable, read-only data and data non-executable.
//!
//! The upper 256 PML4 entries made here are shared by every user address
//! space (see `vspace`), and no user address space maps anything else of
//! the kernel.

use super::phys::PHYS_OFFSET;
use x86_64::registers::control::{Cr3, Cr3Flags};
use x86_64::structures::paging::{
    FrameAllocator, Mapper, OffsetPageTable, Page, PageTable, PageTableFlags as F, PhysFrame, Size2MiB, Size4KiB,
};
use x86_64::{PhysAddr, VirtAddr};

pub const KERNEL_VMA: u64 = 0xffff_ffff_8000_0000;

/// Physical address of the kernel's PML4.
static mut KERNEL_PML4: u64 = 0;

/// Hands frames to the `x86_64` crate's mapper.
pub struct KernelFrames;

// SAFETY: every frame returned is freshly allocated, zeroed and unused.
unsafe impl FrameAllocator<Size4KiB> for KernelFrames {
    fn allocate_frame(&mut self) -> Option<PhysFrame<Size4KiB>> {
        super::frame::alloc_zeroed().map(|p| PhysFrame::containing_address(PhysAddr::new(p)))
    }
}

/// The mapper for a PML4 at `pml4_phys`.
///
/// # Safety
/// `pml4_phys` must be a page-table frame that nothing else is modifying.
pub unsafe fn mapper(pml4_phys: u64) -> OffsetPageTable<'static> {
    // SAFETY: the frame is a PML4 reachable through the direct map, and the
    // caller promises exclusive use.
    unsafe {
        let table = &mut *((PHYS_OFFSET + pml4_phys) as *mut PageTable);
        OffsetPageTable::new(table, VirtAddr::new(PHYS_OFFSET))
    }
}

extern "C" {
    static __kernel_text_start: u8;
    static __kernel_text_end: u8;
    static __kernel_rodata_end: u8;
    static __kernel_data_end: u8;
}

fn sym(s: &u8) -> u64 {
    s as *const u8 as u64
}

/// Builds and activates the kernel page tables. `phys_top` is the end of
/// the highest RAM region.
pub fn init(phys_top: u64) {
    let pml4 = super::frame::alloc_zeroed().expect("a frame for the kernel PML4");
    // SAFETY: the PML4 is fresh and private to this function until loaded.
    let mut m = unsafe { mapper(pml4) };
    let mut frames = KernelFrames;

    let map_top = phys_top.max(4 << 30).next_multiple_of(2 << 20);
    let mut phys = 0u64;
    while phys < map_top {
        let mut flags = F::PRESENT | F::WRITABLE | F::NO_EXECUTE | F::GLOBAL;
        if (3u64 << 30..4u64 << 30).contains(&phys) {
            flags |= F::NO_CACHE | F::WRITE_THROUGH;
        }
        let page = Page::<Size2MiB>::containing_address(VirtAddr::new(PHYS_OFFSET + phys));
        let frame = PhysFrame::<Size2MiB>::containing_address(PhysAddr::new(phys));
        // SAFETY: a fresh mapping of physical memory into the direct map
        // region, which nothing else uses; the table is not active yet.
        unsafe { m.map_to(page, frame, flags, &mut frames).expect("direct map").ignore() };
        phys += 2 << 20;
    }

    // SAFETY: only symbol addresses are taken.
    let (text, text_end, rodata_end, data_end) = unsafe {
        (sym(&__kernel_text_start), sym(&__kernel_text_end), sym(&__kernel_rodata_end), sym(&__kernel_data_end))
    };
    // The .boot sections (below the text) are not mapped: they are dead
    // after the jump to the higher half.
    let mut va = text;
    while va < data_end {
        let flags = if va < text_end {
            F::PRESENT | F::GLOBAL
        } else if va < rodata_end {
            F::PRESENT | F::GLOBAL | F::NO_EXECUTE
        } else {
            F::PRESENT | F::GLOBAL | F::NO_EXECUTE | F::WRITABLE
        };
        let page = Page::<Size4KiB>::containing_address(VirtAddr::new(va));
        let frame = PhysFrame::<Size4KiB>::containing_address(PhysAddr::new(va - KERNEL_VMA));
        // SAFETY: maps the kernel image to where it is linked; the table
        // is not active yet.
        unsafe { m.map_to(page, frame, flags, &mut frames).expect("kernel image").ignore() };
        va += 4096;
    }

    // SAFETY: the new tables map everything the kernel touches (its image,
    // its stacks in .bss, the direct map) exactly as the boot tables did.
    unsafe {
        KERNEL_PML4 = pml4;
        Cr3::write(PhysFrame::containing_address(PhysAddr::new(pml4)), Cr3Flags::empty());
    }
}

/// Physical address of the kernel PML4.
pub fn kernel_pml4() -> u64 {
    // SAFETY: written once in `init`, read-only afterwards.
    unsafe { KERNEL_PML4 }
}

/// Loads an address space.
pub fn activate(pml4_phys: u64) {
    // SAFETY: every PML4 handed here carries the kernel half (see vspace),
    // so the kernel keeps running after the switch.
    unsafe { Cr3::write(PhysFrame::containing_address(PhysAddr::new(pml4_phys)), Cr3Flags::empty()) };
}
