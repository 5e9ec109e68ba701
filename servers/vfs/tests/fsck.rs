//! Our fsck finds damage done on purpose to an image, repairs it, and the
//! repaired image checks clean and mounts with its data intact.
mod common;
use common::*;
use std::fs::OpenOptions;
use std::os::unix::fs::FileExt;
use std::path::Path;

use molt_vfs::bsd;
use molt_vfs::fsck::{check, check_with};
use molt_vfs::ondisk::{Buf, Layout};
use molt_vfs::{MountOptions, Volume};

fn superblock(img: &Path) -> bsd::fs {
    let f = std::fs::File::open(img).unwrap();
    let mut raw = vec![0u8; 8192];
    f.read_exact_at(&mut raw, 8192).unwrap();
    *Buf::from_bytes(&raw).view::<bsd::fs>(0)
}

fn poke_inode(img: &Path, ino: u32, change: impl FnOnce(&mut bsd::dinode)) {
    let fs = superblock(img);
    let f = OpenOptions::new().read(true).write(true).open(img).unwrap();
    let off = fs.ino_offset(i64::from(ino));
    let mut raw = vec![0u8; 128];
    f.read_exact_at(&mut raw, off).unwrap();
    let mut b = Buf::from_bytes(&raw);
    change(b.view_mut::<bsd::dinode>(0));
    f.write_all_at(b.bytes(), off).unwrap();
}

fn read_inode(img: &Path, ino: u32) -> bsd::dinode {
    let mut d = bsd::dinode::default();
    poke_inode(img, ino, |x| d = *x);
    d
}

/// Rewrites the first directory entry called `name` in directory `dir_ino`.
fn poke_entry(img: &Path, dir_ino: u32, name: &str, change: impl FnOnce(&mut [u8])) {
    let fs = superblock(img);
    let d = read_inode(img, dir_ino);
    let f = OpenOptions::new().read(true).write(true).open(img).unwrap();
    let off = fs.frag_bytes(i64::from(d.di_db[0]));
    let mut chunk = vec![0u8; 512];
    f.read_exact_at(&mut chunk, off).unwrap();
    let mut pos = 0;
    while pos < 512 {
        let reclen = u16::from_le_bytes([chunk[pos + 4], chunk[pos + 5]]) as usize;
        let namlen = chunk[pos + 7] as usize;
        if &chunk[pos + 8..pos + 8 + namlen] == name.as_bytes() {
            change(&mut chunk[pos..pos + reclen]);
            f.write_all_at(&chunk, off).unwrap();
            return;
        }
        pos += reclen;
    }
    panic!("no entry {name}");
}

/// An image with a little tree; returns it with the inode numbers of d, d/f.
fn sample(s: &Scratch) -> (std::path::PathBuf, u32, u32) {
    let (img, v) = new_volume(s, 16 << 20);
    v.mkdir("d", 0o755).unwrap();
    v.write_file("d/f", &pattern(30_000, 1), 0o644).unwrap();
    v.write_file("g", b"gee", 0o644).unwrap();
    let (d, f) = (v.stat("d").unwrap().ino, v.stat("d/f").unwrap().ino);
    v.unmount().unwrap();
    assert_fsck_clean(&img);
    (img, d, f)
}

fn repair_and_verify(img: &Path, expect: &str) {
    let found = check(img, false).expect("check runs");
    assert!(!found.clean(), "the damage ({expect}) was not found");
    assert!(found.problems.iter().any(|p| p.contains(expect)), "expected '{expect}' in {:#?}", found.problems);
    let repaired = check(img, true).expect("repair runs");
    assert!(repaired.repaired);
    assert_fsck_clean(img);
}

#[test]
fn wrong_link_count_is_fixed() {
    let s = Scratch::new("fsck-nlink");
    let (img, _, f) = sample(&s);
    poke_inode(&img, f, |d| d.di_nlink = 5);
    repair_and_verify(&img, "link count 5 should be 1");
    assert_eq!(read_inode(&img, f).di_nlink, 1);
    let v = Volume::mount(&img, MountOptions::default()).unwrap();
    assert_eq!(v.read_file("d/f").unwrap(), pattern(30_000, 1));
    v.unmount().unwrap();
}

#[test]
fn free_map_and_counts_are_rebuilt() {
    let s = Scratch::new("fsck-map");
    let (img, _, f) = sample(&s);
    let fs = superblock(&img);
    let block = i64::from(read_inode(&img, f).di_db[0]);
    // Mark the file's first block free in its group's map, and spoil a count.
    let file = OpenOptions::new().read(true).write(true).open(&img).unwrap();
    let cgoff = fs.frag_bytes(fs.cgtod(fs.dtog(block)));
    let mut raw = vec![0u8; fs.fs_cgsize as usize];
    file.read_exact_at(&mut raw, cgoff).unwrap();
    let mut cg = Buf::from_bytes(&raw);
    let freeoff = cg.view::<bsd::cg>(0).cg_freeoff as usize;
    let bit = fs.dtogd(block) as usize;
    cg.bytes_mut()[freeoff + bit / 8] |= 1 << (bit % 8);
    cg.view_mut::<bsd::cg>(0).cg_cs.cs_nifree += 3;
    file.write_all_at(cg.bytes(), cgoff).unwrap();
    drop(file);
    repair_and_verify(&img, "wrongly marked in the free map");
}

#[test]
fn entry_naming_a_free_inode_is_removed() {
    let s = Scratch::new("fsck-entry");
    let (img, _, _) = sample(&s);
    poke_entry(&img, 2, "g", |e| e[..4].copy_from_slice(&900u32.to_le_bytes()));
    repair_and_verify(&img, "names unallocated inode 900");
    let v = Volume::mount(&img, MountOptions::default()).unwrap();
    assert_eq!(names(&v, "/"), ["d", "lost+found"]);
    v.unmount().unwrap();
}

#[test]
fn orphaned_directory_goes_to_lost_and_found() {
    let s = Scratch::new("fsck-orphan");
    let (img, d, _) = sample(&s);
    poke_entry(&img, 2, "d", |e| e[..4].copy_from_slice(&0u32.to_le_bytes()));
    repair_and_verify(&img, &format!("directory inode {d} is not connected"));
    let v = Volume::mount(&img, MountOptions::default()).unwrap();
    assert_eq!(v.read_file(format!("lost+found/#{d}/f")).unwrap(), pattern(30_000, 1));
    v.unmount().unwrap();
}

#[test]
fn block_pointer_outside_the_file_system_clears_the_inode() {
    let s = Scratch::new("fsck-badblock");
    let (img, _, f) = sample(&s);
    poke_inode(&img, f, |d| d.di_db[1] = 0x7fff_0000);
    repair_and_verify(&img, "outside the file system");
    let v = Volume::mount(&img, MountOptions::default()).unwrap();
    assert!(names(&v, "d").is_empty(), "the cleared file's entry was removed");
    v.unmount().unwrap();
}

#[test]
fn a_damaged_primary_superblock_is_replaced_by_its_copy() {
    let s = Scratch::new("fsck-sb");
    let (img, _, _) = sample(&s);
    let file = OpenOptions::new().write(true).open(&img).unwrap();
    file.write_all_at(&[0u8; 4], 8192 + 1372).unwrap();
    assert_eq!(Volume::mount(&img, MountOptions::default()).err(), Some(molt_vfs::Errno::EFTYPE));
    let r = check(&img, false).expect("checks from the copy");
    assert!(r.problems[0].contains("primary superblock is damaged") && r.problems[0].contains("sector 32"), "{:?}", r.problems);
    // -b names a copy; a sector that holds none cannot be checked from.
    let r = check_with(&img, false, Some(32)).expect("-b 32");
    assert!(r.problems[0].contains("-b 32"), "{:?}", r.problems);
    let err = check_with(&img, false, Some(40)).expect_err("no superblock at sector 40");
    assert!(err.0.contains("sector 40"), "{}", err.0);
    // One repair writes the copy back; the image is clean and mounts.
    repair_and_verify(&img, "primary superblock is damaged");
    let v = Volume::mount(&img, MountOptions::default()).unwrap();
    assert_eq!(v.read_file("g").unwrap(), b"gee");
    v.unmount().unwrap();
}

#[test]
fn a_block_past_the_end_of_a_file_is_freed_and_the_file_kept() {
    let s = Scratch::new("fsck-pasteof");
    let (img, _, f) = sample(&s);
    // d/f is 30,000 bytes (blocks 0-3); a pointer at block 6 is what a
    // crash leaves when it reached the disk before the inode's new size.
    let spare = superblock(&img).cgdmin(1) + 64;
    poke_inode(&img, f, |d| {
        d.di_db[6] = spare as i32;
        d.di_blocks += 16;
    });
    let r = check(&img, false).unwrap();
    assert!(r.problems.iter().any(|p| p.contains("past the end of the file: freed")), "{:?}", r.problems);
    assert!(r.unexpected.is_empty(), "a crash may leave this: {:?}", r.unexpected);
    repair_and_verify(&img, "past the end of the file");
    assert_eq!(read_inode(&img, f).di_db[6], 0);
    let v = Volume::mount(&img, MountOptions::default()).unwrap();
    assert_eq!(v.read_file("d/f").unwrap(), pattern(30_000, 1));
    v.unmount().unwrap();
}

#[test]
fn a_full_lost_and_found_grows() {
    let s = Scratch::new("fsck-lfgrow");
    let img = s.path("x.img");
    fresh_image(&img, 32 << 20);
    let v = Volume::mount(&img, MountOptions::default()).unwrap();
    v.mkdir("d", 0o755).unwrap();
    // More orphans than one block of lost+found holds (512 "#nnnn" entries).
    for i in 0..1500 {
        v.write_file(format!("d/f{i}"), b"x", 0o644).unwrap();
    }
    let d = v.stat("d").unwrap().ino;
    let lf_size = v.stat("lost+found").unwrap().size;
    v.unmount().unwrap();
    poke_inode(&img, d, |x| *x = bsd::dinode::default());
    repair_and_verify(&img, "is not referenced");
    let v = Volume::mount(&img, MountOptions::default()).unwrap();
    let found = names(&v, "lost+found");
    assert_eq!(found.len(), 1500, "every orphan was reconnected");
    assert!(v.stat("lost+found").unwrap().size > lf_size);
    assert_eq!(v.read_file(format!("lost+found/{}", found[0])).unwrap(), b"x");
    v.unmount().unwrap();
}

#[test]
fn lost_and_found_is_made_when_needed() {
    let s = Scratch::new("fsck-lf");
    let (img, _, _) = sample(&s);
    let g = {
        let v = Volume::mount(&img, MountOptions::default()).unwrap();
        let g = v.stat("g").unwrap().ino;
        v.unmount().unwrap();
        g
    };
    // Lose lost+found (its inode cleared) and orphan the file g.
    poke_inode(&img, 3, |d| *d = bsd::dinode::default());
    poke_entry(&img, 2, "g", |e| e[..4].copy_from_slice(&0u32.to_le_bytes()));
    repair_and_verify(&img, &format!("inode {g} is not referenced"));
    let v = Volume::mount(&img, MountOptions::default()).unwrap();
    assert_eq!(v.read_file(format!("lost+found/#{g}")).unwrap(), b"gee");
    assert_eq!(v.stat("/").unwrap().nlink, 4, "/, its '.', d's '..' and the new lost+found's '..'");
    v.unmount().unwrap();
}
