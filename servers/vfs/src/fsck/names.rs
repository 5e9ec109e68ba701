//! Phases 2-4: pathnames, connectivity, reference counts.
//!
//! Phase 2 walks the tree from the root, checking every entry of every
//! directory ("." and ".." first and right; names well-formed; inode
//! numbers allocated; no second link to a directory) and counting the
//! links it finds. Phase 3 reconnects directories the walk did not reach
//! to lost+found (and walks them). Phase 4 compares each inode's link
//! count with the links found, reconnecting unreferenced files.
use std::collections::VecDeque;

use super::{Fsck, Kind};
use crate::bsd;
use crate::ondisk::{direct_header, direct_size, put_direct, Layout, D_INO, D_NAME, D_RECLEN, D_TYPE, ROOTINO};

const CHUNK: usize = bsd::DIRBLKSIZ as usize;

fn dtype_of(kind: Kind) -> u8 {
    match kind {
        Kind::Dir => bsd::DT_DIR as u8,
        Kind::Link => bsd::DT_LNK as u8,
        Kind::File => bsd::DT_REG as u8,
        _ => bsd::DT_UNKNOWN as u8,
    }
}

/// A directory block's chunks, and where each block lives.
fn dir_blocks(f: &Fsck, dir: u32) -> Vec<(i64, i64)> {
    f.inodes[dir as usize].blocks.clone()
}

pub(super) fn phase2(f: &mut Fsck) -> Result<(), String> {
    let root = ROOTINO as usize;
    f.inodes[root].reached = true;
    f.inodes[root].parent = ROOTINO as u32;
    walk(f, ROOTINO as u32)
}

/// Walks the tree below `top` (already marked reached), checking entries.
fn walk(f: &mut Fsck, top: u32) -> Result<(), String> {
    let mut queue = VecDeque::from([top]);
    while let Some(dir) = queue.pop_front() {
        check_dir(f, dir, &mut queue)?;
    }
    Ok(())
}

fn check_dir(f: &mut Fsck, dir: u32, queue: &mut VecDeque<u32>) -> Result<(), String> {
    let size = f.inodes[dir as usize].size;
    let ninodes = f.inodes.len() as u64;
    let mut offset = 0u64;
    let (mut seen_dot, mut seen_dotdot) = (false, false);
    for (frag, bytes) in dir_blocks(f, dir) {
        let mut data = f.read(f.fs.frag_bytes(frag), bytes as usize)?;
        let mut dirty = false;
        for c in 0..data.len() / CHUNK {
            if offset + (c * CHUNK) as u64 >= size {
                break;
            }
            let chunk = &mut data[c * CHUNK..(c + 1) * CHUNK];
            if offset == 0 && c == 0 && !starts_with_dots(chunk, dir) {
                f.problem(format!("directory inode {dir}: first entries are not '.' and '..'"));
                if f.repair {
                    // Rewrite the chunk as "." and ".."; the entries it held
                    // are dropped, and phases 3 and 4 reconnect what they
                    // named to lost+found.
                    let parent = f.inodes[dir as usize].parent;
                    let mut fresh = Vec::with_capacity(CHUNK);
                    put_direct(&mut fresh, dir, bsd::DT_DIR as u8, b".", 0);
                    let used = fresh.len();
                    put_direct(&mut fresh, parent, bsd::DT_DIR as u8, b"..", CHUNK - used);
                    chunk.copy_from_slice(&fresh);
                    dirty = true;
                }
            }
            let mut off = 0usize;
            let mut prev: Option<usize> = None;
            while off < CHUNK {
                let (ino, reclen, dtype, namlen) = direct_header(chunk, off);
                if !entry_ok(chunk, off) {
                    f.problem(format!("directory inode {dir}: corrupted entry at offset {}", offset as usize + c * CHUNK + off));
                    if f.repair {
                        match prev {
                            Some(p) => chunk[p + D_RECLEN..p + D_RECLEN + 2].copy_from_slice(&((CHUNK - p) as u16).to_le_bytes()),
                            None => {
                                chunk[off + D_INO..off + D_INO + 4].copy_from_slice(&0u32.to_le_bytes());
                                chunk[off + D_RECLEN..off + D_RECLEN + 2].copy_from_slice(&((CHUNK - off) as u16).to_le_bytes());
                            }
                        }
                        dirty = true;
                    }
                    break;
                }
                let name = chunk[off + D_NAME..off + D_NAME + namlen].to_vec();
                let pos_first = offset == 0 && c == 0 && off == 0;
                let is_dot = name == b".";
                let is_dotdot = name == b"..";
                let mut remove = false;
                if ino != 0 {
                    let unallocated = u64::from(ino) >= ninodes || (ino as i64) < ROOTINO
                        || f.inodes[ino as usize].kind == Kind::Free;
                    if unallocated && !is_dot && !is_dotdot {
                        f.problem(format!("directory inode {dir}: entry {:?} names unallocated inode {ino}", String::from_utf8_lossy(&name)));
                        remove = true;
                    } else if is_dot {
                        seen_dot = true;
                        if ino != dir || !pos_first {
                            f.problem(format!("directory inode {dir}: bad '.' entry"));
                            if f.repair && pos_first {
                                chunk[off + D_INO..off + D_INO + 4].copy_from_slice(&dir.to_le_bytes());
                                dirty = true;
                            }
                        }
                        f.inodes[dir as usize].links_found += 1;
                    } else if is_dotdot {
                        seen_dotdot = true;
                        let parent = f.inodes[dir as usize].parent;
                        if ino != parent {
                            f.problem(format!("directory inode {dir}: '..' is {ino}, should be {parent}"));
                            if f.repair {
                                chunk[off + D_INO..off + D_INO + 4].copy_from_slice(&parent.to_le_bytes());
                                dirty = true;
                            }
                        }
                        f.inodes[parent as usize].links_found += 1;
                    } else {
                        let kind = f.inodes[ino as usize].kind;
                        if kind == Kind::Dir {
                            if f.inodes[ino as usize].reached {
                                f.problem(format!("directory inode {dir}: second link to directory {ino}"));
                                remove = true;
                            } else {
                                f.inodes[ino as usize].reached = true;
                                f.inodes[ino as usize].parent = dir;
                                queue.push_back(ino);
                            }
                        }
                        if !remove {
                            f.inodes[ino as usize].links_found += 1;
                            if dtype != dtype_of(kind) && dtype_of(kind) != bsd::DT_UNKNOWN as u8 {
                                f.problem(format!("directory inode {dir}: entry {:?} has type {dtype}, should be {}",
                                    String::from_utf8_lossy(&name), dtype_of(kind)));
                                if f.repair {
                                    chunk[off + D_TYPE] = dtype_of(kind);
                                    dirty = true;
                                }
                            }
                            if dir == ROOTINO as u32 && name == b"lost+found" && kind == Kind::Dir {
                                f.lost_found = Some(ino);
                            }
                        }
                    }
                    if remove && f.repair {
                        chunk[off + D_INO..off + D_INO + 4].copy_from_slice(&0u32.to_le_bytes());
                        dirty = true;
                    }
                }
                prev = Some(off);
                off += reclen;
            }
        }
        if dirty {
            f.write(f.fs.frag_bytes(frag), &data)?;
        }
        offset += bytes as u64;
    }
    if !seen_dot || !seen_dotdot {
        f.problem(format!("directory inode {dir}: missing '.' or '..'"));
        if !seen_dot {
            f.inodes[dir as usize].links_found += 1;
        }
        if !seen_dotdot {
            let parent = f.inodes[dir as usize].parent;
            f.inodes[parent as usize].links_found += 1;
        }
    }
    Ok(())
}

/// Is the entry at `off` of a chunk well-formed (4.4BSD's dirbadentry)?
fn entry_ok(chunk: &[u8], off: usize) -> bool {
    let (ino, reclen, _, namlen) = direct_header(chunk, off);
    reclen >= D_NAME && reclen.is_multiple_of(4) && off + reclen <= CHUNK && reclen >= direct_size(namlen)
        && (ino == 0 || (chunk[off + D_NAME..off + D_NAME + namlen].iter().all(|&b| b != 0 && b != b'/')
            && chunk[off + D_NAME + namlen] == 0))
}

/// Does a directory's first chunk start with "." (naming `dir`) and "..",
/// both well-formed?
fn starts_with_dots(chunk: &[u8], dir: u32) -> bool {
    let (ino, reclen, _, namlen) = direct_header(chunk, 0);
    if !entry_ok(chunk, 0) || ino != dir || namlen != 1 || chunk[D_NAME] != b'.' || reclen + D_NAME > CHUNK {
        return false;
    }
    let (ino2, _, _, namlen2) = direct_header(chunk, reclen);
    entry_ok(chunk, reclen) && ino2 != 0 && namlen2 == 2 && &chunk[reclen + D_NAME..reclen + D_NAME + 2] == b".."
}

/// Adds an entry to directory `dir` in the slack of an existing entry.
fn add_entry(f: &mut Fsck, dir: u32, name: &[u8], ino: u32, dtype: u8) -> Result<bool, String> {
    let need = direct_size(name.len());
    for (frag, bytes) in dir_blocks(f, dir) {
        let mut data = f.read(f.fs.frag_bytes(frag), bytes as usize)?;
        for c in 0..data.len() / CHUNK {
            let chunk = &mut data[c * CHUNK..(c + 1) * CHUNK];
            let mut off = 0;
            while off < CHUNK {
                let (eino, reclen, _, namlen) = direct_header(chunk, off);
                if reclen < D_NAME || off + reclen > CHUNK {
                    break;
                }
                let used = if eino == 0 { 0 } else { direct_size(namlen) };
                if reclen - used >= need {
                    let mut entry = Vec::new();
                    put_direct(&mut entry, ino, dtype, name, reclen - used);
                    if used > 0 {
                        chunk[off + D_RECLEN..off + D_RECLEN + 2].copy_from_slice(&(used as u16).to_le_bytes());
                    }
                    chunk[off + used..off + reclen].copy_from_slice(&entry);
                    f.write(f.fs.frag_bytes(frag), &data)?;
                    return Ok(true);
                }
                off += reclen;
            }
        }
    }
    Ok(false)
}

/// A whole free block (its first fragment), from what phases 1-4 found in use.
fn free_block(f: &Fsck) -> Option<i64> {
    let fs = f.fs;
    let frag = i64::from(fs.fs_frag);
    for c in 0..i64::from(fs.fs_ncg) {
        let end = (fs.cgbase(c) + i64::from(fs.fs_fpg)).min(i64::from(fs.fs_size));
        let mut b = (fs.cgdmin(c) + frag - 1) / frag * frag;
        while b + frag <= end {
            if (b..b + frag).all(|d| !f.is_used(d)) {
                return Some(b);
            }
            b += frag;
        }
    }
    None
}

/// A block of empty directory chunks.
fn empty_chunks(bsize: usize) -> Vec<u8> {
    let mut data = Vec::with_capacity(bsize);
    while data.len() < bsize {
        put_direct(&mut data, 0, 0, b"", CHUNK);
    }
    data
}

/// Adds a block of empty chunks to directory `dir` (as 4.4BSD fsck's
/// expanddir does for a full lost+found); false if it cannot (no free
/// block, no direct pointer left, or a last block that is fragments).
fn grow_dir(f: &mut Fsck, dir: u32) -> Result<bool, String> {
    let fs = f.fs;
    let bsize = fs.fs_bsize as u64;
    let size = f.inodes[dir as usize].size;
    let lbn = (size / bsize) as usize;
    if !size.is_multiple_of(bsize) || lbn >= bsd::NDADDR as usize {
        return Ok(false);
    }
    let Some(block) = free_block(f) else { return Ok(false) };
    f.write(fs.frag_bytes(block), &empty_chunks(bsize as usize))?;
    let mut d = f.read_inode(i64::from(dir))?;
    d.di_db[lbn] = block as i32;
    d.di_size = size + bsize;
    d.di_blocks += (bsize / 512) as i32;
    f.write_inode(i64::from(dir), &d)?;
    for b in block..block + i64::from(fs.fs_frag) {
        f.set_used(b, true);
    }
    let info = &mut f.inodes[dir as usize];
    info.size = size + bsize;
    info.blocks.push((block, bsize as i64));
    f.report.used_frags += u64::from(fs.fs_frag as u32);
    Ok(true)
}

/// Makes /lost+found (as 4.4BSD fsck does when it needs one): a free
/// inode and a free block, a directory of empty chunks, an entry in the
/// root. Phase 5 then marks both used in the maps.
fn make_lost_found(f: &mut Fsck) -> Result<Option<u32>, String> {
    let fs = f.fs;
    let Some(ino) = (ROOTINO as usize + 1..f.inodes.len()).find(|&i| f.inodes[i].kind == Kind::Free) else {
        return Ok(None);
    };
    let frag = i64::from(fs.fs_frag);
    let Some(block) = free_block(f) else { return Ok(None) };
    let root = ROOTINO as u32;
    if !add_entry(f, root, b"lost+found", ino as u32, bsd::DT_DIR as u8)? {
        return Ok(None);
    }
    let bsize = fs.fs_bsize as usize;
    let mut data = Vec::with_capacity(bsize);
    put_direct(&mut data, ino as u32, bsd::DT_DIR as u8, b".", 0);
    let used = data.len();
    put_direct(&mut data, root, bsd::DT_DIR as u8, b"..", CHUNK - used);
    data.extend_from_slice(&empty_chunks(bsize - CHUNK));
    f.write(fs.frag_bytes(block), &data)?;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i32).unwrap_or(0);
    let mut d = bsd::dinode { di_mode: (bsd::IFDIR | 0o700) as u16, di_nlink: 2, di_size: bsize as u64, ..Default::default() };
    d.di_db[0] = block as i32;
    d.di_blocks = (bsize / 512) as i32;
    d.di_atime = now;
    d.di_mtime = now;
    d.di_ctime = now;
    f.write_inode(ino as i64, &d)?;
    for b in block..block + frag {
        f.set_used(b, true);
    }
    let info = &mut f.inodes[ino];
    info.kind = Kind::Dir;
    info.nlink = 2;
    info.size = bsize as u64;
    info.blocks = vec![(block, bsize as i64)];
    info.links_found = 2; // its entry in / and its "."
    info.parent = root;
    info.reached = true;
    // Its ".." is a new link to the root, counted and recorded at once (the
    // root's own count may already have been checked).
    f.inodes[root as usize].links_found += 1;
    f.inodes[root as usize].nlink += 1;
    let mut rd = f.read_inode(ROOTINO)?;
    rd.di_nlink += 1;
    f.write_inode(ROOTINO, &rd)?;
    f.report.dirs += 1;
    f.crash_problem(format!("no lost+found: made one (inode {ino})"));
    f.lost_found = Some(ino as u32);
    Ok(Some(ino as u32))
}

/// Reconnects `ino` to lost+found; false if there is no room or no lost+found.
fn reconnect(f: &mut Fsck, ino: u32) -> Result<bool, String> {
    if !f.repair {
        return Ok(false);
    }
    let lf = match f.lost_found {
        Some(lf) => lf,
        None => match make_lost_found(f)? {
            Some(lf) => lf,
            None => return Ok(false),
        },
    };
    let name = format!("#{ino}");
    let kind = f.inodes[ino as usize].kind;
    // A full lost+found grows by a block.
    let added = add_entry(f, lf, name.as_bytes(), ino, dtype_of(kind))?
        || (grow_dir(f, lf)? && add_entry(f, lf, name.as_bytes(), ino, dtype_of(kind))?);
    if !added {
        return Ok(false);
    }
    f.inodes[ino as usize].links_found += 1;
    Ok(true)
}

pub(super) fn phase3(f: &mut Fsck) -> Result<(), String> {
    for ino in ROOTINO as usize + 1..f.inodes.len() {
        if f.inodes[ino].kind != Kind::Dir || f.inodes[ino].reached {
            continue;
        }
        f.crash_problem(format!("directory inode {ino} is not connected"));
        if reconnect(f, ino as u32)? {
            let lf = f.lost_found.unwrap_or(ROOTINO as u32);
            f.inodes[ino].reached = true;
            f.inodes[ino].parent = lf;
            walk(f, ino as u32)?;
        } else {
            // Count it as reached so its children are checked too.
            f.inodes[ino].reached = true;
            f.inodes[ino].parent = ino as u32;
            walk(f, ino as u32)?;
        }
    }
    Ok(())
}

pub(super) fn phase4(f: &mut Fsck) -> Result<(), String> {
    for ino in ROOTINO as usize..f.inodes.len() {
        if f.inodes[ino].kind == Kind::Free {
            continue;
        }
        if f.inodes[ino].links_found == 0 {
            f.crash_problem(format!("inode {ino} is not referenced"));
            if f.inodes[ino].size == 0 && f.inodes[ino].blocks.is_empty() {
                if f.repair {
                    f.write_inode(ino as i64, &bsd::dinode::default())?;
                    f.inodes[ino].kind = Kind::Free;
                    f.report.files = f.report.files.saturating_sub(1);
                }
                continue;
            }
            reconnect(f, ino as u32)?;
        }
        let found = f.inodes[ino].links_found;
        if i64::from(f.inodes[ino].nlink) != i64::from(found) {
            let what = format!("inode {ino}: link count {} should be {found}", f.inodes[ino].nlink);
            if i64::from(f.inodes[ino].nlink) > i64::from(found) {
                f.crash_problem(what);
            } else {
                f.problem(what);
            }
            if f.repair {
                let mut d = f.read_inode(ino as i64)?;
                d.di_nlink = found as i16;
                f.write_inode(ino as i64, &d)?;
            }
        }
    }
    Ok(())
}
