//! The server's memory: a bucket allocator ([`Buckets`]) over a region of
//! the address space that grows by anonymous mappings from the kernel
//! (`map_anon`). It backs both `Platform::mem_alloc` and the Rust global
//! allocator of a BSD server ([`ServerHeap`]).
use core::alloc::{GlobalAlloc, Layout};

use super::buckets::Buckets;
use super::local::Local;

/// Where the heap starts: far above the program (4 MiB) and below the
/// worker stacks and the initial stack.
pub const HEAP_BASE: usize = 0x4000_0000_0000;
/// Largest heap: 1 GiB of address space (memory is mapped as used).
pub const HEAP_LIMIT: usize = HEAP_BASE + (1 << 30);
/// The heap grows 256 KiB at a time.
const CHUNK: usize = 256 << 10;
/// The kernel's largest single `map_anon`.
const MAX_MAP: usize = 64 << 20;

static HEAP: Local<Buckets> = Local::new(Buckets::new(HEAP_BASE, HEAP_LIMIT, CHUNK));

/// Maps `len` zeroed bytes at `addr` (in pieces the kernel accepts).
pub fn map(addr: usize, len: usize) -> bool {
    let mut done = 0;
    while done < len {
        let piece = (len - done).min(MAX_MAP);
        if molt_rt::kcall::map_anon((addr + done) as u64, piece as u64).is_err() {
            return false;
        }
        done += piece;
    }
    true
}

/// `size` bytes aligned to `align`, or null.
pub fn alloc(size: usize, align: usize) -> *mut u8 {
    HEAP.with(|h| h.alloc(size, align, &mut map))
}

/// Frees a block.
///
/// # Safety
/// `ptr` came from `alloc(size, align)` and is not used afterwards.
pub unsafe fn free(ptr: *mut u8, size: usize, align: usize) {
    // SAFETY: guaranteed by the caller.
    HEAP.with(|h| unsafe { h.free(ptr, size, align) })
}

/// Bytes of heap mapped so far.
pub fn mapped() -> usize {
    HEAP.with(|h| h.mapped(HEAP_BASE))
}

/// The Rust global allocator of a BSD server (molt-shims installs it when
/// built for Molt with the `server` feature).
pub struct ServerHeap;

// SAFETY: alloc returns null or a fresh block of at least the layout's
// size and alignment (Buckets rounds up to a power of two >= both);
// dealloc gets the same layout back, as GlobalAlloc requires.
unsafe impl GlobalAlloc for ServerHeap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        alloc(layout.size(), layout.align())
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: GlobalAlloc's contract: ptr came from alloc(layout).
        unsafe { free(ptr, layout.size(), layout.align()) }
    }
}
