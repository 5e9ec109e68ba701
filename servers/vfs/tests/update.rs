//! The update daemon: writes that nobody fsync'ed reach the disk within
//! `syncdelay` seconds (30 by default, like 4.4BSD's update; 1 here), so
//! a copy of the image taken then (what a kill would leave) holds them,
//! needing at most the repairs a crash may leave.
mod common;
use common::*;
use std::time::Duration;

use molt_vfs::{bsd, MountOptions, Volume};

#[test]
fn unsynced_writes_reach_the_disk_within_syncdelay() {
    // SAFETY: nothing runs BSD code yet in this process (this is its only
    // test); the update daemon reads syncdelay after the mount below.
    molt_shims::with_giant(|| unsafe { bsd::syncdelay = 1 });
    let s = Scratch::new("update");
    let img = s.path("x.img");
    fresh_image(&img, 16 << 20);
    let v = Volume::mount(&img, MountOptions::default()).unwrap();
    v.mkdir("d", 0o755).unwrap();
    v.write_file("d/late", &pattern(40_000, 9), 0o644).unwrap();
    std::thread::sleep(Duration::from_millis(2600));
    // The image as a kill now would leave it.
    let snap = s.path("snap.img");
    std::fs::copy(&img, &snap).unwrap();
    let r = molt_vfs::fsck::check(&snap, false).unwrap();
    assert!(r.unexpected.is_empty(), "{:?}", r.unexpected);
    molt_vfs::fsck::check(&snap, true).unwrap();
    assert_fsck_clean(&snap);
    let w = Volume::mount(&snap, MountOptions { read_only: true }).unwrap();
    assert_eq!(w.read_file("d/late").unwrap(), pattern(40_000, 9), "the data was written without an fsync");
    w.unmount().unwrap();
    v.unmount().unwrap();
}
