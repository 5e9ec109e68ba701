//! The kernel heap: one physically contiguous run of frames, reached
//! through the direct map, managed by a linked-list allocator. Kernel
//! tables (`hashbrown` maps, process records) live here.

use linked_list_allocator::LockedHeap;

/// Heap size.
pub const HEAP_SIZE: usize = 8 << 20;

#[global_allocator]
static HEAP: LockedHeap = LockedHeap::empty();

/// Carves the heap out of physical memory.
pub fn init() {
    let phys = super::frame::alloc_contiguous(HEAP_SIZE / 4096).expect("memory for the kernel heap");
    // SAFETY: the frames were just allocated for the heap alone and are
    // mapped in the direct map for the kernel's lifetime.
    unsafe { HEAP.lock().init(super::phys::to_virt(phys) as *mut u8, HEAP_SIZE) };
}
