//! `molt fs ...`: the hosted file-system tools, declared with clap so that
//! every subcommand has `--help` with an example, sizes take suffixes, and
//! usage errors exit with 2. A subcommand is a variant of [`FsCommand`]
//! (its doc comment is its help) and one line of [`dispatch`].
//!
//! Errors are one line, `molt: PATH: ENAME: message`, and for an image or
//! a mount point that cannot be used they say what to do (see
//! [`crate::diagnose`]).
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Subcommand;
use molt_cli::{after_help, Progress};

use crate::diagnose;
use crate::errno::Errno;
use crate::hosttree::{self, CopyProgress};
use crate::volume::{MountOptions, Stat, Volume};

/// The `molt fs` subcommands.
#[derive(Subcommand, Debug)]
pub enum FsCommand {
    /// Make a new, empty FFS (UFS1) file system in an image file of SIZE bytes.
    #[command(after_help = after_help!("molt fs newfs disk.img 64M", "molt fs newfs big.img 1G"))]
    Newfs {
        /// The image file to write (created, or overwritten).
        image: PathBuf,
        /// The image's size: bytes, or a whole number with a suffix K, M, G
        /// or T (powers of 1024; KiB, MiB ... also accepted), e.g. 64M.
        #[arg(value_parser = molt_cli::parse_size)]
        size: u64,
    },
    /// Copy the contents of a host directory into the image's root directory
    /// (files, directories, symbolic links and hard links, with owners,
    /// modes and times).
    #[command(after_help = after_help!("molt fs import disk.img ./rootfs"))]
    Import {
        /// The FFS image to copy into.
        image: PathBuf,
        /// The host directory whose contents are copied.
        hostdir: PathBuf,
    },
    /// Copy the image's whole tree out to a host directory (made if needed).
    #[command(after_help = after_help!("molt fs export disk.img ./out"))]
    Export {
        /// The FFS image to copy from.
        image: PathBuf,
        /// The host directory to copy into.
        hostdir: PathBuf,
    },
    /// List a directory of the image, like `ls -l` (or describe one file).
    #[command(after_help = after_help!("molt fs ls disk.img", "molt fs ls disk.img /etc"))]
    Ls {
        /// The FFS image to read.
        image: PathBuf,
        /// The directory or file inside the image.
        #[arg(default_value = "/")]
        path: String,
    },
    /// Write a file of the image to standard output.
    #[command(after_help = after_help!("molt fs cat disk.img /etc/motd"))]
    Cat {
        /// The FFS image to read.
        image: PathBuf,
        /// The file inside the image.
        path: String,
    },
    /// Check the file system (fsck's five phases) and report what is wrong;
    /// with --repair, fix it.
    #[command(after_help = after_help!("molt fs check disk.img", "molt fs check --repair disk.img";
        exit: "Exit status (fsck's): 0 clean; 1 damage found (and, with --repair, repaired); \
2 usage error; 8 cannot check (not an FFS image, or none at all)."))]
    Check {
        /// Fix what is wrong (the report still lists it, and the status is 1).
        #[arg(long)]
        repair: bool,
        /// Start from the superblock copy at this sector (newfs writes one in
        /// every cylinder group; without -b, a damaged primary makes fsck
        /// look for one itself).
        #[arg(short = 'b', long = "backup-superblock", value_name = "SECTOR")]
        backup: Option<u64>,
        /// The FFS image to check.
        image: PathBuf,
    },
    /// Serve the image at a host directory through FUSE until it is
    /// unmounted (`fusermount3 -u DIR`); writes reach the image then.
    #[command(after_help = after_help!("molt fs mount disk.img /mnt/molt", "molt fs mount --allow-other disk.img /mnt/molt"))]
    Mount {
        /// Let every user reach the mount, with their own uid and gid handed
        /// to the BSD code, which does the permission checks.
        #[arg(long)]
        allow_other: bool,
        /// The FFS image to serve.
        image: PathBuf,
        /// The empty host directory to mount it on.
        dir: PathBuf,
    },
    /// Kill a FUSE mount at N random points of an fsync workload and check
    /// each image: every file whose fsync returned must be there with its
    /// contents, and the image needs at most the repairs a crash allows.
    #[command(after_help = after_help!("molt fs crashtest 20", "molt fs crashtest 1000 --json --seed 7"))]
    Crashtest {
        /// How many kill points (runs).
        runs: usize,
        /// Print the result as JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// Seed of the random kill points and workload.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

/// An error line and the exit status that goes with it.
struct Failure(String, i32);

fn errno_at(path: &str, e: Errno) -> Failure {
    Failure(format!("{path}: {e}"), molt_cli::status::FAILURE)
}

fn failure(message: String) -> Failure {
    Failure(message, molt_cli::status::FAILURE)
}

/// Runs one `molt fs` command; returns the process exit status.
pub fn run(command: FsCommand) -> i32 {
    // The kernel's own messages (log(), e.g. "file system full") would add
    // lines to the one-line errors: the tools keep them off the terminal,
    // except while serving a mount.
    if !matches!(command, FsCommand::Mount { .. }) {
        molt_shims::platform::cons_capture();
    }
    match dispatch(command) {
        Ok(status) => status,
        Err(Failure(msg, status)) => {
            eprintln!("molt: {msg}");
            status
        }
    }
}

fn dispatch(command: FsCommand) -> Result<i32, Failure> {
    match command {
        FsCommand::Newfs { image, size } => newfs(&image, size),
        FsCommand::Import { image, hostdir } => import(&image, &hostdir),
        FsCommand::Export { image, hostdir } => export(&image, &hostdir),
        FsCommand::Ls { image, path } => ls(&image, &path),
        FsCommand::Cat { image, path } => cat(&image, &path),
        FsCommand::Check { repair, backup, image } => check(&image, repair, backup),
        FsCommand::Mount { allow_other, image, dir } => mount_fuse(&image, &dir, allow_other),
        FsCommand::Crashtest { runs, json, seed } => crate::crashtest::main(runs, json, seed).map_err(failure),
    }
}

fn mount(image: &Path, read_only: bool) -> Result<Volume, Failure> {
    Volume::mount(image, MountOptions { read_only }).map_err(|e| failure(diagnose::image_unusable(image, e)))
}

fn unmount(v: Volume, image: &Path) -> Result<(), Failure> {
    v.unmount().map_err(|e| errno_at(&image.display().to_string(), e))
}

fn newfs(image: &Path, bytes: u64) -> Result<i32, Failure> {
    if let Some(why) = diagnose::missing_directory_of(image) {
        return Err(failure(why));
    }
    crate::newfs::newfs(image, bytes, &crate::newfs::NewfsOptions::default())
        .map_err(|m| failure(format!("{}: {m}", image.display())))?;
    Ok(0)
}

/// The progress bar tracks what a copy reports.
impl CopyProgress for Progress {
    fn entry_copied(&mut self) {
        self.add_file();
    }
    fn bytes_copied(&mut self, n: u64) {
        self.add_bytes(n);
    }
}

/// Mounts `image`, runs one tree copy with its progress shown, unmounts;
/// returns the number of entries copied.
fn copy_tree(
    image: &Path,
    read_only: bool,
    mut progress: Progress,
    copy: impl FnOnce(&Volume, &mut Progress) -> Result<u64, hosttree::PathError>,
) -> Result<u64, Failure> {
    let v = mount(image, read_only)?;
    let copied = copy(&v, &mut progress).map_err(|e| errno_at(&e.path, e.errno));
    drop(progress);
    let unmounted = unmount(v, image);
    let n = copied?;
    unmounted?;
    Ok(n)
}

fn import(image: &Path, hostdir: &Path) -> Result<i32, Failure> {
    let progress = Progress::transfer("import", Some(hosttree::host_tree_bytes(hostdir)));
    let n = copy_tree(image, false, progress, |v, p| hosttree::import_reporting(v, hostdir, b"/", p))?;
    eprintln!("{}: imported {n} entries", image.display());
    Ok(0)
}

fn export(image: &Path, hostdir: &Path) -> Result<i32, Failure> {
    let progress = Progress::transfer("export", None);
    let n = copy_tree(image, true, progress, |v, p| hosttree::export_reporting(v, b"/", hostdir, p))?;
    eprintln!("{}: exported {n} entries", hostdir.display());
    Ok(0)
}

fn cat(image: &Path, path: &str) -> Result<i32, Failure> {
    let v = mount(image, true)?;
    crate::stream::cat(&v, path.as_bytes(), &mut std::io::stdout().lock()).map_err(|e| match e {
        crate::stream::CopyError::Volume(e) => errno_at(path, e),
        crate::stream::CopyError::Host(e) => failure(format!("stdout: {e}")),
    })?;
    unmount(v, image)?;
    Ok(0)
}

fn mount_fuse(image: &Path, dir: &Path, allow_other: bool) -> Result<i32, Failure> {
    if image.symlink_metadata().is_err() {
        return Err(failure(diagnose::missing_image(image)));
    }
    if let Some(why) = diagnose::mount_point_unusable(dir) {
        return Err(failure(why));
    }
    crate::fuse::serve(image, dir, crate::fuse::ServeOptions { allow_other }).map_err(failure)?;
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

fn ls(image: &Path, path: &str) -> Result<i32, Failure> {
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
    unmount(v, image)?;
    let mut stdout = std::io::stdout();
    for l in out {
        let _ = writeln!(stdout, "{l}");
    }
    Ok(0)
}

/// fsck's status for an image it cannot check.
const CANNOT_CHECK: i32 = 8;

fn check(image: &Path, repair: bool, sector: Option<u64>) -> Result<i32, Failure> {
    if image.symlink_metadata().is_err() {
        return Err(Failure(diagnose::missing_image(image), CANNOT_CHECK));
    }
    let report = crate::fsck::check_with(image, repair, sector).map_err(|u| Failure(format!("{}: {}", image.display(), u.0), CANNOT_CHECK))?;
    let image = image.display();
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
