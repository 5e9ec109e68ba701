//! newfs: writes an empty 4.4BSD FFS (UFS1) to an image file.
//!
//! Layout: 8 KiB blocks of 1 KiB fragments; cylinder groups of at most
//! 32768 fragments (their maps fit in one block); one inode per 4 KiB of
//! space; in each group the superblock copy (fragment 16), the group
//! block (24), the inodes (32...) and then data; the summary area after
//! group 0's inodes. No rotational tables (fs_cpc = 0). The root directory
//! (inode 2) holds "lost+found" (inode 3), as 4.4BSD's newfs made it.
use std::fs::OpenOptions;
use std::io::{Seek, SeekFrom, Write};
use std::path::Path;

use crate::bsd;
use crate::ondisk::{clrbit, isset, put_direct, setbit, Buf, Layout};

/// Choices newfs makes.
#[derive(Clone, Copy, Debug)]
pub struct NewfsOptions {
    pub block_size: i32,
    pub frag_size: i32,
    pub bytes_per_inode: i64,
}

impl Default for NewfsOptions {
    fn default() -> Self {
        NewfsOptions { block_size: 8192, frag_size: 1024, bytes_per_inode: 4096 }
    }
}

const MAX_FPG: i64 = 32768;

fn howmany(x: i64, y: i64) -> i64 {
    (x + y - 1) / y
}
const ROOT_INO: i64 = crate::ondisk::ROOTINO;
const LOSTFOUND_INO: i64 = ROOT_INO + 1;

fn now() -> i32 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i32).unwrap_or(0)
}

/// Makes the superblock for an image of `size` bytes.
fn superblock(size: u64, o: &NewfsOptions) -> Result<Buf, String> {
    let (bsize, fsize) = (o.block_size, o.frag_size);
    let frag = bsize / fsize;
    if !(4096..=65536).contains(&bsize) || !(bsize as u32).is_power_of_two() || !(fsize as u32).is_power_of_two()
        || fsize < 512 || !(1..=8).contains(&frag)
    {
        return Err(format!("EINVAL: bad block/fragment sizes {bsize}/{fsize}"));
    }
    let inopb = bsize / 128;
    let inopf = i64::from(inopb / frag);
    let too_small = || format!("EINVAL: {size} bytes is too small for a file system; give 128K or more");
    let mut total = (size / fsize as u64) as i64;
    total -= total % i64::from(frag);
    if total == 0 {
        return Err(too_small());
    }
    let fpg = if total < MAX_FPG { total } else { MAX_FPG };
    let mut ipg = (fpg * i64::from(fsize) / o.bytes_per_inode).max(i64::from(inopb));
    ipg = (ipg + i64::from(inopb) - 1) / i64::from(inopb) * i64::from(inopb);
    let sblkno = howmany((bsd::BBSIZE + bsd::SBSIZE) as i64, i64::from(fsize));
    let sblkno = (sblkno + i64::from(frag) - 1) / i64::from(frag) * i64::from(frag);
    let cblkno = sblkno + howmany(bsd::SBSIZE as i64, i64::from(fsize)).max(i64::from(frag));
    let iusedoff = 168 + 4 + 2;
    let freeoff = iusedoff + howmany(ipg, 8);
    let nextfreeoff = freeoff + howmany(fpg, 8);
    let cgfrags = howmany(nextfreeoff, i64::from(fsize));
    let iblkno = cblkno + (cgfrags + i64::from(frag) - 1) / i64::from(frag) * i64::from(frag);
    let dblkno = iblkno + ipg / inopf;
    if nextfreeoff > i64::from(bsize) {
        return Err("EINVAL: cylinder group maps do not fit in a block".into());
    }
    let mut ncg = howmany(total, fpg);
    let last = total - (ncg - 1) * fpg;
    if ncg > 1 && last < dblkno + 8 * i64::from(frag) {
        ncg -= 1;
        total = ncg * fpg;
    }
    let cssize = (ncg * 16 + i64::from(fsize) - 1) / i64::from(fsize) * i64::from(fsize);
    if total < dblkno + cssize / i64::from(fsize) + 4 * i64::from(frag) {
        return Err(too_small());
    }
    if ncg * ipg > i64::from(i32::MAX) || total > i64::from(i32::MAX) {
        return Err(format!("EFBIG: {size} bytes is too large for UFS1"));
    }

    let mut b = Buf::zeroed(bsd::SBSIZE as usize);
    let fs: &mut bsd::fs = b.view_mut(0);
    fs.fs_sblkno = sblkno as i32;
    fs.fs_cblkno = cblkno as i32;
    fs.fs_iblkno = iblkno as i32;
    fs.fs_dblkno = dblkno as i32;
    fs.fs_cgoffset = 0;
    fs.fs_cgmask = -1;
    fs.fs_time = now();
    fs.fs_size = total as i32;
    fs.fs_ncg = ncg as i32;
    fs.fs_bsize = bsize;
    fs.fs_fsize = fsize;
    fs.fs_frag = frag;
    fs.fs_minfree = bsd::MINFREE as i32;
    fs.fs_rotdelay = 0;
    fs.fs_rps = 60;
    fs.fs_bmask = !(bsize - 1);
    fs.fs_fmask = !(fsize - 1);
    fs.fs_bshift = bsize.trailing_zeros() as i32;
    fs.fs_fshift = fsize.trailing_zeros() as i32;
    fs.fs_maxcontig = 8;
    fs.fs_maxbpg = bsize / 4;
    fs.fs_fragshift = frag.trailing_zeros() as i32;
    fs.fs_fsbtodb = (fsize / 512).trailing_zeros() as i32;
    fs.fs_sbsize = 2048.max(fsize);
    fs.fs_csmask = !(bsize - 1);
    fs.fs_csshift = fs.fs_bshift;
    fs.fs_nindir = bsize / 4;
    fs.fs_inopb = inopb;
    fs.fs_nspf = fsize / 512;
    fs.fs_optim = bsd::FS_OPTTIME as i32;
    fs.fs_nsect = (fpg * i64::from(fsize) / 512) as i32;
    fs.fs_npsect = fs.fs_nsect;
    fs.fs_interleave = 1;
    fs.fs_csaddr = dblkno as i32;
    fs.fs_cssize = cssize as i32;
    fs.fs_cgsize = (nextfreeoff + i64::from(fsize) - 1) as i32 / fsize * fsize;
    fs.fs_ntrak = 1;
    fs.fs_spc = fs.fs_nsect;
    fs.fs_ncyl = ncg as i32;
    fs.fs_cpg = 1;
    fs.fs_ipg = ipg as i32;
    fs.fs_fpg = fpg as i32;
    fs.fs_clean = 1;
    fs.fs_cpc = 0;
    fs.fs_maxsymlinklen = crate::ondisk::MAXSYMLINKLEN as i32;
    fs.fs_inodefmt = bsd::FS_44INODEFMT as i32;
    let nindir = i64::from(bsize / 4);
    let maxlbn = bsd::NDADDR as i64 + nindir + nindir * nindir + (nindir * nindir * nindir).min(i64::from(i32::MAX));
    fs.fs_maxfilesize = ((maxlbn.min(i64::from(i32::MAX))) as u64 * bsize as u64) - 1;
    fs.fs_qbmask = !i64::from(fs.fs_bmask);
    fs.fs_qfmask = !i64::from(fs.fs_fmask);
    fs.fs_postblformat = bsd::FS_DYNAMICPOSTBLFMT as i32;
    fs.fs_nrpos = 1;
    fs.fs_postbloff = 1376;
    fs.fs_rotbloff = 1376;
    fs.fs_magic = bsd::FS_MAGIC as i32;
    Ok(b)
}

/// Free-run accounting of one block's map bits (as ffs_fragacct does).
fn fragacct(frag: i32, bits: u32, frsum: &mut [i32; 8], cnt: i32) {
    let mut run = 0;
    for i in 0..=frag {
        if i < frag && bits & (1 << i) != 0 {
            run += 1;
            continue;
        }
        if run > 0 && run < frag {
            frsum[run as usize] += cnt;
        }
        run = 0;
    }
}

/// Counts free blocks, free fragments and free runs of a group's map.
pub fn count_free(fs: &bsd::fs, map: &[u8], ndblk: i64) -> (i32, i32, [i32; 8]) {
    let frag = i64::from(fs.fs_frag);
    let (mut nbfree, mut nffree, mut frsum) = (0, 0, [0i32; 8]);
    for blk in 0..ndblk / frag {
        let mut bits = 0u32;
        for i in 0..frag {
            if isset(map, (blk * frag + i) as usize) {
                bits |= 1 << i;
            }
        }
        if bits == (1u32 << frag) - 1 {
            nbfree += 1;
        } else {
            nffree += bits.count_ones() as i32;
            fragacct(fs.fs_frag, bits, &mut frsum, 1);
        }
    }
    (nbfree, nffree, frsum)
}

/// Writes a new, empty file system of `size` bytes to `image`.
pub fn newfs(image: &Path, size: u64, opts: &NewfsOptions) -> Result<(), String> {
    let mut sb = superblock(size, opts)?;
    let fs: bsd::fs = *sb.view::<bsd::fs>(0);
    let file = OpenOptions::new().create(true).write(true).truncate(true).open(image)
        .map_err(|e| crate::errno::Errno::from_io(&e).to_string())?;
    file.set_len(size).map_err(|e| crate::errno::Errno::from_io(&e).to_string())?;
    let mut w = ImageWriter { file };

    let frag = i64::from(fs.fs_frag);
    let fsize = i64::from(fs.fs_fsize);
    let (ipg, fpg) = (i64::from(fs.fs_ipg), i64::from(fs.fs_fpg));
    let root_frag = fs.cgdmin(0) + i64::from(fs.fs_cssize) / fsize;
    let lf_block = (root_frag + 1 + frag - 1) / frag * frag;
    let mut csums = vec![bsd::csum::default(); fs.fs_ncg as usize];
    let mut total = bsd::csum::default();
    let mut dsize = 0i64;
    for c in 0..i64::from(fs.fs_ncg) {
        let ndblk = (i64::from(fs.fs_size) - fs.cgbase(c)).min(fpg);
        let mut cgb = Buf::zeroed(fs.fs_cgsize as usize);
        let iusedoff = 168 + 4 + 2;
        let freeoff = iusedoff + howmany(ipg, 8);
        {
            let cg: &mut bsd::cg = cgb.view_mut(0);
            cg.cg_magic = bsd::CG_MAGIC as i32;
            cg.cg_time = fs.fs_time;
            cg.cg_cgx = c as i32;
            cg.cg_ncyl = 1;
            cg.cg_niblk = ipg as i16;
            cg.cg_ndblk = ndblk as i32;
            cg.cg_btotoff = 168;
            cg.cg_boff = 172;
            cg.cg_iusedoff = iusedoff as i32;
            cg.cg_freeoff = freeoff as i32;
            cg.cg_nextfreeoff = (freeoff + howmany(fpg, 8)) as i32;
        }
        let bytes = cgb.bytes_mut();
        let (imap, fmap) = bytes[iusedoff as usize..].split_at_mut((freeoff - iusedoff) as usize);
        let mut nifree = ipg;
        let mut ndir = 0;
        if c == 0 {
            for ino in 0..=LOSTFOUND_INO {
                setbit(imap, ino as usize);
            }
            nifree -= LOSTFOUND_INO + 1;
            ndir = 2;
        }
        // Free space: before the superblock copy (not in group 0) and after the inodes.
        let dlower = fs.cgsblock(c) - fs.cgbase(c);
        let mut dupper = fs.cgdmin(c) - fs.cgbase(c);
        if c == 0 {
            dupper += i64::from(fs.fs_cssize) / fsize;
        }
        if c > 0 {
            for d in 0..dlower {
                setbit(fmap, d as usize);
            }
        }
        for d in dupper..ndblk {
            setbit(fmap, d as usize);
        }
        if c == 0 {
            clrbit(fmap, root_frag as usize);
            for d in lf_block..lf_block + frag {
                clrbit(fmap, d as usize);
            }
        }
        dsize += ndblk - (dupper - dlower) - if c == 0 { dlower } else { 0 };
        let (nbfree, nffree, frsum) = count_free(&fs, fmap, ndblk);
        let cs = bsd::csum { cs_ndir: ndir, cs_nbfree: nbfree, cs_nifree: nifree as i32, cs_nffree: nffree };
        {
            let cg: &mut bsd::cg = cgb.view_mut(0);
            cg.cg_cs = cs;
            cg.cg_frsum = frsum;
        }
        csums[c as usize] = cs;
        total.cs_ndir += cs.cs_ndir;
        total.cs_nbfree += cs.cs_nbfree;
        total.cs_nifree += cs.cs_nifree;
        total.cs_nffree += cs.cs_nffree;
        w.write(fs.frag_bytes(fs.cgtod(c)), cgb.bytes())?;
    }
    {
        let f: &mut bsd::fs = sb.view_mut(0);
        f.fs_cstotal = total;
        f.fs_dsize = dsize as i32;
        f.fs_state = bsd::FS_OKAY as i32 - f.fs_time;
    }
    let fs: bsd::fs = *sb.view::<bsd::fs>(0);

    // The summaries, the superblock and its copies.
    let cs_bytes = crate::ondisk::csum_bytes(&csums);
    w.write(fs.frag_bytes(i64::from(fs.fs_csaddr)), &cs_bytes)?;
    let sbbytes = &sb.bytes()[..fs.fs_sbsize as usize];
    w.write(crate::ondisk::SBOFF, sbbytes)?;
    for c in 0..i64::from(fs.fs_ncg) {
        w.write(fs.frag_bytes(fs.cgsblock(c)), sbbytes)?;
    }

    // The root directory and lost+found.
    let mut root = Vec::new();
    put_direct(&mut root, ROOT_INO as u32, bsd::DT_DIR as u8, b".", 0);
    put_direct(&mut root, ROOT_INO as u32, bsd::DT_DIR as u8, b"..", 0);
    let used = root.len();
    put_direct(&mut root, LOSTFOUND_INO as u32, bsd::DT_DIR as u8, b"lost+found", bsd::DIRBLKSIZ as usize - used);
    w.write(fs.frag_bytes(root_frag), &root)?;
    let mut lf = Vec::new();
    put_direct(&mut lf, LOSTFOUND_INO as u32, bsd::DT_DIR as u8, b".", 0);
    let used = lf.len();
    put_direct(&mut lf, ROOT_INO as u32, bsd::DT_DIR as u8, b"..", bsd::DIRBLKSIZ as usize - used);
    while lf.len() < fs.fs_bsize as usize {
        put_direct(&mut lf, 0, 0, b"", bsd::DIRBLKSIZ as usize);
    }
    w.write(fs.frag_bytes(lf_block), &lf)?;
    let mk = |mode: u32, nlink: i16, size: u64, db0: i64, bytes: i64| {
        let mut d = bsd::dinode { di_mode: mode as u16, di_nlink: nlink, di_size: size, ..Default::default() };
        d.di_atime = fs.fs_time;
        d.di_mtime = fs.fs_time;
        d.di_ctime = fs.fs_time;
        d.di_db[0] = db0 as i32;
        d.di_blocks = (bytes / 512) as i32;
        d.di_gen = 1;
        d
    };
    let rooti = mk(bsd::IFDIR | 0o755, 3, u64::from(bsd::DIRBLKSIZ), root_frag, fsize);
    let lfi = mk(bsd::IFDIR | 0o700, 2, fs.fs_bsize as u64, lf_block, i64::from(fs.fs_bsize));
    let mut ib = Buf::zeroed(128);
    *ib.view_mut::<bsd::dinode>(0) = rooti;
    w.write(fs.ino_offset(ROOT_INO), ib.bytes())?;
    *ib.view_mut::<bsd::dinode>(0) = lfi;
    w.write(fs.ino_offset(LOSTFOUND_INO), ib.bytes())?;
    w.file.sync_all().map_err(|e| crate::errno::Errno::from_io(&e).to_string())
}

struct ImageWriter {
    file: std::fs::File,
}

impl ImageWriter {
    fn write(&mut self, off: u64, bytes: &[u8]) -> Result<(), String> {
        let errno = |e: std::io::Error| crate::errno::Errno::from_io(&e).to_string();
        self.file.seek(SeekFrom::Start(off)).map_err(errno)?;
        self.file.write_all(bytes).map_err(errno)
    }
}
