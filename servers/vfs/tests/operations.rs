//! The VFS operations, through the system-call entry points, on a fresh
//! FFS image; after each test the image is unmounted, checked clean by our
//! fsck, and mounted again to see that the contents survived.
mod common;
use common::*;
use molt_vfs::{bsd, Errno, MountOptions, Volume};

#[test]
fn create_read_write_truncate() {
    let s = Scratch::new("crwt");
    let (img, v) = new_volume(&s, 32 << 20);
    let data = pattern(200_000, 7);
    let fd = v.create("f", 0o644).unwrap();
    assert_eq!(v.write(fd, &data).unwrap(), data.len());
    // Overwrite a range in the middle, crossing a block boundary.
    v.pwrite(fd, 8000, &[0xAB; 500]).unwrap();
    v.close(fd).unwrap();
    let mut want = data.clone();
    want[8000..8500].fill(0xAB);
    assert_eq!(v.read_file("f").unwrap(), want);
    // Small files end in fragments.
    v.write_file("small", b"hello", 0o600).unwrap();
    let st = v.stat("small").unwrap();
    assert_eq!((st.size, st.blocks, st.perm()), (5, 2, 0o600));
    // Truncate down into a fragment, then up (the new part reads as zeros).
    v.truncate("f", 3000).unwrap();
    assert_eq!(v.read_file("f").unwrap(), want[..3000]);
    assert_eq!(v.stat("f").unwrap().blocks, 6, "3000 bytes take three 1 KiB fragments");
    v.truncate("f", 50_000).unwrap();
    let got = v.read_file("f").unwrap();
    assert_eq!(&got[..3000], &want[..3000]);
    assert!(got[3000..].iter().all(|&b| b == 0));
    // O_TRUNC and O_APPEND.
    let fd = v.open("small", bsd::O_WRONLY | bsd::O_APPEND, 0).unwrap();
    v.write(fd, b", world").unwrap();
    v.close(fd).unwrap();
    assert_eq!(v.read_file("small").unwrap(), b"hello, world");
    let fd = v.open("small", bsd::O_WRONLY | bsd::O_TRUNC, 0).unwrap();
    v.close(fd).unwrap();
    assert_eq!(v.stat("small").unwrap().size, 0);
    assert_eq!(v.open("nope", bsd::O_RDONLY, 0), Err(Errno::ENOENT));
    assert_eq!(v.open("small", bsd::O_CREAT | bsd::O_EXCL | bsd::O_RDWR, 0o644), Err(Errno::EEXIST));
    assert_eq!(v.open("small/x", bsd::O_RDONLY, 0), Err(Errno::ENOTDIR));
    assert_eq!(Volume::mount(&img, MountOptions::default()).err(), Some(Errno(16)), "EBUSY: already mounted");
    let v = remount(v, &img);
    assert_eq!(&v.read_file("f").unwrap()[..3000], &want[..3000]);
    assert_eq!(v.stat("f").unwrap().size, 50_000);
    v.unmount().unwrap();
    assert_fsck_clean(&img);
}

#[test]
fn rename_over_files_and_directories() {
    let s = Scratch::new("rename");
    let (img, v) = new_volume(&s, 16 << 20);
    v.write_file("a", b"A", 0o644).unwrap();
    v.write_file("b", b"B", 0o644).unwrap();
    v.rename("a", "b").unwrap();
    assert_eq!(names(&v, "/"), ["b", "lost+found"]);
    assert_eq!(v.read_file("b").unwrap(), b"A");
    v.mkdir("d1", 0o755).unwrap();
    v.mkdir("d2", 0o755).unwrap();
    v.mkdir("d1/sub", 0o755).unwrap();
    v.write_file("d1/sub/f", b"deep", 0o644).unwrap();
    // A directory to a new parent: ".." and the link counts follow.
    v.rename("d1/sub", "d2/moved").unwrap();
    assert_eq!(v.read_file("d2/moved/f").unwrap(), b"deep");
    assert_eq!(v.stat("d1").unwrap().nlink, 2);
    assert_eq!(v.stat("d2").unwrap().nlink, 3);
    assert_eq!(v.stat("d2/moved/..").unwrap().ino, v.stat("d2").unwrap().ino);
    // Over an empty directory: allowed; over a non-empty one: ENOTEMPTY.
    v.mkdir("empty", 0o755).unwrap();
    v.rename("d2/moved", "empty").unwrap();
    assert_eq!(v.read_file("empty/f").unwrap(), b"deep");
    assert_eq!(v.rename("d1", "empty"), Err(Errno::ENOTEMPTY));
    // Into itself, a file over a directory, a directory over a file.
    assert_eq!(v.rename("empty", "empty/inside"), Err(Errno::EINVAL));
    assert_eq!(v.rename("b", "d1"), Err(Errno::EISDIR));
    assert_eq!(v.rename("d1", "b"), Err(Errno::ENOTDIR));
    // Within one directory, and a name to itself.
    v.rename("b", "c").unwrap();
    v.rename("c", "c").unwrap();
    assert_eq!(names(&v, "/"), ["c", "d1", "d2", "empty", "lost+found"]);
    let v = remount(v, &img);
    assert_eq!(v.read_file("empty/f").unwrap(), b"deep");
    assert_eq!(v.read_file("c").unwrap(), b"A");
    v.unmount().unwrap();
    assert_fsck_clean(&img);
}

#[test]
fn unlink_mkdir_rmdir_readdir_stat() {
    let s = Scratch::new("dirs");
    let (img, v) = new_volume(&s, 16 << 20);
    v.mkdir("a", 0o750).unwrap();
    v.mkdir("a/b", 0o755).unwrap();
    v.mkdir("a/b/c", 0o755).unwrap();
    assert_eq!(v.mkdir("a", 0o755), Err(Errno::EEXIST));
    assert_eq!(v.mkdir("x/y", 0o755), Err(Errno::ENOENT));
    for i in 0..20 {
        v.write_file(format!("a/f{i:02}"), &pattern(i * 100, i as u64), 0o644).unwrap();
    }
    let st = v.stat("a").unwrap();
    assert!(st.is_dir());
    assert_eq!((st.nlink, st.perm()), (3, 0o750));
    let mut want: Vec<String> = (0..20).map(|i| format!("f{i:02}")).collect();
    want.push("b".into());
    want.sort();
    assert_eq!(names(&v, "a"), want);
    assert_eq!(v.rmdir("a"), Err(Errno::ENOTEMPTY));
    assert_eq!(v.unlink("a/b"), Err(Errno::EPERM));
    assert_eq!(v.rmdir("a/f00"), Err(Errno::ENOTDIR));
    v.rmdir("a/b/c").unwrap();
    v.rmdir("a/b").unwrap();
    for i in 0..20 {
        v.unlink(format!("a/f{i:02}")).unwrap();
    }
    assert_eq!(v.stat("a/f03"), Err(Errno::ENOENT));
    assert!(names(&v, "a").is_empty());
    assert_eq!(v.stat("a").unwrap().nlink, 2);
    v.rmdir("a").unwrap();
    assert_eq!(names(&v, "/"), ["lost+found"]);
    let v = remount(v, &img);
    assert_eq!(names(&v, "/"), ["lost+found"]);
    v.unmount().unwrap();
    assert_fsck_clean(&img);
}

#[test]
fn hard_links_and_symlinks() {
    let s = Scratch::new("links");
    let (img, v) = new_volume(&s, 16 << 20);
    v.mkdir("d", 0o755).unwrap();
    v.write_file("d/orig", b"shared data", 0o644).unwrap();
    v.link("d/orig", "alias").unwrap();
    assert_eq!(v.stat("alias").unwrap().nlink, 2);
    assert_eq!(v.stat("alias").unwrap().ino, v.stat("d/orig").unwrap().ino);
    assert_eq!(v.link("d", "dlink"), Err(Errno::EPERM));
    v.unlink("d/orig").unwrap();
    assert_eq!(v.read_file("alias").unwrap(), b"shared data");
    assert_eq!(v.stat("alias").unwrap().nlink, 1);
    // A short symlink lives in the inode; a long one in a block.
    v.symlink("alias", "short").unwrap();
    let long_target = format!("d/{}", "x".repeat(100));
    v.symlink(&long_target, "long").unwrap();
    assert_eq!(v.readlink("short").unwrap(), b"alias");
    assert_eq!(v.readlink("long").unwrap(), long_target.as_bytes());
    assert_eq!(v.lstat("short").unwrap().blocks, 0);
    assert!(v.lstat("long").unwrap().blocks > 0);
    assert!(v.lstat("short").unwrap().is_symlink());
    assert_eq!(v.read_file("short").unwrap(), b"shared data");
    assert_eq!(v.stat("long"), Err(Errno::ENOENT), "dangling");
    v.symlink("d", "dirlink").unwrap();
    v.write_file("dirlink/through", b"t", 0o644).unwrap();
    assert_eq!(v.read_file("d/through").unwrap(), b"t");
    v.symlink("loop2", "loop1").unwrap();
    v.symlink("loop1", "loop2").unwrap();
    assert_eq!(v.stat("loop1"), Err(Errno(62)), "ELOOP");
    // The l* calls act on the link itself, the others on its target.
    v.lchown("short", 5, 6).unwrap();
    assert_eq!((v.lstat("short").unwrap().uid, v.stat("short").unwrap().uid), (5, 0));
    v.chmod("short", 0o600).unwrap();
    assert_eq!(v.stat("alias").unwrap().perm(), 0o600);
    v.lutimes("short", (1000, 0), (2000, 0)).unwrap();
    assert_eq!(v.lstat("short").unwrap().mtime.0, 2000);
    assert_ne!(v.stat("short").unwrap().mtime.0, 2000);
    let v = remount(v, &img);
    assert_eq!(v.readlink("long").unwrap(), long_target.as_bytes());
    assert_eq!(v.read_file("short").unwrap(), b"shared data");
    v.unmount().unwrap();
    assert_fsck_clean(&img);
}

#[test]
fn sparse_files_read_holes_as_zeros() {
    let s = Scratch::new("sparse");
    let (img, v) = new_volume(&s, 32 << 20);
    let fd = v.create("sparse", 0o644).unwrap();
    v.pwrite(fd, 0, b"start").unwrap();
    v.pwrite(fd, 10 << 20, b"middle").unwrap();
    v.pwrite(fd, 100 << 20, b"end").unwrap();
    v.close(fd).unwrap();
    let st = v.stat("sparse").unwrap();
    assert_eq!(st.size, (100 << 20) + 3);
    assert!(st.blocks < 200, "only the written blocks (and indirect blocks) are allocated: {}", st.blocks);
    let fd = v.open("sparse", bsd::O_RDONLY, 0).unwrap();
    let mut buf = vec![0xffu8; 8192];
    v.pread(fd, 5 << 20, &mut buf).unwrap();
    assert!(buf.iter().all(|&b| b == 0));
    let mut m = [0u8; 6];
    v.pread(fd, 10 << 20, &mut m).unwrap();
    assert_eq!(&m, b"middle");
    v.close(fd).unwrap();
    let v = remount(v, &img);
    let fd = v.open("sparse", bsd::O_RDONLY, 0).unwrap();
    let mut e = [0u8; 3];
    v.pread(fd, 100 << 20, &mut e).unwrap();
    assert_eq!(&e, b"end");
    v.close(fd).unwrap();
    v.unmount().unwrap();
    assert_fsck_clean(&img);
}

#[test]
fn double_indirect_file() {
    let s = Scratch::new("dindir");
    let (img, v) = new_volume(&s, 64 << 20);
    let before = v.statfs().unwrap().free;
    // 12 direct + 2048 single-indirect blocks of 8 KiB = 16.1 MiB; 24 MiB
    // needs the double-indirect tree.
    let data = pattern(24 << 20, 3);
    v.write_file("big", &data, 0o644).unwrap();
    assert_eq!(v.read_file("big").unwrap(), data);
    let v = remount(v, &img);
    assert_eq!(v.read_file("big").unwrap(), data);
    v.truncate("big", 20 << 20).unwrap();
    assert_eq!(v.read_file("big").unwrap(), data[..20 << 20]);
    let v = remount(v, &img);
    v.unlink("big").unwrap();
    assert_eq!(v.statfs().unwrap().free, before, "every block came back");
    v.unmount().unwrap();
    assert_fsck_clean(&img);
}

#[test]
fn directory_of_ten_thousand_entries() {
    let s = Scratch::new("bigdir");
    let (img, v) = new_volume(&s, 64 << 20);
    v.mkdir("many", 0o755).unwrap();
    for i in 0..10_000 {
        let fd = v.create(format!("many/entry-{i:05}"), 0o644).unwrap();
        v.close(fd).unwrap();
    }
    let v = remount(v, &img);
    let all = names(&v, "many");
    assert_eq!(all.len(), 10_000);
    assert_eq!(all[0], "entry-00000");
    assert_eq!(all[9_999], "entry-09999");
    assert!(v.stat("many/entry-05000").unwrap().is_file());
    for i in (0..10_000).step_by(2) {
        v.unlink(format!("many/entry-{i:05}")).unwrap();
    }
    assert_eq!(names(&v, "many").len(), 5_000);
    let v = remount(v, &img);
    for i in (1..10_000).step_by(2) {
        v.unlink(format!("many/entry-{i:05}")).unwrap();
    }
    v.rmdir("many").unwrap();
    v.unmount().unwrap();
    assert_fsck_clean(&img);
}

#[test]
fn enospc_then_normal_use_after_deletes() {
    let s = Scratch::new("enospc");
    let (img, v) = new_volume(&s, 4 << 20);
    let chunk = pattern(256 << 10, 9);
    let mut written = Vec::new();
    let full = loop {
        let name = format!("fill{}", written.len());
        let fd = match v.create(&name, 0o644) {
            Ok(fd) => fd,
            Err(e) => break e,
        };
        let r = v.pwrite(fd, 0, &chunk);
        v.close(fd).unwrap();
        match r {
            Ok(_) => written.push(name),
            Err(e) => {
                v.unlink(&name).unwrap();
                break e;
            }
        }
    };
    assert_eq!(full, Errno::ENOSPC);
    assert!(written.len() >= 8, "a 4 MiB file system holds some 256 KiB files: {}", written.len());
    let v = remount(v, &img);
    for name in &written {
        assert_eq!(v.read_file(name).unwrap(), chunk, "{name} survived the full disk");
    }
    for name in written.iter().take(4) {
        v.unlink(name).unwrap();
    }
    v.write_file("after", &chunk, 0o644).unwrap();
    assert_eq!(v.read_file("after").unwrap(), chunk);
    v.unmount().unwrap();
    assert_fsck_clean(&img);
}

#[test]
fn allocation_follows_ffs_policies() {
    use molt_vfs::ondisk::{Buf, Layout};
    use std::os::unix::fs::FileExt;
    let s = Scratch::new("policy");
    let (img, v) = new_volume(&s, 128 << 20);
    for i in 0..4 {
        v.mkdir(format!("d{i}"), 0o755).unwrap();
        v.write_file(format!("d{i}/f"), &pattern(50_000, i), 0o644).unwrap();
    }
    let inos: Vec<u32> = (0..4).map(|i| v.stat(format!("d{i}")).unwrap().ino).collect();
    let files: Vec<u32> = (0..4).map(|i| v.stat(format!("d{i}/f")).unwrap().ino).collect();
    v.unmount().unwrap();
    let f = std::fs::File::open(&img).unwrap();
    let mut raw = vec![0u8; 8192];
    f.read_exact_at(&mut raw, 8192).unwrap();
    let fs: bsd::fs = *Buf::from_bytes(&raw).view(0);
    assert_eq!(fs.fs_ncg, 4);
    // New directories go to the group with the fewest directories: group 0
    // holds / and lost+found, so d0..d2 take groups 1..3, and d3 the first
    // of those (one directory each) again.
    let groups: Vec<i64> = inos.iter().map(|&i| fs.ino_to_cg(i64::from(i))).collect();
    assert_eq!(groups, [1, 2, 3, 1], "directories rotate across groups: {inos:?}");
    // ...and a file's inode and first block go near its directory.
    for (d, fi) in inos.iter().zip(&files) {
        assert_eq!(fs.ino_to_cg(i64::from(*d)), fs.ino_to_cg(i64::from(*fi)));
        let mut raw = vec![0u8; 128];
        f.read_exact_at(&mut raw, fs.ino_offset(i64::from(*fi))).unwrap();
        let di: bsd::dinode = *Buf::from_bytes(&raw).view(0);
        assert_eq!(fs.dtog(i64::from(di.di_db[0])), fs.ino_to_cg(i64::from(*fi)), "first block in the inode's group");
        // Later blocks follow, in the same group, in increasing order.
        for w in di.di_db[..6].windows(2) {
            assert!(w[1] > w[0] && fs.dtog(i64::from(w[1])) == fs.dtog(i64::from(w[0])), "{:?}", di.di_db);
        }
    }
    assert_fsck_clean(&img);
}
