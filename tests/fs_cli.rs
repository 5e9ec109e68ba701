//! `molt fs ...` as a user runs it: newfs, import, ls, cat, export,
//! check (and --repair), mount; error lines name the errno, and for an
//! image or mount point that cannot be used, what to do.
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn molt(args: &[&dyn AsRef<std::ffi::OsStr>]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_molt"));
    c.arg("fs");
    for a in args {
        c.arg(a);
    }
    c.output().expect("molt runs")
}

fn scratch(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("molt-fs-cli-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn host_tree(root: &Path) {
    std::fs::create_dir_all(root.join("sub/deeper")).unwrap();
    std::fs::write(root.join("a.txt"), "hello\n").unwrap();
    std::fs::write(root.join("sub/deeper/big"), (0..200_000u32).map(|i| (i * 7 % 251) as u8).collect::<Vec<_>>()).unwrap();
    std::os::unix::fs::symlink("a.txt", root.join("link")).unwrap();
}

#[test]
fn newfs_import_ls_cat_export_check() {
    let d = scratch("tools");
    let img = d.join("x.img");
    host_tree(&d.join("src"));
    let o = molt(&[&"newfs", &img, &"16M"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = molt(&[&"import", &img, &d.join("src")]);
    assert!(o.status.success(), "{}", stderr(&o));

    let o = molt(&[&"ls", &img]);
    assert!(o.status.success());
    let ls = stdout(&o);
    for want in ["a.txt", "sub", "lost+found", "link -> a.txt"] {
        assert!(ls.contains(want), "ls shows {want}:\n{ls}");
    }
    assert!(ls.lines().any(|l| l.starts_with("-rw-") && l.ends_with(" a.txt")), "{ls}");
    let o = molt(&[&"ls", &img, &"sub/deeper"]);
    assert!(stdout(&o).contains("200000 big"), "{}", stdout(&o));

    let o = molt(&[&"cat", &img, &"sub/deeper/big"]);
    assert_eq!(o.stdout, std::fs::read(d.join("src/sub/deeper/big")).unwrap());

    let o = molt(&[&"cat", &img, &"a.txt/x"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stderr(&o), "molt: a.txt/x: ENOTDIR: not a directory\n");
    let o = molt(&[&"cat", &img, &"missing"]);
    assert_eq!(stderr(&o), "molt: missing: ENOENT: no such file or directory\n");
    let o = molt(&[&"ls", &d.join("src/a.txt")]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).starts_with("molt: ") && stderr(&o).contains("EFTYPE"), "{}", stderr(&o));

    let out = d.join("out");
    let o = molt(&[&"export", &img, &out]);
    assert!(o.status.success(), "{}", stderr(&o));
    let diff = Command::new("diff").arg("-r").arg(d.join("src")).arg(out.join(".")).arg("--exclude=lost+found").output().unwrap();
    assert!(diff.status.success(), "{}", String::from_utf8_lossy(&diff.stdout));

    let o = molt(&[&"check", &img]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("clean"));
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn check_reports_and_repairs_damage() {
    let d = scratch("check");
    let img = d.join("y.img");
    assert!(molt(&[&"newfs", &img, &"8M"]).status.success());
    // Spoil the superblock's free-block count.
    let mut bytes = std::fs::read(&img).unwrap();
    bytes[8192 + 196] ^= 0x10;
    std::fs::write(&img, &bytes).unwrap();
    let o = molt(&[&"check", &img]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("superblock free counts are wrong"), "{}", stdout(&o));
    let o = molt(&[&"check", &"--repair", &img]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("REPAIRED"));
    assert_eq!(molt(&[&"check", &img]).status.code(), Some(0));
    // Not a file system at all.
    std::fs::write(&img, vec![0u8; 65536]).unwrap();
    let o = molt(&[&"check", &img]);
    assert_eq!(o.status.code(), Some(8));
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn mount_serves_the_image_until_unmounted() {
    let d = scratch("mount");
    let img = d.join("z.img");
    let mnt = d.join("mnt");
    std::fs::create_dir_all(&mnt).unwrap();
    assert!(molt(&[&"newfs", &img, &"16M"]).status.success());
    let mut child = Command::new(env!("CARGO_BIN_EXE_molt")).arg("fs").arg("mount").arg(&img).arg(&mnt).spawn().unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !mnt.join("lost+found").exists() {
        assert!(std::time::Instant::now() < deadline, "the mount did not appear");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    std::fs::write(mnt.join("via-fuse"), b"written through FUSE").unwrap();
    assert!(Command::new("fusermount3").arg("-u").arg(&mnt).status().unwrap().success());
    assert!(child.wait().unwrap().success());
    let o = molt(&[&"cat", &img, &"via-fuse"]);
    assert_eq!(o.stdout, b"written through FUSE");
    assert_eq!(molt(&[&"check", &img]).status.code(), Some(0));
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn a_missing_image_is_named_with_how_to_make_one() {
    let d = scratch("missing");
    let img = d.join("absent.img");
    let out = d.join("out");
    let commands: [&[&dyn AsRef<std::ffi::OsStr>]; 4] =
        [&[&"ls", &img], &[&"cat", &img, &"f"], &[&"export", &img, &out], &[&"mount", &img, &d]];
    for args in commands {
        let o = molt(args);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert_eq!(stderr(&o), format!("molt: {0}: ENOENT: no such image; make one with `molt fs newfs {0} 64M`\n", img.display()));
    }
    let o = molt(&[&"check", &img]);
    assert_eq!(o.status.code(), Some(8), "fsck's 'cannot check'");
    assert!(stderr(&o).contains("no such image"), "{}", stderr(&o));
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn a_file_that_is_not_ffs_shows_the_magic_number_found() {
    let d = scratch("notffs");
    let img = d.join("zeros.img");
    std::fs::write(&img, vec![0u8; 1 << 20]).unwrap();
    let o = molt(&[&"ls", &img]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        format!(
            "molt: {}: EFTYPE: not an FFS image: the magic number at byte 9564 is 0x000000, FFS (UFS1) has 0x011954; \
             give an FFS image, or make one with `molt fs newfs NEW.img 64M`\n",
            img.display()
        )
    );
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn a_busy_or_missing_mount_point_is_refused_with_the_fix() {
    let d = scratch("busy");
    let (img, other, mnt) = (d.join("a.img"), d.join("b.img"), d.join("mnt"));
    assert!(molt(&[&"newfs", &img, &"8M"]).status.success());
    assert!(molt(&[&"newfs", &other, &"8M"]).status.success());
    let o = molt(&[&"mount", &img, &mnt]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("ENOENT: no such mount point; make the directory first: mkdir -p"), "{}", stderr(&o));

    std::fs::create_dir_all(&mnt).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_molt")).arg("fs").arg("mount").arg(&img).arg(&mnt).spawn().unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !mnt.join("lost+found").exists() {
        assert!(std::time::Instant::now() < deadline, "the mount did not appear");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let o = molt(&[&"mount", &other, &mnt]);
    let unmounted = Command::new("fusermount3").arg("-u").arg(&mnt).status().unwrap().success();
    assert!(child.wait().unwrap().success());
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        format!(
            "molt: {0}: EBUSY: mount point is busy: something is already mounted there; \
             unmount it with `fusermount3 -u {0}` (or umount), or choose another directory\n",
            mnt.display()
        )
    );
    assert!(unmounted);
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn newfs_refuses_a_size_too_small_and_a_missing_directory() {
    let d = scratch("newfs");
    for size in ["1", "4K", "64K"] {
        let o = molt(&[&"newfs", &d.join("t.img"), &size]);
        assert_eq!(o.status.code(), Some(1), "{size}: {}", stderr(&o));
        assert!(stderr(&o).contains("is too small for a file system"), "{size}: {}", stderr(&o));
    }
    let o = molt(&[&"newfs", &d.join("no/such/x.img"), &"64M"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains(&format!("ENOENT: no such directory {0}; make it first: mkdir -p {0}", d.join("no/such").display())), "{}", stderr(&o));
    let _ = std::fs::remove_dir_all(&d);
}

/// Issue 17's crash test: `molt fs crashtest 20` kills the mount at 20
/// random points of an fsync workload; every image needs only the repairs
/// a crash may leave, is clean after one `check --repair`, and every file
/// whose fsync (and its directory's) returned is there with its contents.
#[test]
fn crashtest_keeps_every_fsynced_file() {
    let o = molt(&[&"crashtest", &"20", &"--json", &"--seed", &"17"]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).expect("JSON");
    assert_eq!(v["runs"], 20);
    assert_eq!(v["crash_repairs_only"], 20, "{v}");
    assert_eq!(v["clean_after_one_repair"], 20, "{v}");
    assert_eq!(v["fsynced_files_lost"], 0, "{v}");
    assert!(v["fsynced_files"].as_u64().unwrap() > 100, "the workload ran: {v}");
}

/// Import and export keep hard links and holes, and cat and export
/// stream: a 1.5 GiB sparse file passes through a process limited to
/// 1 GiB of address space.
#[test]
fn import_export_keep_links_and_holes_and_stream() {
    use std::os::unix::fs::MetadataExt;
    let d = scratch("sparse");
    let img = d.join("x.img");
    let src = d.join("src");
    std::fs::create_dir_all(src.join("sub")).unwrap();
    std::fs::write(src.join("one"), b"linked\n").unwrap();
    std::fs::hard_link(src.join("one"), src.join("sub/two")).unwrap();
    let big = std::fs::File::create(src.join("big")).unwrap();
    big.set_len(1536 << 20).unwrap();
    std::os::unix::fs::FileExt::write_all_at(&big, b"middle", 700 << 20).unwrap();
    drop(big);
    let o = molt(&[&"newfs", &img, &"64M"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = molt(&[&"import", &img, &src]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = molt(&[&"check", &img]);
    let frags: u64 = stdout(&o).split(", ").find(|p| p.contains("fragments used")).and_then(|p| p.split(' ').next())
        .and_then(|n| n.parse().ok()).expect("check prints the fragments used");
    assert!(frags < 2000, "the holes were not stored: {frags} fragments used\n{}", stdout(&o));

    let limited = |args: &str| {
        let script = format!("ulimit -v 1048576 && {} fs {args}", env!("CARGO_BIN_EXE_molt"));
        Command::new("sh").arg("-c").arg(script).output().expect("sh runs")
    };
    let o = limited(&format!("cat {} big | wc -c", img.display()));
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o).trim(), (1536u64 << 20).to_string(), "{}", stderr(&o));
    let out = d.join("out");
    let o = limited(&format!("export {} {}", img.display(), out.display()));
    assert!(o.status.success(), "{}", stderr(&o));
    let (m1, m2) = (std::fs::metadata(out.join("one")).unwrap(), std::fs::metadata(out.join("sub/two")).unwrap());
    assert_eq!((m1.ino(), m1.nlink()), (m2.ino(), 2), "the hard link stayed one file");
    let mb = std::fs::metadata(out.join("big")).unwrap();
    assert_eq!(mb.len(), 1536 << 20);
    assert!(mb.blocks() * 512 < 1 << 20, "the export is sparse: {} blocks", mb.blocks());
    let mut got = [0u8; 6];
    std::os::unix::fs::FileExt::read_exact_at(&std::fs::File::open(out.join("big")).unwrap(), &mut got, 700 << 20).unwrap();
    assert_eq!(&got, b"middle");
}

/// `check` starts from a superblock copy when the primary is damaged;
/// `-b N` names the copy; one repair makes the image clean again.
#[test]
fn check_uses_a_superblock_copy() {
    let d = scratch("sbcopy");
    let img = d.join("x.img");
    let o = molt(&[&"newfs", &img, &"16M"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let f = std::fs::OpenOptions::new().write(true).open(&img).unwrap();
    std::os::unix::fs::FileExt::write_all_at(&f, &[0u8; 4], 8192 + 1372).unwrap();
    let o = molt(&[&"check", &img]);
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("using the copy at sector 32"), "{}", stdout(&o));
    let o = molt(&[&"check", &"-b", &"40", &img]);
    assert_eq!(o.status.code(), Some(8), "{}", stderr(&o));
    let o = molt(&[&"check", &"--repair", &"-b", &"32", &img]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("REPAIRED"), "{}", stdout(&o));
    let o = molt(&[&"check", &img]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}
