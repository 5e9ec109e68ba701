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
    let (ok, out) = nobody("test -r open && test ! -w open && test ! -r secret && test -x . && test ! -w .");
    assert!(ok, "access(2) answers for the caller: {out}");
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

/// A churn of creates, appends, truncates, hard links, renames (over
/// existing names too) and unlinks through the mount, checked against a
/// model of which name is which file: every name reads its file's bytes
/// and shows its link count, through the mount and after a remount.
#[test]
fn churn_with_links_matches_a_model() {
    use std::collections::HashMap;
    let s = Scratch::new("posix-churn");
    let img = s.path("x.img");
    fresh_image(&img, 32 << 20);
    let mnt = s.path("mnt");
    fs::create_dir_all(&mnt).unwrap();
    let m = FuseMount::spawn(&img, &mnt).expect("FUSE mount");
    for d in 0..4 {
        fs::create_dir(mnt.join(format!("d{d}"))).unwrap();
    }
    let mut names: HashMap<String, usize> = HashMap::new();
    let mut files: Vec<Vec<u8>> = Vec::new();
    let mut x = 0x1234_5678_9abc_def1u64;
    let mut rnd = |n: u64| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x % n
    };
    let links = |names: &HashMap<String, usize>, id: usize| names.values().filter(|&&f| f == id).count();
    for op in 0..20_000u64 {
        let name = format!("d{}/n{}", rnd(4), rnd(60));
        let existing: Vec<String> = names.keys().cloned().collect();
        let pick = |r: u64| existing.get(r as usize % existing.len().max(1)).cloned();
        match rnd(7) {
            0 | 1 if !names.contains_key(&name) => {
                let data = pattern(rnd(20_000) as usize, op);
                fs::write(mnt.join(&name), &data).unwrap();
                files.push(data);
                names.insert(name, files.len() - 1);
            }
            2 => if let Some(n) = pick(rnd(1000)) {
                let extra = pattern(rnd(3000) as usize, op);
                fs::OpenOptions::new().append(true).open(mnt.join(&n)).unwrap().write_all(&extra).unwrap();
                files[names[&n]].extend_from_slice(&extra);
            },
            3 => if let Some(n) = pick(rnd(1000)) {
                let len = rnd(files[names[&n]].len() as u64 + 1) as usize;
                fs::OpenOptions::new().write(true).open(mnt.join(&n)).unwrap().set_len(len as u64).unwrap();
                files[names[&n]].truncate(len);
            },
            4 => if let Some(n) = pick(rnd(1000)) {
                if !names.contains_key(&name) {
                    fs::hard_link(mnt.join(&n), mnt.join(&name)).unwrap();
                    names.insert(name, names[&n]);
                }
            },
            5 => if let Some(n) = pick(rnd(1000)) {
                fs::rename(mnt.join(&n), mnt.join(&name)).unwrap();
                let id = names.remove(&n).unwrap();
                if names.get(&name) != Some(&id) || n == name {
                    names.insert(name, id);
                } else {
                    // Renaming one link over another of the same file: POSIX
                    // says nothing happens, both names stay.
                    names.insert(n, id);
                }
            },
            _ => if let Some(n) = pick(rnd(1000)) {
                fs::remove_file(mnt.join(&n)).unwrap();
                names.remove(&n);
            },
        }
        if op % 2000 == 1999 {
            for (n, &id) in &names {
                assert_eq!(fs::read(mnt.join(n)).unwrap(), files[id], "op {op}: {n}");
                assert_eq!(fs::metadata(mnt.join(n)).unwrap().nlink() as usize, links(&names, id), "op {op}: links of {n}");
            }
        }
    }
    m.unmount().unwrap();
    assert_clean(&img);
    let v = molt_vfs::Volume::mount(&img, molt_vfs::MountOptions { read_only: true }).unwrap();
    for (n, &id) in &names {
        assert_eq!(v.read_file(n).unwrap(), files[id], "after remount: {n}");
    }
    v.unmount().unwrap();
}
