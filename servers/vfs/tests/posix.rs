//! Through the FUSE mount, the cases issue 17 found wrong: hard links,
//! renames over linked and open files, unlinked-but-open files, fifos and
//! device nodes, times UFS1 cannot hold, and permissions checked by the
//! BSD code for another user (`--allow-other`). The image checks clean
//! after each.
mod common;
use common::*;
use std::fs;
use std::io::{Read, Seek, Write};
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::Path;
use std::process::Command;

use molt_vfs::fuse::{FuseMount, ServeOptions};

fn sh(mnt: &Path, script: &str) -> (bool, String) {
    let out = Command::new("sh").arg("-c").arg(script).current_dir(mnt).output().expect("sh runs");
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

fn assert_clean(img: &Path) {
    let r = molt_vfs::fsck::check(img, false).expect("check runs");
    assert!(r.clean(), "{:?}", r.problems);
}

#[test]
fn links_renames_and_open_unlinked_files_follow_posix() {
    let s = Scratch::new("posix-links");
    let img = s.path("x.img");
    fresh_image(&img, 16 << 20);
    let mnt = s.path("mnt");
    fs::create_dir_all(&mnt).unwrap();
    let m = FuseMount::spawn(&img, &mnt).expect("FUSE mount");

    // echo hello>a; ln a b; rm a; cat b
    let (ok, out) = sh(&mnt, "echo hello>a && ln a b && rm a && cat b");
    assert!(ok && out == "hello\n", "{out}");
    // echo other>a; cat b: a is a new file, b keeps its data
    let (ok, out) = sh(&mnt, "echo other>a && cat b");
    assert!(ok && out == "hello\n", "{out}");
    // echo x>>b appends to b, not to a
    let (ok, out) = sh(&mnt, "echo x>>b && cat a && cat b");
    assert!(ok && out == "other\nhello\nx\n", "{out}");
    // ln p q; mv r p; cat q: q keeps p's old data
    let (ok, out) = sh(&mnt, "echo pdata>p && echo rdata>r && ln p q && mv r p && cat q && cat p");
    assert!(ok && out == "pdata\nrdata\n", "{out}");
    assert_eq!(fs::metadata(mnt.join("q")).unwrap().nlink(), 1);

    // A file renamed over while open: the open file is still the old one.
    fs::write(mnt.join("old"), b"old contents").unwrap();
    fs::write(mnt.join("new"), b"new contents").unwrap();
    let mut f = fs::File::open(mnt.join("old")).unwrap();
    fs::rename(mnt.join("new"), mnt.join("old")).unwrap();
    let mut got = String::new();
    f.read_to_string(&mut got).unwrap();
    assert_eq!(got, "old contents");
    assert_eq!(fs::read(mnt.join("old")).unwrap(), b"new contents");
    drop(f);

    // Unlinked while open: fstat, read and write still work.
    let mut f = fs::OpenOptions::new().read(true).write(true).create(true).truncate(true).open(mnt.join("gone")).unwrap();
    f.write_all(b"still here").unwrap();
    fs::remove_file(mnt.join("gone")).unwrap();
    let st = f.metadata().expect("fstat of an unlinked open file");
    assert_eq!((st.len(), st.nlink()), (10, 0));
    f.rewind().unwrap();
    let mut got = String::new();
    f.read_to_string(&mut got).unwrap();
    assert_eq!(got, "still here");
    drop(f);
    assert!(!mnt.join("gone").exists());

    // Hard links: counts, and every name reaches the same file.
    let (ok, out) = sh(&mnt, "mkdir d && echo 1 > d/x && ln d/x y && ln y d/z && echo 2 >> d/z && cat y && stat -c %h d/x");
    assert!(ok && out == "1\n2\n3\n", "{out}");

    // Fifos, sockets and device nodes (as root) can be made.
    let (ok, out) = sh(&mnt, "mkfifo fifo && mknod chr c 1 3 && mknod blk b 7 0");
    assert!(ok, "{out}");
    let ft = fs::symlink_metadata(mnt.join("fifo")).unwrap().file_type();
    assert!(ft.is_fifo());
    let md = fs::symlink_metadata(mnt.join("chr")).unwrap();
    assert!(md.file_type().is_char_device());
    assert_eq!(md.rdev(), libc::makedev(1, 3));
    assert!(fs::symlink_metadata(mnt.join("blk")).unwrap().file_type().is_block_device());

    // Times UFS1's 32-bit seconds cannot hold are refused, not stored.
    let (ok, out) = sh(&mnt, "touch -d 2040-01-01 y");
    assert!(!ok && out.contains("Value too large"), "{out}");
    let (ok, out) = sh(&mnt, "touch -d @-302486400 y && stat -c %Y y");
    assert!(ok && out.trim() == "-302486400", "{out}");

    m.unmount().unwrap();
    assert_clean(&img);
}

#[test]
fn allow_other_hands_the_callers_ids_to_the_bsd_checks() {
    let s = Scratch::new("posix-perm");
    let img = s.path("x.img");
    fresh_image(&img, 16 << 20);
    let mnt = s.path("mnt");
    fs::create_dir_all(&mnt).unwrap();
    // The scratch directory must be reachable by the other user.
    let mut dir = Some(mnt.as_path());
    while let Some(d) = dir {
        let mode = fs::metadata(d).unwrap().mode();
        let _ = fs::set_permissions(d, std::os::unix::fs::PermissionsExt::from_mode(mode | 0o111));
        dir = d.parent();
    }
    let m = FuseMount::spawn_with(&img, &mnt, ServeOptions { allow_other: true }).expect("FUSE mount");
    let (ok, out) = sh(&mnt, "echo secret > secret && chmod 600 secret && echo open > open && chmod 644 open \
        && mkdir shared && chmod 1777 shared && chmod 755 .");
    assert!(ok, "{out}");
    let nobody = |script: &str| {
        let out = Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", "sh", "-c", script])
            .current_dir(&mnt)
            .output()
            .expect("setpriv runs");
        (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
    };
    let (ok, out) = nobody("cat open");
    assert!(ok && out == "open\n", "{out}");
    let (ok, out) = nobody("cat secret");
    assert!(!ok && out.contains("Permission denied"), "{out}");
    let (ok, out) = nobody("echo x >> open");
    assert!(!ok && out.contains("Permission denied"), "{out}");
    let (ok, out) = nobody("touch mine");
    assert!(!ok && out.contains("Permission denied"), "{out}");
    let (ok, out) = nobody("echo hers > shared/mine && stat -c '%u %g' shared/mine && rm open");
    assert!(!ok && out.starts_with("65534 "), "{out}");
    assert!(mnt.join("open").exists());
    let (ok, out) = nobody("chmod 777 secret");
    assert!(!ok && out.contains("Operation not permitted"), "{out}");
    m.unmount().unwrap();
    assert_clean(&img);
}
