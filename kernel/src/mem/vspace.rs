//! User address spaces.
//!
//! Each process has its own PML4, kept by
//! [`molt_kernel_logic::pagetable::UserPageTable`] (host-tested): its lower
//! half holds the process's pages, all with the USER bit; its upper half is
//! a copy of the kernel's entries, which carry no USER bit. This file only
//! supplies physical memory ([`DirectMap`]: the direct map and the frame
//! allocator), the TLB flushes, and the copies to and from user memory. A
//! bad user pointer becomes `FAULT`, never a kernel page fault.

use super::phys::{self, PHYS_OFFSET};
use molt_abi::Error;
use molt_kernel_logic::pagetable::{user_flags, PhysMem, UserPageTable};

pub use molt_kernel_logic::usercopy::USER_END;

/// Physical memory as the page-table code reaches it: page-table words
/// through the direct map, frames from the kernel's frame allocator.
struct DirectMap;

impl PhysMem for DirectMap {
    #[inline(always)]
    fn read_u64(&self, phys: u64) -> u64 {
        phys::read::<u64>(phys)
    }

    fn write_u64(&mut self, phys: u64, value: u64) {
        // SAFETY: `phys` is an entry of a page table this kernel allocated
        // (the page-table code only writes its own tables), inside the
        // direct map; the address space is borrowed mutably by the caller.
        unsafe { core::ptr::write((PHYS_OFFSET + phys) as *mut u64, value) }
    }

    fn alloc_zeroed(&mut self) -> Option<u64> {
        super::frame::alloc_zeroed()
    }

    fn free(&mut self, phys: u64) {
        super::frame::free(phys)
    }

    fn copy_frame(&mut self, dst: u64, src: u64) {
        phys::copy_frame(dst, src)
    }
}

/// A user address space.
pub struct AddressSpace {
    table: UserPageTable,
}

/// Page rights for [`AddressSpace::map_zeroed`].
#[derive(Clone, Copy)]
pub struct Rights {
    pub write: bool,
    pub exec: bool,
}

impl AddressSpace {
    /// An empty address space that shares the kernel half.
    pub fn new() -> Result<AddressSpace, Error> {
        let table = UserPageTable::new(&mut DirectMap, super::paging::kernel_pml4())?;
        Ok(AddressSpace { table })
    }

    /// Physical address of the PML4 (for CR3).
    pub fn root(&self) -> u64 {
        self.table.root()
    }

    /// Maps zero-filled pages over `[va, va+len)` (page-rounded). Pages
    /// already mapped are left as they are, with their contents.
    pub fn map_zeroed(&mut self, va: u64, len: u64, rights: Rights) -> Result<(), Error> {
        self.table.map_zeroed(&mut DirectMap, va, len, user_flags(rights.write, rights.exec))
    }

    /// Maps device memory `[phys, phys+len)` at `va`, uncached, shared.
    pub fn map_device(&mut self, va: u64, phys: u64, len: u64) -> Result<(), Error> {
        let result = self.table.map_device(&mut DirectMap, va, phys, len);
        if result.is_err() {
            // A failed range may have been mapped in part and unmapped again.
            x86_64::instructions::tlb::flush_all();
        }
        result
    }

    /// The physical address of `[va, va+len)` if the range lies in one
    /// user page (writable, if `write`); `None` if it crosses a page;
    /// FAULT if it is not mapped as asked.
    pub fn single_page(&self, va: u64, len: usize, write: bool) -> Result<Option<u64>, Error> {
        if len == 0 {
            return Err(Error::FAULT);
        }
        self.table.single_page(&DirectMap, va, len as u64, write)
    }

    /// Checks that `[va, va+len)` is mapped, without touching it.
    pub fn check_readable(&self, va: u64, len: usize) -> Result<(), Error> {
        self.table.for_each_piece(&DirectMap, va, len as u64, false, |_, _, _| {})
    }

    /// Maps `pages` frames starting at `phys` (owned from now on by this
    /// space, freed with it) at `va`, read-write.
    pub fn map_owned_frames(&mut self, va: u64, phys: u64, pages: usize) -> Result<(), Error> {
        for i in 0..pages as u64 {
            phys::zero_frame(phys + i * 4096);
        }
        let result = self.table.map_range(&mut DirectMap, va, phys, pages as u64, user_flags(true, false));
        if result.is_err() {
            x86_64::instructions::tlb::flush_all();
        }
        result
    }

    /// Checks that `[va, va+len)` is mapped writable, without touching it.
    pub fn check_writable(&self, va: u64, len: usize) -> Result<(), Error> {
        self.table.for_each_piece(&DirectMap, va, len as u64, true, |_, _, _| {})
    }

    /// Copies user memory at `va` into `buf`.
    pub fn read(&self, va: u64, buf: &mut [u8]) -> Result<(), Error> {
        self.table.for_each_piece(&DirectMap, va, buf.len() as u64, false, |pa, off, n| {
            buf[off..off + n].copy_from_slice(phys::bytes(pa, n));
        })
    }

    /// Copies `buf` into user memory at `va`, even into read-only pages:
    /// for the kernel's ELF loader only.
    pub fn fill(&self, va: u64, buf: &[u8]) -> Result<(), Error> {
        self.table.for_each_piece(&DirectMap, va, buf.len() as u64, false, |pa, off, n| {
            // SAFETY: pa..pa+n is a page of this (not yet running) address
            // space; the kernel holds no other reference into it.
            let dst = unsafe { phys::bytes_mut(pa, n) };
            dst.copy_from_slice(&buf[off..off + n]);
        })
    }

    /// Copies `buf` into user memory at `va`.
    pub fn write(&self, va: u64, buf: &[u8]) -> Result<(), Error> {
        self.table.for_each_piece(&DirectMap, va, buf.len() as u64, true, |pa, off, n| {
            // SAFETY: pa..pa+n is a user page of this address space, checked
            // writable; the kernel holds no other reference into it.
            let dst = unsafe { phys::bytes_mut(pa, n) };
            dst.copy_from_slice(&buf[off..off + n]);
        })
    }

    /// A copy of this address space: every private page is duplicated,
    /// device pages are shared.
    pub fn fork(&self) -> Result<AddressSpace, Error> {
        Ok(AddressSpace { table: self.table.fork(&mut DirectMap)? })
    }

    /// Unmaps and frees every user page and table.
    pub fn clear(&mut self) {
        self.table.clear(&mut DirectMap);
        // The space may be the active one (exec); its old pages are gone.
        x86_64::instructions::tlb::flush_all();
    }
}

impl Drop for AddressSpace {
    fn drop(&mut self) {
        self.clear();
        super::frame::free(self.table.root());
    }
}
