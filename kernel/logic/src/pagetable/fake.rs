//! A fake physical memory for the page-table tests: 4 KiB frames in a hash
//! map, handed out by an allocator that counts live frames and can be told
//! to run dry. Every access is checked: reading, writing, copying or freeing
//! a frame that is not live (never allocated, or already freed) panics, so a
//! use-after-free or double free in the code under test fails the test.

use super::PhysMem;
use std::collections::HashMap;

const WORDS: usize = 512;
/// Where the fake's frames start (frame 0 is never handed out).
const FIRST_FRAME: u64 = 0x10_0000;

pub struct FakeMem {
    frames: HashMap<u64, Box<[u64; WORDS]>>,
    /// Freed frames, reused first (LIFO), as a real allocator might.
    recycled: Vec<u64>,
    next: u64,
    /// How many more frames `alloc_zeroed` will hand out, if limited.
    budget: Option<usize>,
    /// The PML4 standing for the kernel's, with a populated upper half.
    kernel_root: u64,
}

impl FakeMem {
    /// A memory holding only a kernel PML4 whose upper half points at
    /// (unbacked) kernel tables.
    pub fn new() -> FakeMem {
        let mut mem = FakeMem {
            frames: HashMap::new(),
            recycled: Vec::new(),
            next: FIRST_FRAME,
            budget: None,
            kernel_root: 0,
        };
        let root = mem.alloc_zeroed().unwrap();
        for i in 256..512u64 {
            // Supervisor-only, writable, present; the tables themselves are
            // never followed by the code under test.
            mem.write_u64(root + i * 8, (0x7000_0000 + i * 0x1000) | 0b11);
        }
        mem.kernel_root = root;
        mem
    }

    pub fn kernel_root(&self) -> u64 {
        self.kernel_root
    }

    /// Frames currently allocated (including the kernel PML4).
    pub fn live(&self) -> usize {
        self.frames.len()
    }

    pub fn is_live(&self, phys: u64) -> bool {
        self.frames.contains_key(&phys)
    }

    /// Lets `alloc_zeroed` succeed `n` more times (`None`: unlimited).
    pub fn set_budget(&mut self, n: Option<usize>) {
        self.budget = n;
    }

    /// The 4 KiB frame at `phys` as bytes.
    pub fn bytes(&self, phys: u64) -> Vec<u8> {
        self.frame(phys)
            .iter()
            .flat_map(|w| w.to_le_bytes())
            .collect()
    }

    /// Fills the frame at `phys` with a pattern derived from `seed`.
    pub fn fill(&mut self, phys: u64, seed: u64) {
        let frame = self.frame_mut(phys);
        for (i, w) in frame.iter_mut().enumerate() {
            *w = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ i as u64;
        }
    }

    fn frame(&self, phys: u64) -> &[u64; WORDS] {
        self.frames
            .get(&(phys & !0xfff))
            .unwrap_or_else(|| panic!("access to frame {phys:#x}, which is not allocated"))
    }

    fn frame_mut(&mut self, phys: u64) -> &mut [u64; WORDS] {
        self.frames
            .get_mut(&(phys & !0xfff))
            .unwrap_or_else(|| panic!("access to frame {phys:#x}, which is not allocated"))
    }
}

impl PhysMem for FakeMem {
    fn read_u64(&self, phys: u64) -> u64 {
        assert_eq!(phys % 8, 0, "unaligned read at {phys:#x}");
        self.frame(phys)[(phys & 0xfff) as usize / 8]
    }

    fn write_u64(&mut self, phys: u64, value: u64) {
        assert_eq!(phys % 8, 0, "unaligned write at {phys:#x}");
        self.frame_mut(phys)[(phys & 0xfff) as usize / 8] = value;
    }

    fn alloc_zeroed(&mut self) -> Option<u64> {
        if let Some(left) = &mut self.budget {
            *left = left.checked_sub(1)?;
        }
        let phys = self.recycled.pop().unwrap_or_else(|| {
            self.next += 0x1000;
            self.next - 0x1000
        });
        self.frames.insert(phys, Box::new([0; WORDS]));
        Some(phys)
    }

    fn free(&mut self, phys: u64) {
        assert_eq!(phys & 0xfff, 0, "free of unaligned {phys:#x}");
        assert!(
            self.frames.remove(&phys).is_some(),
            "free of frame {phys:#x}, which is not allocated"
        );
        self.recycled.push(phys);
    }

    fn copy_frame(&mut self, dst: u64, src: u64) {
        let data = *self.frame(src);
        *self.frame_mut(dst) = data;
    }
}
