//! Operations on ranges of user pages, built on the single-page ones:
//! mapping zero-filled memory, physical ranges (device memory or frames the
//! caller hands over) and walking a user buffer page by page so the kernel
//! can copy to or from it through its direct map.
//!
//! Range checks follow [`crate::usercopy::UserRange`]: anything outside
//! `[USER_BASE, USER_END)` or wrapping around is `FAULT`. A walk checks every
//! page before reporting any, so a copy that fails changes nothing.
//!
//! The walks only ever report RAM the table owns: a [`DEVICE`] page is
//! `FAULT` to them, as an unmapped one is. The kernel reaches the pages a
//! walk reports through its direct map, which covers RAM only; device
//! memory there would mean a kernel page fault (beyond the map), a write to
//! a device register (the LAPIC, say), or, for physical addresses from
//! 2^47 on, a wrap into the user half. So no IPC buffer, debug_write or
//! proc_info target, exec image or safecopy range may lie in device memory.

use super::{PageTableFlags as F, PhysMem, UserPageTable, DEVICE, PAGE_MASK};
use crate::usercopy::{UserRange, PAGE_SIZE};
use molt_abi::Error;

/// Leaf flags of ordinary user memory with the given rights.
pub fn user_flags(write: bool, exec: bool) -> F {
    let mut flags = F::PRESENT | F::USER_ACCESSIBLE;
    if write {
        flags |= F::WRITABLE;
    }
    if !exec {
        flags |= F::NO_EXECUTE;
    }
    flags
}

/// Leaf flags of device memory: read-write, not executable, uncached,
/// marked [`DEVICE`] so it is shared on fork and never freed.
pub const DEVICE_FLAGS: F = F::PRESENT
    .union(F::USER_ACCESSIBLE)
    .union(F::WRITABLE)
    .union(F::NO_EXECUTE)
    .union(F::NO_CACHE)
    .union(DEVICE);

/// The page-aligned range `[va, va + len)` rounded out to whole pages, as
/// (first page, one past the last page), or `FAULT` if it leaves user space.
fn page_span(va: u64, len: u64) -> Result<(u64, u64), Error> {
    let range = UserRange::new(va, len)?;
    let start = range.addr() & !PAGE_MASK;
    // Cannot overflow: the range ends at or below USER_END.
    let end = range.end().next_multiple_of(PAGE_SIZE);
    Ok((start, end))
}

impl UserPageTable {
    /// Maps `pages` consecutive pages at `va` to the physical frames from
    /// `phys` on, all with `flags`: all of them or none. The table owns the
    /// frames from then on unless `flags` has [`DEVICE`].
    ///
    /// Errors: `INVAL` if `va` or `phys` is unaligned (or as for
    /// [`UserPageTable::map`]); `FAULT` if the range leaves user space;
    /// `BUSY` if any page is already mapped; `NOMEM` if tables run out, in
    /// which case the pages mapped so far are unmapped again (the frames
    /// stay the caller's; the new empty tables stay until `clear`).
    pub fn map_range<M: PhysMem>(
        &mut self,
        mem: &mut M,
        va: u64,
        phys: u64,
        pages: u64,
        flags: F,
    ) -> Result<(), Error> {
        if va & PAGE_MASK != 0 || phys & PAGE_MASK != 0 {
            return Err(Error::INVAL);
        }
        let len = pages.checked_mul(PAGE_SIZE).ok_or(Error::FAULT)?;
        phys.checked_add(len).ok_or(Error::INVAL)?;
        let (start, end) = page_span(va, len)?;
        if (start..end)
            .step_by(PAGE_SIZE as usize)
            .any(|page| self.translate(mem, page).is_some())
        {
            return Err(Error::BUSY);
        }
        let mut offset = 0;
        while start + offset < end {
            if let Err(e) = self.map(mem, start + offset, phys + offset, flags) {
                for done in (0..offset).step_by(PAGE_SIZE as usize) {
                    self.unmap(mem, start + done);
                }
                return Err(e);
            }
            offset += PAGE_SIZE;
        }
        Ok(())
    }

    /// Maps the device memory `[phys, phys + len)` (`len` rounded up to
    /// whole pages) at `va` with [`DEVICE_FLAGS`]. `INVAL` for an empty or
    /// unaligned range, otherwise as [`UserPageTable::map_range`].
    pub fn map_device<M: PhysMem>(
        &mut self,
        mem: &mut M,
        va: u64,
        phys: u64,
        len: u64,
    ) -> Result<(), Error> {
        if len == 0 {
            return Err(Error::INVAL);
        }
        self.map_range(mem, va, phys, len.div_ceil(PAGE_SIZE), DEVICE_FLAGS)
    }

    /// Maps fresh zero-filled pages with `flags` over `[va, va + len)`,
    /// rounded out to whole pages. Pages already mapped keep their frame,
    /// flags and contents (ELF segments may share a page).
    ///
    /// Errors: `FAULT` if the range leaves user space; `INVAL` if `flags`
    /// has [`DEVICE`] (the fresh frames would never be freed) or is refused
    /// by [`UserPageTable::map`]; `NOMEM` when frames run out. The pages
    /// mapped before a failure stay mapped and owned by the table, which
    /// frees them on `clear`: nothing leaks.
    pub fn map_zeroed<M: PhysMem>(
        &mut self,
        mem: &mut M,
        va: u64,
        len: u64,
        flags: F,
    ) -> Result<(), Error> {
        if flags.contains(DEVICE) {
            return Err(Error::INVAL);
        }
        let (start, end) = page_span(va, len)?;
        for page in (start..end).step_by(PAGE_SIZE as usize) {
            if self.translate(mem, page).is_some() {
                continue;
            }
            let frame = mem.alloc_zeroed().ok_or(Error::NOMEM)?;
            if let Err(e) = self.map(mem, page, frame, flags) {
                mem.free(frame);
                return Err(e);
            }
        }
        Ok(())
    }

    /// Walks the user buffer `[va, va + len)`: first checks that every page
    /// is a mapped user page of RAM (and writable, if `write`), then calls
    /// `f(phys, done, n)` for each piece in address order, where the `n`
    /// bytes at physical `phys` are bytes `done..done + n` of the buffer.
    /// `FAULT` (before any call) if a page is missing, read-only or device
    /// memory.
    pub fn for_each_piece<M: PhysMem>(
        &self,
        mem: &M,
        va: u64,
        len: u64,
        write: bool,
        mut f: impl FnMut(u64, usize, usize),
    ) -> Result<(), Error> {
        let range = UserRange::new(va, len)?;
        // Fast path (every IPC message): the buffer lies in one page.
        if let Some(pa) = self.single_page(mem, va, len, write)? {
            f(pa, 0, len as usize);
            return Ok(());
        }
        for chunk in range.pages() {
            // Checked by single_page; a page cannot vanish under `&self`.
            let (frame, _) = self.translate_user(mem, chunk.page).ok_or(Error::FAULT)?;
            f(frame + chunk.offset as u64, chunk.done, chunk.len);
        }
        Ok(())
    }

    /// Checks that `[va, va + len)` is mapped RAM, not device memory
    /// (writable, if `write`), and
    /// if it lies within one page returns the physical address of `va`, so
    /// the kernel can reach a small buffer with one walk; `Ok(None)` if the
    /// buffer is empty or spans pages (all of them checked).
    #[inline]
    pub fn single_page<M: PhysMem>(
        &self,
        mem: &M,
        va: u64,
        len: u64,
        write: bool,
    ) -> Result<Option<u64>, Error> {
        let range = UserRange::new(va, len)?;
        if range.is_empty() {
            return Ok(None);
        }
        if (va ^ (range.end() - 1)) & !PAGE_MASK != 0 {
            return self.check_pages(mem, range, write).map(|()| None);
        }
        match self.translate_user(mem, va) {
            Some((pa, flags)) if allowed(flags, write) => Ok(Some(pa)),
            _ => Err(Error::FAULT),
        }
    }

    /// Checks every page of `range` (the slow path of `single_page`).
    #[inline(never)]
    fn check_pages<M: PhysMem>(&self, mem: &M, range: UserRange, write: bool) -> Result<(), Error> {
        for chunk in range.pages() {
            match self.translate_user(mem, chunk.page) {
                Some((_, flags)) if allowed(flags, write) => {}
                _ => return Err(Error::FAULT),
            }
        }
        Ok(())
    }
}

/// Whether the kernel may access a page with `flags` for a copy (write
/// to it, if `write`): never a [`DEVICE`] page.
#[inline(always)]
fn allowed(flags: F, write: bool) -> bool {
    !flags.contains(DEVICE) && (!write || flags.contains(F::WRITABLE))
}
