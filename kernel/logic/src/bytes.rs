//! Bounds-checked little-endian readers for the binary formats this crate
//! parses (ELF, the boot archive, the compiled manifest). Every read returns
//! `None` instead of panicking when it would run past the end.

pub fn u8_at(b: &[u8], off: usize) -> Option<u8> {
    b.get(off).copied()
}

pub fn u16_at(b: &[u8], off: usize) -> Option<u16> {
    Some(u16::from_le_bytes(array_at(b, off)?))
}

pub fn u32_at(b: &[u8], off: usize) -> Option<u32> {
    Some(u32::from_le_bytes(array_at(b, off)?))
}

pub fn u64_at(b: &[u8], off: usize) -> Option<u64> {
    Some(u64::from_le_bytes(array_at(b, off)?))
}

/// `len` bytes at `off`.
pub fn slice_at(b: &[u8], off: usize, len: usize) -> Option<&[u8]> {
    b.get(off..off.checked_add(len)?)
}

fn array_at<const N: usize>(b: &[u8], off: usize) -> Option<[u8; N]> {
    slice_at(b, off, N)?.try_into().ok()
}

/// A name stored NUL-padded in a fixed field: the bytes before the first
/// NUL, which must be valid UTF-8 and nonempty, with only NULs after it.
pub fn padded_name(field: &[u8]) -> Option<&str> {
    let len = field.iter().position(|&c| c == 0).unwrap_or(field.len());
    if len == 0 || field[len..].iter().any(|&c| c != 0) {
        return None;
    }
    core::str::from_utf8(&field[..len]).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_are_bounds_checked() {
        let b = [1u8, 2, 3, 4, 5, 6, 7, 8, 9];
        assert_eq!(u8_at(&b, 8), Some(9));
        assert_eq!(u8_at(&b, 9), None);
        assert_eq!(u16_at(&b, 0), Some(0x0201));
        assert_eq!(u32_at(&b, 5), Some(0x0908_0706));
        assert_eq!(u32_at(&b, 6), None);
        assert_eq!(u64_at(&b, 1), Some(0x0908_0706_0504_0302));
        assert_eq!(u64_at(&b, 2), None);
        assert_eq!(u64_at(&b, usize::MAX), None);
        assert_eq!(slice_at(&b, usize::MAX, 2), None);
        assert_eq!(slice_at(&b, 9, 0), Some(&[][..]));
    }

    #[test]
    fn padded_names() {
        assert_eq!(padded_name(b"abc\0\0"), Some("abc"));
        assert_eq!(padded_name(b"abcde"), Some("abcde"));
        assert_eq!(padded_name(b"\0\0\0"), None);
        assert_eq!(padded_name(b"ab\0c\0"), None);
        assert_eq!(padded_name(b"\xff\0"), None);
    }
}
