//! On-disk structures (the bindgen'd `struct fs`, `struct cg`, `struct
//! dinode`, `struct csum`) held in aligned byte buffers, and the FFS
//! address arithmetic of ufs/ffs/fs.h for the Rust tools (newfs, fsck),
//! which read and write an image directly, without the kernel.
use crate::bsd;

/// Constants of ufs/ufs/dinode.h and ufs/ffs/fs.h that bindgen cannot
/// evaluate (they are written with casts or sizeof).
pub const ROOTINO: i64 = 2;
pub const MAXSYMLINKLEN: usize = (bsd::NDADDR + bsd::NIADDR) as usize * 4;
pub const SBOFF: u64 = 8192;
pub const DINODE_SIZE: usize = 128;

/// Plain-old-data on-disk structs: every bit pattern is a valid value.
///
/// # Safety
/// Only for `#[repr(C)]` structs made of integers and arrays of integers.
pub unsafe trait Pod: Copy {}
// SAFETY: all four are repr(C) structs of integers and integer arrays.
unsafe impl Pod for bsd::fs {}
// SAFETY: as above.
unsafe impl Pod for bsd::cg {}
// SAFETY: as above (the union di_u holds integers only).
unsafe impl Pod for bsd::dinode {}
// SAFETY: as above.
unsafe impl Pod for bsd::csum {}

/// A byte buffer aligned for any on-disk struct, always initialised.
#[derive(Clone)]
pub struct Buf {
    words: Vec<u64>,
    len: usize,
}

impl Buf {
    pub fn zeroed(len: usize) -> Buf {
        Buf { words: vec![0; len.div_ceil(8)], len }
    }
    pub fn from_bytes(bytes: &[u8]) -> Buf {
        let mut b = Buf::zeroed(bytes.len());
        b.bytes_mut().copy_from_slice(bytes);
        b
    }
    pub fn len(&self) -> usize {
        self.len
    }
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    pub fn bytes(&self) -> &[u8] {
        // SAFETY: the words are initialised and hold at least len bytes.
        unsafe { core::slice::from_raw_parts(self.words.as_ptr().cast::<u8>(), self.len) }
    }
    pub fn bytes_mut(&mut self) -> &mut [u8] {
        // SAFETY: as above; we have the only reference.
        unsafe { core::slice::from_raw_parts_mut(self.words.as_mut_ptr().cast::<u8>(), self.len) }
    }
    /// The struct at byte `off` (which must be suitably aligned and in range).
    pub fn view<T: Pod>(&self, off: usize) -> &T {
        assert!(off.is_multiple_of(core::mem::align_of::<T>()) && off + core::mem::size_of::<T>() <= self.words.len() * 8);
        // SAFETY: aligned, in bounds, initialised, and T is Pod.
        unsafe { &*self.words.as_ptr().cast::<u8>().add(off).cast::<T>() }
    }
    pub fn view_mut<T: Pod>(&mut self, off: usize) -> &mut T {
        assert!(off.is_multiple_of(core::mem::align_of::<T>()) && off + core::mem::size_of::<T>() <= self.words.len() * 8);
        // SAFETY: as in view, and we have the only reference.
        unsafe { &mut *self.words.as_mut_ptr().cast::<u8>().add(off).cast::<T>() }
    }
}

/// FFS address arithmetic (fragments unless said otherwise).
pub trait Layout {
    fn cgbase(&self, c: i64) -> i64;
    fn cgstart(&self, c: i64) -> i64;
    fn cgsblock(&self, c: i64) -> i64;
    fn cgtod(&self, c: i64) -> i64;
    fn cgimin(&self, c: i64) -> i64;
    fn cgdmin(&self, c: i64) -> i64;
    fn ino_to_cg(&self, ino: i64) -> i64;
    /// Byte offset of inode `ino` in the image.
    fn ino_offset(&self, ino: i64) -> u64;
    fn dtog(&self, d: i64) -> i64;
    fn dtogd(&self, d: i64) -> i64;
    fn frag_bytes(&self, frag: i64) -> u64;
    /// Bytes held by logical block `lbn` of a file of `size` bytes.
    fn blksize(&self, size: u64, lbn: i64) -> i64;
    fn numfrags(&self, bytes: i64) -> i64;
    fn fragroundup(&self, bytes: i64) -> i64;
    fn inodes(&self) -> i64;
}

impl Layout for bsd::fs {
    fn cgbase(&self, c: i64) -> i64 {
        i64::from(self.fs_fpg) * c
    }
    fn cgstart(&self, c: i64) -> i64 {
        self.cgbase(c) + i64::from(self.fs_cgoffset) * (c & !i64::from(self.fs_cgmask))
    }
    fn cgsblock(&self, c: i64) -> i64 {
        self.cgstart(c) + i64::from(self.fs_sblkno)
    }
    fn cgtod(&self, c: i64) -> i64 {
        self.cgstart(c) + i64::from(self.fs_cblkno)
    }
    fn cgimin(&self, c: i64) -> i64 {
        self.cgstart(c) + i64::from(self.fs_iblkno)
    }
    fn cgdmin(&self, c: i64) -> i64 {
        self.cgstart(c) + i64::from(self.fs_dblkno)
    }
    fn ino_to_cg(&self, ino: i64) -> i64 {
        ino / i64::from(self.fs_ipg)
    }
    fn ino_offset(&self, ino: i64) -> u64 {
        let ipg = i64::from(self.fs_ipg);
        let inopf = i64::from(self.fs_inopb / self.fs_frag);
        let frag = self.cgimin(ino / ipg) + (ino % ipg) / inopf;
        self.frag_bytes(frag) + ((ino % ipg) % inopf) as u64 * 128
    }
    fn dtog(&self, d: i64) -> i64 {
        d / i64::from(self.fs_fpg)
    }
    fn dtogd(&self, d: i64) -> i64 {
        d % i64::from(self.fs_fpg)
    }
    fn frag_bytes(&self, frag: i64) -> u64 {
        frag as u64 * self.fs_fsize as u64
    }
    fn blksize(&self, size: u64, lbn: i64) -> i64 {
        let bsize = i64::from(self.fs_bsize);
        if lbn >= bsd::NDADDR as i64 || size >= ((lbn + 1) * bsize) as u64 {
            bsize
        } else {
            self.fragroundup((size % bsize as u64) as i64)
        }
    }
    fn numfrags(&self, bytes: i64) -> i64 {
        bytes >> self.fs_fshift
    }
    fn fragroundup(&self, bytes: i64) -> i64 {
        let f = i64::from(self.fs_fsize);
        (bytes + f - 1) / f * f
    }
    fn inodes(&self) -> i64 {
        i64::from(self.fs_ncg) * i64::from(self.fs_ipg)
    }
}

/// The on-disk summary array (`struct csum` per cylinder group).
pub fn csum_bytes(sums: &[bsd::csum]) -> Vec<u8> {
    let size = core::mem::size_of::<bsd::csum>();
    let mut b = Buf::zeroed(core::mem::size_of_val(sums));
    for (i, s) in sums.iter().enumerate() {
        *b.view_mut::<bsd::csum>(i * size) = *s;
    }
    b.bytes().to_vec()
}

/// Bit `i` of a map.
pub fn isset(map: &[u8], i: usize) -> bool {
    map[i / 8] & (1 << (i % 8)) != 0
}
pub fn setbit(map: &mut [u8], i: usize) {
    map[i / 8] |= 1 << (i % 8);
}
pub fn clrbit(map: &mut [u8], i: usize) {
    map[i / 8] &= !(1 << (i % 8));
}

/// Field offsets of `struct direct` (on disk) and `struct dirent` (from
/// getdirentries), which share one layout; entries are variable-length,
/// so they are read field by field at these offsets.
pub const D_INO: usize = core::mem::offset_of!(bsd::direct, d_ino);
pub const D_RECLEN: usize = core::mem::offset_of!(bsd::direct, d_reclen);
pub const D_TYPE: usize = core::mem::offset_of!(bsd::direct, d_type);
pub const D_NAMLEN: usize = core::mem::offset_of!(bsd::direct, d_namlen);
pub const D_NAME: usize = core::mem::offset_of!(bsd::direct, d_name);
const _: () = assert!(
    core::mem::offset_of!(bsd::dirent, d_fileno) == D_INO
        && core::mem::offset_of!(bsd::dirent, d_reclen) == D_RECLEN
        && core::mem::offset_of!(bsd::dirent, d_type) == D_TYPE
        && core::mem::offset_of!(bsd::dirent, d_namlen) == D_NAMLEN
        && core::mem::offset_of!(bsd::dirent, d_name) == D_NAME
);

/// One directory entry's fixed fields, read from `bytes` at `off`
/// (the caller checks that `off + D_NAME <= bytes.len()`).
pub fn direct_header(bytes: &[u8], off: usize) -> (u32, usize, u8, usize) {
    let ino = u32::from_le_bytes(bytes[off + D_INO..off + D_INO + 4].try_into().unwrap());
    let reclen = u16::from_le_bytes(bytes[off + D_RECLEN..off + D_RECLEN + 2].try_into().unwrap()) as usize;
    (ino, reclen, bytes[off + D_TYPE], bytes[off + D_NAMLEN] as usize)
}

/// Size in bytes of a directory entry with a name of `namlen` bytes.
pub fn direct_size(namlen: usize) -> usize {
    D_NAME + ((namlen + 1 + 3) & !3)
}

/// Appends a directory entry to `out` (`reclen` 0: its minimal size).
pub fn put_direct(out: &mut Vec<u8>, ino: u32, kind: u8, name: &[u8], reclen: usize) {
    let size = direct_size(name.len());
    let reclen = if reclen == 0 { size } else { reclen };
    let start = out.len();
    out.resize(start + reclen, 0);
    let e = &mut out[start..];
    e[D_INO..D_INO + 4].copy_from_slice(&ino.to_le_bytes());
    e[D_RECLEN..D_RECLEN + 2].copy_from_slice(&(reclen as u16).to_le_bytes());
    e[D_TYPE] = kind;
    e[D_NAMLEN] = name.len() as u8;
    e[D_NAME..D_NAME + name.len()].copy_from_slice(name);
}
