//! fsck: checks (and with `repair`, fixes) an FFS image in the five
//! classic phases, reading the image directly (no mount):
//!
//! 1. blocks and sizes ([`blocks`]): every allocated inode's type, size
//!    and block pointers; blocks claimed twice or outside the file system;
//! 2. pathnames ([`names`]): every directory entry, from the root down;
//! 3. connectivity ([`names`]): directories no path reaches go to lost+found;
//! 4. reference counts ([`names`]): link counts against the entries found;
//! 5. cylinder groups ([`groups`]): free maps, counts and summaries
//!    against what phases 1-4 found in use.
//!
//! Repairs follow 4.4BSD fsck's choices: clear a bad inode, remove a bad
//! entry, reconnect an orphan to lost+found, set a link count to the
//! links found, rebuild maps and counts. Nothing read is trusted.
use std::fs::{File, OpenOptions};
use std::os::unix::fs::FileExt;
use std::path::Path;

use crate::bsd;
use crate::ondisk::{Buf, Layout, DINODE_SIZE, SBOFF};

mod blocks;
mod groups;
mod names;

/// What a check found.
#[derive(Debug, Default)]
pub struct Report {
    /// One line per problem found (fixed or not).
    pub problems: Vec<String>,
    /// The problems that a crash of FFS (synchronous metadata, see
    /// servers/vfs/README.md) cannot cause: any of these after a crash
    /// means the write ordering failed. The others are free maps and
    /// counts, block counts, unreferenced inodes and link counts above
    /// the names found (and the lost+found made to hold what it found).
    pub unexpected: Vec<String>,
    /// Whether the problems were repaired.
    pub repaired: bool,
    pub files: u64,
    pub dirs: u64,
    pub used_frags: u64,
}

impl Report {
    pub fn clean(&self) -> bool {
        self.problems.is_empty()
    }
}

/// A check that could not run at all (no file, no FFS superblock).
#[derive(Debug)]
pub struct Unusable(pub String);

/// The kind of an inode, as phase 1 found it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Kind {
    Free,
    File,
    Dir,
    Link,
    Other,
}

#[derive(Clone, Debug)]
pub(crate) struct InodeInfo {
    pub kind: Kind,
    pub nlink: i16,
    pub size: u64,
    /// Fragment addresses and byte sizes of the file's data blocks, in order
    /// (for directories: what phase 2 reads).
    pub blocks: Vec<(i64, i64)>,
    pub links_found: u32,
    pub parent: u32,
    pub reached: bool,
}

pub(crate) struct Fsck {
    pub file: File,
    pub fs: bsd::fs,
    pub sb: Buf,
    pub repair: bool,
    pub report: Report,
    pub inodes: Vec<InodeInfo>,
    /// One bit per fragment: in use by metadata or a file.
    pub used: Vec<u8>,
    pub image_len: u64,
    /// The inode of /lost+found, once phase 2 has seen it.
    pub lost_found: Option<u32>,
}

impl Fsck {
    pub fn problem(&mut self, what: String) {
        self.report.unexpected.push(what.clone());
        self.report.problems.push(what);
    }
    /// A problem a crash may leave (see [`Report::unexpected`]).
    pub fn crash_problem(&mut self, what: String) {
        self.report.problems.push(what);
    }
    pub fn read(&self, off: u64, len: usize) -> Result<Vec<u8>, String> {
        if off.checked_add(len as u64).is_none_or(|end| end > self.image_len) {
            return Err(format!("read of {len} bytes at {off} is past the end of the image"));
        }
        let mut v = vec![0u8; len];
        self.file.read_exact_at(&mut v, off).map_err(|e| e.to_string())?;
        Ok(v)
    }
    pub fn write(&self, off: u64, bytes: &[u8]) -> Result<(), String> {
        if off + bytes.len() as u64 > self.image_len {
            return Err("write past the end of the image".into());
        }
        self.file.write_all_at(bytes, off).map_err(|e| e.to_string())
    }
    pub fn read_inode(&self, ino: i64) -> Result<bsd::dinode, String> {
        let b = Buf::from_bytes(&self.read(self.fs.ino_offset(ino), DINODE_SIZE)?);
        Ok(*b.view::<bsd::dinode>(0))
    }
    pub fn write_inode(&self, ino: i64, d: &bsd::dinode) -> Result<(), String> {
        let mut b = Buf::zeroed(DINODE_SIZE);
        *b.view_mut::<bsd::dinode>(0) = *d;
        self.write(self.fs.ino_offset(ino), b.bytes())
    }
    pub fn is_used(&self, frag: i64) -> bool {
        crate::ondisk::isset(&self.used, frag as usize)
    }
    pub fn set_used(&mut self, frag: i64, on: bool) {
        if on {
            crate::ondisk::setbit(&mut self.used, frag as usize)
        } else {
            crate::ondisk::clrbit(&mut self.used, frag as usize)
        }
    }
}

/// Reads and checks the superblock (the same rules as ffs_checksb).
pub fn read_superblock(file: &File, image_len: u64) -> Result<Buf, Unusable> {
    read_superblock_at(file, image_len, SBOFF).map_err(|p| Unusable(format!("bad superblock: {p}")))
}

/// The superblock (or a copy of it) at byte `off`, checked.
fn read_superblock_at(file: &File, image_len: u64, off: u64) -> Result<Buf, String> {
    if off.checked_add(bsd::SBSIZE as u64).is_none_or(|end| end > image_len) {
        return Err("image too small for a superblock there".into());
    }
    let mut raw = vec![0u8; bsd::SBSIZE as usize];
    file.read_exact_at(&mut raw, off).map_err(|e| e.to_string())?;
    let sb = Buf::from_bytes(&raw);
    let fs: &bsd::fs = sb.view(0);
    superblock_problem(fs, image_len).map(Err).unwrap_or(Ok(sb))
}

/// Where a superblock copy may be found: newfs puts one in every cylinder
/// group, the first at sector 32 (16 KiB, 4.4BSD's `fsck -b 32`); then
/// every 8 KiB up to 64 MiB, which covers the first groups of any
/// geometry this FFS makes.
fn backup_offsets(image_len: u64) -> impl Iterator<Item = u64> {
    let scan = (3..).map(|i: u64| i * 8192).take_while(move |&o| o < image_len.min(64 << 20));
    std::iter::once(32 * 512).chain(scan.filter(|&o| o != 32 * 512))
}

/// The superblock to check with: the primary, else (or if `sector` names
/// one) a copy; the second value says which copy, if not the primary.
fn choose_superblock(file: &File, image_len: u64, sector: Option<u64>) -> Result<(Buf, Option<String>), Unusable> {
    if let Some(n) = sector {
        let off = n.checked_mul(512).ok_or_else(|| Unusable(format!("-b {n}: EINVAL: not a sector of the image")))?;
        let sb = read_superblock_at(file, image_len, off).map_err(|p| Unusable(format!("superblock at sector {n}: {p}")))?;
        let note = (off != SBOFF).then(|| format!("using the superblock copy at sector {n} (-b {n})"));
        return Ok((sb, note));
    }
    let why = match read_superblock_at(file, image_len, SBOFF) {
        Ok(sb) => return Ok((sb, None)),
        Err(p) => p,
    };
    for off in backup_offsets(image_len) {
        if let Ok(sb) = read_superblock_at(file, image_len, off) {
            let note = format!("primary superblock is damaged ({why}): using the copy at sector {}", off / 512);
            return Ok((sb, Some(note)));
        }
    }
    Err(Unusable(format!("bad superblock: {why}; no copy found either")))
}

fn superblock_problem(fs: &bsd::fs, image_len: u64) -> Option<String> {
    let pow2 = |x: i32| x > 0 && (x & (x - 1)) == 0;
    if fs.fs_magic != bsd::FS_MAGIC as i32 {
        return Some(format!("magic {:#x} is not FFS's {:#x}", fs.fs_magic, bsd::FS_MAGIC));
    }
    if !pow2(fs.fs_bsize) || !(4096..=65536).contains(&fs.fs_bsize) || !pow2(fs.fs_fsize)
        || fs.fs_fsize < 512 || fs.fs_frag != fs.fs_bsize / fs.fs_fsize || !(1..=8).contains(&fs.fs_frag)
        || fs.fs_fshift != fs.fs_fsize.trailing_zeros() as i32 || fs.fs_bshift != fs.fs_bsize.trailing_zeros() as i32
        || fs.fs_fragshift != fs.fs_frag.trailing_zeros() as i32
        || fs.fs_fsbtodb != (fs.fs_fsize / 512).trailing_zeros() as i32
    {
        return Some("inconsistent block and fragment sizes".into());
    }
    if fs.fs_ncg < 1 || fs.fs_ipg < 1 || fs.fs_fpg < fs.fs_frag || fs.fs_size <= 0
        || i64::from(fs.fs_ncg) * i64::from(fs.fs_fpg) < i64::from(fs.fs_size)
        || i64::from(fs.fs_ncg - 1) * i64::from(fs.fs_fpg) >= i64::from(fs.fs_size)
        || fs.fs_size as u64 * fs.fs_fsize as u64 > image_len
        || fs.fs_inopb != fs.fs_bsize / 128 || fs.fs_nindir != fs.fs_bsize / 4
        || fs.fs_ipg % fs.fs_inopb != 0 || i64::from(fs.fs_ncg) * i64::from(fs.fs_ipg) > i64::from(i32::MAX)
    {
        return Some("inconsistent sizes and group geometry".into());
    }
    let inopf = fs.fs_inopb / fs.fs_frag;
    if fs.fs_sblkno < 0 || fs.fs_cblkno <= fs.fs_sblkno || fs.fs_iblkno <= fs.fs_cblkno
        || fs.fs_dblkno < fs.fs_iblkno + fs.fs_ipg / inopf || fs.fs_dblkno > fs.fs_fpg
        || fs.fs_cgsize < 172 || fs.fs_cgsize > fs.fs_bsize
    {
        return Some("inconsistent cylinder-group layout".into());
    }
    for c in 0..i64::from(fs.fs_ncg) {
        if fs.cgdmin(c) > fs.cgbase(c) + i64::from(fs.fs_fpg) || fs.cgdmin(c) > i64::from(fs.fs_size) {
            return Some(format!("cylinder group {c} does not fit"));
        }
    }
    if fs.fs_csaddr <= 0 || fs.fs_cssize < fs.fs_ncg * 16
        || i64::from(fs.fs_csaddr) + fs.numfrags(fs.fragroundup(i64::from(fs.fs_cssize))) > i64::from(fs.fs_size)
    {
        return Some("bad summary area".into());
    }
    if fs.fs_maxsymlinklen < 0 || fs.fs_maxsymlinklen > crate::ondisk::MAXSYMLINKLEN as i32 {
        return Some("bad fs_maxsymlinklen".into());
    }
    None
}

/// Checks the image at `path`; with `repair`, fixes what it finds.
pub fn check(path: &Path, repair: bool) -> Result<Report, Unusable> {
    check_with(path, repair, None)
}

/// [`check`], starting from the superblock copy at 512-byte sector
/// `sector` if given (`molt fs check -b N`), else from the primary or,
/// if that is damaged, the first good copy. A copy used is a problem
/// found; repairing writes it back as the primary.
pub fn check_with(path: &Path, repair: bool, sector: Option<u64>) -> Result<Report, Unusable> {
    let file = OpenOptions::new().read(true).write(repair).open(path)
        .map_err(|e| Unusable(format!("{}: {e}", path.display())))?;
    let image_len = file.metadata().map_err(|e| Unusable(e.to_string()))?.len();
    let (sb, copy) = choose_superblock(&file, image_len, sector)?;
    let fs: bsd::fs = *sb.view(0);
    let ninodes = fs.inodes() as usize;
    let blank = InodeInfo { kind: Kind::Free, nlink: 0, size: 0, blocks: Vec::new(), links_found: 0, parent: 0, reached: false };
    let mut f = Fsck {
        file,
        fs,
        sb,
        repair,
        report: Report::default(),
        inodes: vec![blank; ninodes],
        used: vec![0u8; (fs.fs_size as usize).div_ceil(8) + 1],
        image_len,
        lost_found: None,
    };
    if let Some(note) = copy {
        f.problem(note);
    }
    let run = |f: &mut Fsck| -> Result<(), String> {
        blocks::phase1(f)?;
        names::phase2(f)?;
        names::phase3(f)?;
        names::phase4(f)?;
        groups::phase5(f)?;
        Ok(())
    };
    if let Err(e) = run(&mut f) {
        return Err(Unusable(format!("cannot check: {e}")));
    }
    f.report.repaired = repair && !f.report.problems.is_empty();
    if repair {
        let _ = f.file.sync_all();
    }
    Ok(f.report)
}
