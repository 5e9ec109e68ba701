//! The kernel's physical frame allocator: the bitmap allocator from
//! `molt-kernel-logic`, fed from the PVH memory map, behind a lock.

use crate::pvh::{BootInfo, MEMMAP_RAM};
use molt_kernel_logic::frame::FrameAllocator;
use spin::Mutex;

/// Most RAM the bitmap can describe: 4 GiB.
const MAX_FRAMES: usize = 1 << 20;
static mut BITMAP: [u64; MAX_FRAMES / 64] = [0; MAX_FRAMES / 64];

static FRAMES: Mutex<Option<FrameAllocator<'static>>> = Mutex::new(None);

/// RAM regions from the memory map, kept to refuse device mappings of RAM.
static RAM: Mutex<[(u64, u64); crate::pvh::MAX_REGIONS]> = Mutex::new([(0, 0); crate::pvh::MAX_REGIONS]);

extern "C" {
    static __kernel_data_end: u8;
}

/// Physical end of the kernel image (the `.boot` sections sit below it).
pub fn kernel_image_end() -> u64 {
    // SAFETY: only the symbol's address is taken.
    let end = unsafe { &__kernel_data_end as *const u8 as u64 };
    end - 0xffff_ffff_8000_0000
}

/// Builds the allocator: all RAM from the memory map is free except the
/// first MiB, the kernel image and the boot archive.
pub fn init(boot: &BootInfo) {
    // SAFETY: called once at boot, before any other reference to BITMAP.
    let bitmap: &'static mut [u64] = unsafe { &mut *core::ptr::addr_of_mut!(BITMAP) };
    let mut fa = FrameAllocator::new(bitmap, 0, MAX_FRAMES);
    let mut ram = RAM.lock();
    for (i, r) in boot.regions().iter().filter(|r| r.kind == MEMMAP_RAM).enumerate() {
        ram[i] = (r.addr, r.addr.saturating_add(r.size));
        let end = r.addr.saturating_add(r.size).min((MAX_FRAMES as u64) << 12);
        fa.add_free_range(r.addr, end);
    }
    fa.reserve_range(0, 0x10_0000);
    fa.reserve_range(0x10_0000, kernel_image_end());
    if let Some((start, len)) = boot.initrd {
        fa.reserve_range(start, start + len);
    }
    *FRAMES.lock() = Some(fa);
}

/// Does `[phys, phys+len)` touch RAM (rather than device memory)?
pub fn overlaps_ram(phys: u64, len: u64) -> bool {
    let end = phys.saturating_add(len);
    RAM.lock().iter().any(|&(s, e)| s < e && phys < e && s < end)
}

/// One zeroed 4 KiB frame.
pub fn alloc_zeroed() -> Option<u64> {
    let phys = FRAMES.lock().as_mut()?.alloc()?;
    super::phys::zero_frame(phys);
    Some(phys)
}

/// `count` physically contiguous frames (not zeroed).
pub fn alloc_contiguous(count: usize) -> Option<u64> {
    FRAMES.lock().as_mut()?.alloc_contiguous(count, 1)
}

/// Returns a frame. A double free is a kernel bug: it is logged, not fatal.
pub fn free(phys: u64) {
    if let Some(fa) = FRAMES.lock().as_mut() {
        if let Err(e) = fa.free(phys) {
            log::error!("frame free {phys:#x}: {e:?}");
        }
    }
}

/// (free, total) frame counts.
pub fn stats() -> (usize, usize) {
    FRAMES.lock().as_ref().map_or((0, 0), |fa| (fa.free_frames(), fa.total_frames()))
}
