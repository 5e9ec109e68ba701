//! Targeted damage, the kinds issue 17 used: random bytes written over
//! the primary superblock, an inode in use, a directory block, an
//! indirect block or a cylinder group of a populated image. One
//! `check --repair` must always leave an image that checks clean (or the
//! check must say it cannot run at all). `MOLT_DAMAGE_IMAGES` sets how
//! many images (default 400; 6,000 pass), `MOLT_DAMAGE_KEEP=I` copies
//! image I, damaged, to /tmp/damage-kept.img to look at.
mod common;
use common::*;
use std::fs::OpenOptions;
use std::os::unix::fs::FileExt;
use std::path::Path;

use molt_vfs::bsd;
use molt_vfs::ondisk::{Buf, Layout};
use molt_vfs::{MountOptions, Volume};

struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

fn superblock(img: &Path) -> bsd::fs {
    let f = std::fs::File::open(img).unwrap();
    let mut raw = vec![0u8; 8192];
    f.read_exact_at(&mut raw, 8192).unwrap();
    *Buf::from_bytes(&raw).view::<bsd::fs>(0)
}

fn dinode(img: &Path, ino: u32) -> bsd::dinode {
    let fs = superblock(img);
    let mut raw = vec![0u8; 128];
    std::fs::File::open(img).unwrap().read_exact_at(&mut raw, fs.ino_offset(i64::from(ino))).unwrap();
    *Buf::from_bytes(&raw).view::<bsd::dinode>(0)
}

/// A populated image; returns the inode numbers of its files and directories.
fn populate(img: &Path) -> (Vec<u32>, Vec<u32>) {
    fresh_image(img, 8 << 20);
    let v = Volume::mount(img, MountOptions::default()).unwrap();
    let mut files = Vec::new();
    let mut dirs = vec![2];
    for d in 0..4 {
        let dir = format!("d{d}");
        v.mkdir(&dir, 0o755).unwrap();
        dirs.push(v.stat(&dir).unwrap().ino);
        for (i, size) in [0usize, 700, 5000, 40_000, 200_000].iter().enumerate() {
            let p = format!("{dir}/f{i}");
            v.write_file(&p, &pattern(*size, (d * 10 + i) as u64), 0o644).unwrap();
            files.push(v.stat(&p).unwrap().ino);
        }
        v.symlink("f1", format!("{dir}/link")).unwrap();
        v.link(format!("{dir}/f2"), format!("{dir}/hard")).unwrap();
    }
    v.mkdir("d0/sub", 0o755).unwrap();
    dirs.push(v.stat("d0/sub").unwrap().ino);
    v.unmount().unwrap();
    (files, dirs)
}

fn scribble(img: &Path, r: &mut Rng, off: u64, len: u64) {
    let f = OpenOptions::new().write(true).open(img).unwrap();
    for _ in 0..1 + r.below(8) {
        let at = off + r.below(len);
        f.write_all_at(&[r.below(256) as u8], at).unwrap();
    }
}

#[test]
fn one_repair_always_leaves_a_clean_image() {
    let n: u64 = std::env::var("MOLT_DAMAGE_IMAGES").ok().and_then(|s| s.parse().ok()).unwrap_or(400);
    let s = Scratch::new("damage");
    let base = s.path("base.img");
    let (files, dirs) = populate(&base);
    let fs = superblock(&base);
    let mut r = Rng(0x5eed_1717_0000_0001);
    let (mut unusable, mut failures) = (0, Vec::new());
    for i in 0..n {
        let img = s.path("x.img");
        std::fs::copy(&base, &img).unwrap();
        let kind = r.below(5);
        let what = match kind {
            0 => {
                scribble(&img, &mut r, 8192, 1376);
                "superblock"
            }
            1 => {
                let ino = files[r.below(files.len() as u64) as usize];
                scribble(&img, &mut r, fs.ino_offset(i64::from(ino)), 128);
                "inode"
            }
            2 => {
                let d = dinode(&base, dirs[r.below(dirs.len() as u64) as usize]);
                scribble(&img, &mut r, fs.frag_bytes(i64::from(d.di_db[0])), 512);
                "directory"
            }
            3 => {
                let big = files.iter().map(|&f| dinode(&base, f)).filter(|d| d.di_ib[0] != 0).collect::<Vec<_>>();
                let d = big[r.below(big.len() as u64) as usize];
                scribble(&img, &mut r, fs.frag_bytes(i64::from(d.di_ib[0])), fs.fs_bsize as u64);
                "indirect block"
            }
            _ => {
                let c = r.below(fs.fs_ncg as u64) as i64;
                scribble(&img, &mut r, fs.frag_bytes(fs.cgtod(c)), fs.fs_cgsize as u64);
                "cylinder group"
            }
        };
        if std::env::var("MOLT_DAMAGE_KEEP").ok().and_then(|k| k.parse::<u64>().ok()) == Some(i) {
            std::fs::copy(&img, "/tmp/damage-kept.img").unwrap();
        }
        if molt_vfs::fsck::check(&img, true).is_err() {
            unusable += 1;
            continue;
        }
        match molt_vfs::fsck::check(&img, false) {
            Ok(rep) if rep.clean() => {}
            Ok(rep) => failures.push(format!("image {i} ({what}): {:?}", rep.problems)),
            Err(e) => failures.push(format!("image {i} ({what}): after repair: {}", e.0)),
        }
    }
    assert!(failures.is_empty(), "{} of {n} images not clean after one repair ({unusable} could not be checked):\n{}",
        failures.len(), failures.join("\n"));
}
