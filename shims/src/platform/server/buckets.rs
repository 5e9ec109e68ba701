//! A power-of-two bucket allocator over a growing region, as 4.4BSD's own
//! kernel malloc does it (kern_malloc.c's `kmembuckets`): a request is
//! rounded up to a power of two (at least 16 bytes) and served from that
//! size's free list, or carved from the end of the region, which grows by
//! whole chunks through a `grow(addr, len)` callback (the server maps
//! anonymous memory there). Freed blocks go back on their list; memory is
//! never returned to the kernel. Pure logic over addresses, so it is
//! unit-tested on the host against a plain buffer.
//!
//! A free block's first word links it to the next free block of its size.

/// Smallest block (and its alignment): 16 bytes.
const MIN_SHIFT: u32 = 4;
/// Size classes 2^4 .. 2^47.
const CLASSES: usize = 44;
/// Blocks are aligned to their size up to this.
const PAGE: usize = 4096;

/// The allocator's state: one free list per size, and the region.
#[derive(Debug)]
pub struct Buckets {
    free: [usize; CLASSES],
    bump: usize,
    mapped_end: usize,
    limit: usize,
    chunk: usize,
}

fn align_up(x: usize, a: usize) -> Option<usize> {
    x.checked_add(a - 1).map(|v| v & !(a - 1))
}

/// Size class and block size for a request, or `None` if impossible.
fn class_of(size: usize, align: usize) -> Option<(usize, usize)> {
    if !align.is_power_of_two() {
        return None;
    }
    let block = size.max(align).max(1 << MIN_SHIFT).checked_next_power_of_two()?;
    let class = (block.trailing_zeros() - MIN_SHIFT) as usize;
    (class < CLASSES).then_some((class, block))
}

impl Buckets {
    /// A region `[base, limit)`, nothing mapped yet, grown `chunk` bytes
    /// (a multiple of the page size) at a time.
    pub const fn new(base: usize, limit: usize, chunk: usize) -> Self {
        Self { free: [0; CLASSES], bump: base, mapped_end: base, limit, chunk }
    }

    /// A block for `size` bytes aligned to `align`, or null when the
    /// region is exhausted, `grow` fails or the request is impossible.
    pub fn alloc(&mut self, size: usize, align: usize, grow: &mut dyn FnMut(usize, usize) -> bool) -> *mut u8 {
        let Some((class, block)) = class_of(size, align) else { return core::ptr::null_mut() };
        let head = self.free[class];
        if head != 0 {
            // SAFETY: head is a free block of this class; its first word
            // is the link written by `free`.
            self.free[class] = unsafe { (head as *const usize).read() };
            return head as *mut u8;
        }
        self.carve(block.min(PAGE).max(align), block, grow)
    }

    fn carve(&mut self, align: usize, block: usize, grow: &mut dyn FnMut(usize, usize) -> bool) -> *mut u8 {
        let Some(start) = align_up(self.bump, align) else { return core::ptr::null_mut() };
        let Some(end) = start.checked_add(block).filter(|&e| e <= self.limit) else { return core::ptr::null_mut() };
        if end > self.mapped_end {
            let new_end = align_up(end, self.chunk).unwrap_or(self.limit).min(self.limit);
            if !grow(self.mapped_end, new_end - self.mapped_end) {
                return core::ptr::null_mut();
            }
            self.mapped_end = new_end;
        }
        self.bump = end;
        start as *mut u8
    }

    /// Returns a block to its free list.
    ///
    /// # Safety
    /// `ptr` came from `alloc(size, align)` on this allocator and is not
    /// used afterwards.
    pub unsafe fn free(&mut self, ptr: *mut u8, size: usize, align: usize) {
        let (class, _) = class_of(size, align).expect("the request was possible when allocated");
        // SAFETY: guaranteed by the caller: the block is ours, at least 16
        // bytes and aligned, so its first word can hold the link.
        unsafe { (ptr as *mut usize).write(self.free[class]) };
        self.free[class] = ptr as usize;
    }

    /// Bytes of the region mapped so far.
    pub fn mapped(&self, base: usize) -> usize {
        self.mapped_end - base
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Arena {
        _mem: Vec<u8>,
        base: usize,
    }

    /// A buffer with a 64 KiB-aligned base (a chunk boundary, like the heap's).
    fn arena(len: usize) -> Arena {
        let mem = vec![0u8; len + (64 << 10)];
        let base = align_up(mem.as_ptr() as usize, 64 << 10).unwrap();
        Arena { _mem: mem, base }
    }

    #[test]
    fn blocks_are_aligned_disjoint_and_reused_after_free() {
        let a = arena(1 << 20);
        let grown = core::cell::RefCell::new(Vec::new());
        let mut grow = |addr: usize, len: usize| {
            grown.borrow_mut().push((addr, len));
            true
        };
        let mut h = Buckets::new(a.base, a.base + (1 << 20), 64 << 10);
        let mut blocks = Vec::new();
        for (i, &(size, align)) in [(1, 1), (24, 8), (1000, 16), (4096, 4096), (100, 64), (70_000, 16)].iter().enumerate() {
            let p = h.alloc(size, align, &mut grow);
            assert!(!p.is_null());
            assert_eq!(p as usize % align.max(16), 0, "alignment of {size}/{align}");
            // SAFETY: p is a fresh block of at least `size` bytes in the arena.
            unsafe { core::ptr::write_bytes(p, i as u8 + 1, size) };
            blocks.push((p, size, align, i as u8 + 1));
        }
        for &(p, size, _, fill) in &blocks {
            // SAFETY: p is a live block of `size` bytes.
            let bytes = unsafe { core::slice::from_raw_parts(p, size) };
            assert!(bytes.iter().all(|&b| b == fill), "a block was overwritten by another");
        }
        let (p, size, align, _) = blocks[2];
        // SAFETY: p came from alloc(size, align) and is not used again.
        unsafe { h.free(p, size, align) };
        assert_eq!(h.alloc(900, 16, &mut grow), p, "a freed block of the same size class is reused");
        let grown = grown.into_inner();
        assert!(grown.iter().all(|&(addr, len)| addr % PAGE == 0 && len % (64 << 10) == 0));
        assert_eq!(grown.first().map(|g| g.0), Some(a.base), "the region grows from its base");
        assert!(grown.windows(2).all(|w| w[0].0 + w[0].1 == w[1].0), "growth is contiguous");
    }

    #[test]
    fn exhaustion_and_impossible_requests_give_null() {
        let a = arena(128 << 10);
        let mut h = Buckets::new(a.base, a.base + (128 << 10), 64 << 10);
        let mut yes = |_: usize, _: usize| true;
        assert!(h.alloc(200 << 10, 16, &mut yes).is_null(), "larger than the region");
        assert!(h.alloc(16, 3, &mut yes).is_null(), "alignment not a power of two");
        assert!(!h.alloc(64 << 10, 16, &mut yes).is_null());
        assert!(!h.alloc(32 << 10, 16, &mut yes).is_null());
        assert!(h.alloc(64 << 10, 16, &mut yes).is_null(), "the region is used up");
        let mut no = |_: usize, _: usize| false;
        let mut h = Buckets::new(a.base, a.base + (128 << 10), 64 << 10);
        assert!(h.alloc(16, 16, &mut no).is_null(), "growth refused");
        assert_eq!(h.mapped(a.base), 0);
    }
}
