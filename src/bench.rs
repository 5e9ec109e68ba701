//! `molt bench`: benchmark commands that print tables and write JSON to
//! target/bench/. Timings are never asserted by tests; figures are
//! compared as ratios measured in the same run.
//!
//! The kernel suite boots the ktest image twice under TCG:
//! - with `-icount shift=0,sleep=off`, where the guest TSC counts executed
//!   instructions: IPC call+reply round trips and null system calls
//!   (median and p99 of 100,000 each, measured from user space, less the
//!   measured cost of the two `rdtsc`s around each sample), and the
//!   instructions from kernel entry to the first user process;
//! - without icount, where the TSC follows wall time: the same operations,
//!   reported as a ratio (IPC round trip ÷ null syscall).

use crate::image;
use crate::qemu::{self, Guest, Options};
use anyhow::{bail, Context, Result};
use molt_cli::Progress;
use molt_net::bench::BenchArgs as NetArgs;
use serde_json::json;
use std::time::Duration;

/// The benchmark suites (`molt bench SUITE`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Suite {
    /// IPC round trips, null system calls and boot, in guest instructions (QEMU)
    Kernel,
    /// fork+exec+wait, a console restart and rs's idle cost (QEMU)
    Servers,
    /// the hosted BSD VFS+FFS, in process and through FUSE, against tmpfs
    Fs,
    /// the hosted BSD TCP/IP stack on a wire and a TAP link, against Linux
    Net,
    /// every suite above, one after another
    All,
}

/// A boot of a guest suite: what the progress line calls it, and whether
/// it runs under `-icount`.
pub(crate) struct Boot {
    pub name: &'static str,
    pub icount: bool,
}

/// The two boots of a TCG suite: instruction counts, then wall time.
pub(crate) const ICOUNT_THEN_WALL: [Boot; 2] = [
    Boot { name: "boot 1 of 2 (-icount)", icount: true },
    Boot { name: "boot 2 of 2 (wall time)", icount: false },
];

/// Builds the image of `manifest` (relative to the workspace), then boots
/// it once per entry of `boots` and measures each with `measure`, showing
/// every step as progress.
pub(crate) fn build_and_boot<R>(
    suite: &str,
    manifest: &str,
    boots: &[Boot],
    measure: impl Fn(&image::Image, bool) -> Result<R>,
) -> Result<Vec<R>> {
    let progress = Progress::steps(suite, 1 + boots.len() as u64);
    progress.start("building the image");
    let img = image::build(&image::workspace_root().join(manifest))?;
    progress.step_done();
    let mut runs = Vec::new();
    for boot in boots {
        progress.start(boot.name);
        runs.push(measure(&img, boot.icount)?);
        progress.step_done();
    }
    Ok(runs)
}

/// A median/p99 pair from a `BENCH` line.
#[derive(Clone, Copy, Debug, Default)]
pub struct Stat {
    pub median: u64,
    pub p99: u64,
}

fn parse_stat(log: &str, name: &str) -> Result<Stat> {
    let prefix = format!("BENCH {name} ");
    let line = log.lines().find(|l| l.contains(&prefix)).with_context(|| format!("no {name} figures in the log"))?;
    let field = |key: &str| -> Result<u64> {
        let tail = line.split(&format!("{key}=")).nth(1).context("malformed BENCH line")?;
        Ok(tail.split(|c: char| !c.is_ascii_digit()).next().unwrap_or("").parse()?)
    };
    Ok(Stat { median: field("median")?, p99: field("p99")? })
}

fn parse_boot_cycles(log: &str) -> Result<u64> {
    let line = log.lines().find(|l| l.contains("TSC cycles from kernel entry")).context("no boot figure in the log")?;
    let n = line.split("boot: ").nth(1).and_then(|t| t.split_whitespace().next()).context("malformed boot line")?;
    Ok(n.parse()?)
}

/// Figures from one boot of the benchmark image.
struct Run {
    ipc: Stat,
    null: Stat,
    overhead: Stat,
    boot: u64,
}

fn less(s: Stat, o: Stat) -> Stat {
    Stat { median: s.median.saturating_sub(o.median), p99: s.p99.saturating_sub(o.median) }
}

fn boot_and_measure(img: &image::Image, base: &Options, icount: bool) -> Result<Run> {
    let opts = Options { cmdline: "ktest=bench log=info".into(), icount, ..base.clone() };
    let mut guest = Guest::spawn(img, &opts)?;
    let status = guest.wait_exit(Duration::from_secs(600))?;
    let log = guest.log();
    if status != qemu::debug_exit_status(0x10) || !log.contains("KTEST PASS bench") {
        bail!("benchmark guest failed (status {status}); serial log:\n{log}");
    }
    let overhead = parse_stat(&log, "rdtsc_overhead")?;
    Ok(Run {
        ipc: less(parse_stat(&log, "ipc_call_reply")?, overhead),
        null: less(parse_stat(&log, "null_syscall")?, overhead),
        overhead,
        boot: parse_boot_cycles(&log)?,
    })
}

fn kernel(base: &Options) -> Result<i32> {
    if base.accel != "tcg" {
        return kernel_tsc_only(base);
    }
    let mut runs = build_and_boot("bench kernel", "boot/ktest.toml", &ICOUNT_THEN_WALL, |img, icount| {
        boot_and_measure(img, base, icount)
    })?;
    let (wall, ic) = (runs.pop().context("no wall-time boot")?, runs.pop().context("no icount boot")?);
    let ratio = wall.ipc.median as f64 / wall.null.median.max(1) as f64;
    let ratio_icount = ic.ipc.median as f64 / ic.null.median.max(1) as f64;
    println!("Molt kernel benchmark (accel {}, QEMU TCG)", base.accel);
    println!("{:<44} {:>12} {:>12}", "measure", "median", "p99");
    println!("{:<44} {:>12} {:>12}", "IPC call+reply round trip (instructions)", ic.ipc.median, ic.ipc.p99);
    println!("{:<44} {:>12} {:>12}", "null system call (instructions)", ic.null.median, ic.null.p99);
    println!("{:<44} {:>12} {:>12}", "kernel entry to first user process (insns)", ic.boot, "");
    println!("{:<44} {:>12} {:>12}", "IPC call+reply round trip (wall TSC cycles)", wall.ipc.median, wall.ipc.p99);
    println!("{:<44} {:>12} {:>12}", "null system call (wall TSC cycles)", wall.null.median, wall.null.p99);
    println!("{:<44} {:>12.2} {:>12}", "ratio IPC round trip / null syscall (wall)", ratio, "");
    println!("{:<44} {:>12.2} {:>12}", "ratio IPC round trip / null syscall (insns)", ratio_icount, "");
    println!("(figures exclude the {} instructions of the two rdtsc around each sample)", ic.overhead.median);
    let out = json!({
        "accel": base.accel,
        "icount_ipc_call_reply_insns": { "median": ic.ipc.median, "p99": ic.ipc.p99 },
        "icount_null_syscall_insns": { "median": ic.null.median, "p99": ic.null.p99 },
        "icount_boot_to_first_user_insns": ic.boot,
        "icount_rdtsc_overhead_insns": ic.overhead.median,
        "wall_ipc_call_reply_tsc": { "median": wall.ipc.median, "p99": wall.ipc.p99 },
        "wall_null_syscall_tsc": { "median": wall.null.median, "p99": wall.null.p99 },
        "wall_ratio_ipc_over_null": ratio,
        "samples": 100_000,
    });
    write_json(&out)
}

/// Under a hardware accelerator there is no icount: the same operations in
/// TSC cycles (meaningful where KVM runs ring 0 natively).
fn kernel_tsc_only(base: &Options) -> Result<i32> {
    let boot = [Boot { name: "boot: TSC cycles", icount: false }];
    let run = build_and_boot("bench kernel", "boot/ktest.toml", &boot, |img, icount| boot_and_measure(img, base, icount))?
        .pop()
        .context("no boot")?;
    println!("Molt kernel benchmark (accel {}: TSC cycles; no instruction counts without TCG)", base.accel);
    println!("{:<44} {:>12} {:>12}", "measure", "median", "p99");
    println!("{:<44} {:>12} {:>12}", "IPC call+reply round trip (TSC cycles)", run.ipc.median, run.ipc.p99);
    println!("{:<44} {:>12} {:>12}", "null system call (TSC cycles)", run.null.median, run.null.p99);
    println!("{:<44} {:>12} {:>12}", "kernel entry to first user process (cycles)", run.boot, "");
    let out = json!({
        "accel": base.accel,
        "tsc_ipc_call_reply_cycles": { "median": run.ipc.median, "p99": run.ipc.p99 },
        "tsc_null_syscall_cycles": { "median": run.null.median, "p99": run.null.p99 },
        "tsc_boot_to_first_user_cycles": run.boot,
        "samples": 100_000,
    });
    write_json(&out)
}

fn write_json(out: &serde_json::Value) -> Result<i32> {
    let dir = image::target_dir().join("bench");
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("kernel.json");
    std::fs::write(&path, serde_json::to_string_pretty(out)?)?;
    println!("wrote {}", path.display());
    Ok(0)
}

/// Runs one suite (`net` holds the net suite's options); returns the exit
/// status, the worst of the suites' for `all`.
pub fn run(suite: Suite, net: &NetArgs, base: &Options) -> Result<i32> {
    if matches!(suite, Suite::Kernel | Suite::Servers | Suite::All) {
        crate::prereq::check(crate::prereq::Need::Boot)?;
    }
    match suite {
        Suite::Kernel => kernel(base),
        Suite::Servers => crate::bench_servers::run(base),
        Suite::Fs => Ok(molt_vfs::bench_main()),
        Suite::Net => Ok(molt_net::bench_main(net)),
        Suite::All => {
            let mut worst = 0;
            for one in [Suite::Kernel, Suite::Servers, Suite::Fs, Suite::Net] {
                worst = worst.max(run(one, net, base)?);
            }
            Ok(worst)
        }
    }
}
