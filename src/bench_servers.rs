//! `molt bench servers`: the system servers' benchmark. It boots the
//! image of boot/manifest.toml twice under TCG, types `spawnbench` at the
//! shell and parses its `BENCH` lines:
//! - with `-icount shift=0,sleep=off` the guest TSC counts instructions:
//!   one round of fork + exec + exit + wait of a trivial program (median
//!   and p99), rounds per second of icount time (one instruction is one
//!   virtual nanosecond), and the instructions from a server crash to its
//!   restarted instance answering;
//! - without icount: rounds per second of wall time, the crash-to-answer
//!   time in milliseconds, and rs's CPU share while the system idles with
//!   the manifest's heartbeat periods.
//!
//! The anchor is a Linux 6.1 guest on the same QEMU: about 414,000
//! instructions per round (2,418 rounds per second of icount time) and
//! 507 rounds per second of wall time under plain TCG.

use crate::bench::{build_and_boot, ICOUNT_THEN_WALL};
use crate::image;
use crate::qemu::{Guest, Options};
use anyhow::{bail, Context, Result};
use serde_json::json;
use std::time::{Duration, Instant};

/// Rounds of fork + exec + exit + wait per boot.
const ROUNDS: u64 = 300;
const LINUX_INSNS_PER_ROUND: u64 = 414_000;
const LINUX_WALL_ROUNDS_PER_SEC: f64 = 507.0;
const TIMEOUT: Duration = Duration::from_secs(600);

/// One `BENCH name key=value ...` line's value for `key`.
fn field(log: &str, name: &str, key: &str) -> Result<u64> {
    let prefix = format!("BENCH {name} ");
    let line = log.lines().find(|l| l.contains(&prefix)).with_context(|| format!("no {name} figures in the log:\n{log}"))?;
    let tail = line.split(&format!(" {key}=")).nth(1).with_context(|| format!("no {key} in {line:?}"))?;
    Ok(tail.split(|c: char| !c.is_ascii_digit()).next().unwrap_or("").parse()?)
}

/// Figures from one boot.
struct Run {
    round_median: u64,
    round_p99: u64,
    total_ns: u64,
    crash_tsc: u64,
    crash_ns: u64,
    rs_ppm: u64,
}

fn wait_for(guest: &mut Guest, needle: &str, deadline: Instant) -> Result<()> {
    while !guest.log().contains(needle) {
        if Instant::now() > deadline {
            bail!("timed out waiting for {needle:?}; serial log:\n{}", guest.log());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(())
}

fn boot_and_measure(img: &image::Image, base: &Options, icount: bool) -> Result<Run> {
    let opts = Options { icount, ..base.clone() };
    let mut guest = Guest::spawn(img, &opts)?;
    let deadline = Instant::now() + TIMEOUT;
    wait_for(&mut guest, "# ", deadline)?;
    guest.send(format!("spawnbench {ROUNDS}\n").as_bytes())?;
    wait_for(&mut guest, "BENCH done", deadline).or_else(|e| {
        if guest.log().contains("BENCH FAIL") {
            bail!("the guest benchmark failed; serial log:\n{}", guest.log())
        }
        Err(e)
    })?;
    guest.send(b"poweroff\n")?;
    let status = guest.wait_exit(TIMEOUT)?;
    let log = guest.log();
    if status != 0 {
        bail!("the guest did not power off cleanly (status {status}); serial log:\n{log}");
    }
    Ok(Run {
        round_median: field(&log, "fork_exec_exit_wait", "median")?,
        round_p99: field(&log, "fork_exec_exit_wait", "p99")?,
        total_ns: field(&log, "fork_exec_exit_wait", "total_ns")?,
        crash_tsc: field(&log, "crash_to_answer", "tsc")?,
        crash_ns: field(&log, "crash_to_answer", "ns")?,
        rs_ppm: field(&log, "rs_idle", "ppm")?,
    })
}

/// Runs the benchmark, prints the table and writes target/bench/servers.json.
pub fn run(base: &Options) -> Result<i32> {
    let mut runs = build_and_boot("bench servers", "boot/manifest.toml", &ICOUNT_THEN_WALL, |img, icount| {
        boot_and_measure(img, base, icount)
    })?;
    let (wall, ic) = (runs.pop().context("no wall-time boot")?, runs.pop().context("no icount boot")?);
    let icount_rounds_per_sec = 1e9 / ic.round_median.max(1) as f64;
    let wall_rounds_per_sec = ROUNDS as f64 * 1e9 / wall.total_ns.max(1) as f64;
    let vs_linux = ic.round_median as f64 / LINUX_INSNS_PER_ROUND as f64;
    let wall_vs_linux = wall_rounds_per_sec / LINUX_WALL_ROUNDS_PER_SEC;
    let crash_ms = wall.crash_ns as f64 / 1e6;
    let rs_percent = wall.rs_ppm as f64 / 10_000.0;
    println!("Molt servers benchmark (accel {}, QEMU TCG, {ROUNDS} rounds)", base.accel);
    println!("{:<56} {:>12} {:>12}", "measure", "median", "p99");
    println!("{:<56} {:>12} {:>12}", "fork+exec+exit+wait of `true` (instructions)", ic.round_median, ic.round_p99);
    println!("{:<56} {:>12.0} {:>12}", "  rounds per second of icount time", icount_rounds_per_sec, "");
    println!("{:<56} {:>12.2} {:>12}", "  instructions / Linux 6.1's 414,000", vs_linux, "");
    println!("{:<56} {:>12.0} {:>12}", "fork+exec+exit+wait rounds per second (wall)", wall_rounds_per_sec, "");
    println!("{:<56} {:>12.2} {:>12}", "  wall rate / Linux 6.1's 507 per second", wall_vs_linux, "");
    println!("{:<56} {:>12} {:>12}", "console crash to restarted instance answering (insns)", ic.crash_tsc, "");
    println!("{:<56} {:>12.1} {:>12}", "console crash to restarted instance answering (ms, wall)", crash_ms, "");
    println!("{:<56} {:>11.3}% {:>12}", "rs CPU share while idle (wall, default heartbeats)", rs_percent, "");
    println!("{:<56} {:>11.3}% {:>12}", "rs CPU share while idle (icount)", ic.rs_ppm as f64 / 10_000.0, "");
    let out = json!({
        "accel": base.accel,
        "rounds": ROUNDS,
        "icount_fork_exec_exit_wait_insns": { "median": ic.round_median, "p99": ic.round_p99 },
        "icount_fork_exec_exit_wait_per_sec": icount_rounds_per_sec,
        "linux_fork_exec_exit_wait_insns": LINUX_INSNS_PER_ROUND,
        "wall_fork_exec_exit_wait_per_sec": wall_rounds_per_sec,
        "wall_ratio_over_linux_507_per_sec": wall_vs_linux,
        "icount_crash_to_answer_insns": ic.crash_tsc,
        "wall_crash_to_answer_ms": crash_ms,
        "wall_rs_idle_cpu_share_percent": rs_percent,
        "icount_rs_idle_cpu_share_percent": ic.rs_ppm as f64 / 10_000.0,
    });
    let dir = image::target_dir().join("bench");
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("servers.json");
    std::fs::write(&path, serde_json::to_string_pretty(&out)?)?;
    println!("wrote {}", path.display());
    Ok(0)
}
