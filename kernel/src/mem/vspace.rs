//! User address spaces.
//!
//! Each process has its own PML4. Its lower half (entries 0..256) holds the
//! process's pages, all with the USER bit; its upper half is a copy of the
//! kernel's entries, which carry no USER bit, so user code can never touch
//! kernel memory. The kernel reaches user memory only through [`translate`]
//! and the direct map, page by page, checking the USER (and, for writes,
//! WRITABLE) bits: a bad user pointer becomes `FAULT`, never a kernel
//! page fault, whichever address space is active.

use super::phys::{self, PHYS_OFFSET};
use core::cell::Cell;
use molt_abi::Error;
use x86_64::structures::paging::{Mapper, Page, PageTableFlags as F, PhysFrame, Size4KiB};
use x86_64::{PhysAddr, VirtAddr};

/// First user address; page 0 stays unmapped so NULL faults.
pub const USER_BASE: u64 = 0x1000;
/// End of the user half.
pub const USER_END: u64 = 0x0000_7fff_ffff_f000;
/// PTE bit (available to software) marking device memory: shared on fork,
/// never freed.
const DEVICE: F = F::BIT_9;
const ADDR_MASK: u64 = 0x000f_ffff_ffff_f000;

/// A user address space.
pub struct AddressSpace {
    pml4: u64,
    /// The last user page translated and its leaf entry: IPC servers use
    /// the same buffer again and again. Mappings are only ever added (and
    /// dropped all at once by `clear`), so a cached translation stays
    /// right until `clear` forgets it.
    last: Cell<(u64, u64)>,
}

const NO_PAGE: u64 = u64::MAX;

/// Page rights for [`AddressSpace::map_zeroed`].
#[derive(Clone, Copy)]
pub struct Rights {
    pub write: bool,
    pub exec: bool,
}

fn entry(table: u64, index: u64) -> u64 {
    phys::read::<u64>(table + index * 8)
}

fn leaf_flags(rights: Rights) -> F {
    let mut f = F::PRESENT | F::USER_ACCESSIBLE;
    if rights.write {
        f |= F::WRITABLE;
    }
    if !rights.exec {
        f |= F::NO_EXECUTE;
    }
    f
}

impl AddressSpace {
    /// An empty address space that shares the kernel half.
    pub fn new() -> Result<AddressSpace, Error> {
        let pml4 = super::frame::alloc_zeroed().ok_or(Error::NOMEM)?;
        let kernel = super::paging::kernel_pml4();
        for i in 256..512u64 {
            let e = entry(kernel, i);
            // SAFETY: pml4 is a fresh frame only we reference.
            unsafe { core::ptr::write((PHYS_OFFSET + pml4 + i * 8) as *mut u64, e) };
        }
        Ok(AddressSpace { pml4, last: Cell::new((NO_PAGE, 0)) })
    }

    /// Physical address of the PML4 (for CR3).
    pub fn root(&self) -> u64 {
        self.pml4
    }

    fn map(&mut self, va: u64, frame: u64, flags: F) -> Result<(), Error> {
        // SAFETY: this address space's tables are only modified through
        // `&mut self`.
        let mut m = unsafe { super::paging::mapper(self.pml4) };
        let page = Page::<Size4KiB>::containing_address(VirtAddr::new(va));
        let frame = PhysFrame::<Size4KiB>::containing_address(PhysAddr::new(frame));
        let table_flags = F::PRESENT | F::WRITABLE | F::USER_ACCESSIBLE;
        // SAFETY: maps a frame this address space now owns (or device
        // memory) at a user address; the TLB entry is flushed below.
        let result = unsafe { m.map_to_with_table_flags(page, frame, flags, table_flags, &mut super::paging::KernelFrames) };
        match result {
            Ok(flush) => {
                flush.flush();
                Ok(())
            }
            Err(x86_64::structures::paging::mapper::MapToError::FrameAllocationFailed) => Err(Error::NOMEM),
            Err(_) => Err(Error::INVAL),
        }
    }

    /// Maps zero-filled pages over `[va, va+len)` (page-rounded). Pages
    /// already mapped are left as they are, with their contents.
    pub fn map_zeroed(&mut self, va: u64, len: u64, rights: Rights) -> Result<(), Error> {
        let start = va & !0xfff;
        let end = va.checked_add(len).ok_or(Error::INVAL)?.next_multiple_of(4096);
        if start < USER_BASE || end > USER_END {
            return Err(Error::FAULT);
        }
        let mut page = start;
        while page < end {
            if self.translate(page).is_none() {
                let frame = super::frame::alloc_zeroed().ok_or(Error::NOMEM)?;
                if let Err(e) = self.map(page, frame, leaf_flags(rights)) {
                    super::frame::free(frame);
                    return Err(e);
                }
            }
            page += 4096;
        }
        Ok(())
    }

    /// Maps device memory `[phys, phys+len)` at `va`, uncached, shared.
    pub fn map_device(&mut self, va: u64, phys: u64, len: u64) -> Result<(), Error> {
        if va & 0xfff != 0 || phys & 0xfff != 0 || len == 0 {
            return Err(Error::INVAL);
        }
        let end = va.checked_add(len).ok_or(Error::INVAL)?.next_multiple_of(4096);
        if va < USER_BASE || end > USER_END {
            return Err(Error::FAULT);
        }
        let flags = F::PRESENT | F::USER_ACCESSIBLE | F::WRITABLE | F::NO_EXECUTE | F::NO_CACHE | DEVICE;
        let mut off = 0;
        while va + off < end {
            if self.translate(va + off).is_some() {
                return Err(Error::BUSY);
            }
            self.map(va + off, phys + off, flags)?;
            off += 4096;
        }
        Ok(())
    }

    /// The physical address and flags `va` maps to, if it is a user page.
    pub fn translate(&self, va: u64) -> Option<(u64, F)> {
        if va >= USER_END {
            return None;
        }
        let page = va & !0xfff;
        let (cached_page, cached_pte) = self.last.get();
        if cached_page == page {
            return Some(((cached_pte & ADDR_MASK) | (va & 0xfff), F::from_bits_truncate(cached_pte)));
        }
        let mut table = self.pml4;
        for level in (1..4).rev() {
            let e = entry(table, (va >> (12 + 9 * level)) & 0x1ff);
            if e & 1 == 0 {
                return None;
            }
            table = e & ADDR_MASK;
        }
        let e = entry(table, (va >> 12) & 0x1ff);
        let flags = F::from_bits_truncate(e);
        if !flags.contains(F::PRESENT | F::USER_ACCESSIBLE) {
            return None;
        }
        self.last.set((page, e));
        Some(((e & ADDR_MASK) | (va & 0xfff), flags))
    }

    /// Walks `[va, va+len)` page by page, giving each piece's physical
    /// address and length; fails with FAULT on an unmapped page or, when
    /// `write` is set, a read-only one.
    fn for_each_piece(&self, va: u64, len: usize, write: bool, mut f: impl FnMut(u64, usize, usize)) -> Result<(), Error> {
        let end = va.checked_add(len as u64).ok_or(Error::FAULT)?;
        if va < USER_BASE || end > USER_END {
            return Err(Error::FAULT);
        }
        // Fast path (every IPC message): the range lies in one page.
        if len > 0 && (va ^ (end - 1)) & !0xfff == 0 {
            let (pa, flags) = self.translate(va).ok_or(Error::FAULT)?;
            if write && !flags.contains(F::WRITABLE) {
                return Err(Error::FAULT);
            }
            f(pa, 0, len);
            return Ok(());
        }
        // Check every page before touching any, so a failed copy changes nothing.
        let mut page = va & !0xfff;
        while page < end {
            let (_, flags) = self.translate(page).ok_or(Error::FAULT)?;
            if write && !flags.contains(F::WRITABLE) {
                return Err(Error::FAULT);
            }
            page += 4096;
        }
        let mut done = 0usize;
        while done < len {
            let at = va + done as u64;
            let in_page = (4096 - (at & 0xfff)) as usize;
            let n = in_page.min(len - done);
            let (pa, _) = self.translate(at).ok_or(Error::FAULT)?;
            f(pa, done, n);
            done += n;
        }
        Ok(())
    }

    /// The physical address of `[va, va+len)` if the range lies in one
    /// user page (writable, if `write`): lets the kernel reach a small
    /// buffer without walking the tables again. `None` if the range
    /// crosses a page; FAULT if it is not mapped as asked.
    pub fn single_page(&self, va: u64, len: usize, write: bool) -> Result<Option<u64>, Error> {
        let end = va.checked_add(len as u64).ok_or(Error::FAULT)?;
        if va < USER_BASE || end > USER_END || len == 0 {
            return Err(Error::FAULT);
        }
        if (va ^ (end - 1)) & !0xfff != 0 {
            return self.for_each_piece(va, len, write, |_, _, _| {}).map(|()| None);
        }
        let (pa, flags) = self.translate(va).ok_or(Error::FAULT)?;
        if write && !flags.contains(F::WRITABLE) {
            return Err(Error::FAULT);
        }
        Ok(Some(pa))
    }

    /// Checks that `[va, va+len)` is mapped, without touching it.
    pub fn check_readable(&self, va: u64, len: usize) -> Result<(), Error> {
        self.for_each_piece(va, len, false, |_, _, _| {})
    }

    /// Maps `pages` frames starting at `phys` (owned from now on by this
    /// space, freed with it) at `va`, read-write.
    pub fn map_owned_frames(&mut self, va: u64, phys: u64, pages: usize) -> Result<(), Error> {
        let len = pages as u64 * 4096;
        let end = va.checked_add(len).ok_or(Error::INVAL)?;
        if va & 0xfff != 0 || va < USER_BASE || end > USER_END {
            return Err(Error::FAULT);
        }
        if (0..pages as u64).any(|i| self.translate(va + i * 4096).is_some()) {
            return Err(Error::BUSY);
        }
        for i in 0..pages as u64 {
            phys::zero_frame(phys + i * 4096);
            self.map(va + i * 4096, phys + i * 4096, leaf_flags(Rights { write: true, exec: false }))?;
        }
        Ok(())
    }

    /// Checks that `[va, va+len)` is mapped writable, without touching it.
    pub fn check_writable(&self, va: u64, len: usize) -> Result<(), Error> {
        self.for_each_piece(va, len, true, |_, _, _| {})
    }

    /// Copies user memory at `va` into `buf`.
    pub fn read(&self, va: u64, buf: &mut [u8]) -> Result<(), Error> {
        self.for_each_piece(va, buf.len(), false, |pa, off, n| {
            buf[off..off + n].copy_from_slice(phys::bytes(pa, n));
        })
    }

    /// Copies `buf` into user memory at `va`, even into read-only pages:
    /// for the kernel's ELF loader only.
    pub fn fill(&self, va: u64, buf: &[u8]) -> Result<(), Error> {
        self.for_each_piece(va, buf.len(), false, |pa, off, n| {
            // SAFETY: pa..pa+n is a page of this (not yet running) address
            // space; the kernel holds no other reference into it.
            let dst = unsafe { phys::bytes_mut(pa, n) };
            dst.copy_from_slice(&buf[off..off + n]);
        })
    }

    /// Copies `buf` into user memory at `va`.
    pub fn write(&self, va: u64, buf: &[u8]) -> Result<(), Error> {
        self.for_each_piece(va, buf.len(), true, |pa, off, n| {
            // SAFETY: pa..pa+n is a user page of this address space, checked
            // writable; the kernel holds no other reference into it.
            let dst = unsafe { phys::bytes_mut(pa, n) };
            dst.copy_from_slice(&buf[off..off + n]);
        })
    }

    /// A copy of this address space: every private page is duplicated,
    /// device pages are shared.
    pub fn fork(&self) -> Result<AddressSpace, Error> {
        let mut child = AddressSpace::new()?;
        let mut result = Ok(());
        self.for_each_leaf(|va, pte| {
            if result.is_err() {
                return;
            }
            let flags = F::from_bits_truncate(pte);
            let src = pte & ADDR_MASK;
            let frame = if flags.contains(DEVICE) {
                src
            } else {
                match super::frame::alloc_zeroed() {
                    Some(f) => {
                        phys::copy_frame(f, src);
                        f
                    }
                    None => {
                        result = Err(Error::NOMEM);
                        return;
                    }
                }
            };
            if let Err(e) = child.map(va, frame, flags) {
                if !flags.contains(DEVICE) {
                    super::frame::free(frame);
                }
                result = Err(e);
            }
        });
        result.map(|()| child)
    }

    /// Calls `f(va, pte)` for every present leaf in the user half.
    fn for_each_leaf(&self, mut f: impl FnMut(u64, u64)) {
        for i4 in 0..256u64 {
            let e4 = entry(self.pml4, i4);
            if e4 & 1 == 0 {
                continue;
            }
            for i3 in 0..512u64 {
                let e3 = entry(e4 & ADDR_MASK, i3);
                if e3 & 1 == 0 {
                    continue;
                }
                for i2 in 0..512u64 {
                    let e2 = entry(e3 & ADDR_MASK, i2);
                    if e2 & 1 == 0 {
                        continue;
                    }
                    for i1 in 0..512u64 {
                        let e1 = entry(e2 & ADDR_MASK, i1);
                        if e1 & 1 != 0 {
                            f(i4 << 39 | i3 << 30 | i2 << 21 | i1 << 12, e1);
                        }
                    }
                }
            }
        }
    }

    /// Unmaps and frees every user page and table.
    pub fn clear(&mut self) {
        self.last.set((NO_PAGE, 0));
        self.for_each_leaf(|_, pte| {
            if pte & DEVICE.bits() == 0 {
                super::frame::free(pte & ADDR_MASK);
            }
        });
        for i4 in 0..256u64 {
            let e4 = entry(self.pml4, i4);
            if e4 & 1 == 0 {
                continue;
            }
            for i3 in 0..512u64 {
                let e3 = entry(e4 & ADDR_MASK, i3);
                if e3 & 1 == 0 {
                    continue;
                }
                for i2 in 0..512u64 {
                    let e2 = entry(e3 & ADDR_MASK, i2);
                    if e2 & 1 != 0 {
                        super::frame::free(e2 & ADDR_MASK);
                    }
                }
                super::frame::free(e3 & ADDR_MASK);
            }
            super::frame::free(e4 & ADDR_MASK);
            // SAFETY: the PML4 is ours; the entry's subtree was just freed.
            unsafe { core::ptr::write((PHYS_OFFSET + self.pml4 + i4 * 8) as *mut u64, 0) };
        }
        // The space may be the active one (exec); its old pages are gone.
        x86_64::instructions::tlb::flush_all();
    }
}

impl Drop for AddressSpace {
    fn drop(&mut self) {
        self.clear();
        super::frame::free(self.pml4);
    }
}
