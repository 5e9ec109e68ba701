//! Bad input: 10,000 copies of a small image, each with random corruption
//! (fixed seed) of the superblock, a cylinder group, the inodes or the
//! directory blocks. Each one is mounted, walked, read, written to and
//! unmounted, and checked (and, every other one, repaired, then checked
//! again) by our fsck. Every step may fail with an error; none may crash,
//! hang or read out of bounds. A watchdog fails the test if one image
//! takes more than 20 seconds.
//! (Run under valgrind, see servers/vfs/README.md.)
mod common;
use common::*;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use molt_vfs::bsd;
use molt_vfs::ondisk::{Buf, Layout};
use molt_vfs::{MountOptions, Volume};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// The pristine image, and the byte ranges worth corrupting.
struct Base {
    bytes: Vec<u8>,
    regions: [(u64, u64); 4],
}

fn base_image(dir: &Path) -> Base {
    let img = dir.join("base.img");
    fresh_image(&img, 1 << 20);
    let v = Volume::mount(&img, MountOptions::default()).unwrap();
    v.mkdir("dir", 0o755).unwrap();
    v.mkdir("dir/sub", 0o700).unwrap();
    v.write_file("small", b"tiny file", 0o644).unwrap();
    v.write_file("dir/frag", &pattern(2500, 1), 0o644).unwrap();
    v.write_file("dir/sub/indirect", &pattern(120_000, 2), 0o644).unwrap();
    v.symlink("dir/frag", "shortlink").unwrap();
    v.symlink("x/".repeat(40), "longlink").unwrap();
    v.link("small", "dir/hardlink").unwrap();
    for i in 0..30 {
        v.write_file(format!("dir/n{i}"), &pattern(i * 37, i as u64), 0o600).unwrap();
    }
    let root_frag = {
        let st = v.stat("/").unwrap();
        st.ino
    };
    let _ = root_frag;
    v.unmount().unwrap();
    assert_fsck_clean(&img);
    let bytes = std::fs::read(&img).unwrap();
    let fs: bsd::fs = *Buf::from_bytes(&bytes[8192..16384]).view(0);
    let cg = fs.frag_bytes(fs.cgtod(0));
    let inodes = fs.ino_offset(2);
    // Directory data sits right after the inodes and the summary area.
    let data = fs.frag_bytes(fs.cgdmin(0));
    Base {
        bytes,
        regions: [
            (8192, 1376),
            (cg, fs.fs_cgsize as u64),
            (inodes, 128 * 48),
            (data, 64 * 1024),
        ],
    }
}

/// Everything a user might do with a mounted image; errors are fine.
fn exercise(v: &Volume, rng: &mut Rng) {
    let mut stack = vec![b"/".to_vec()];
    let mut visited = 0;
    while let Some(dir) = stack.pop() {
        let Ok(entries) = v.read_dir(&dir) else { continue };
        for e in entries {
            visited += 1;
            if visited > 300 || e.name == b"." || e.name == b".." {
                continue;
            }
            let mut p = dir.clone();
            if !p.ends_with(b"/") {
                p.push(b'/');
            }
            p.extend_from_slice(&e.name);
            match v.lstat(&p) {
                Ok(st) if st.is_dir() => stack.push(p),
                Ok(st) if st.is_symlink() => {
                    let _ = v.readlink(&p);
                    let _ = v.stat(&p);
                }
                Ok(_) => {
                    if let Ok(fd) = v.open(&p, bsd::O_RDONLY, 0) {
                        let mut buf = vec![0u8; 65536];
                        for _ in 0..4 {
                            if !matches!(v.read(fd, &mut buf), Ok(n) if n > 0) {
                                break;
                            }
                        }
                        let _ = v.close(fd);
                    }
                }
                Err(_) => {}
            }
        }
    }
    let _ = v.write_file("new", &pattern(10_000 + rng.below(40_000) as usize, 3), 0o644);
    let _ = v.mkdir("dir/newdir", 0o755);
    let _ = v.rename("small", "dir/sub/moved");
    let _ = v.rename("dir/sub", "renamed");
    let _ = v.unlink("dir/frag");
    let _ = v.truncate("dir/sub/indirect", 5000);
    let _ = v.link("new", "dir/newlink");
    let _ = v.rmdir("dir/newdir");
    let _ = v.statfs();
}

#[test]
fn ten_thousand_corrupt_images() {
    let iterations: u64 = std::env::var("MOLT_FUZZ_ITERATIONS").ok().and_then(|s| s.parse().ok()).unwrap_or(10_000);
    let scratch = Scratch::new("fuzz");
    let base = base_image(&scratch.0);
    // Images live in memory-backed storage when the host has it.
    let shm = Path::new("/dev/shm");
    let dir = if shm.is_dir() { shm.join(format!("molt-fuzz-{}", std::process::id())) } else { scratch.path("imgs") };
    std::fs::create_dir_all(&dir).unwrap();
    let img = dir.join("fuzz.img");

    let current = Arc::new(AtomicU64::new(0));
    let started = Arc::new(AtomicU64::new(0));
    let epoch = Instant::now();
    {
        let (current, started) = (current.clone(), started.clone());
        std::thread::spawn(move || loop {
            std::thread::sleep(Duration::from_secs(1));
            let since = epoch.elapsed().as_secs().saturating_sub(started.load(Ordering::SeqCst));
            if since > 20 {
                eprintln!("fuzz: image {} has run for {since} s: hang", current.load(Ordering::SeqCst));
                std::process::abort();
            }
        });
    }

    // The kernel's complaints about the damage (log()) are expected by
    // the thousand: keep them off the test output (panics still show).
    molt_shims::platform::cons_capture();
    let mut rng = Rng(0x5eed_f00d_cafe_b0ba);
    let (mut mounted, mut checked_clean, mut repaired, mut clean_after_repair) = (0u64, 0u64, 0u64, 0u64);
    for i in 0..iterations {
        current.store(i, Ordering::SeqCst);
        started.store(epoch.elapsed().as_secs(), Ordering::SeqCst);
        let mut bytes = base.bytes.clone();
        let (start, len) = base.regions[(i % 4) as usize];
        for _ in 0..1 + rng.below(8) {
            let at = (start + rng.below(len)) as usize;
            bytes[at] = if rng.below(2) == 0 { rng.next() as u8 } else { bytes[at] ^ (1 << rng.below(8)) };
        }
        std::fs::write(&img, &bytes).unwrap();
        molt_shims::platform::cons_capture();
        if let Ok(v) = Volume::mount(&img, MountOptions { read_only: i % 7 == 0 }) {
            mounted += 1;
            exercise(&v, &mut rng);
            let _ = v.unmount();
        }
        if let Ok(report) = molt_vfs::fsck::check(&img, i % 2 == 0) {
            if report.clean() {
                checked_clean += 1;
            } else if report.repaired {
                repaired += 1;
                if molt_vfs::fsck::check(&img, false).is_ok_and(|r| r.clean()) {
                    clean_after_repair += 1;
                }
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    eprintln!(
        "fuzz: {iterations} images, {mounted} mounted, {checked_clean} clean for fsck, \
         {repaired} repaired of which {clean_after_repair} then checked clean"
    );
    assert!(mounted > iterations / 4, "most corruptions still mount: {mounted}");
    assert_eq!(clean_after_repair, repaired, "every image fsck repaired then checks clean");
}
