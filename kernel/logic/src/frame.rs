//! Physical frame allocator over a bitmap the caller provides.
//!
//! Design: one bit per 4 KiB frame, set = in use. Every frame starts in use;
//! the kernel then frees the usable ranges of the firmware memory map and
//! reserves what it occupies itself (kernel image, boot modules, the bitmap).
//! The allocator never owns memory: the bitmap is a borrowed slice, so the
//! same code runs on the host in tests and in the kernel over a static or
//! early-allocated array.
//!
//! Single-frame allocation keeps a hint (the lowest word that may hold a free
//! bit), so the common case scans one word. Contiguous allocation (for DMA)
//! is a linear first-fit search honouring a physical alignment.

/// Size of a frame in bytes.
pub const FRAME_SIZE: u64 = 4096;
const FRAME_SHIFT: u32 = 12;

/// Why a frame could not be freed.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum FrameError {
    /// The address is not a multiple of the frame size.
    Unaligned,
    /// The address lies outside the frames this allocator manages.
    OutOfRange,
    /// The frame is already free.
    DoubleFree,
}

/// A bitmap frame allocator; see the module comment.
pub struct FrameAllocator<'a> {
    bitmap: &'a mut [u64],
    /// Physical address of frame 0 (frame aligned).
    base: u64,
    frames: usize,
    free: usize,
    /// No word below this index has a free bit.
    hint: usize,
}

impl<'a> FrameAllocator<'a> {
    /// An allocator for `frames` frames starting at physical address `base`,
    /// all of them in use. An unaligned `base` is rounded up (dropping the
    /// partial frame); `frames` is capped at what the bitmap can describe and
    /// at what fits below 2^64.
    pub fn new(bitmap: &'a mut [u64], base: u64, frames: usize) -> FrameAllocator<'a> {
        let (base, mut frames) = match align_up(base) {
            Some(aligned) if aligned == base => (base, frames),
            Some(aligned) => (aligned, frames.saturating_sub(1)),
            None => (0, 0),
        };
        frames = frames.min(bitmap.len().saturating_mul(64));
        let addressable = ((u64::MAX - base) >> FRAME_SHIFT).saturating_add(1);
        frames = frames.min(usize::try_from(addressable).unwrap_or(usize::MAX));
        bitmap.fill(u64::MAX);
        FrameAllocator {
            bitmap,
            base,
            frames,
            free: 0,
            hint: 0,
        }
    }

    /// Marks the whole frames inside the byte range `[start, end)` free.
    /// Frames outside the managed region are ignored.
    pub fn add_free_range(&mut self, start: u64, end: u64) {
        let first = (u128::from(start) + u128::from(FRAME_SIZE) - 1) >> FRAME_SHIFT;
        let last = u128::from(end) >> FRAME_SHIFT;
        let range = self.clip(first, last);
        self.mark_range(range.start, range.end, false);
    }

    /// Marks every frame touching the byte range `[start, end)` used.
    /// Frames outside the managed region are ignored.
    pub fn reserve_range(&mut self, start: u64, end: u64) {
        let first = u128::from(start) >> FRAME_SHIFT;
        let last = (u128::from(end) + u128::from(FRAME_SIZE) - 1) >> FRAME_SHIFT;
        let range = self.clip(first, last);
        self.mark_range(range.start, range.end, true);
    }

    /// Allocates one frame and returns its physical address.
    pub fn alloc(&mut self) -> Option<u64> {
        if self.free == 0 {
            return None;
        }
        let words = self.words();
        for w in self.hint..words {
            let word = self.bitmap[w];
            if word != u64::MAX {
                let i = w * 64 + word.trailing_ones() as usize;
                if i >= self.frames {
                    break;
                }
                self.hint = w;
                self.mark_used(i);
                return Some(self.address(i));
            }
        }
        // `free` says a frame exists, so the hint was stale; should not
        // happen, but recover by a full rescan rather than trusting it.
        self.hint = 0;
        let i = (0..self.frames).find(|&i| !self.is_used(i))?;
        self.mark_used(i);
        Some(self.address(i))
    }

    /// Allocates `count` physically contiguous frames whose first address is
    /// a multiple of `align_frames` frames (0 counts as 1). Returns the
    /// physical address of the first frame.
    pub fn alloc_contiguous(&mut self, count: usize, align_frames: usize) -> Option<u64> {
        if count == 0 || count > self.free {
            return None;
        }
        let align = align_frames.max(1) as u64;
        let base_frame = self.base >> FRAME_SHIFT;
        // First index whose physical frame number is a multiple of `align`.
        let mut start = aligned_index(base_frame, 0, align)?;
        while start.checked_add(count)? <= self.frames {
            match (start..start + count).rev().find(|&i| self.is_used(i)) {
                None => {
                    self.mark_range(start, start + count, true);
                    return Some(self.address(start));
                }
                Some(used) => start = aligned_index(base_frame, used + 1, align)?,
            }
        }
        None
    }

    /// Frees `count` contiguous frames starting at `phys` (as returned by
    /// [`FrameAllocator::alloc_contiguous`]). Checks every frame before
    /// freeing any, so an error leaves the bitmap unchanged.
    pub fn free_contiguous(&mut self, phys: u64, count: usize) -> Result<(), FrameError> {
        let first = self.index(phys)?;
        let end = first
            .checked_add(count)
            .filter(|&e| e <= self.frames)
            .ok_or(FrameError::OutOfRange)?;
        if (first..end).any(|i| !self.is_used(i)) {
            return Err(FrameError::DoubleFree);
        }
        self.mark_range(first, end, false);
        Ok(())
    }

    /// Frees one frame.
    pub fn free(&mut self, phys: u64) -> Result<(), FrameError> {
        self.free_contiguous(phys, 1)
    }

    /// True if `phys` is a managed frame that is currently free.
    pub fn is_free(&self, phys: u64) -> bool {
        self.index(phys).map(|i| !self.is_used(i)).unwrap_or(false)
    }

    /// Number of free frames.
    pub fn free_frames(&self) -> usize {
        self.free
    }

    /// Number of frames managed (free or used).
    pub fn total_frames(&self) -> usize {
        self.frames
    }

    fn words(&self) -> usize {
        self.frames.div_ceil(64)
    }

    fn address(&self, i: usize) -> u64 {
        self.base + ((i as u64) << FRAME_SHIFT)
    }

    fn index(&self, phys: u64) -> Result<usize, FrameError> {
        if phys & (FRAME_SIZE - 1) != 0 {
            return Err(FrameError::Unaligned);
        }
        let offset = phys.checked_sub(self.base).ok_or(FrameError::OutOfRange)?;
        let i = usize::try_from(offset >> FRAME_SHIFT).map_err(|_| FrameError::OutOfRange)?;
        if i < self.frames {
            Ok(i)
        } else {
            Err(FrameError::OutOfRange)
        }
    }

    /// Indices of the managed frames among the physical frame numbers
    /// `[first, last)`.
    fn clip(&self, first: u128, last: u128) -> core::ops::Range<usize> {
        let base = u128::from(self.base >> FRAME_SHIFT);
        let end = base + self.frames as u128;
        let from = first.clamp(base, end) - base;
        let to = last.clamp(base, end) - base;
        // Both are at most `frames`, which is a usize.
        from as usize..to as usize
    }

    fn is_used(&self, i: usize) -> bool {
        self.bitmap[i / 64] & (1 << (i % 64)) != 0
    }

    fn mark_used(&mut self, i: usize) {
        self.mark_range(i, i + 1, true);
    }

    /// Marks frames `[from, to)` (all managed) used or free, a word at a
    /// time: boot frees whole RAM regions, so this is on the boot path.
    fn mark_range(&mut self, from: usize, to: usize, used: bool) {
        let mut i = from;
        while i < to {
            let (w, bit) = (i / 64, i % 64);
            let n = (64 - bit).min(to - i);
            let mask = (u64::MAX >> (64 - n)) << bit;
            let word = &mut self.bitmap[w];
            if used {
                self.free -= (!*word & mask).count_ones() as usize;
                *word |= mask;
            } else {
                self.free += (*word & mask).count_ones() as usize;
                *word &= !mask;
                self.hint = self.hint.min(w);
            }
            i += n;
        }
    }
}

/// Rounds up to a frame boundary; `None` on overflow.
fn align_up(addr: u64) -> Option<u64> {
    Some(addr.checked_add(FRAME_SIZE - 1)? & !(FRAME_SIZE - 1))
}

/// The smallest index `>= from` such that `base_frame + index` is a multiple
/// of `align`.
fn aligned_index(base_frame: u64, from: usize, align: u64) -> Option<usize> {
    let frame = base_frame.checked_add(from as u64)?;
    let aligned = frame.checked_add(align - 1)? / align * align;
    usize::try_from(aligned - base_frame).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testrng::Rng;

    const BASE: u64 = 0x10_0000;

    fn with_alloc<R>(frames: usize, f: impl FnOnce(&mut FrameAllocator) -> R) -> R {
        let mut bitmap = [0u64; 64];
        let mut a = FrameAllocator::new(&mut bitmap, BASE, frames);
        f(&mut a)
    }

    #[test]
    fn starts_all_used() {
        with_alloc(100, |a| {
            assert_eq!(a.total_frames(), 100);
            assert_eq!(a.free_frames(), 0);
            assert_eq!(a.alloc(), None);
            assert_eq!(a.alloc_contiguous(1, 1), None);
        });
    }

    #[test]
    fn free_range_rounds_inward_and_reserve_rounds_outward() {
        with_alloc(100, |a| {
            a.add_free_range(BASE + 1, BASE + 3 * FRAME_SIZE + 5);
            // Frame 0 is partial, frames 1 and 2 whole, frame 3 partial.
            assert_eq!(a.free_frames(), 2);
            assert!(!a.is_free(BASE));
            assert!(a.is_free(BASE + FRAME_SIZE));
            assert!(a.is_free(BASE + 2 * FRAME_SIZE));
            assert!(!a.is_free(BASE + 3 * FRAME_SIZE));
            a.add_free_range(BASE, BASE + 10 * FRAME_SIZE);
            assert_eq!(a.free_frames(), 10);
            a.reserve_range(BASE + FRAME_SIZE + 10, BASE + 2 * FRAME_SIZE + 1);
            // Touches frames 1 and 2.
            assert_eq!(a.free_frames(), 8);
            assert!(!a.is_free(BASE + FRAME_SIZE));
            assert!(!a.is_free(BASE + 2 * FRAME_SIZE));
            assert!(a.is_free(BASE + 3 * FRAME_SIZE));
        });
    }

    #[test]
    fn ranges_outside_the_region_are_clipped() {
        with_alloc(10, |a| {
            a.add_free_range(0, u64::MAX);
            assert_eq!(a.free_frames(), 10);
            a.reserve_range(0, BASE + FRAME_SIZE);
            assert_eq!(a.free_frames(), 9);
            a.reserve_range(BASE + 9 * FRAME_SIZE, u64::MAX);
            assert_eq!(a.free_frames(), 8);
            a.add_free_range(u64::MAX - 5, u64::MAX);
            a.add_free_range(5, 3);
            a.reserve_range(7, 2);
            assert_eq!(a.free_frames(), 8);
        });
    }

    #[test]
    fn alloc_returns_distinct_frames_until_empty() {
        with_alloc(130, |a| {
            a.add_free_range(BASE, BASE + 130 * FRAME_SIZE);
            let mut seen = [false; 130];
            for _ in 0..130 {
                let p = a.alloc().unwrap();
                let i = ((p - BASE) / FRAME_SIZE) as usize;
                assert_eq!(p % FRAME_SIZE, 0);
                assert!(!seen[i]);
                seen[i] = true;
            }
            assert_eq!(a.alloc(), None);
            assert_eq!(a.free_frames(), 0);
            a.free(BASE + 129 * FRAME_SIZE).unwrap();
            assert_eq!(a.alloc(), Some(BASE + 129 * FRAME_SIZE));
        });
    }

    #[test]
    fn free_detects_errors() {
        with_alloc(10, |a| {
            a.add_free_range(BASE, BASE + 10 * FRAME_SIZE);
            let p = a.alloc().unwrap();
            assert_eq!(a.free(p + 1), Err(FrameError::Unaligned));
            assert_eq!(a.free(BASE - FRAME_SIZE), Err(FrameError::OutOfRange));
            assert_eq!(a.free(BASE + 10 * FRAME_SIZE), Err(FrameError::OutOfRange));
            assert_eq!(a.free(!0xfff), Err(FrameError::OutOfRange));
            assert_eq!(a.free(p), Ok(()));
            assert_eq!(a.free(p), Err(FrameError::DoubleFree));
            assert_eq!(a.free_frames(), 10);
        });
    }

    #[test]
    fn contiguous_allocation_honours_alignment_and_holes() {
        with_alloc(256, |a| {
            a.add_free_range(BASE, BASE + 256 * FRAME_SIZE);
            // BASE is frame 256, so index 0 is 256-frame aligned already.
            a.reserve_range(BASE + 3 * FRAME_SIZE, BASE + 4 * FRAME_SIZE);
            let p = a.alloc_contiguous(4, 1).unwrap();
            assert_eq!(p, BASE + 4 * FRAME_SIZE, "skips the hole at frame 3");
            let q = a.alloc_contiguous(8, 16).unwrap();
            assert_eq!(((q >> 12) % 16), 0);
            assert_eq!(q, BASE + 16 * FRAME_SIZE);
            let r = a.alloc_contiguous(3, 0).unwrap();
            assert_eq!(r, BASE);
            assert_eq!(a.alloc_contiguous(1000, 1), None);
            assert_eq!(a.alloc_contiguous(0, 1), None);
            assert_eq!(a.free_frames(), 256 - 1 - 4 - 8 - 3);
            a.free_contiguous(q, 8).unwrap();
            assert_eq!(a.free_contiguous(q, 8), Err(FrameError::DoubleFree));
            assert_eq!(a.free_contiguous(q, 1000), Err(FrameError::OutOfRange));
        });
    }

    #[test]
    fn alignment_is_physical_not_relative() {
        let mut bitmap = [0u64; 2];
        // Base at frame 3: the first 4-frame-aligned frame is index 1.
        let mut a = FrameAllocator::new(&mut bitmap, 3 * FRAME_SIZE, 128);
        a.add_free_range(0, u64::MAX);
        let p = a.alloc_contiguous(2, 4).unwrap();
        assert_eq!(p, 4 * FRAME_SIZE);
        // An alignment larger than the region finds nothing.
        assert_eq!(a.alloc_contiguous(1, 1 << 20), None);
    }

    #[test]
    fn constructor_caps_and_aligns() {
        let mut bitmap = [0u64; 1];
        let a = FrameAllocator::new(&mut bitmap, BASE, 1000);
        assert_eq!(a.total_frames(), 64);
        let mut bitmap = [0u64; 2];
        let mut a = FrameAllocator::new(&mut bitmap, BASE + 1, 10);
        assert_eq!(a.total_frames(), 9);
        a.add_free_range(0, u64::MAX);
        assert_eq!(a.alloc(), Some(BASE + FRAME_SIZE));
        let mut bitmap = [0u64; 2];
        let mut a = FrameAllocator::new(&mut bitmap, u64::MAX - FRAME_SIZE + 1, 100);
        assert_eq!(a.total_frames(), 1);
        a.add_free_range(0, u64::MAX);
        assert_eq!(
            a.free_frames(),
            0,
            "the last frame ends at 2^64, beyond any range end"
        );
        assert_eq!(a.free(u64::MAX - FRAME_SIZE + 1), Ok(()));
        assert_eq!(a.alloc(), Some(u64::MAX - FRAME_SIZE + 1));
        let mut empty: [u64; 0] = [];
        let mut a = FrameAllocator::new(&mut empty, BASE, 10);
        assert_eq!(a.total_frames(), 0);
        assert_eq!(a.alloc(), None);
    }

    #[test]
    fn four_gib_of_frames_word_at_a_time() {
        let mut bitmap = vec![0u64; (1 << 20) / 64];
        let mut a = FrameAllocator::new(&mut bitmap, 0, 1 << 20);
        a.add_free_range(0x1000, 0x8000_0000 - 0x800);
        assert_eq!(
            a.free_frames(),
            (1 << 19) - 2,
            "frame 0 and the partial last frame excluded"
        );
        a.reserve_range(0, 0x10_0000);
        a.reserve_range(0x10_0000, 0x23_4567);
        assert_eq!(a.free_frames(), (1 << 19) - 0x235 - 1);
        assert_eq!(a.alloc(), Some(0x23_5000));
        a.add_free_range(0x1_0000_0000 - 0x4000, u64::MAX);
        assert!(a.is_free(0xffff_f000) && !a.is_free(0x8000_0000));
        let p = a.alloc_contiguous(512, 512).unwrap();
        assert_eq!(p % 0x20_0000, 0);
        assert_eq!(a.free_contiguous(p, 512), Ok(()));
    }

    #[test]
    fn random_operations_match_a_model() {
        let mut rng = Rng::new(7);
        let mut bitmap = [0u64; 8];
        let frames = 500;
        let mut a = FrameAllocator::new(&mut bitmap, BASE, frames);
        let mut used = [true; 500];
        for _ in 0..20_000 {
            match rng.below(6) {
                0 => {
                    let s = rng.below(frames as u64 + 20) * FRAME_SIZE / 2 + BASE - 4096;
                    let e = s + rng.below(40 * FRAME_SIZE);
                    a.add_free_range(s, e);
                    for (i, u) in used.iter_mut().enumerate() {
                        let fs = BASE + i as u64 * FRAME_SIZE;
                        if fs >= s && fs + FRAME_SIZE <= e {
                            *u = false;
                        }
                    }
                }
                1 => {
                    let s = rng.below(frames as u64 * FRAME_SIZE) + BASE;
                    let e = s + rng.below(4 * FRAME_SIZE);
                    a.reserve_range(s, e);
                    for (i, u) in used.iter_mut().enumerate() {
                        let fs = BASE + i as u64 * FRAME_SIZE;
                        if fs < e && fs + FRAME_SIZE > s {
                            *u = true;
                        }
                    }
                }
                2 | 3 => {
                    if let Some(p) = a.alloc() {
                        let i = ((p - BASE) / FRAME_SIZE) as usize;
                        assert!(!used[i]);
                        used[i] = true;
                    } else {
                        assert!(used.iter().all(|&u| u));
                    }
                }
                4 => {
                    let n = rng.below(5) as usize + 1;
                    let align = 1usize << rng.below(4);
                    if let Some(p) = a.alloc_contiguous(n, align) {
                        let i = ((p - BASE) / FRAME_SIZE) as usize;
                        assert_eq!((p / FRAME_SIZE) % align as u64, 0);
                        for u in &mut used[i..i + n] {
                            assert!(!*u);
                            *u = true;
                        }
                    }
                }
                _ => {
                    let i = rng.below(frames as u64) as usize;
                    let r = a.free(BASE + i as u64 * FRAME_SIZE);
                    if used[i] {
                        assert_eq!(r, Ok(()));
                        used[i] = false;
                    } else {
                        assert_eq!(r, Err(FrameError::DoubleFree));
                    }
                }
            }
            assert_eq!(a.free_frames(), used.iter().filter(|&&u| !u).count());
        }
    }
}
