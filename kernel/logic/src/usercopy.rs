//! User address ranges: a (pointer, length) pair from a system call, checked
//! to lie wholly in user space before the kernel touches it.
//!
//! A [`UserRange`] can only be built by [`UserRange::new`], which refuses
//! (with `FAULT`) any range that starts below [`USER_BASE`], ends above
//! [`USER_END`] or wraps around. The kernel then walks it page by page with
//! [`UserRange::pages`], translating each page through the process's page
//! table (where a missing or wrongly-permissioned page is again `FAULT`), so
//! no kernel code ever forms a pointer from an unchecked user number.

use molt_abi::Error;

/// Lowest user address: page 0 is never mapped.
pub const USER_BASE: u64 = 0x1000;
/// One past the highest user address (the canonical lower half, minus its
/// last page, which stays unmapped as a guard against `sysret` quirks).
pub const USER_END: u64 = 0x0000_7fff_ffff_f000;
/// Page size used for the walk.
pub const PAGE_SIZE: u64 = 4096;

/// A checked range `[addr, addr + len)` of user memory.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct UserRange {
    addr: u64,
    len: u64,
}

impl UserRange {
    /// Checks that `[addr, addr + len)` lies inside `[USER_BASE, USER_END)`.
    /// An empty range is accepted anywhere in `[USER_BASE, USER_END]`.
    pub fn new(addr: u64, len: u64) -> Result<UserRange, Error> {
        let end = addr.checked_add(len).ok_or(Error::FAULT)?;
        if addr < USER_BASE || end > USER_END {
            return Err(Error::FAULT);
        }
        Ok(UserRange { addr, len })
    }

    /// First address.
    pub fn addr(&self) -> u64 {
        self.addr
    }

    /// Length in bytes.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// True if the range is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// One past the last address.
    pub fn end(&self) -> u64 {
        self.addr + self.len
    }

    /// The sub-range `[offset, offset + len)` of this range, or `FAULT` if
    /// it does not lie inside.
    pub fn sub(&self, offset: u64, len: u64) -> Result<UserRange, Error> {
        let end = offset.checked_add(len).ok_or(Error::FAULT)?;
        if end > self.len {
            return Err(Error::FAULT);
        }
        Ok(UserRange {
            addr: self.addr + offset,
            len,
        })
    }

    /// The pieces of the range, one per page it touches, in address order.
    pub fn pages(&self) -> Pages {
        Pages {
            next: self.addr,
            end: self.end(),
            done: 0,
        }
    }
}

/// The part of a user range that lies in one page.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct PageChunk {
    /// Page-aligned address of the page.
    pub page: u64,
    /// Offset of the first byte inside the page.
    pub offset: usize,
    /// Bytes in this page (1..=4096).
    pub len: usize,
    /// Bytes of the range before this chunk: where this chunk goes in (or
    /// comes from) the kernel-side buffer.
    pub done: usize,
}

/// Iterator over the [`PageChunk`]s of a [`UserRange`].
#[derive(Clone, Debug)]
pub struct Pages {
    next: u64,
    end: u64,
    done: usize,
}

impl Iterator for Pages {
    type Item = PageChunk;

    fn next(&mut self) -> Option<PageChunk> {
        if self.next >= self.end {
            return None;
        }
        let page = self.next & !(PAGE_SIZE - 1);
        let offset = self.next - page;
        // `page + PAGE_SIZE` cannot overflow: the range ends below USER_END.
        let len = (page + PAGE_SIZE).min(self.end) - self.next;
        let chunk = PageChunk {
            page,
            offset: offset as usize,
            len: len as usize,
            done: self.done,
        };
        self.next += len;
        self.done += len as usize;
        Some(chunk)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds() {
        assert!(UserRange::new(USER_BASE, 0).is_ok());
        assert!(UserRange::new(USER_BASE, 1).is_ok());
        assert!(UserRange::new(USER_END - 1, 1).is_ok());
        assert!(UserRange::new(USER_END, 0).is_ok());
        assert!(UserRange::new(USER_BASE, USER_END - USER_BASE).is_ok());
        assert_eq!(UserRange::new(0, 8), Err(Error::FAULT));
        assert_eq!(UserRange::new(USER_BASE - 1, 8), Err(Error::FAULT));
        assert_eq!(UserRange::new(USER_END - 1, 2), Err(Error::FAULT));
        assert_eq!(UserRange::new(USER_END, 1), Err(Error::FAULT));
        assert_eq!(UserRange::new(0xffff_8000_0000_0000, 8), Err(Error::FAULT));
        assert_eq!(UserRange::new(USER_BASE, u64::MAX), Err(Error::FAULT));
        assert_eq!(UserRange::new(u64::MAX, 2), Err(Error::FAULT));
    }

    #[test]
    fn sub_ranges() {
        let r = UserRange::new(0x5000, 100).unwrap();
        assert_eq!(r.sub(10, 90).unwrap(), UserRange::new(0x500a, 90).unwrap());
        assert_eq!(r.sub(100, 0).unwrap().len(), 0);
        assert_eq!(r.sub(10, 91), Err(Error::FAULT));
        assert_eq!(r.sub(u64::MAX, 2), Err(Error::FAULT));
    }

    #[test]
    fn page_walk() {
        let r = UserRange::new(0x1ff0, 0x2020).unwrap();
        let chunks: Vec<PageChunk> = r.pages().collect();
        assert_eq!(
            chunks,
            [
                PageChunk {
                    page: 0x1000,
                    offset: 0xff0,
                    len: 0x10,
                    done: 0
                },
                PageChunk {
                    page: 0x2000,
                    offset: 0,
                    len: 0x1000,
                    done: 0x10
                },
                PageChunk {
                    page: 0x3000,
                    offset: 0,
                    len: 0x1000,
                    done: 0x1010
                },
                PageChunk {
                    page: 0x4000,
                    offset: 0,
                    len: 0x10,
                    done: 0x2010
                },
            ]
        );
        assert_eq!(UserRange::new(0x3000, 0).unwrap().pages().count(), 0);
        let one = UserRange::new(0x3000, 0x1000).unwrap();
        assert_eq!(
            one.pages().collect::<Vec<_>>(),
            [PageChunk {
                page: 0x3000,
                offset: 0,
                len: 0x1000,
                done: 0
            }]
        );
        let last = UserRange::new(USER_END - 5, 5).unwrap();
        assert_eq!(last.pages().count(), 1);
        let total: usize = UserRange::new(0x1234, 0x12345)
            .unwrap()
            .pages()
            .map(|c| c.len)
            .sum();
        assert_eq!(total, 0x12345);
    }
}
