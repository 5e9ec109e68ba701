//! ELF64 executable parsing and validation for the loader.
//!
//! Design: `parse` reads only the ELF header and the program headers and
//! returns the loadable segments as plain numbers; the kernel then maps
//! fresh pages for each segment and copies `filesz` bytes from the image
//! (zeroing the rest up to `memsz`). Everything the kernel will rely on is
//! checked here first, so a hostile image is refused with an [`ElfError`]
//! rather than making the loader map kernel memory, read past the image or
//! overflow an address:
//! - identity: magic, 64-bit class, little-endian, version 1, x86-64,
//!   `ET_EXEC` (static executables only; `PT_INTERP` is refused);
//! - structure: header sizes, program header table inside the file;
//! - each `PT_LOAD`: `filesz <= memsz`, file bytes inside the image, no
//!   address overflow, pages inside `[USER_MIN, user_limit)`, no two
//!   segments sharing a page (the kernel maps pages with one segment's
//!   permissions each), at most [`MAX_SEGMENTS`];
//! - the entry point lies in an executable segment.

use crate::bytes::{u16_at, u32_at, u64_at, u8_at};

/// Most `PT_LOAD` segments an image may have.
pub const MAX_SEGMENTS: usize = 16;
/// Lowest address a segment may use: page 0 stays unmapped so NULL faults.
pub const USER_MIN: u64 = 0x1000;
const PAGE: u64 = 4096;

const EHDR_SIZE: usize = 64;
const PHDR_SIZE: usize = 56;
const ELFCLASS64: u8 = 2;
const ELFDATA2LSB: u8 = 1;
const EV_CURRENT: u8 = 1;
const ET_EXEC: u16 = 2;
const EM_X86_64: u16 = 62;
const PT_LOAD: u32 = 1;
const PT_INTERP: u32 = 3;
const PF_X: u32 = 1;
const PF_W: u32 = 2;
const PF_R: u32 = 4;

/// Why an image was refused.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ElfError {
    /// Shorter than an ELF header.
    TooShort,
    /// Does not start with `\x7fELF`.
    BadMagic,
    /// Not ELFCLASS64.
    NotElf64,
    /// Not little-endian.
    NotLittleEndian,
    /// ELF version is not 1.
    BadVersion,
    /// Not an `ET_EXEC` executable.
    NotExecutable,
    /// Not for x86-64.
    WrongMachine,
    /// `e_ehsize` or `e_phentsize` is not the ELF64 size.
    BadHeaderSize,
    /// The program header table runs past the end of the file.
    ProgramHeadersOutOfFile,
    /// The image asks for a dynamic loader.
    NeedsInterpreter,
    /// More than [`MAX_SEGMENTS`] loadable segments.
    TooManySegments,
    /// No loadable segment.
    NoLoadSegments,
    /// A segment's file size exceeds its memory size.
    FileSizeExceedsMemSize,
    /// A segment's file bytes lie outside the image.
    SegmentOutOfFile,
    /// A segment's address range wraps around.
    AddressOverflow,
    /// A segment lies (partly) outside `[USER_MIN, user_limit)`.
    SegmentOutsideUserSpace,
    /// Two segments share a page.
    SegmentsOverlap,
    /// The entry point is not inside an executable segment.
    EntryNotExecutable,
}

impl ElfError {
    /// One line for the log.
    pub const fn text(self) -> &'static str {
        match self {
            ElfError::TooShort => "image shorter than an ELF header",
            ElfError::BadMagic => "not an ELF file",
            ElfError::NotElf64 => "not a 64-bit ELF",
            ElfError::NotLittleEndian => "not little-endian",
            ElfError::BadVersion => "unknown ELF version",
            ElfError::NotExecutable => "not a static executable (ET_EXEC)",
            ElfError::WrongMachine => "not an x86-64 executable",
            ElfError::BadHeaderSize => "bad ELF or program header size",
            ElfError::ProgramHeadersOutOfFile => "program headers outside the file",
            ElfError::NeedsInterpreter => "dynamically linked (PT_INTERP)",
            ElfError::TooManySegments => "too many loadable segments",
            ElfError::NoLoadSegments => "no loadable segment",
            ElfError::FileSizeExceedsMemSize => "segment file size exceeds memory size",
            ElfError::SegmentOutOfFile => "segment data outside the file",
            ElfError::AddressOverflow => "segment address overflows",
            ElfError::SegmentOutsideUserSpace => "segment outside user space",
            ElfError::SegmentsOverlap => "segments share a page",
            ElfError::EntryNotExecutable => "entry point not in an executable segment",
        }
    }
}

impl From<ElfError> for molt_abi::Error {
    fn from(_: ElfError) -> molt_abi::Error {
        molt_abi::Error::NOEXEC
    }
}

/// Access rights of a segment.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct SegmentFlags {
    pub readable: bool,
    pub writable: bool,
    pub executable: bool,
}

/// One `PT_LOAD` segment: map `[vaddr, vaddr + memsz)`, copy `filesz` bytes
/// from `image[offset..]` to `vaddr`, zero the rest.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct LoadSegment {
    pub vaddr: u64,
    pub memsz: u64,
    pub offset: u64,
    pub filesz: u64,
    pub flags: SegmentFlags,
}

impl LoadSegment {
    /// First page address of the segment.
    pub fn page_start(&self) -> u64 {
        self.vaddr & !(PAGE - 1)
    }

    /// One past the last page of the segment (validated not to overflow).
    pub fn page_end(&self) -> u64 {
        (self.vaddr + self.memsz).div_ceil(PAGE) * PAGE
    }

    /// The segment's bytes in the image it was parsed from
    /// (`None` only if `image` is not that image).
    pub fn file_bytes<'a>(&self, image: &'a [u8]) -> Option<&'a [u8]> {
        let start = usize::try_from(self.offset).ok()?;
        let len = usize::try_from(self.filesz).ok()?;
        image.get(start..start.checked_add(len)?)
    }
}

/// A validated executable: where to start and what to load.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct ElfImage {
    pub entry: u64,
    pub segments: [LoadSegment; MAX_SEGMENTS],
    pub count: usize,
}

impl ElfImage {
    /// The loadable segments, in file order.
    pub fn segments(&self) -> &[LoadSegment] {
        &self.segments[..self.count.min(MAX_SEGMENTS)]
    }
}

/// Parses and validates `image` as a static x86-64 executable whose
/// segments all lie in `[USER_MIN, user_limit)`.
pub fn parse(image: &[u8], user_limit: u64) -> Result<ElfImage, ElfError> {
    let header = check_header(image)?;
    let mut out = ElfImage {
        entry: header.entry,
        segments: [LoadSegment::default(); MAX_SEGMENTS],
        count: 0,
    };
    for i in 0..header.phnum {
        // In the file: checked by `check_header`.
        let ph = header.phoff + i * PHDR_SIZE;
        let p_type = u32_at(image, ph).ok_or(ElfError::ProgramHeadersOutOfFile)?;
        if p_type == PT_INTERP {
            return Err(ElfError::NeedsInterpreter);
        }
        if p_type != PT_LOAD {
            continue;
        }
        let seg = read_segment(image, ph)?;
        if seg.memsz == 0 && seg.filesz == 0 {
            continue; // maps nothing
        }
        check_segment(&seg, image.len(), user_limit)?;
        if out
            .segments()
            .iter()
            .any(|s| s.page_start() < seg.page_end() && seg.page_start() < s.page_end())
        {
            return Err(ElfError::SegmentsOverlap);
        }
        if out.count == MAX_SEGMENTS {
            return Err(ElfError::TooManySegments);
        }
        out.segments[out.count] = seg;
        out.count += 1;
    }
    if out.count == 0 {
        return Err(ElfError::NoLoadSegments);
    }
    let entry_ok = out
        .segments()
        .iter()
        .any(|s| s.flags.executable && out.entry >= s.vaddr && out.entry - s.vaddr < s.memsz);
    if !entry_ok {
        return Err(ElfError::EntryNotExecutable);
    }
    Ok(out)
}

struct Header {
    entry: u64,
    phoff: usize,
    phnum: usize,
}

fn check_header(image: &[u8]) -> Result<Header, ElfError> {
    if image.len() < EHDR_SIZE {
        return Err(ElfError::TooShort);
    }
    let short = ElfError::TooShort;
    if image.get(0..4) != Some(&b"\x7fELF"[..]) {
        return Err(ElfError::BadMagic);
    }
    if u8_at(image, 4) != Some(ELFCLASS64) {
        return Err(ElfError::NotElf64);
    }
    if u8_at(image, 5) != Some(ELFDATA2LSB) {
        return Err(ElfError::NotLittleEndian);
    }
    if u8_at(image, 6) != Some(EV_CURRENT) || u32_at(image, 20) != Some(u32::from(EV_CURRENT)) {
        return Err(ElfError::BadVersion);
    }
    if u16_at(image, 16) != Some(ET_EXEC) {
        return Err(ElfError::NotExecutable);
    }
    if u16_at(image, 18) != Some(EM_X86_64) {
        return Err(ElfError::WrongMachine);
    }
    let ehsize = u16_at(image, 52).ok_or(short)?;
    let phentsize = u16_at(image, 54).ok_or(short)?;
    if usize::from(ehsize) != EHDR_SIZE || usize::from(phentsize) != PHDR_SIZE {
        return Err(ElfError::BadHeaderSize);
    }
    let entry = u64_at(image, 24).ok_or(short)?;
    let phoff = u64_at(image, 32).ok_or(short)?;
    let phnum = usize::from(u16_at(image, 56).ok_or(short)?);
    let table_end = usize::try_from(phoff)
        .ok()
        .and_then(|off| off.checked_add(phnum * PHDR_SIZE).map(|end| (off, end)));
    match table_end {
        Some((off, end)) if end <= image.len() => Ok(Header {
            entry,
            phoff: off,
            phnum,
        }),
        _ => Err(ElfError::ProgramHeadersOutOfFile),
    }
}

fn read_segment(image: &[u8], ph: usize) -> Result<LoadSegment, ElfError> {
    let field = |off: usize| u64_at(image, ph + off).ok_or(ElfError::ProgramHeadersOutOfFile);
    let flags = u32_at(image, ph + 4).ok_or(ElfError::ProgramHeadersOutOfFile)?;
    Ok(LoadSegment {
        offset: field(8)?,
        vaddr: field(16)?,
        filesz: field(32)?,
        memsz: field(40)?,
        flags: SegmentFlags {
            readable: flags & PF_R != 0,
            writable: flags & PF_W != 0,
            executable: flags & PF_X != 0,
        },
    })
}

fn check_segment(seg: &LoadSegment, image_len: usize, user_limit: u64) -> Result<(), ElfError> {
    if seg.filesz > seg.memsz {
        return Err(ElfError::FileSizeExceedsMemSize);
    }
    match seg.offset.checked_add(seg.filesz) {
        Some(end) if end <= image_len as u64 => {}
        _ => return Err(ElfError::SegmentOutOfFile),
    }
    // The end, rounded up to a page, must not wrap either.
    let page_end = seg
        .vaddr
        .checked_add(seg.memsz)
        .and_then(|e| e.checked_add(PAGE - 1));
    if page_end.is_none() {
        return Err(ElfError::AddressOverflow);
    }
    if seg.vaddr < USER_MIN || seg.vaddr + seg.memsz > user_limit {
        return Err(ElfError::SegmentOutsideUserSpace);
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::testrng::Rng;

    const LIMIT: u64 = 0x0000_7fff_ffff_f000;

    /// (p_type, p_flags, offset, vaddr, filesz, memsz)
    pub type Ph = (u32, u32, u64, u64, u64, u64);

    /// Builds an ELF image with the given program headers and `data_len`
    /// bytes of file data after them.
    pub fn build(entry: u64, phs: &[Ph], data_len: usize) -> Vec<u8> {
        let mut v = vec![0u8; EHDR_SIZE + phs.len() * PHDR_SIZE + data_len];
        v[0..4].copy_from_slice(b"\x7fELF");
        v[4] = ELFCLASS64;
        v[5] = ELFDATA2LSB;
        v[6] = EV_CURRENT;
        v[16..18].copy_from_slice(&ET_EXEC.to_le_bytes());
        v[18..20].copy_from_slice(&EM_X86_64.to_le_bytes());
        v[20..24].copy_from_slice(&1u32.to_le_bytes());
        v[24..32].copy_from_slice(&entry.to_le_bytes());
        v[32..40].copy_from_slice(&(EHDR_SIZE as u64).to_le_bytes());
        v[52..54].copy_from_slice(&(EHDR_SIZE as u16).to_le_bytes());
        v[54..56].copy_from_slice(&(PHDR_SIZE as u16).to_le_bytes());
        v[56..58].copy_from_slice(&(phs.len() as u16).to_le_bytes());
        for (i, &(t, f, off, va, fsz, msz)) in phs.iter().enumerate() {
            let p = EHDR_SIZE + i * PHDR_SIZE;
            v[p..p + 4].copy_from_slice(&t.to_le_bytes());
            v[p + 4..p + 8].copy_from_slice(&f.to_le_bytes());
            v[p + 8..p + 16].copy_from_slice(&off.to_le_bytes());
            v[p + 16..p + 24].copy_from_slice(&va.to_le_bytes());
            v[p + 24..p + 32].copy_from_slice(&va.to_le_bytes());
            v[p + 32..p + 40].copy_from_slice(&fsz.to_le_bytes());
            v[p + 40..p + 48].copy_from_slice(&msz.to_le_bytes());
            v[p + 48..p + 56].copy_from_slice(&PAGE.to_le_bytes());
        }
        v
    }

    /// A typical executable: text, rodata, data+bss, and a GNU_STACK note.
    pub fn typical() -> Vec<u8> {
        build(
            0x20_1010,
            &[
                (PT_LOAD, PF_R | PF_X, 0, 0x20_0000, 0x1200, 0x1200),
                (PT_LOAD, PF_R, 0x1200, 0x20_3200, 0x300, 0x300),
                (PT_LOAD, PF_R | PF_W, 0x1500, 0x20_5500, 0x100, 0x5000),
                (0x6474_e551, PF_R | PF_W, 0, 0, 0, 0),
            ],
            0x1600,
        )
    }

    #[test]
    fn parses_a_typical_executable() {
        let img = typical();
        let elf = parse(&img, LIMIT).unwrap();
        assert_eq!(elf.entry, 0x20_1010);
        assert_eq!(elf.segments().len(), 3);
        let s = elf.segments()[2];
        assert_eq!(
            (s.vaddr, s.memsz, s.offset, s.filesz),
            (0x20_5500, 0x5000, 0x1500, 0x100)
        );
        assert_eq!(
            s.flags,
            SegmentFlags {
                readable: true,
                writable: true,
                executable: false
            }
        );
        assert!(elf.segments()[0].flags.executable);
        assert_eq!((s.page_start(), s.page_end()), (0x20_5000, 0x20_b000));
        assert_eq!(s.file_bytes(&img).unwrap().len(), 0x100);
    }

    /// The program headers rust-lld writes for a small static
    /// `x86_64-unknown-none` executable (`-C relocation-model=static`):
    /// R (headers, rodata), RX (text), RW (data) on separate pages with file
    /// offsets congruent to addresses, plus GNU_EH_FRAME and GNU_STACK.
    #[test]
    fn parses_the_layout_lld_produces() {
        let img = build(
            0x20_2550,
            &[
                (6, PF_R, 0x40, 0x20_0040, 0x150, 0x150),
                (PT_LOAD, PF_R, 0, 0x20_0000, 0x1544, 0x1544),
                (PT_LOAD, PF_R | PF_X, 0x1550, 0x20_2550, 0x42, 0x42),
                (PT_LOAD, PF_R | PF_W, 0x1598, 0x20_3598, 0x8, 0x2008),
                (0x6474_e550, PF_R, 0x1518, 0x20_1518, 0xc, 0xc),
                (0x6474_e551, PF_R | PF_W, 0, 0, 0, 0),
            ],
            0x1600,
        );
        let elf = parse(&img, LIMIT).unwrap();
        let pages: Vec<(u64, u64)> = elf
            .segments()
            .iter()
            .map(|s| (s.page_start(), s.page_end()))
            .collect();
        assert_eq!(
            pages,
            [
                (0x20_0000, 0x20_2000),
                (0x20_2000, 0x20_3000),
                (0x20_3000, 0x20_6000)
            ]
        );
        assert_eq!(
            elf.segments()[0].file_bytes(&img).unwrap()[..4],
            *b"\x7fELF"
        );
    }

    fn one(seg: Ph, entry: u64) -> Result<ElfImage, ElfError> {
        parse(&build(entry, &[seg], 0x2000), LIMIT)
    }

    #[test]
    fn header_checks() {
        let good = typical();
        assert_eq!(parse(&good[..63], LIMIT), Err(ElfError::TooShort));
        assert_eq!(parse(&[], LIMIT), Err(ElfError::TooShort));
        let cases: &[(usize, u8, ElfError)] = &[
            (0, 0x7e, ElfError::BadMagic),
            (3, b'G', ElfError::BadMagic),
            (4, 1, ElfError::NotElf64),
            (5, 2, ElfError::NotLittleEndian),
            (6, 0, ElfError::BadVersion),
            (20, 2, ElfError::BadVersion),
            (16, 3, ElfError::NotExecutable),
            (18, 3, ElfError::WrongMachine),
            (52, 65, ElfError::BadHeaderSize),
            (54, 57, ElfError::BadHeaderSize),
            (56, 200, ElfError::ProgramHeadersOutOfFile),
            (39, 0x80, ElfError::ProgramHeadersOutOfFile),
        ];
        for &(off, byte, err) in cases {
            let mut img = good.clone();
            img[off] = byte;
            assert_eq!(parse(&img, LIMIT), Err(err), "byte {off} = {byte}");
        }
        let mut img = good.clone();
        img[32..40].copy_from_slice(&u64::MAX.to_le_bytes());
        assert_eq!(parse(&img, LIMIT), Err(ElfError::ProgramHeadersOutOfFile));
    }

    #[test]
    fn segment_checks() {
        let rx = PF_R | PF_X;
        assert!(one((PT_LOAD, rx, 0, 0x1000, 0x100, 0x100), 0x1000).is_ok());
        assert_eq!(
            one((PT_LOAD, rx, 0, 0x1000, 0x200, 0x100), 0x1000),
            Err(ElfError::FileSizeExceedsMemSize)
        );
        assert_eq!(
            one((PT_LOAD, rx, 0x2000, 0x1000, 0x200, 0x200), 0x1000),
            Err(ElfError::SegmentOutOfFile)
        );
        assert_eq!(
            one((PT_LOAD, rx, u64::MAX, 0x1000, 2, 2), 0x1000),
            Err(ElfError::SegmentOutOfFile)
        );
        assert_eq!(
            one((PT_LOAD, rx, 0, u64::MAX - 10, 0, 100), 0x1000),
            Err(ElfError::AddressOverflow)
        );
        assert_eq!(
            one((PT_LOAD, rx, 0, u64::MAX - 4096, 0, 100), 0x1000),
            Err(ElfError::AddressOverflow)
        );
        assert_eq!(
            one((PT_LOAD, rx, 0, 0xfff, 1, 1), 0xfff),
            Err(ElfError::SegmentOutsideUserSpace)
        );
        assert_eq!(
            one((PT_LOAD, rx, 0, 0, 1, 1), 0),
            Err(ElfError::SegmentOutsideUserSpace)
        );
        assert_eq!(
            one((PT_LOAD, rx, 0, LIMIT - 0x10, 0, 0x11), LIMIT - 0x10),
            Err(ElfError::SegmentOutsideUserSpace)
        );
        assert!(one((PT_LOAD, rx, 0, LIMIT - 0x10, 0, 0x10), LIMIT - 0x10).is_ok());
        assert_eq!(
            one(
                (PT_LOAD, rx, 0, 0xffff_8000_0000_0000, 0x10, 0x10),
                0xffff_8000_0000_0000
            ),
            Err(ElfError::SegmentOutsideUserSpace)
        );
        assert_eq!(
            one((PT_LOAD, PF_R | PF_W, 0, 0x1000, 0x100, 0x100), 0x1000),
            Err(ElfError::EntryNotExecutable)
        );
        assert_eq!(
            one((PT_LOAD, rx, 0, 0x1000, 0x100, 0x100), 0x1100),
            Err(ElfError::EntryNotExecutable)
        );
        assert_eq!(
            one((PT_LOAD, rx, 0, 0x1000, 0, 0), 0x1000),
            Err(ElfError::NoLoadSegments)
        );
        assert_eq!(
            one((PT_LOAD, rx, 0, 0x1000, 1, 0), 0x1000),
            Err(ElfError::FileSizeExceedsMemSize)
        );
        assert_eq!(
            one((PT_INTERP, PF_R, 0, 0, 0, 0), 0x1000),
            Err(ElfError::NeedsInterpreter)
        );
        assert_eq!(
            parse(&build(0x1000, &[], 0), LIMIT),
            Err(ElfError::NoLoadSegments)
        );
    }

    #[test]
    fn overlapping_and_too_many_segments() {
        let rx = PF_R | PF_X;
        let same_page = [
            (PT_LOAD, rx, 0, 0x1000, 0x10, 0x10),
            (PT_LOAD, PF_R, 0, 0x1800, 0x10, 0x10),
        ];
        assert_eq!(
            parse(&build(0x1000, &same_page, 0x100), LIMIT),
            Err(ElfError::SegmentsOverlap)
        );
        let covering = [
            (PT_LOAD, rx, 0, 0x5000, 0x10, 0x10),
            (PT_LOAD, PF_R, 0, 0x1000, 0x10, 0x10000),
        ];
        assert_eq!(
            parse(&build(0x5000, &covering, 0x100), LIMIT),
            Err(ElfError::SegmentsOverlap)
        );
        let adjacent = [
            (PT_LOAD, rx, 0, 0x1000, 0x10, 0x1000),
            (PT_LOAD, PF_R, 0, 0x2000, 0x10, 0x10),
        ];
        assert!(parse(&build(0x1000, &adjacent, 0x100), LIMIT).is_ok());
        let many: Vec<Ph> = (0..17)
            .map(|i| (PT_LOAD, rx, 0, 0x1000 + i * 0x1000, 0x10, 0x10))
            .collect();
        assert_eq!(
            parse(&build(0x1000, &many, 0x100), LIMIT),
            Err(ElfError::TooManySegments)
        );
        assert_eq!(
            parse(&build(0x1000, &many[..16], 0x100), LIMIT)
                .unwrap()
                .segments()
                .len(),
            16
        );
    }

    #[test]
    fn random_bytes_never_panic() {
        let mut rng = Rng::new(1);
        let mut buf = vec![0u8; 1024];
        for _ in 0..20_000 {
            let len = rng.below(1024) as usize;
            rng.fill(&mut buf[..len]);
            if rng.below(2) == 0 && len >= 64 {
                // Make it get past the identity checks sometimes.
                buf[..20].copy_from_slice(&typical()[..20]);
            }
            let _ = parse(&buf[..len], rng.next());
        }
    }

    #[test]
    fn mutated_executables_never_panic_and_stay_valid_when_accepted() {
        let mut rng = Rng::new(2);
        let base = typical();
        let mut accepted = 0;
        for _ in 0..50_000 {
            let mut img = base.clone();
            for _ in 0..rng.below(8) + 1 {
                let i = rng.below(EHDR_SIZE as u64 + 4 * PHDR_SIZE as u64) as usize;
                img[i] = if rng.below(3) == 0 {
                    0xff
                } else {
                    rng.next() as u8
                };
            }
            if rng.below(10) == 0 {
                img.truncate(rng.below(img.len() as u64) as usize);
            }
            let limit = if rng.below(4) == 0 { rng.next() } else { LIMIT };
            if let Ok(elf) = parse(&img, limit) {
                accepted += 1;
                for s in elf.segments() {
                    assert!(s.vaddr >= USER_MIN && s.vaddr + s.memsz <= limit);
                    assert!(s.filesz <= s.memsz);
                    assert!(s.file_bytes(&img).is_some());
                }
            }
        }
        assert!(accepted > 0, "some mutations are harmless");
    }
}
