//! Full disks: a write that runs out of space (ENOSPC) rolls back what it
//! allocated, so the image stays consistent. Issue 17's 16M scenario, and
//! disks of several sizes filled and then written at every kind of offset
//! (a new direct block, a fragment extension, the single and the double
//! indirect tree), with our fsck run on the image after each write.
mod common;
use common::*;
use std::path::Path;

use molt_vfs::{bsd, Errno, MountOptions, Volume};

const BSIZE: u64 = 8192;

fn mount(img: &Path) -> Volume {
    Volume::mount(img, MountOptions::default()).expect("mount")
}

fn assert_clean(img: &Path, what: &str) {
    let r = molt_vfs::fsck::check(img, false).expect("check runs");
    assert!(r.clean(), "{what}: {:?}", r.problems);
}

/// Writes `fill` until the disk is full; returns its size.
fn fill(v: &Volume, name: &str) -> u64 {
    let fd = v.create(name, 0o644).unwrap();
    let chunk = vec![0x5au8; 64 * 1024];
    let mut size = 0u64;
    loop {
        match v.pwrite(fd, size, &chunk) {
            Ok(_) => size += chunk.len() as u64,
            Err(e) => {
                assert_eq!(e, Errno(28), "filling stops with ENOSPC");
                break;
            }
        }
    }
    v.close(fd).unwrap();
    v.stat(name).unwrap().size
}

#[test]
fn issue_17_write_past_96k_on_a_full_16m_disk() {
    let s = Scratch::new("full16");
    let img = s.path("x.img");
    fresh_image(&img, 16 << 20);
    let v = mount(&img);
    v.write_file("a", &pattern(96 * 1024, 1), 0o644).unwrap();
    let filled = fill(&v, "fill");
    // Free exactly one block.
    v.truncate("fill", (filled / BSIZE - 1) * BSIZE).unwrap();
    let free = v.statfs().unwrap().free;
    let fd = v.open("a", bsd::O_RDWR, 0).unwrap();
    // Needs an indirect block and a data block: only one is free.
    assert_eq!(v.pwrite(fd, 96 * 1024, &pattern(8192, 2)), Err(Errno(28)));
    v.close(fd).unwrap();
    assert_eq!(v.statfs().unwrap().free, free, "the failed write gave its indirect block back");
    assert_eq!(v.stat("a").unwrap().size, 96 * 1024);
    assert_eq!(v.read_file("a").unwrap(), pattern(96 * 1024, 1));
    v.unmount().unwrap();
    assert_clean(&img, "after the failed write");
}

#[test]
fn a_failed_write_past_a_fragment_tail_leaves_the_file_as_it_was() {
    let s = Scratch::new("fulltail");
    let img = s.path("x.img");
    fresh_image(&img, 16 << 20);
    let v = mount(&img);
    v.write_file("small", &pattern(3000, 3), 0o644).unwrap();
    let filled = fill(&v, "fill");
    v.truncate("fill", (filled / BSIZE - 1) * BSIZE).unwrap();
    let free = v.statfs().unwrap().free;
    let fd = v.open("small", bsd::O_RDWR, 0).unwrap();
    // The 3-fragment tail is made a whole block first (in place or moved
    // to the free block), then the write needs an indirect block and a
    // data block: at most one more fits.
    assert_eq!(v.pwrite(fd, 96 * 1024 + 100, b"z"), Err(Errno(28)));
    v.close(fd).unwrap();
    assert_eq!(v.stat("small").unwrap().size, 3000, "the size did not change");
    assert_eq!(v.statfs().unwrap().free, free, "every fragment came back");
    assert_eq!(v.read_file("small").unwrap(), pattern(3000, 3));
    v.unmount().unwrap();
    assert_clean(&img, "after the failed write");
}

/// One write of each kind, at the edge of a full disk.
fn writes(v: &Volume, round: u64) -> Vec<(&'static str, Result<usize, Errno>)> {
    let mut out = Vec::new();
    let data = pattern(8192, round);
    // A new file's first (direct) block.
    let fd = v.create(format!("direct{round}"), 0o644).unwrap();
    out.push(("direct", v.pwrite(fd, 0, &data)));
    v.close(fd).unwrap();
    // Fragment extension: a small file grown a little at a time.
    let fd = v.create(format!("frag{round}"), 0o644).unwrap();
    let mut r = Ok(0);
    for i in 0..6u64 {
        r = v.pwrite(fd, i * 1500, &data[..1500]);
        if r.is_err() {
            break;
        }
    }
    out.push(("fragment", r));
    v.close(fd).unwrap();
    // The single indirect tree of a sparse file, then the double one.
    let fd = v.create(format!("sparse{round}"), 0o644).unwrap();
    out.push(("single indirect", v.pwrite(fd, 12 * BSIZE + round * BSIZE, &data)));
    out.push(("double indirect", v.pwrite(fd, (12 + 2048) * BSIZE + round * BSIZE, &data)));
    v.close(fd).unwrap();
    out
}

#[test]
fn full_disks_of_several_sizes_stay_consistent() {
    for mib in [8u64, 16, 32] {
        let s = Scratch::new(&format!("fullsizes{mib}"));
        let img = s.path("x.img");
        fresh_image(&img, mib << 20);
        let v = mount(&img);
        let filled = fill(&v, "fill");
        v.unmount().unwrap();
        assert_clean(&img, &format!("{mib}M filled"));
        let (mut ok, mut nospc) = (0, 0);
        // Free 0, 1, 2 ... blocks: each write kind meets every shortage.
        for round in 0..5u64 {
            let v = mount(&img);
            v.truncate("fill", filled.saturating_sub(round * BSIZE) / BSIZE * BSIZE).unwrap();
            for (kind, r) in writes(&v, round) {
                match r {
                    Ok(_) => ok += 1,
                    Err(Errno(28)) => nospc += 1,
                    Err(e) => panic!("{mib}M round {round}: {kind} write: {e}"),
                }
                v.sync().unwrap();
                assert_clean(&img, &format!("{mib}M round {round}, after the {kind} write (synced)"));
            }
            v.unmount().unwrap();
            assert_clean(&img, &format!("{mib}M round {round}, unmounted"));
        }
        assert!(nospc > 0 && ok > 0, "{mib}M: the disk was full for some writes and not for others ({ok} ok, {nospc} ENOSPC)");
    }
}
