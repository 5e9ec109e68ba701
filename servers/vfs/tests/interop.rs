//! Interoperability with FFS implementations written elsewhere:
//! images made by Debian's `makefs -t ffs -o version=1` (NetBSD's makefs)
//! are read back byte for byte by our VFS; images our VFS writes are
//! listed and read back byte for byte by Sleuth Kit (`fls`, `icat`) and by
//! `dissect.ffs` (Python). All three tools are installed by tests/setup.sh.
mod common;
use common::*;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use molt_vfs::{MountOptions, Volume};

/// path -> contents (files) of a host tree, plus symlinks (path -> target).
struct Tree {
    files: BTreeMap<String, Vec<u8>>,
    links: BTreeMap<String, String>,
    dirs: Vec<String>,
}

fn make_tree(root: &Path) -> Tree {
    let mut t = Tree { files: BTreeMap::new(), links: BTreeMap::new(), dirs: Vec::new() };
    for d in ["docs", "docs/deep", "docs/deep/deeper", "empty"] {
        std::fs::create_dir_all(root.join(d)).unwrap();
        t.dirs.push(d.to_string());
    }
    let sizes = [0usize, 1, 511, 1023, 1024, 5000, 8192, 8193, 100_000, 3_000_000];
    for (i, size) in sizes.iter().enumerate() {
        let name = if i % 2 == 0 { format!("file{i}") } else { format!("docs/deep/file{i}") };
        let data = pattern(*size, i as u64 + 100);
        std::fs::write(root.join(&name), &data).unwrap();
        t.files.insert(name, data);
    }
    let long = format!("docs/{}", "l".repeat(90));
    for (name, target) in [("short-link", "file0"), ("long-link", long.as_str())] {
        std::os::unix::fs::symlink(target, root.join(name)).unwrap();
        t.links.insert(name.to_string(), target.to_string());
    }
    t
}

fn run(cmd: &mut Command) -> Vec<u8> {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e} (is it installed? run tests/setup.sh)"));
    assert!(out.status.success(), "{cmd:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

#[test]
fn makefs_images_read_back_byte_for_byte() {
    let s = Scratch::new("makefs");
    let src = s.path("src");
    let tree = make_tree(&src);
    let img = s.path("makefs.img");
    run(Command::new("makefs").args(["-t", "ffs", "-o", "version=1", "-s", "32m"]).arg(&img).arg(&src));
    assert_fsck_clean(&img);
    let v = Volume::mount(&img, MountOptions { read_only: true }).expect("mount a makefs image");
    for (path, data) in &tree.files {
        assert_eq!(&v.read_file(path).unwrap(), data, "{path}");
        assert_eq!(v.stat(path).unwrap().size, data.len() as u64);
    }
    for (path, target) in &tree.links {
        assert_eq!(v.readlink(path).unwrap(), target.as_bytes(), "{path}");
    }
    for d in &tree.dirs {
        assert!(v.stat(d).unwrap().is_dir(), "{d}");
    }
    v.unmount().unwrap();
    // Writing to it with our VFS keeps it consistent too.
    let v = Volume::mount(&img, MountOptions::default()).unwrap();
    v.write_file("docs/added", &pattern(20_000, 5), 0o644).unwrap();
    v.unlink("file4").unwrap();
    v.unmount().unwrap();
    assert_fsck_clean(&img);
}

/// An image written by our VFS holding `tree`.
fn our_image(s: &Scratch, tree_root: &Path) -> std::path::PathBuf {
    let img = s.path("ours.img");
    fresh_image(&img, 32 << 20);
    let v = Volume::mount(&img, MountOptions::default()).unwrap();
    molt_vfs::hosttree::import(&v, tree_root, b"/").expect("import");
    v.unmount().unwrap();
    assert_fsck_clean(&img);
    img
}

#[test]
fn sleuthkit_lists_and_reads_our_images() {
    let s = Scratch::new("tsk");
    let src = s.path("src");
    let tree = make_tree(&src);
    let img = our_image(&s, &src);
    let listing = String::from_utf8(run(Command::new("fls").args(["-r", "-p", "-f", "ufs1"]).arg(&img))).unwrap();
    let mut inodes = BTreeMap::new();
    for line in listing.lines() {
        // "r/r 6:\tdocs/deep/file1"
        let Some((head, path)) = line.split_once(":\t") else { continue };
        let ino = head.split_whitespace().last().unwrap().trim_end_matches('*');
        inodes.insert(path.to_string(), (head.chars().next().unwrap(), ino.parse::<u64>().unwrap()));
    }
    for d in &tree.dirs {
        assert_eq!(inodes.get(d).map(|x| x.0), Some('d'), "fls lists directory {d}");
    }
    for path in tree.links.keys() {
        assert_eq!(inodes.get(path).map(|x| x.0), Some('l'), "fls lists symlink {path}");
    }
    for (path, data) in &tree.files {
        let (kind, ino) = inodes[path];
        assert_eq!(kind, 'r', "{path}");
        let got = run(Command::new("icat").args(["-f", "ufs1"]).arg(&img).arg(ino.to_string()));
        assert_eq!(&got, data, "icat of {path}");
    }
}

#[test]
fn dissect_ffs_lists_and_reads_our_images() {
    let s = Scratch::new("dissect");
    let src = s.path("src");
    let tree = make_tree(&src);
    let img = our_image(&s, &src);
    let out = s.path("out");
    std::fs::create_dir_all(&out).unwrap();
    let script = r#"
import os, sys
from dissect.ffs import FFS
fs = FFS(open(sys.argv[1], "rb"))
out = sys.argv[2]
def walk(node, path):
    for e in node.iterdir():
        if e.name in (".", ".."):
            continue
        p = path + "/" + e.name if path else e.name
        if e.is_dir():
            print("d", p)
            walk(e, p)
        elif e.is_symlink():
            print("l", p, e.link)
        else:
            print("r", p)
            dst = os.path.join(out, p.replace("/", "%"))
            with open(dst, "wb") as f:
                f.write(e.open().read())
walk(fs.get("/"), "")
"#;
    let listing = String::from_utf8(run(Command::new("python3").arg("-c").arg(script).arg(&img).arg(&out))).unwrap();
    for d in &tree.dirs {
        assert!(listing.lines().any(|l| l == format!("d {d}")), "dissect lists {d}:\n{listing}");
    }
    for (path, target) in &tree.links {
        assert!(listing.lines().any(|l| l == format!("l {path} {target}")), "dissect reads link {path}:\n{listing}");
    }
    for (path, data) in &tree.files {
        let got = std::fs::read(out.join(path.replace('/', "%"))).unwrap();
        assert_eq!(&got, data, "dissect.ffs read of {path}");
    }
}
