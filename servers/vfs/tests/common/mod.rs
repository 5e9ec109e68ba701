//! Helpers shared by the integration tests: scratch directories and
//! fresh images.
#![allow(dead_code)]
use std::path::{Path, PathBuf};

use molt_vfs::newfs::{newfs, NewfsOptions};

/// A scratch directory removed when dropped.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(tag: &str) -> Scratch {
        let base = std::env::var_os("CARGO_TARGET_TMPDIR").map(PathBuf::from).unwrap_or_else(std::env::temp_dir);
        let dir = base.join(format!("molt-vfs-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A new image of `size` bytes at `path`.
pub fn fresh_image(path: &Path, size: u64) {
    newfs(path, size, &NewfsOptions::default()).expect("newfs");
}

/// Deterministic pseudo-random bytes.
pub fn pattern(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

/// Asserts that our fsck finds nothing wrong with the image.
pub fn assert_fsck_clean(image: &Path) {
    let report = molt_vfs::fsck::check(image, false).expect("fsck runs");
    assert!(report.clean(), "fsck found damage in {}:\n{}", image.display(), report.problems.join("\n"));
}

/// Unmounts, checks with fsck, and mounts again.
pub fn remount(v: molt_vfs::Volume, image: &Path) -> molt_vfs::Volume {
    v.unmount().expect("unmount");
    assert_fsck_clean(image);
    molt_vfs::Volume::mount(image, molt_vfs::MountOptions::default()).expect("mount again")
}

/// Mounts a new image of `size` bytes.
pub fn new_volume(s: &Scratch, size: u64) -> (PathBuf, molt_vfs::Volume) {
    let img = s.path("fs.img");
    fresh_image(&img, size);
    assert_fsck_clean(&img);
    let v = molt_vfs::Volume::mount(&img, molt_vfs::MountOptions::default()).expect("mount");
    (img, v)
}

/// The names in a directory, without "." and "..", sorted.
pub fn names(v: &molt_vfs::Volume, dir: &str) -> Vec<String> {
    let mut n: Vec<String> = v
        .read_dir(dir)
        .expect("read_dir")
        .into_iter()
        .map(|e| String::from_utf8(e.name).unwrap())
        .filter(|n| n != "." && n != "..")
        .collect();
    n.sort();
    n
}
