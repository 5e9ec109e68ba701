//! The kernel heap: one physically contiguous run of frames, reached
//! through the direct map, managed by a linked-list allocator. Process
//! records, kernel stacks and exec's image copies live here; the hot
//! tables (IPC, scheduling, grants) are fixed arrays indexed by slot.

use linked_list_allocator::LockedHeap;

/// Heap size: room for every process slot's record and kernel stack
/// (256 x about 19 KiB) plus one executable being exec'ed (4 MiB), with
/// margin. Allocations that do not fit fail with NOMEM, never a panic.
pub const HEAP_SIZE: usize = 16 << 20;

#[global_allocator]
static HEAP: LockedHeap = LockedHeap::empty();

/// Carves the heap out of physical memory.
pub fn init() {
    let phys = super::frame::alloc_contiguous(HEAP_SIZE / 4096).expect("memory for the kernel heap");
    // SAFETY: the frames were just allocated for the heap alone and are
    // mapped in the direct map for the kernel's lifetime.
    unsafe { HEAP.lock().init(super::phys::to_virt(phys) as *mut u8, HEAP_SIZE) };
}
