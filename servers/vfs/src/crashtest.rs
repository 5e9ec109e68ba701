//! `molt fs crashtest N`: the durability guarantee, tested by killing.
//!
//! Each run makes a fresh image, serves it with `molt fs mount` in a child
//! process, and runs a workload through the mount: files of every size
//! class (empty, fragments, direct blocks, single indirect), each written
//! and fsync'ed (every other one's directory fsync'ed too), with new directories now and
//! then; now and then a durable file is also renamed (into the current
//! directory), given a second hard link, or unlinked, and the
//! directories involved are fsync'ed. A name counts as durable once the
//! file's fsync (or the directories', for a rename or link) returned, and stops counting when the workload starts
//! to rename or unlink it. At a random
//! moment the mount process is killed (SIGKILL), sometimes after the
//! writer has already stopped. Then:
//!
//! 1. `check` the image: it may need only the repairs a crash of FFS with
//!    synchronous metadata leaves ([`crate::fsck::Report::unexpected`]
//!    must be empty);
//! 2. `check --repair` once, then `check` again: it must be clean;
//! 3. mount it and read every durable file: it must be there by name
//!    with its contents.
//!
//! The result is a table (and JSON with `--json`): runs, images needing
//! only crash repairs, images clean after one repair, files fsync'ed,
//! files lost. The exit status is 0 only if every run kept the guarantee.
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::volume::{MountOptions, Volume};

/// Image size of each run.
const IMAGE_BYTES: u64 = 32 << 20;
/// The kill comes within this long after the mount is up.
const MAX_KILL_MS: u64 = 1500;

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// The contents of a workload file: its length and a seed for its bytes.
fn contents(seed: u64, len: usize) -> Vec<u8> {
    let mut r = Rng::new(seed);
    let mut v = Vec::with_capacity(len + 8);
    while v.len() < len {
        v.extend_from_slice(&r.next().to_le_bytes());
    }
    v.truncate(len);
    v
}

/// A size from each class in turn: empty, fragments, direct blocks,
/// into the single indirect block.
fn file_size(r: &mut Rng) -> usize {
    match r.below(4) {
        0 => r.below(2) as usize * r.below(100) as usize,
        1 => 1 + r.below(7 * 1024) as usize,
        2 => 8192 + r.below(88 * 1024) as usize,
        _ => 96 * 1024 + r.below(160 * 1024) as usize,
    }
}

/// A file whose fsync (and its directory's) returned.
#[derive(Clone)]
struct Durable {
    path: String,
    seed: u64,
    len: usize,
}

/// What one run found.
#[derive(Default, Clone)]
pub struct RunResult {
    pub durable: usize,
    pub lost: usize,
    /// The image needed only the repairs a crash may leave.
    pub crash_repairs_only: bool,
    /// One `check --repair` made it clean.
    pub clean_after_repair: bool,
    /// The first problem that should not have been there, if any.
    pub note: Option<String>,
}

fn writer(root: PathBuf, seed: u64, max_files: usize, done: Arc<Mutex<Vec<Durable>>>) {
    let mut r = Rng::new(seed);
    let mut dir = String::from("d0");
    if std::fs::create_dir(root.join(&dir)).is_err() || File::open(&root).and_then(|d| d.sync_all()).is_err() {
        return;
    }
    for i in 0..max_files {
        if i > 0 && i % 64 == 0 {
            let next = format!("d{}", i / 64);
            if std::fs::create_dir(root.join(&next)).is_err() || File::open(&root).and_then(|d| d.sync_all()).is_err() {
                return;
            }
            dir = next;
        }
        let path = format!("{dir}/f{i}");
        let (fseed, len) = (r.next(), file_size(&mut r));
        let write = || -> std::io::Result<()> {
            let mut f = OpenOptions::new().write(true).create_new(true).open(root.join(&path))?;
            f.write_all(&contents(fseed, len))?;
            f.sync_all()?;
            drop(f);
            // Half the files without their directory's fsync: with
            // synchronous metadata the name is on disk before the file's
            // fsync returns anyway.
            if i % 2 == 0 {
                File::open(root.join(&dir))?.sync_all()?;
            }
            Ok(())
        };
        if write().is_err() {
            return;
        }
        let mut names = done.lock().unwrap_or_else(|e| e.into_inner());
        names.push(Durable { path: path.clone(), seed: fseed, len });
        // Now and then: rename, link or unlink an earlier durable name.
        let op = r.below(10);
        if op >= 3 || names.len() < 2 {
            continue;
        }
        let k = r.below(names.len() as u64 - 1) as usize;
        let old = names.swap_remove(k);
        drop(names);
        let old_dir = old.path.rsplit_once('/').map_or("", |(d, _)| d).to_string();
        let sync_dirs = || -> std::io::Result<()> {
            File::open(root.join(&old_dir))?.sync_all()?;
            File::open(root.join(&dir))?.sync_all()
        };
        let result = match op {
            0 => {
                let new = Durable { path: format!("{dir}/r{i}"), ..old.clone() };
                std::fs::rename(root.join(&old.path), root.join(&new.path)).and_then(|()| sync_dirs()).map(|()| vec![new])
            }
            1 => {
                let new = Durable { path: format!("{dir}/l{i}"), ..old.clone() };
                std::fs::hard_link(root.join(&old.path), root.join(&new.path)).and_then(|()| sync_dirs()).map(|()| vec![old, new])
            }
            _ => std::fs::remove_file(root.join(&old.path)).and_then(|()| sync_dirs()).map(|()| Vec::new()),
        };
        match result {
            Ok(keep) => done.lock().unwrap_or_else(|e| e.into_inner()).extend(keep),
            Err(_) => return,
        }
    }
}

fn spawn_mount(exe: &Path, image: &Path, dir: &Path) -> Result<Child, String> {
    let child = Command::new(exe)
        .args(["fs", "mount"])
        .arg(image)
        .arg(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("{}: {e}", exe.display()))?;
    let parent_dev = std::fs::metadata(dir.parent().unwrap_or(Path::new("/"))).map_err(|e| e.to_string())?.dev();
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(20) {
        if std::fs::metadata(dir).map(|m| m.dev() != parent_dev).unwrap_or(false) {
            return Ok(child);
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    Err(format!("{}: the mount did not come up", dir.display()))
}

/// Reads back every durable file; returns how many are missing or wrong.
fn verify(image: &Path, durable: &[Durable]) -> Result<usize, String> {
    let v = Volume::mount(image, MountOptions { read_only: true }).map_err(|e| format!("mount after repair: {e}"))?;
    let lost = durable
        .iter()
        .filter(|d| v.read_file(&d.path).map(|data| data != contents(d.seed, d.len)).unwrap_or(true))
        .count();
    v.unmount().map_err(|e| format!("unmount: {e}"))?;
    Ok(lost)
}

/// One run in `work` (a fresh directory), with seed `seed`.
pub fn run_once(exe: &Path, work: &Path, seed: u64) -> Result<RunResult, String> {
    let image = work.join("image");
    let dir = work.join("mnt");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    crate::newfs::newfs(&image, IMAGE_BYTES, &crate::newfs::NewfsOptions::default())?;
    let mut child = spawn_mount(exe, &image, &dir)?;
    let mut r = Rng::new(seed ^ 0xC0FFEE);
    let kill_after = Duration::from_millis(r.below(MAX_KILL_MS));
    // Some runs stop writing early, so the kill finds the mount idle.
    let max_files = if r.below(4) == 0 { 1 + r.below(200) as usize } else { usize::MAX };
    let done = Arc::new(Mutex::new(Vec::new()));
    let w = {
        let (root, done) = (dir.clone(), done.clone());
        std::thread::spawn(move || writer(root, seed, max_files, done))
    };
    std::thread::sleep(kill_after);
    // SAFETY: kill(2) on our own child's pid; no memory is involved.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGKILL) };
    let _ = child.wait();
    let _ = Command::new("fusermount3").arg("-u").arg("-z").arg(&dir).stderr(Stdio::null()).status();
    let _ = w.join();
    let durable = done.lock().unwrap_or_else(|e| e.into_inner()).clone();

    let mut res = RunResult { durable: durable.len(), ..Default::default() };
    let first = crate::fsck::check(&image, false).map_err(|u| u.0)?;
    res.crash_repairs_only = first.unexpected.is_empty();
    if let Some(p) = first.unexpected.first() {
        res.note = Some(p.clone());
    }
    crate::fsck::check(&image, true).map_err(|u| u.0)?;
    let again = crate::fsck::check(&image, false).map_err(|u| u.0)?;
    res.clean_after_repair = again.clean();
    if res.note.is_none() {
        res.note = again.problems.first().map(|p| format!("after repair: {p}"));
    }
    res.lost = verify(&image, &durable)?;
    Ok(res)
}

/// `molt fs crashtest N [--json] [--seed S]`; returns the exit status.
pub fn main(runs: usize, json: bool, seed: u64) -> Result<i32, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let base = std::env::temp_dir().join(format!("molt-crashtest-{}", std::process::id()));
    let mut results = Vec::with_capacity(runs);
    let start = Instant::now();
    for i in 0..runs {
        let work = base.join(format!("run{i}"));
        let result = run_once(&exe, &work, seed.wrapping_add(i as u64));
        let _ = std::fs::remove_dir_all(&work);
        let r = result.map_err(|e| format!("run {i}: {e}"))?;
        if r.lost > 0 || !r.crash_repairs_only || !r.clean_after_repair {
            eprintln!("run {i} (seed {}): lost {} of {}; {}", seed.wrapping_add(i as u64), r.lost, r.durable,
                r.note.as_deref().unwrap_or("-"));
        }
        results.push(r);
    }
    let _ = std::fs::remove_dir_all(&base);
    let durable: usize = results.iter().map(|r| r.durable).sum();
    let lost: usize = results.iter().map(|r| r.lost).sum();
    let crash_only = results.iter().filter(|r| r.crash_repairs_only).count();
    let clean = results.iter().filter(|r| r.clean_after_repair).count();
    let secs = start.elapsed().as_secs_f64();
    if json {
        let v = serde_json::json!({
            "runs": runs, "crash_repairs_only": crash_only, "clean_after_one_repair": clean,
            "fsynced_files": durable, "fsynced_files_lost": lost, "seconds": secs, "seed": seed,
        });
        println!("{v}");
    } else {
        println!("| runs | images needing only crash repairs | clean after one repair | files fsync'ed | fsync'ed files lost | seconds |");
        println!("|---|---|---|---|---|---|");
        println!("| {runs} | {crash_only} | {clean} | {durable} | {lost} | {secs:.0} |");
    }
    Ok(if lost == 0 && crash_only == runs && clean == runs { 0 } else { 1 })
}

