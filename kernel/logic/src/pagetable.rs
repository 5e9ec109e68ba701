//! User page tables: the bookkeeping of x86-64 4-level paging for one user
//! address space, over physical memory reached through a [`PhysMem`].
//!
//! Layout: a [`UserPageTable`] owns a PML4. Its lower half (entries
//! 0..256, addresses below [`USER_END`]) holds the process's 4 KiB pages,
//! all PRESENT|USER_ACCESSIBLE, under intermediate tables marked
//! [`TABLE_FLAGS`]; no huge pages are ever created there. Its upper half
//! (entries 256..512) is copied from the kernel's PML4 when the table is
//! made and never touched again, so every address space shares the kernel
//! half and user code cannot reach it (those entries carry no USER bit).
//!
//! Ownership: the table owns every intermediate table of the user half and
//! every leaf frame, except leaves marked [`DEVICE`] (a software PTE bit):
//! device memory is shared on [`UserPageTable::fork`] and never freed.
//! [`UserPageTable::clear`] frees all the table owns in the user half;
//! [`UserPageTable::destroy`] also frees the PML4.
//!
//! Failure never leaks or half-builds: [`UserPageTable::map`] allocates the
//! missing intermediate tables before linking any of them, and a fork that
//! runs out of frames destroys its partial child.
//!
//! Translation remembers the last user page it found (one entry, like a
//! tiny TLB): the kernel reaches the same IPC buffers again and again.
//! Only `unmap` and `clear` can invalidate it, and both forget it. The
//! flags it reports are those of the last walk, without ACCESSED or DIRTY
//! bits the CPU may have set since.
//!
//! Hardware duties stay with the caller: this module neither flushes the TLB
//! nor loads CR3. Mapping a page that was not present needs no flush;
//! after [`UserPageTable::unmap`] or [`UserPageTable::clear`] of the active
//! space the kernel must `invlpg` the page or reload CR3.
//!
//! Submodule `range` adds the operations on user ranges:
//! [`UserPageTable::map_range`], [`UserPageTable::map_device`],
//! [`UserPageTable::map_zeroed`], and the page-by-page walks the kernel
//! copies to and from user memory with, [`UserPageTable::for_each_piece`]
//! and [`UserPageTable::single_page`].

mod range;

pub use range::{user_flags, DEVICE_FLAGS};

use crate::usercopy::{USER_BASE, USER_END};
use core::cell::Cell;
use molt_abi::Error;
pub use x86_64::structures::paging::PageTableFlags;

/// Physical memory as the page-table code sees it: 64-bit words of page
/// tables, and whole 4 KiB frames. The kernel implements it over its
/// direct map and frame allocator; the tests over a map of fake frames.
pub trait PhysMem {
    /// Reads the (8-byte aligned) word at physical address `phys`.
    fn read_u64(&self, phys: u64) -> u64;
    /// Writes the (8-byte aligned) word at physical address `phys`.
    fn write_u64(&mut self, phys: u64, value: u64);
    /// A fresh zero-filled frame (its physical address, 4 KiB aligned),
    /// or `None` when memory is exhausted.
    fn alloc_zeroed(&mut self) -> Option<u64>;
    /// Returns a frame obtained from [`PhysMem::alloc_zeroed`].
    fn free(&mut self, phys: u64);
    /// Copies the 4 KiB frame at `src` over the frame at `dst`.
    fn copy_frame(&mut self, dst: u64, src: u64);
}

/// Software PTE bit marking device memory: shared on fork, never freed.
pub const DEVICE: PageTableFlags = PageTableFlags::BIT_9;
/// Flags of every intermediate user table entry. The leaf decides the
/// real rights; the tables grant everything.
pub const TABLE_FLAGS: PageTableFlags = PageTableFlags::PRESENT
    .union(PageTableFlags::WRITABLE)
    .union(PageTableFlags::USER_ACCESSIBLE);
/// Physical address bits of a page-table entry.
const ADDR_MASK: u64 = 0x000f_ffff_ffff_f000;
const PAGE_MASK: u64 = 0xfff;
const PRESENT: u64 = PageTableFlags::PRESENT.bits();
/// Leaf bits that must be set for a page to count as a user page.
const USER_LEAF: u64 = PageTableFlags::PRESENT.bits() | PageTableFlags::USER_ACCESSIBLE.bits();
/// PML4 entries of the user half.
const USER_SLOTS: u64 = 256;

/// Index of `va` in the table of `level` (4 = PML4 .. 1 = page table).
#[inline(always)]
fn index(va: u64, level: u32) -> u64 {
    (va >> (3 + 9 * level)) & 0x1ff
}

#[inline(always)]
fn entry_addr(table: u64, index: u64) -> u64 {
    table + index * 8
}

/// Number of entries of a table of `level` that belong to the user half.
fn user_entries(level: u32) -> u64 {
    if level == 4 {
        USER_SLOTS
    } else {
        512
    }
}

/// The page tables of one user address space; see the module comment.
///
/// It is a plain handle (the PML4's physical address): dropping it frees
/// nothing. Call [`UserPageTable::destroy`] to release its memory.
#[derive(Debug, PartialEq, Eq)]
pub struct UserPageTable {
    root: u64,
    /// The last user page translated and its leaf entry ([`NO_PAGE`] if
    /// none): the kernel reaches the same IPC buffers again and again.
    /// Every change to a leaf goes through `&mut self`; `unmap` and
    /// `clear` forget the entry, and `map` only fills empty slots, which
    /// are never cached.
    last: Cell<(u64, u64)>,
}

/// No page: page addresses are aligned, so they never equal it.
const NO_PAGE: u64 = u64::MAX;

impl UserPageTable {
    /// A table with an empty user half and the kernel half copied from the
    /// PML4 at `kernel_root`. `NOMEM` if no frame is left for the PML4.
    pub fn new<M: PhysMem>(mem: &mut M, kernel_root: u64) -> Result<UserPageTable, Error> {
        let root = mem.alloc_zeroed().ok_or(Error::NOMEM)?;
        for i in USER_SLOTS..512 {
            let e = mem.read_u64(entry_addr(kernel_root, i));
            mem.write_u64(entry_addr(root, i), e);
        }
        Ok(UserPageTable {
            root,
            last: Cell::new((NO_PAGE, 0)),
        })
    }

    /// Physical address of the PML4 (the value for CR3).
    pub fn root(&self) -> u64 {
        self.root
    }

    /// The physical address (page frame plus `va`'s offset in its page)
    /// and the leaf flags of the user page holding `va`. `None` if `va` is
    /// not below [`USER_END`] or not mapped as a PRESENT|USER page.
    #[inline]
    pub fn translate<M: PhysMem>(&self, mem: &M, va: u64) -> Option<(u64, PageTableFlags)> {
        if va >= USER_END {
            return None;
        }
        self.translate_user(mem, va)
    }

    /// [`UserPageTable::translate`] for a `va` the caller has already
    /// checked to be below [`USER_END`] (the hot path of every user
    /// access: four loads and the present checks).
    #[inline(always)]
    fn translate_user<M: PhysMem>(&self, mem: &M, va: u64) -> Option<(u64, PageTableFlags)> {
        let page = va & !PAGE_MASK;
        let (cached_page, cached_entry) = self.last.get();
        let e = if cached_page == page {
            cached_entry
        } else {
            let e = mem.read_u64(self.leaf_entry(mem, va)?);
            if e & USER_LEAF != USER_LEAF {
                return None;
            }
            self.last.set((page, e));
            e
        };
        Some((
            (e & ADDR_MASK) | (va & PAGE_MASK),
            PageTableFlags::from_bits_truncate(e),
        ))
    }

    /// Maps the page at `va` to `frame` with `flags` (PRESENT and
    /// USER_ACCESSIBLE are added). The table takes ownership of `frame`
    /// unless `flags` has [`DEVICE`].
    ///
    /// Errors: `INVAL` if `va` or `frame` is not page aligned, `frame` is
    /// beyond the 52-bit physical range, or `flags` has GLOBAL (a global
    /// user page would outlive address-space switches), HUGE_PAGE or
    /// (through `from_bits_retain`) address bits;
    /// `FAULT` if `va` is outside `[USER_BASE, USER_END)`; `BUSY` if the
    /// page is already mapped; `NOMEM` if an intermediate table cannot be
    /// allocated, in which case nothing has changed.
    pub fn map<M: PhysMem>(
        &mut self,
        mem: &mut M,
        va: u64,
        frame: u64,
        flags: PageTableFlags,
    ) -> Result<(), Error> {
        if va & PAGE_MASK != 0 || frame & !ADDR_MASK != 0 {
            return Err(Error::INVAL);
        }
        if flags.intersects(PageTableFlags::GLOBAL | PageTableFlags::HUGE_PAGE)
            || flags.bits() & ADDR_MASK != 0
        {
            return Err(Error::INVAL);
        }
        if !(USER_BASE..USER_END).contains(&va) {
            return Err(Error::FAULT);
        }
        let leaf = self.leaf_entry_for_map(mem, va)?;
        if mem.read_u64(leaf) & PRESENT != 0 {
            return Err(Error::BUSY);
        }
        let flags = flags | PageTableFlags::PRESENT | PageTableFlags::USER_ACCESSIBLE;
        mem.write_u64(leaf, frame | flags.bits());
        Ok(())
    }

    /// The physical address of the page-table entry for `va`, creating the
    /// missing intermediate tables. They are all allocated before any is
    /// linked, so on `NOMEM` the tree is unchanged and nothing leaks.
    fn leaf_entry_for_map<M: PhysMem>(&mut self, mem: &mut M, va: u64) -> Result<u64, Error> {
        // Walk down as far as the tables exist.
        let mut table = self.root;
        let mut level = 4;
        while level > 1 {
            let e = mem.read_u64(entry_addr(table, index(va, level)));
            if e & PRESENT == 0 {
                break;
            }
            table = e & ADDR_MASK;
            level -= 1;
        }
        if level == 1 {
            return Ok(entry_addr(table, index(va, 1)));
        }
        // Tables needed for levels level-1 .. 1.
        let missing = (level - 1) as usize;
        let mut fresh = [0u64; 3];
        for i in 0..missing {
            match mem.alloc_zeroed() {
                Some(f) => fresh[i] = f,
                None => {
                    for &f in &fresh[..i] {
                        mem.free(f);
                    }
                    return Err(Error::NOMEM);
                }
            }
        }
        for &new_table in &fresh[..missing] {
            mem.write_u64(
                entry_addr(table, index(va, level)),
                new_table | TABLE_FLAGS.bits(),
            );
            table = new_table;
            level -= 1;
        }
        Ok(entry_addr(table, index(va, 1)))
    }

    /// Removes the user page holding `va` and returns its frame and flags;
    /// the caller now owns the frame (unless it is [`DEVICE`] memory) and
    /// must flush the TLB entry. `None` (and no change) if `va` is not a mapped
    /// user page. Intermediate tables stay until [`UserPageTable::clear`].
    pub fn unmap<M: PhysMem>(&mut self, mem: &mut M, va: u64) -> Option<(u64, PageTableFlags)> {
        if va >= USER_END {
            return None;
        }
        let leaf = self.leaf_entry(mem, va)?;
        let e = mem.read_u64(leaf);
        if e & USER_LEAF != USER_LEAF {
            return None;
        }
        mem.write_u64(leaf, 0);
        self.last.set((NO_PAGE, 0));
        Some((e & ADDR_MASK, PageTableFlags::from_bits_truncate(e)))
    }

    /// The physical address of the existing page-table entry for the page
    /// holding `va`, if its tables exist. `va` must be below [`USER_END`]:
    /// higher addresses would lead into the kernel half.
    #[inline(always)]
    fn leaf_entry<M: PhysMem>(&self, mem: &M, va: u64) -> Option<u64> {
        debug_assert!(va < USER_END);
        let mut table = self.root;
        for level in [4, 3, 2] {
            let e = mem.read_u64(entry_addr(table, index(va, level)));
            if e & PRESENT == 0 {
                return None;
            }
            table = e & ADDR_MASK;
        }
        Some(entry_addr(table, index(va, 1)))
    }

    /// Calls `f(va, frame, flags)` for every present leaf of the user half,
    /// in address order.
    pub fn for_each_leaf<M: PhysMem>(&self, mem: &M, mut f: impl FnMut(u64, u64, PageTableFlags)) {
        walk_leaves(mem, self.root, 4, 0, &mut f);
    }

    /// A copy of this address space: the same kernel half (copied from
    /// this table's upper half), a copy of every private page in a new
    /// frame, and the same frame for every [`DEVICE`] page. On `NOMEM` the
    /// partial copy is freed entirely.
    pub fn fork<M: PhysMem>(&self, mem: &mut M) -> Result<UserPageTable, Error> {
        let child = UserPageTable::new(mem, self.root)?;
        match copy_tree(mem, self.root, child.root, 4) {
            Ok(()) => Ok(child),
            Err(e) => {
                child.destroy(mem);
                Err(e)
            }
        }
    }

    /// Unmaps the whole user half, freeing every page it owns (all but
    /// [`DEVICE`] pages) and every user table. The PML4 stays, empty in
    /// its user half. The caller flushes the TLB if the space is active.
    pub fn clear<M: PhysMem>(&mut self, mem: &mut M) {
        self.last.set((NO_PAGE, 0));
        for i in 0..USER_SLOTS {
            let e = mem.read_u64(entry_addr(self.root, i));
            if e & PRESENT != 0 {
                free_tree(mem, e & ADDR_MASK, 3);
                mem.write_u64(entry_addr(self.root, i), 0);
            }
        }
    }

    /// Clears the table and frees its PML4. It must not be the active one.
    pub fn destroy<M: PhysMem>(mut self, mem: &mut M) {
        self.clear(mem);
        mem.free(self.root);
    }
}

/// Calls `f` for every present leaf under `table` (of `level`), whose
/// first address is `base`.
fn walk_leaves<M: PhysMem>(
    mem: &M,
    table: u64,
    level: u32,
    base: u64,
    f: &mut impl FnMut(u64, u64, PageTableFlags),
) {
    for i in 0..user_entries(level) {
        let e = mem.read_u64(entry_addr(table, i));
        if e & PRESENT == 0 {
            continue;
        }
        let va = base | i << (3 + 9 * level);
        if level == 1 {
            f(va, e & ADDR_MASK, PageTableFlags::from_bits_truncate(e));
        } else {
            walk_leaves(mem, e & ADDR_MASK, level - 1, va, f);
        }
    }
}

/// Fills the empty table `dst` (of `level`) with a copy of the user part of
/// `src`: new tables, new frames with the same contents for private pages,
/// shared frames for device pages. Each new table or frame is linked into
/// `dst` as soon as it exists, so on failure `dst` is a consistent tree
/// that [`UserPageTable::destroy`] frees completely.
fn copy_tree<M: PhysMem>(mem: &mut M, src: u64, dst: u64, level: u32) -> Result<(), Error> {
    for i in 0..user_entries(level) {
        let e = mem.read_u64(entry_addr(src, i));
        if e & PRESENT == 0 {
            continue;
        }
        let attrs = e & !ADDR_MASK;
        if level == 1 && attrs & DEVICE.bits() != 0 {
            mem.write_u64(entry_addr(dst, i), e);
            continue;
        }
        let frame = mem.alloc_zeroed().ok_or(Error::NOMEM)?;
        mem.write_u64(entry_addr(dst, i), frame | attrs);
        if level == 1 {
            mem.copy_frame(frame, e & ADDR_MASK);
        } else {
            copy_tree(mem, e & ADDR_MASK, frame, level - 1)?;
        }
    }
    Ok(())
}

/// Frees the table `table` of `level`, everything below it, and every
/// non-device page it maps.
fn free_tree<M: PhysMem>(mem: &mut M, table: u64, level: u32) {
    for i in 0..512 {
        let e = mem.read_u64(entry_addr(table, i));
        if e & PRESENT == 0 {
            continue;
        }
        if level > 1 {
            free_tree(mem, e & ADDR_MASK, level - 1);
        } else if e & DEVICE.bits() == 0 {
            mem.free(e & ADDR_MASK);
        }
    }
    mem.free(table);
}

#[cfg(test)]
mod fake;
#[cfg(test)]
mod tests;
