//! The boot archive: the server binaries and the compiled boot manifest,
//! packed by the host tool and handed to the kernel through QEMU's
//! `-initrd`.
//!
//! Format (all integers little-endian):
//!
//! ```text
//! offset 0   magic    "MOLTBOOT"               8 bytes
//!        8   version  u32 = 1
//!       12   count    u32 (<= MAX_ENTRIES)
//!       16   size     u64: total archive size in bytes
//!       24   count entries of 48 bytes:
//!              name    32 bytes, UTF-8, NUL padded, 1..=32 bytes, unique
//!              offset  u64, from the archive start, a multiple of 8
//!              length  u64
//!            data, each entry's bytes at its offset, in entry order
//! ```
//!
//! The reader checks everything once in [`Archive::parse`] (table and data
//! inside `size`, `size` inside the buffer, alignment, names, entries in
//! increasing non-overlapping order) so lookups afterwards cannot fail.
//! The loader may hand the kernel a buffer longer than `size` (page
//! padding); the excess is ignored.

use crate::bytes::{padded_name, slice_at, u32_at, u64_at};

/// Magic bytes at the start of every archive.
pub const MAGIC: &[u8; 8] = b"MOLTBOOT";
/// The format version this code reads and writes.
pub const VERSION: u32 = 1;
/// Most entries an archive may hold.
pub const MAX_ENTRIES: usize = 128;
/// Longest entry name, in bytes.
pub const NAME_LEN: usize = 32;
/// Alignment of each entry's data.
pub const DATA_ALIGN: usize = 8;

const HEADER_SIZE: usize = 24;
const ENTRY_SIZE: usize = NAME_LEN + 16;

/// Why an archive was refused.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum BootfsError {
    /// Shorter than the header, or than the size the header gives.
    Truncated,
    /// Wrong magic bytes.
    BadMagic,
    /// Unknown format version.
    BadVersion,
    /// More than [`MAX_ENTRIES`] entries.
    TooManyEntries,
    /// The entry table does not fit in the archive.
    TableOutOfBounds,
    /// A name is empty, too long, not UTF-8, or contains NUL.
    BadName,
    /// Two entries have the same name.
    DuplicateName,
    /// An entry's data offset is not a multiple of [`DATA_ALIGN`].
    Misaligned,
    /// An entry's data lies outside the archive or overlaps the table.
    DataOutOfBounds,
    /// Entries' data overlap or are not in entry order.
    DataOverlap,
}

impl BootfsError {
    /// One line for the log.
    pub const fn text(self) -> &'static str {
        match self {
            BootfsError::Truncated => "boot archive truncated",
            BootfsError::BadMagic => "not a boot archive (bad magic)",
            BootfsError::BadVersion => "unsupported boot archive version",
            BootfsError::TooManyEntries => "too many entries in boot archive",
            BootfsError::TableOutOfBounds => "boot archive entry table out of bounds",
            BootfsError::BadName => "bad entry name in boot archive",
            BootfsError::DuplicateName => "duplicate entry name in boot archive",
            BootfsError::Misaligned => "misaligned entry data in boot archive",
            BootfsError::DataOutOfBounds => "entry data out of bounds in boot archive",
            BootfsError::DataOverlap => "entry data overlap in boot archive",
        }
    }
}

/// A validated boot archive.
#[derive(Clone, Copy, Debug)]
pub struct Archive<'a> {
    /// The archive, cut to the size its header gives.
    bytes: &'a [u8],
    count: usize,
}

impl<'a> Archive<'a> {
    /// Validates `bytes` as a boot archive.
    pub fn parse(bytes: &'a [u8]) -> Result<Archive<'a>, BootfsError> {
        if slice_at(bytes, 0, 8) != Some(&MAGIC[..]) {
            return Err(if bytes.len() < 8 {
                BootfsError::Truncated
            } else {
                BootfsError::BadMagic
            });
        }
        let version = u32_at(bytes, 8).ok_or(BootfsError::Truncated)?;
        let count = u32_at(bytes, 12).ok_or(BootfsError::Truncated)?;
        let size = u64_at(bytes, 16).ok_or(BootfsError::Truncated)?;
        if version != VERSION {
            return Err(BootfsError::BadVersion);
        }
        let count = count as usize;
        if count > MAX_ENTRIES {
            return Err(BootfsError::TooManyEntries);
        }
        let size = usize::try_from(size).map_err(|_| BootfsError::Truncated)?;
        let bytes = bytes.get(..size).ok_or(BootfsError::Truncated)?;
        let table_end = HEADER_SIZE + count * ENTRY_SIZE;
        if table_end > size {
            return Err(BootfsError::TableOutOfBounds);
        }
        let archive = Archive { bytes, count };
        let mut data_end = table_end;
        for i in 0..count {
            let raw = archive.raw_entry(i).ok_or(BootfsError::TableOutOfBounds)?;
            let name = padded_name(raw.name).ok_or(BootfsError::BadName)?;
            if raw.offset % DATA_ALIGN as u64 != 0 {
                return Err(BootfsError::Misaligned);
            }
            let start = usize::try_from(raw.offset).map_err(|_| BootfsError::DataOutOfBounds)?;
            let end = usize::try_from(raw.length)
                .ok()
                .and_then(|len| start.checked_add(len))
                .filter(|&end| end <= size)
                .ok_or(BootfsError::DataOutOfBounds)?;
            if start < table_end {
                return Err(BootfsError::DataOutOfBounds);
            }
            if start < data_end {
                return Err(BootfsError::DataOverlap);
            }
            data_end = end;
            if archive.iter().take(i).any(|(earlier, _)| earlier == name) {
                return Err(BootfsError::DuplicateName);
            }
        }
        Ok(archive)
    }

    /// The data of the entry called `name`.
    pub fn get(&self, name: &str) -> Option<&'a [u8]> {
        self.iter().find(|&(n, _)| n == name).map(|(_, data)| data)
    }

    /// The index of the entry called `name`.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.iter().position(|(n, _)| n == name)
    }

    /// Entry `index` as (name, data).
    pub fn entry(&self, index: usize) -> Option<(&'a str, &'a [u8])> {
        if index >= self.count {
            return None;
        }
        let raw = self.raw_entry(index)?;
        let name = padded_name(raw.name)?;
        let data = slice_at(
            self.bytes,
            usize::try_from(raw.offset).ok()?,
            usize::try_from(raw.length).ok()?,
        )?;
        Some((name, data))
    }

    /// Every entry as (name, data), in archive order.
    pub fn iter(&self) -> impl Iterator<Item = (&'a str, &'a [u8])> + '_ {
        (0..self.count).filter_map(move |i| self.entry(i))
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.count
    }

    /// True if the archive has no entries.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    fn raw_entry(&self, i: usize) -> Option<RawEntry<'a>> {
        let at = HEADER_SIZE + i * ENTRY_SIZE;
        Some(RawEntry {
            name: slice_at(self.bytes, at, NAME_LEN)?,
            offset: u64_at(self.bytes, at + NAME_LEN)?,
            length: u64_at(self.bytes, at + NAME_LEN + 8)?,
        })
    }
}

struct RawEntry<'a> {
    name: &'a [u8],
    offset: u64,
    length: u64,
}

/// Packs `entries` (name, data) into an archive, in the given order.
#[cfg(any(test, feature = "std"))]
pub fn write_archive(entries: &[(&str, &[u8])]) -> Result<Vec<u8>, BootfsError> {
    if entries.len() > MAX_ENTRIES {
        return Err(BootfsError::TooManyEntries);
    }
    for (i, (name, _)) in entries.iter().enumerate() {
        if name.is_empty() || name.len() > NAME_LEN || name.contains('\0') {
            return Err(BootfsError::BadName);
        }
        if entries[..i].iter().any(|(earlier, _)| earlier == name) {
            return Err(BootfsError::DuplicateName);
        }
    }
    let table_end = HEADER_SIZE + entries.len() * ENTRY_SIZE;
    let mut out = vec![0u8; table_end];
    out[..8].copy_from_slice(MAGIC);
    out[8..12].copy_from_slice(&VERSION.to_le_bytes());
    out[12..16].copy_from_slice(&(entries.len() as u32).to_le_bytes());
    for (i, (name, data)) in entries.iter().enumerate() {
        out.resize(out.len().next_multiple_of(DATA_ALIGN), 0);
        let at = HEADER_SIZE + i * ENTRY_SIZE;
        let offset = out.len() as u64;
        out[at..at + name.len()].copy_from_slice(name.as_bytes());
        out[at + NAME_LEN..at + NAME_LEN + 8].copy_from_slice(&offset.to_le_bytes());
        out[at + NAME_LEN + 8..at + ENTRY_SIZE].copy_from_slice(&(data.len() as u64).to_le_bytes());
        out.extend_from_slice(data);
    }
    let size = out.len() as u64;
    out[16..24].copy_from_slice(&size.to_le_bytes());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testrng::Rng;

    fn sample() -> Vec<u8> {
        write_archive(&[
            ("init", b"\x7fELF init"),
            ("manifest", b"abc"),
            ("empty", b""),
            ("vfs", &[7u8; 1000]),
        ])
        .unwrap()
    }

    #[test]
    fn round_trip() {
        let bytes = sample();
        let a = Archive::parse(&bytes).unwrap();
        assert_eq!(a.len(), 4);
        assert!(!a.is_empty());
        assert_eq!(a.get("init"), Some(&b"\x7fELF init"[..]));
        assert_eq!(a.get("manifest"), Some(&b"abc"[..]));
        assert_eq!(a.get("empty"), Some(&b""[..]));
        assert_eq!(a.get("vfs").unwrap().len(), 1000);
        assert_eq!(a.get("nope"), None);
        assert_eq!(a.index_of("vfs"), Some(3));
        assert_eq!(a.entry(1), Some(("manifest", &b"abc"[..])));
        assert_eq!(a.entry(4), None);
        let names: Vec<&str> = a.iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["init", "manifest", "empty", "vfs"]);
        for (_, data) in a.iter() {
            let off = data.as_ptr() as usize - bytes.as_ptr() as usize;
            assert_eq!(off % DATA_ALIGN, 0);
        }
        let empty = write_archive(&[]).unwrap();
        assert!(Archive::parse(&empty).unwrap().is_empty());
    }

    #[test]
    fn trailing_padding_is_ignored() {
        let mut bytes = sample();
        bytes.extend_from_slice(&[0xAA; 4096]);
        let a = Archive::parse(&bytes).unwrap();
        assert_eq!(a.get("manifest"), Some(&b"abc"[..]));
    }

    #[test]
    fn writer_refuses_bad_input() {
        assert_eq!(write_archive(&[("", b"")]), Err(BootfsError::BadName));
        assert_eq!(write_archive(&[("a\0b", b"")]), Err(BootfsError::BadName));
        let long = "x".repeat(33);
        assert_eq!(write_archive(&[(&long, b"")]), Err(BootfsError::BadName));
        assert!(write_archive(&[(&long[..32], b"")]).is_ok());
        assert_eq!(
            write_archive(&[("a", b""), ("a", b"")]),
            Err(BootfsError::DuplicateName)
        );
        let names: Vec<String> = (0..=MAX_ENTRIES).map(|i| format!("m{i}")).collect();
        let many: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b""[..])).collect();
        assert_eq!(write_archive(&many), Err(BootfsError::TooManyEntries));
        assert!(write_archive(&many[..MAX_ENTRIES]).is_ok());
    }

    fn set_u64(b: &mut [u8], at: usize, v: u64) {
        b[at..at + 8].copy_from_slice(&v.to_le_bytes());
    }

    #[test]
    fn reader_refuses_corruption() {
        let good = sample();
        let entry = |i: usize| HEADER_SIZE + i * ENTRY_SIZE;
        let check = |f: &dyn Fn(&mut Vec<u8>), err: BootfsError| {
            let mut b = good.clone();
            f(&mut b);
            assert_eq!(Archive::parse(&b).map(|_| ()), Err(err));
        };
        check(&|b| b.truncate(5), BootfsError::Truncated);
        check(&|b| b.truncate(20), BootfsError::Truncated);
        check(&|b| b[0] = b'X', BootfsError::BadMagic);
        check(&|b| b[8] = 2, BootfsError::BadVersion);
        check(&|b| b[12] = 200, BootfsError::TooManyEntries);
        check(&|b| b.truncate(b.len() - 1), BootfsError::Truncated);
        check(&|b| set_u64(b, 16, u64::MAX), BootfsError::Truncated);
        check(&|b| set_u64(b, 16, 30), BootfsError::TableOutOfBounds);
        check(&|b| b[entry(1)] = 0, BootfsError::BadName);
        check(&|b| b[entry(1) + 1] = 0xff, BootfsError::BadName);
        check(&|b| b[entry(1) + 31] = b'z', BootfsError::BadName);
        check(
            &|b| b[entry(1)..entry(1) + 9].copy_from_slice(b"init\0\0\0\0\0"),
            BootfsError::DuplicateName,
        );
        check(&|b| set_u64(b, entry(0) + 32, 3), BootfsError::Misaligned);
        check(
            &|b| set_u64(b, entry(0) + 32, 8),
            BootfsError::DataOutOfBounds,
        );
        check(
            &|b| set_u64(b, entry(3) + 40, 1001),
            BootfsError::DataOutOfBounds,
        );
        check(
            &|b| set_u64(b, entry(3) + 40, u64::MAX),
            BootfsError::DataOutOfBounds,
        );
        check(
            &|b| set_u64(b, entry(3) + 32, u64::MAX - 7),
            BootfsError::DataOutOfBounds,
        );
        check(
            &|b| set_u64(b, entry(0) + 40, 100),
            BootfsError::DataOverlap,
        );
        check(
            &|b| {
                let first = u64_at(b, entry(0) + 32).unwrap();
                set_u64(b, entry(3) + 32, first);
            },
            BootfsError::DataOverlap,
        );
    }

    #[test]
    fn random_corruption_never_panics() {
        let mut rng = Rng::new(3);
        let good = sample();
        for _ in 0..30_000 {
            let mut b = good.clone();
            for _ in 0..rng.below(6) + 1 {
                let i = rng.below(HEADER_SIZE as u64 + 4 * ENTRY_SIZE as u64) as usize;
                b[i] = rng.next() as u8;
            }
            if rng.below(8) == 0 {
                b.truncate(rng.below(b.len() as u64) as usize);
            }
            if let Ok(a) = Archive::parse(&b) {
                for (name, data) in a.iter() {
                    assert_eq!(a.get(name).map(<[u8]>::len), Some(data.len()));
                }
                assert_eq!(a.iter().count(), a.len());
            }
        }
        let mut buf = vec![0u8; 512];
        for _ in 0..10_000 {
            rng.fill(&mut buf);
            buf[..8].copy_from_slice(MAGIC);
            let _ = Archive::parse(&buf);
        }
    }
}
