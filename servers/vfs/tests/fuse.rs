//! Through the FUSE mount (fuse3 from Debian): the fsx exerciser (crate
//! `fsx`, installed by tests/setup.sh) for 10,000 operations, and a tree
//! copied in with `cp -a` that `diff -r` finds identical. Afterwards the
//! image is unmounted and our fsck finds it clean.
mod common;
use common::*;
use std::process::Command;

use molt_vfs::fuse::FuseMount;

fn run_ok(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e} (run tests/setup.sh)"));
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{cmd:?} failed:\n{text}");
    text
}

#[test]
fn fsx_and_cp_through_the_fuse_mount() {
    let s = Scratch::new("fuse");
    let img = s.path("fuse.img");
    fresh_image(&img, 64 << 20);
    let mnt = s.path("mnt");
    std::fs::create_dir_all(&mnt).unwrap();
    let m = FuseMount::spawn(&img, &mnt).expect("FUSE mount (needs /dev/fuse and fusermount3)");

    let out = run_ok(Command::new("fsx").args(["-N", "10000", "-S", "42", "-P"]).arg(s.path("")).arg(mnt.join("fsx.file")));
    assert!(out.contains("All operations completed A-OK"), "{out}");

    // A tree with files of many sizes, a symlink, nested directories.
    let src = s.path("src");
    for d in ["a", "a/b", "a/b/c", "e"] {
        std::fs::create_dir_all(src.join(d)).unwrap();
    }
    for (i, size) in [0usize, 10, 4096, 9000, 70_000, 1_500_000].iter().enumerate() {
        std::fs::write(src.join(format!("a/b/f{i}")), pattern(*size, i as u64)).unwrap();
    }
    std::os::unix::fs::symlink("b/f1", src.join("a/link")).unwrap();
    run_ok(Command::new("cp").arg("-a").arg(&src).arg(mnt.join("copy")));
    run_ok(Command::new("diff").arg("-r").arg(&src).arg(mnt.join("copy")));
    // And back out again, through the mount.
    run_ok(Command::new("cp").arg("-a").arg(mnt.join("copy")).arg(s.path("back")));
    run_ok(Command::new("diff").arg("-r").arg(&src).arg(s.path("back")));

    m.unmount().expect("unmount");
    assert_fsck_clean(&img);
    let v = molt_vfs::Volume::mount(&img, molt_vfs::MountOptions::default()).unwrap();
    assert_eq!(v.read_file("copy/a/b/f5").unwrap(), pattern(1_500_000, 5));
    v.unmount().unwrap();
}
