//! `molt fs ...`: the hosted file-system tools.
//!
//! ```text
//! molt fs newfs IMAGE SIZE          a new, empty FFS (SIZE: bytes, or 64M, 1G ...)
//! molt fs import IMAGE HOSTDIR      copy a host folder into the image's root
//! molt fs export IMAGE HOSTDIR      copy the image's tree out to a host folder
//! molt fs ls IMAGE [PATH]           list a directory (or describe a file)
//! molt fs cat IMAGE PATH            write a file's contents to standard output
//! molt fs check [--repair] [-b N] IMAGE  fsck (-b: superblock copy at sector N): exit 0 clean, 1 damage found, 8 cannot check
//! molt fs mount [--allow-other] IMAGE DIR  serve the image at DIR through FUSE until unmounted
//! molt fs crashtest N [--json]      kill a mount at N random points of an fsync workload, check each image
//! ```
//! Errors are one line: `molt: PATH: ENAME: message`.
use std::io::Write;
use std::path::Path;

use crate::errno::Errno;
use crate::volume::{MountOptions, Stat, Volume};

const USAGE: &str = "usage: molt fs newfs IMAGE SIZE | import IMAGE HOSTDIR | export IMAGE HOSTDIR | \
ls IMAGE [PATH] | cat IMAGE PATH | check [--repair] [-b N] IMAGE | mount [--allow-other] IMAGE DIR | crashtest N [--json] [--seed S]";

/// An error line and the exit status that goes with it.
struct Failure(String, i32);

fn errno_at(path: &str, e: Errno) -> Failure {
    Failure(format!("{path}: {e}"), 1)
}

fn usage() -> Failure {
    Failure(USAGE.to_string(), 2)
}

pub fn main(args: Vec<String>) -> i32 {
    // The kernel's own messages (log(), e.g. "file system full") would add
    // lines to the one-line errors: the tools keep them off the terminal,
    // except while serving a mount.
    if args.first().map(String::as_str) != Some("mount") {
        molt_shims::platform::cons_capture();
    }
    match run(&args) {
        Ok(status) => status,
        Err(Failure(msg, status)) => {
            eprintln!("molt: {msg}");
            status
        }
    }
}

fn mount(image: &str, read_only: bool) -> Result<Volume, Failure> {
    Volume::mount(Path::new(image), MountOptions { read_only }).map_err(|e| errno_at(image, e))
}

fn run(args: &[String]) -> Result<i32, Failure> {
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    match a.as_slice() {
        ["newfs", image, size] => {
            let bytes = crate::newfs::parse_size(size).ok_or_else(|| Failure(format!("{size}: EINVAL: not a size"), 2))?;
            crate::newfs::newfs(Path::new(image), bytes, &crate::newfs::NewfsOptions::default())
                .map_err(|m| Failure(format!("{image}: {m}"), 1))?;
            Ok(0)
        }
        ["import", image, hostdir] => {
            let v = mount(image, false)?;
            let n = crate::hosttree::import(&v, Path::new(hostdir), b"/").map_err(|e| errno_at(&e.path, e.errno))?;
            v.unmount().map_err(|e| errno_at(image, e))?;
            eprintln!("{image}: imported {n} entries");
            Ok(0)
        }
        ["export", image, hostdir] => {
            let v = mount(image, true)?;
            let n = crate::hosttree::export(&v, b"/", Path::new(hostdir)).map_err(|e| errno_at(&e.path, e.errno))?;
            v.unmount().map_err(|e| errno_at(image, e))?;
            eprintln!("{hostdir}: exported {n} entries");
            Ok(0)
        }
        ["ls", image] => ls(image, "/"),
        ["ls", image, path] => ls(image, path),
        ["cat", image, path] => {
            let v = mount(image, true)?;
            crate::stream::cat(&v, path.as_bytes(), &mut std::io::stdout().lock()).map_err(|e| match e {
                crate::stream::CopyError::Volume(e) => errno_at(path, e),
                crate::stream::CopyError::Host(e) => Failure(format!("stdout: {e}"), 1),
            })?;
            v.unmount().map_err(|e| errno_at(image, e))?;
            Ok(0)
        }
        ["check", image] => check(image, false, None),
        ["check", "--repair", image] | ["check", image, "--repair"] => check(image, true, None),
        ["check", "-b", n, image] => check(image, false, Some(sector(n)?)),
        ["check", "--repair", "-b", n, image] | ["check", "-b", n, "--repair", image] => check(image, true, Some(sector(n)?)),
        ["crashtest", rest @ ..] => crate::crashtest::cli(rest).map_err(|m| Failure(m, 2)),
        ["mount", image, dir] => serve(image, dir, false),
        ["mount", "--allow-other", image, dir] => serve(image, dir, true),
        _ => Err(usage()),
    }
}

fn serve(image: &str, dir: &str, allow_other: bool) -> Result<i32, Failure> {
    let opts = crate::fuse::ServeOptions { allow_other };
    crate::fuse::serve(Path::new(image), Path::new(dir), opts).map_err(|m| Failure(m, 1))?;
    Ok(0)
}

fn mode_string(st: &Stat) -> String {
    let kind = if st.is_dir() { 'd' } else if st.is_symlink() { 'l' } else if st.is_file() { '-' } else { '?' };
    let mut s = String::from(kind);
    for shift in [6, 3, 0] {
        let bits = (st.mode >> shift) & 7;
        s.push(if bits & 4 != 0 { 'r' } else { '-' });
        s.push(if bits & 2 != 0 { 'w' } else { '-' });
        s.push(if bits & 1 != 0 { 'x' } else { '-' });
    }
    s
}

fn ls_line(v: &Volume, path: &str, name: &str) -> Result<String, Failure> {
    let st = v.lstat(path).map_err(|e| errno_at(path, e))?;
    let mut line = format!("{} {:>3} {:>5} {:>5} {:>10} {}", mode_string(&st), st.nlink, st.uid, st.gid, st.size, name);
    if st.is_symlink() {
        let t = v.readlink(path).map_err(|e| errno_at(path, e))?;
        line.push_str(" -> ");
        line.push_str(&String::from_utf8_lossy(&t));
    }
    Ok(line)
}

fn ls(image: &str, path: &str) -> Result<i32, Failure> {
    let v = mount(image, true)?;
    let st = v.lstat(path).map_err(|e| errno_at(path, e))?;
    let mut out = Vec::new();
    if st.is_dir() {
        let mut entries = v.read_dir(path).map_err(|e| errno_at(path, e))?;
        entries.sort_by(|a, b| a.name.cmp(&b.name));
        for e in entries {
            let name = String::from_utf8_lossy(&e.name).into_owned();
            let full = format!("{}/{}", path.trim_end_matches('/'), name);
            out.push(ls_line(&v, &full, &name)?);
        }
    } else {
        out.push(ls_line(&v, path, path)?);
    }
    v.unmount().map_err(|e| errno_at(image, e))?;
    let mut stdout = std::io::stdout();
    for l in out {
        let _ = writeln!(stdout, "{l}");
    }
    Ok(0)
}

fn sector(n: &str) -> Result<u64, Failure> {
    n.parse().map_err(|_| Failure(format!("-b {n}: EINVAL: not a sector number"), 2))
}

fn check(image: &str, repair: bool, sector: Option<u64>) -> Result<i32, Failure> {
    let report = crate::fsck::check_with(Path::new(image), repair, sector).map_err(|u| Failure(format!("{image}: {}", u.0), 8))?;
    for p in &report.problems {
        println!("{image}: {p}");
    }
    println!(
        "{image}: {} files, {} directories, {} fragments used; {}",
        report.files,
        report.dirs,
        report.used_frags,
        if report.clean() { "clean" } else if report.repaired { "REPAIRED" } else { "DAMAGED" }
    );
    Ok(if report.clean() { 0 } else { 1 })
}
