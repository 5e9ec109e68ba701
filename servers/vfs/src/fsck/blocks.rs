//! Phase 1: blocks and sizes. Marks the metadata of every cylinder group
//! as used, then checks each allocated inode: its type, its size, and
//! every block pointer (direct and through up to three levels of indirect
//! blocks): in range, not in metadata, not claimed twice, and the block
//! count. A bad inode is cleared (repair); pointers past the end of the
//! file (a crash between a pointer's write and its inode's) are cleared
//! and their blocks freed, the file kept.
use super::{Fsck, InodeInfo, Kind};
use crate::bsd;
use crate::ondisk::{Buf, Layout, DINODE_SIZE, MAXSYMLINKLEN, ROOTINO};

pub(super) fn phase1(f: &mut Fsck) -> Result<(), String> {
    let fs = f.fs;
    for c in 0..i64::from(fs.fs_ncg) {
        let start = if c == 0 { 0 } else { fs.cgsblock(c) };
        for d in start..fs.cgdmin(c) {
            f.set_used(d, true);
        }
    }
    let csfrags = fs.numfrags(fs.fragroundup(i64::from(fs.fs_cssize)));
    for d in i64::from(fs.fs_csaddr)..i64::from(fs.fs_csaddr) + csfrags {
        f.set_used(d, true);
    }
    let ipg = i64::from(fs.fs_ipg);
    for c in 0..i64::from(fs.fs_ncg) {
        let area = f.read(fs.frag_bytes(fs.cgimin(c)), ipg as usize * DINODE_SIZE)?;
        let area = Buf::from_bytes(&area);
        for i in 0..ipg {
            let ino = c * ipg + i;
            if ino < ROOTINO {
                continue;
            }
            let d: bsd::dinode = *area.view(i as usize * DINODE_SIZE);
            check_inode(f, ino, d)?;
        }
    }
    let root = &f.inodes[ROOTINO as usize];
    if root.kind != Kind::Dir {
        return Err("the root inode is not an allocated directory".into());
    }
    Ok(())
}

struct Walk {
    claimed: Vec<i64>,
    data: Vec<(i64, i64)>,
    bad: Option<String>,
    /// Pointers to blocks past the end of the file, to be cleared (and the
    /// blocks freed): `(None, i)` is the inode's pointer i (direct, then
    /// indirect), `(Some(frag), i)` entry i of the indirect block at frag.
    /// A crash leaves these when a pointer reached the disk before the
    /// inode's new size.
    past_eof: Vec<(Option<i64>, usize)>,
}

fn claim(f: &mut Fsck, w: &mut Walk, frag: i64, bytes: i64) {
    let fs = f.fs;
    let n = fs.numfrags(bytes);
    let frag_in_block = frag & i64::from(fs.fs_frag - 1);
    if frag <= 0 || frag + n > i64::from(fs.fs_size) || frag_in_block + n > i64::from(fs.fs_frag) {
        w.bad.get_or_insert(format!("block {frag} is outside the file system"));
        return;
    }
    for d in frag..frag + n {
        if f.is_used(d) {
            w.bad.get_or_insert(format!("block {d} is already in use (DUP)"));
            return;
        }
    }
    for d in frag..frag + n {
        f.set_used(d, true);
        w.claimed.push(d);
    }
}

/// Claims an indirect block at `ptr` (level 0: pointers to data) and the
/// blocks below it; `first_lbn` is the first logical block it maps.
fn walk_indirect(f: &mut Fsck, w: &mut Walk, ptr: i64, level: u32, first_lbn: i64, size: u64) -> Result<(), String> {
    let fs = f.fs;
    let bsize = i64::from(fs.fs_bsize);
    claim(f, w, ptr, bsize);
    if w.bad.is_some() {
        return Ok(());
    }
    let raw = f.read(fs.frag_bytes(ptr), bsize as usize)?;
    let nindir = i64::from(fs.fs_nindir);
    let span = nindir.pow(level);
    for (i, chunk) in raw.chunks_exact(4).enumerate() {
        let p = i64::from(i32::from_le_bytes(chunk.try_into().unwrap()));
        if p == 0 {
            continue;
        }
        let lbn = first_lbn + i as i64 * span;
        if (lbn as u64).saturating_mul(bsize as u64) >= size {
            w.past_eof.push((Some(ptr), i));
            continue;
        }
        if level == 0 {
            claim(f, w, p, bsize);
            w.data.push((p, bsize));
        } else {
            walk_indirect(f, w, p, level - 1, lbn, size)?;
        }
        if w.bad.is_some() {
            return Ok(());
        }
    }
    Ok(())
}

fn check_inode(f: &mut Fsck, ino: i64, d: bsd::dinode) -> Result<(), String> {
    let fs = f.fs;
    if d.di_mode == 0 {
        let raw = d.di_db.iter().chain(d.di_ib.iter()).any(|&p| p != 0) || d.di_size != 0 || d.di_nlink != 0;
        if raw {
            f.problem(format!("inode {ino}: partially allocated inode"));
            if f.repair {
                f.write_inode(ino, &bsd::dinode::default())?;
            }
        }
        return Ok(());
    }
    let kind = match u32::from(d.di_mode) & bsd::IFMT {
        bsd::IFREG => Kind::File,
        bsd::IFDIR => Kind::Dir,
        bsd::IFLNK => Kind::Link,
        bsd::IFCHR | bsd::IFBLK | bsd::IFIFO | bsd::IFSOCK => Kind::Other,
        _ => Kind::Free,
    };
    let mut w = Walk { claimed: Vec::new(), data: Vec::new(), bad: None, past_eof: Vec::new() };
    let bsize = i64::from(fs.fs_bsize);
    if kind == Kind::Free {
        w.bad = Some(format!("unknown file type {:#o}", d.di_mode));
    } else if d.di_size > fs.fs_maxfilesize.max(1) {
        w.bad = Some(format!("size {} is too large", d.di_size));
    } else if kind == Kind::Dir && (!d.di_size.is_multiple_of(u64::from(bsd::DIRBLKSIZ)) || d.di_size == 0) {
        w.bad = Some(format!("directory size {} is not a multiple of {}", d.di_size, bsd::DIRBLKSIZ));
    }
    let short_link = kind == Kind::Link && d.di_size < fs.fs_maxsymlinklen as u64 && d.di_blocks == 0;
    if short_link && d.di_size as usize >= MAXSYMLINKLEN {
        w.bad = Some("bad symlink length".into());
    }
    if w.bad.is_none() && !short_link && kind != Kind::Other {
        for lbn in 0..bsd::NDADDR as i64 {
            let p = i64::from(d.di_db[lbn as usize]);
            if p == 0 {
                continue;
            }
            if lbn as u64 * bsize as u64 >= d.di_size {
                w.past_eof.push((None, lbn as usize));
                continue;
            }
            let bytes = fs.blksize(d.di_size, lbn);
            claim(f, &mut w, p, bytes);
            w.data.push((p, bytes));
            if w.bad.is_some() {
                break;
            }
        }
        let nindir = i64::from(fs.fs_nindir);
        let mut first = bsd::NDADDR as i64;
        for level in 0..bsd::NIADDR {
            let p = i64::from(d.di_ib[level as usize]);
            if w.bad.is_some() {
                break;
            }
            if p != 0 {
                if first as u64 * bsize as u64 >= d.di_size {
                    w.past_eof.push((None, bsd::NDADDR as usize + level as usize));
                } else {
                    walk_indirect(f, &mut w, p, level, first, d.di_size)?;
                }
            }
            first += nindir.pow(level + 1);
        }
    }
    // Phase 2 reads a directory's blocks in order: a hole would shift them.
    if w.bad.is_none() && kind == Kind::Dir {
        let needed = (d.di_size as i64 + bsize - 1) / bsize;
        if w.data.len() as i64 != needed {
            w.bad = Some("directory has holes".into());
        }
    }
    if let Some(why) = w.bad.take() {
        f.problem(format!("inode {ino}: {why}: clear"));
        for &frag in &w.claimed {
            f.set_used(frag, false);
        }
        if f.repair {
            f.write_inode(ino, &bsd::dinode::default())?;
        } else {
            // Keep checking as if it were gone.
        }
        return Ok(());
    }
    let mut d = d;
    if !w.past_eof.is_empty() {
        f.crash_problem(format!("inode {ino}: {} block pointers past the end of the file: freed", w.past_eof.len()));
        if f.repair {
            for &(at, i) in &w.past_eof {
                match at {
                    None if i < bsd::NDADDR as usize => d.di_db[i] = 0,
                    None => d.di_ib[i - bsd::NDADDR as usize] = 0,
                    Some(frag) => {
                        let off = fs.frag_bytes(frag) + 4 * i as u64;
                        f.write(off, &0i32.to_le_bytes())?;
                    }
                }
            }
            f.write_inode(ino, &d)?;
        }
    }
    let frags = w.claimed.len() as i64;
    let blocks = frags * i64::from(fs.fs_fsize) / 512;
    if i64::from(d.di_blocks) != blocks {
        f.crash_problem(format!("inode {ino}: block count {} should be {blocks}", d.di_blocks));
        if f.repair {
            let mut nd = d;
            nd.di_blocks = blocks as i32;
            f.write_inode(ino, &nd)?;
        }
    }
    match kind {
        Kind::Dir => f.report.dirs += 1,
        _ => f.report.files += 1,
    }
    f.report.used_frags += frags as u64;
    f.inodes[ino as usize] = InodeInfo {
        kind,
        nlink: d.di_nlink,
        size: d.di_size,
        blocks: w.data,
        links_found: 0,
        parent: 0,
        reached: false,
    };
    Ok(())
}
