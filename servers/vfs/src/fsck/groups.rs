//! Phase 5: cylinder groups. Rebuilds what each group's maps and counts
//! should be from what phases 1-4 found in use, and compares: the
//! group header, the inode-used and fragment-free maps, the free counts
//! and free-run counts (cg_frsum), the summary array and the
//! superblock's totals. Repair rewrites them.
use super::{Fsck, Kind};
use crate::bsd;
use crate::newfs::count_free;
use crate::ondisk::{clrbit, isset, setbit, Buf, Layout, ROOTINO};

pub(super) fn phase5(f: &mut Fsck) -> Result<(), String> {
    let fs = f.fs;
    let (ipg, fpg) = (i64::from(fs.fs_ipg), i64::from(fs.fs_fpg));
    let mut total = bsd::csum::default();
    let mut sums = Vec::with_capacity(fs.fs_ncg as usize);
    for c in 0..i64::from(fs.fs_ncg) {
        let ndblk = (i64::from(fs.fs_size) - fs.cgbase(c)).min(fpg);
        let raw = f.read(fs.frag_bytes(fs.cgtod(c)), fs.fs_cgsize as usize)?;
        let mut cgb = Buf::from_bytes(&raw);
        let hdr: bsd::cg = *cgb.view(0);
        let header_ok = hdr.cg_magic == bsd::CG_MAGIC as i32 && i64::from(hdr.cg_cgx) == c
            && hdr.cg_iusedoff >= 168 && i64::from(hdr.cg_iusedoff) + (ipg + 7) / 8 <= i64::from(fs.fs_cgsize)
            && hdr.cg_freeoff >= 168 && i64::from(hdr.cg_freeoff) + (fpg + 7) / 8 <= i64::from(fs.fs_cgsize)
            // The inode map comes first and the maps do not overlap.
            && i64::from(hdr.cg_iusedoff) + (ipg + 7) / 8 <= i64::from(hdr.cg_freeoff)
            && i64::from(hdr.cg_ndblk) == ndblk;
        if !header_ok {
            f.problem(format!("cylinder group {c}: bad header"));
            if !f.repair {
                continue;
            }
            // Rebuild the header with newfs's layout.
            let iusedoff = 168 + 4 * fs.fs_cpg.max(1) + 2 * fs.fs_cpg.max(1) * fs.fs_nrpos.max(1);
            let freeoff = iusedoff + (fs.fs_ipg + 7) / 8;
            if i64::from(freeoff) + (fpg + 7) / 8 > i64::from(fs.fs_cgsize) {
                return Err(format!("cylinder group {c} cannot be rebuilt"));
            }
            cgb = Buf::zeroed(fs.fs_cgsize as usize);
            let cg: &mut bsd::cg = cgb.view_mut(0);
            cg.cg_magic = bsd::CG_MAGIC as i32;
            cg.cg_cgx = c as i32;
            cg.cg_ncyl = fs.fs_cpg as i16;
            cg.cg_niblk = fs.fs_ipg as i16;
            cg.cg_ndblk = ndblk as i32;
            cg.cg_btotoff = 168;
            cg.cg_boff = 168 + 4 * fs.fs_cpg.max(1);
            cg.cg_iusedoff = iusedoff;
            cg.cg_freeoff = freeoff;
            cg.cg_nextfreeoff = freeoff + (fs.fs_fpg + 7) / 8;
        }
        let hdr: bsd::cg = *cgb.view(0);
        let (iusedoff, freeoff) = (hdr.cg_iusedoff as usize, hdr.cg_freeoff as usize);
        let mut dirty = !header_ok;

        // The inode map.
        let mut nifree = 0;
        let mut ndir = 0;
        for i in 0..ipg {
            let ino = c * ipg + i;
            let inuse = ino < ROOTINO || f.inodes[ino as usize].kind != Kind::Free;
            if !inuse {
                nifree += 1;
            }
            if ino >= ROOTINO && f.inodes[ino as usize].kind == Kind::Dir {
                ndir += 1;
            }
            let map = &mut cgb.bytes_mut()[iusedoff..];
            if isset(map, i as usize) != inuse {
                if ino >= ROOTINO {
                    f.crash_problem(format!("cylinder group {c}: inode {ino} marked {} in the map",
                        if inuse { "free" } else { "used" }));
                } else {
                    f.crash_problem(format!("cylinder group {c}: reserved inode {ino} marked free"));
                }
                if inuse { setbit(map, i as usize) } else { clrbit(map, i as usize) }
                dirty = true;
            }
        }
        // The fragment map.
        let mut map_problems = 0;
        for d in 0..ndblk {
            let free = !f.is_used(fs.cgbase(c) + d);
            let map = &mut cgb.bytes_mut()[freeoff..];
            if isset(map, d as usize) != free {
                map_problems += 1;
                if free { setbit(map, d as usize) } else { clrbit(map, d as usize) }
                dirty = true;
            }
        }
        if map_problems > 0 {
            f.crash_problem(format!("cylinder group {c}: {map_problems} fragments wrongly marked in the free map"));
        }
        let (nbfree, nffree, frsum) = count_free(&fs, &cgb.bytes()[freeoff..], ndblk);
        let want = bsd::csum { cs_ndir: ndir, cs_nbfree: nbfree, cs_nifree: nifree, cs_nffree: nffree };
        let cg: &mut bsd::cg = cgb.view_mut(0);
        if cg.cg_cs.cs_ndir != want.cs_ndir || cg.cg_cs.cs_nbfree != want.cs_nbfree
            || cg.cg_cs.cs_nifree != want.cs_nifree || cg.cg_cs.cs_nffree != want.cs_nffree
        {
            f.report.problems.push(format!(
                "cylinder group {c}: counts (dirs, free blocks, free inodes, free frags) are ({}, {}, {}, {}), should be ({}, {}, {}, {})",
                cg.cg_cs.cs_ndir, cg.cg_cs.cs_nbfree, cg.cg_cs.cs_nifree, cg.cg_cs.cs_nffree,
                want.cs_ndir, want.cs_nbfree, want.cs_nifree, want.cs_nffree));
            cg.cg_cs = want;
            dirty = true;
        }
        if cg.cg_frsum[1..] != frsum[1..] {
            f.report.problems.push(format!("cylinder group {c}: free-run counts are wrong"));
            cg.cg_frsum = frsum;
            dirty = true;
        }
        if dirty && f.repair {
            f.write(fs.frag_bytes(fs.cgtod(c)), cgb.bytes())?;
        }
        total.cs_ndir += want.cs_ndir;
        total.cs_nbfree += want.cs_nbfree;
        total.cs_nifree += want.cs_nifree;
        total.cs_nffree += want.cs_nffree;
        sums.push(want);
    }

    // The summary array and the superblock totals.
    let raw = f.read(fs.frag_bytes(i64::from(fs.fs_csaddr)), fs.fs_ncg as usize * 16)?;
    let want_raw = crate::ondisk::csum_bytes(&sums);
    if raw != want_raw {
        f.crash_problem("summary information is wrong".into());
        if f.repair {
            f.write(fs.frag_bytes(i64::from(fs.fs_csaddr)), &want_raw)?;
        }
    }
    let sbt = fs.fs_cstotal;
    if sbt.cs_ndir != total.cs_ndir || sbt.cs_nbfree != total.cs_nbfree || sbt.cs_nifree != total.cs_nifree
        || sbt.cs_nffree != total.cs_nffree
    {
        f.crash_problem("superblock free counts are wrong".into());
    }
    if f.repair && (!f.report.problems.is_empty() || fs.fs_clean == 0) {
        let sb: &mut bsd::fs = f.sb.view_mut(0);
        sb.fs_cstotal = total;
        sb.fs_clean = 1;
        sb.fs_fmod = 0;
        let len = (sb.fs_sbsize as usize).min(bsd::SBSIZE as usize);
        let bytes = f.sb.bytes()[..len].to_vec();
        f.write(crate::ondisk::SBOFF, &bytes)?;
    }
    Ok(())
}
