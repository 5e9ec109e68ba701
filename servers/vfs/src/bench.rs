//! `cargo run --release -- bench fs`: the file-system benchmark. Three
//! ways of doing the same work, in one run, so the ratios mean something
//! on a shared machine:
//!   vfs    the BSD VFS+FFS called in-process (images in /dev/shm),
//!   fuse   the same image through the FUSE mount (host system calls),
//!   tmpfs  the host's own tmpfs.
//! Workloads: 10,000 files of 4 KiB (create+write+close, stat, unlink),
//! and 256 MiB written then read sequentially in 1 MiB requests.
//! Prints a table and writes target/bench/fs.json.
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use molt_cli::Progress;

use crate::fuse::FuseMount;
use crate::newfs::{newfs, NewfsOptions};
use crate::volume::{MountOptions, Volume};

const FILES: usize = 10_000;
const FILE_SIZE: usize = 4096;
const SEQ_BYTES: usize = 256 << 20;
const CHUNK: usize = 1 << 20;

/// One measured phase.
struct Row {
    target: &'static str,
    phase: &'static str,
    seconds: f64,
    ops: u64,
    bytes: u64,
}

trait Subject {
    fn create_files(&mut self, data: &[u8]) -> Result<(), String>;
    fn stat_files(&mut self) -> Result<(), String>;
    fn delete_files(&mut self) -> Result<(), String>;
    fn seq_write(&mut self, chunk: &[u8]) -> Result<(), String>;
    fn seq_read(&mut self, buf: &mut [u8]) -> Result<(), String>;
}

/// The VFS called directly.
struct Direct(Volume);

impl Subject for Direct {
    fn create_files(&mut self, data: &[u8]) -> Result<(), String> {
        self.0.mkdir("many", 0o755).map_err(|e| e.to_string())?;
        for i in 0..FILES {
            let fd = self.0.create(format!("many/f{i}"), 0o644).map_err(|e| e.to_string())?;
            self.0.write(fd, data).map_err(|e| e.to_string())?;
            self.0.close(fd).map_err(|e| e.to_string())?;
        }
        Ok(())
    }
    fn stat_files(&mut self) -> Result<(), String> {
        for i in 0..FILES {
            self.0.stat(format!("many/f{i}")).map_err(|e| e.to_string())?;
        }
        Ok(())
    }
    fn delete_files(&mut self) -> Result<(), String> {
        for i in 0..FILES {
            self.0.unlink(format!("many/f{i}")).map_err(|e| e.to_string())?;
        }
        self.0.rmdir("many").map_err(|e| e.to_string())
    }
    fn seq_write(&mut self, chunk: &[u8]) -> Result<(), String> {
        let fd = self.0.create("seq", 0o644).map_err(|e| e.to_string())?;
        for _ in 0..SEQ_BYTES / CHUNK {
            self.0.write(fd, chunk).map_err(|e| e.to_string())?;
        }
        self.0.fsync(fd).map_err(|e| e.to_string())?;
        self.0.close(fd).map_err(|e| e.to_string())
    }
    fn seq_read(&mut self, buf: &mut [u8]) -> Result<(), String> {
        let fd = self.0.open("seq", crate::bsd::O_RDONLY, 0).map_err(|e| e.to_string())?;
        let mut total = 0;
        while total < SEQ_BYTES {
            let n = self.0.read(fd, buf).map_err(|e| e.to_string())?;
            if n == 0 {
                break;
            }
            total += n;
        }
        self.0.close(fd).map_err(|e| e.to_string())
    }
}

/// A host directory (the FUSE mount, or tmpfs), through std::fs.
struct Host(PathBuf);

impl Subject for Host {
    fn create_files(&mut self, data: &[u8]) -> Result<(), String> {
        fs::create_dir(self.0.join("many")).map_err(|e| e.to_string())?;
        for i in 0..FILES {
            let mut f = fs::File::create(self.0.join(format!("many/f{i}"))).map_err(|e| e.to_string())?;
            f.write_all(data).map_err(|e| e.to_string())?;
        }
        Ok(())
    }
    fn stat_files(&mut self) -> Result<(), String> {
        for i in 0..FILES {
            fs::metadata(self.0.join(format!("many/f{i}"))).map_err(|e| e.to_string())?;
        }
        Ok(())
    }
    fn delete_files(&mut self) -> Result<(), String> {
        for i in 0..FILES {
            fs::remove_file(self.0.join(format!("many/f{i}"))).map_err(|e| e.to_string())?;
        }
        fs::remove_dir(self.0.join("many")).map_err(|e| e.to_string())
    }
    fn seq_write(&mut self, chunk: &[u8]) -> Result<(), String> {
        let mut f = fs::File::create(self.0.join("seq")).map_err(|e| e.to_string())?;
        for _ in 0..SEQ_BYTES / CHUNK {
            f.write_all(chunk).map_err(|e| e.to_string())?;
        }
        f.sync_all().map_err(|e| e.to_string())
    }
    fn seq_read(&mut self, buf: &mut [u8]) -> Result<(), String> {
        let mut f = fs::File::open(self.0.join("seq")).map_err(|e| e.to_string())?;
        while f.read(buf).map_err(|e| e.to_string())? > 0 {}
        Ok(())
    }
}

/// The phases [`measure`] times, for each of the three targets.
const PHASES: u64 = 5;
const TARGETS: u64 = 3;

fn measure(rows: &mut Vec<Row>, target: &'static str, s: &mut dyn Subject, progress: &Progress) -> Result<(), String> {
    let data = vec![0x5au8; FILE_SIZE];
    let chunk: Vec<u8> = (0..CHUNK).map(|i| (i % 251) as u8).collect();
    let mut buf = vec![0u8; CHUNK];
    let mut time = |phase: &'static str, ops: u64, bytes: u64, f: &mut dyn FnMut() -> Result<(), String>| {
        progress.start(format!("{target}: {phase}"));
        let t = Instant::now();
        f()?;
        progress.step_done();
        rows.push(Row { target, phase, seconds: t.elapsed().as_secs_f64(), ops, bytes });
        Ok::<(), String>(())
    };
    let files = FILES as u64;
    time("create 10k x 4 KiB", files, files * FILE_SIZE as u64, &mut || s.create_files(&data))?;
    time("stat 10k", files, 0, &mut || s.stat_files())?;
    time("delete 10k", files, 0, &mut || s.delete_files())?;
    time("write 256 MiB", (SEQ_BYTES / CHUNK) as u64, SEQ_BYTES as u64, &mut || s.seq_write(&chunk))?;
    time("read 256 MiB", (SEQ_BYTES / CHUNK) as u64, SEQ_BYTES as u64, &mut || s.seq_read(&mut buf))?;
    Ok(())
}

fn target_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(d);
    }
    // The executable is target/<profile>/molt (or .../examples/...).
    let exe = std::env::current_exe().unwrap_or_default();
    exe.ancestors()
        .find(|p| p.file_name().is_some_and(|n| n == "target"))
        .map(Path::to_path_buf)
        .or_else(|| exe.parent().and_then(Path::parent).map(Path::to_path_buf))
        .unwrap_or_else(|| PathBuf::from("target"))
}

fn run(progress: &Progress) -> Result<Vec<Row>, String> {
    let base = if Path::new("/dev/shm").is_dir() { PathBuf::from("/dev/shm") } else { std::env::temp_dir() };
    let work = base.join(format!("molt-bench-fs-{}", std::process::id()));
    let _ = fs::remove_dir_all(&work);
    fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    let image_size = (SEQ_BYTES as u64) * 3 / 2 + (64 << 20);
    let mut rows = Vec::new();

    let img = work.join("direct.img");
    newfs(&img, image_size, &NewfsOptions::default())?;
    let v = Volume::mount(&img, MountOptions::default()).map_err(|e| e.to_string())?;
    let mut direct = Direct(v);
    measure(&mut rows, "vfs", &mut direct, progress)?;
    direct.0.unmount().map_err(|e| e.to_string())?;

    let img = work.join("fuse.img");
    newfs(&img, image_size, &NewfsOptions::default())?;
    let mnt = work.join("mnt");
    fs::create_dir_all(&mnt).map_err(|e| e.to_string())?;
    let m = FuseMount::spawn(&img, &mnt)?;
    let r = measure(&mut rows, "fuse", &mut Host(mnt.clone()), progress);
    m.unmount()?;
    r?;

    let tmp = work.join("tmpfs");
    fs::create_dir_all(&tmp).map_err(|e| e.to_string())?;
    measure(&mut rows, "tmpfs", &mut Host(tmp), progress)?;
    let _ = fs::remove_dir_all(&work);
    Ok(rows)
}

/// Entry point of `molt bench fs`; returns the exit status.
pub fn main() -> i32 {
    let progress = Progress::steps("bench fs", TARGETS * PHASES);
    let rows = run(&progress);
    drop(progress);
    let rows = match rows {
        Ok(r) => r,
        Err(e) => {
            eprintln!("molt: bench fs: {e}");
            return 1;
        }
    };
    let tmpfs_time = |phase: &str| rows.iter().find(|r| r.target == "tmpfs" && r.phase == phase).map(|r| r.seconds);
    println!("{:<8} {:<20} {:>10} {:>12} {:>10} {:>10}", "target", "phase", "seconds", "ops/s", "MiB/s", "x tmpfs");
    let mut json = Vec::new();
    for r in &rows {
        let ops = r.ops as f64 / r.seconds;
        let mibs = r.bytes as f64 / (1 << 20) as f64 / r.seconds;
        let ratio = tmpfs_time(r.phase).map(|t| r.seconds / t).unwrap_or(f64::NAN);
        println!("{:<8} {:<20} {:>10.3} {:>12.0} {:>10.1} {:>10.1}", r.target, r.phase, r.seconds, ops, mibs, ratio);
        json.push(serde_json::json!({
            "target": r.target, "phase": r.phase, "seconds": r.seconds,
            "ops_per_second": ops, "mib_per_second": mibs, "ratio_to_tmpfs": ratio,
        }));
    }
    let dir = target_dir().join("bench");
    let doc = serde_json::json!({ "benchmark": "fs", "results": json });
    let written = fs::create_dir_all(&dir)
        .and_then(|()| fs::write(dir.join("fs.json"), serde_json::to_string_pretty(&doc).unwrap_or_default()));
    match written {
        Ok(()) => {
            println!("wrote {}", dir.join("fs.json").display());
            0
        }
        Err(e) => {
            eprintln!("molt: {}: {e}", dir.join("fs.json").display());
            1
        }
    }
}
