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
//!
//! The fuzz suite (`molt bench fuzz [--seeds N] [--calls M] [--kind
//! narrow|broad|both] [--seed S]`, declared in [`FuzzArgs`]) boots the ktest image once per kind and
//! runs N seeds of M random system calls, one fresh fuzzer process per
//! seed (servers/tests/ktest/src/fuzzrun.rs), and prints calls, rate and
//! failures per seed and in total; a kernel that halts counts as a failure
//! of the seed it was running.

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
    /// random system calls with narrow and broad rights: calls, rate, failures (QEMU)
    Fuzz,
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

/// Options of `molt bench fuzz`.
#[derive(Clone, Debug, clap::Args)]
pub struct FuzzArgs {
    /// fuzz: seeds per kind, one fresh fuzzer process each
    #[arg(long, value_name = "N", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    pub seeds: u64,
    /// fuzz: random system calls per seed
    #[arg(long, value_name = "M", default_value_t = 100_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub calls: u64,
    /// fuzz: which fuzzer: narrow (few rights), broad (every kernel call) or both
    #[arg(long, value_enum, default_value_t = FuzzKind::Both)]
    pub kind: FuzzKind,
    /// fuzz: base seed; seed i is splitmix64(S + i) (with --seeds 1, S itself)
    #[arg(long, value_name = "S", default_value_t = 0x5eed_0018)]
    pub seed: u64,
}

/// The fuzzers `molt bench fuzz` runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum FuzzKind {
    /// the fuzzer with few rights and random words
    Narrow,
    /// the fuzzer with every kernel call and type-aware arguments
    Broad,
    /// one, then the other
    Both,
}

/// One seed's result from a `FUZZ` line.
struct FuzzRun {
    seed: String,
    calls: u64,
    ns: u64,
    status: String,
    /// Calls that succeeded (the broad fuzzer reports it; empty otherwise).
    ok: String,
}

fn parse_fuzz_lines(log: &str) -> Vec<FuzzRun> {
    log.lines()
        .filter_map(|l| l.split("FUZZ ").nth(1))
        .map(|l| {
            let field = |k: &str| l.split_whitespace().find_map(|w| w.strip_prefix(k)).unwrap_or("").to_string();
            FuzzRun {
                seed: field("seed="),
                calls: field("calls=").parse().unwrap_or(0),
                ns: field("ns=").parse().unwrap_or(0),
                status: field("status="),
                ok: field("ok="),
            }
        })
        .collect()
}

/// `molt bench fuzz`: see the module comment.
pub fn fuzz(plan: &FuzzArgs, base: &Options) -> Result<i32> {
    let kinds: &[&str] = match plan.kind {
        FuzzKind::Narrow => &["narrow"],
        FuzzKind::Broad => &["broad"],
        FuzzKind::Both => &["narrow", "broad"],
    };
    let img = image::build(&image::workspace_root().join("boot/ktest.toml"))?;
    let mut kinds_json = Vec::new();
    let mut total_failures = 0;
    for &kind in kinds {
        let scenario = if kind == "narrow" { "fuzz" } else { "fuzz-broad" };
        let cmdline = format!("ktest={scenario} fuzz.seeds={} fuzz.calls={} fuzz.seed={:#x} log=warn", plan.seeds, plan.calls, plan.seed);
        let opts = Options { cmdline, icount: false, ..base.clone() };
        // Generous: about 20,000 calls a second under TCG, plus the boot.
        let timeout = Duration::from_secs(120 + plan.seeds * plan.calls / 2_000);
        let started = std::time::Instant::now();
        let mut guest = Guest::spawn(&img, &opts)?;
        let exit = guest.wait_exit(timeout);
        let wall = started.elapsed().as_secs_f64();
        let log = guest.log();
        let runs = parse_fuzz_lines(&log);
        let kernel_fault = log.contains("KERNEL FAULT");
        let passed = matches!(exit, Ok(s) if s == qemu::debug_exit_status(0x10)) && log.contains(&format!("KTEST PASS {scenario}"));
        println!("Molt fuzz, {kind} rights: {} seeds x {} calls (QEMU TCG)", plan.seeds, plan.calls);
        println!("{:<20} {:>10} {:>10} {:>12} {:>8} {:>10}", "seed", "calls", "ms", "calls/s", "status", "succeeded");
        let mut failures = 0u64;
        let (mut calls, mut ns) = (0u64, 0u64);
        for r in &runs {
            let rate = r.calls as f64 / (r.ns.max(1) as f64 / 1e9);
            println!("{:<20} {:>10} {:>10} {:>12.0} {:>8} {:>10}", r.seed, r.calls, r.ns / 1_000_000, rate, r.status, if r.ok.is_empty() { "-" } else { &r.ok });
            calls += r.calls;
            ns += r.ns;
            failures += u64::from(r.status != "0x0");
        }
        let missing = plan.seeds.saturating_sub(runs.len() as u64);
        failures += missing;
        if !passed && failures == 0 {
            failures = 1;
        }
        let rate = calls as f64 / (ns.max(1) as f64 / 1e9);
        println!("{:<20} {:>10} {:>10} {:>12.0} {:>8}", "total", calls, ns / 1_000_000, rate, format!("{failures} failed"));
        if kernel_fault || missing > 0 {
            println!("the guest stopped early ({}); serial log tail:", if kernel_fault { "kernel fault" } else { "no report" });
            for line in log.lines().rev().take(20).collect::<Vec<_>>().into_iter().rev() {
                println!("  {line}");
            }
        }
        println!("(guest clock; {wall:.1} s wall for the boot)\n");
        total_failures += failures;
        kinds_json.push(json!({
            "kind": kind,
            "seeds": plan.seeds,
            "calls_per_seed": plan.calls,
            "base_seed": format!("{:#x}", plan.seed),
            "calls": calls,
            "guest_ns": ns,
            "calls_per_second": rate,
            "failures": failures,
            "kernel_fault": kernel_fault,
            "wall_seconds": wall,
            "runs": runs
                .iter()
                .map(|r| json!({"seed": r.seed, "calls": r.calls, "ns": r.ns, "status": r.status, "succeeded": r.ok.parse::<u64>().ok()}))
                .collect::<Vec<_>>(),
        }));
    }
    let out = json!({ "accel": base.accel, "fuzz": kinds_json });
    let dir = image::target_dir().join("bench");
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("fuzz.json");
    std::fs::write(&path, serde_json::to_string_pretty(&out)?)?;
    println!("wrote {}", path.display());
    Ok(i32::from(total_failures > 0))
}

/// Runs one suite (`net` holds the net suite's options); returns the exit
/// status, the worst of the suites' for `all`.
pub fn run(suite: Suite, net: &NetArgs, fuzz_args: &FuzzArgs, base: &Options) -> Result<i32> {
    if matches!(suite, Suite::Kernel | Suite::Servers | Suite::Fuzz | Suite::All) {
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
                worst = worst.max(run(one, net, fuzz_args, base)?);
            }
            Ok(worst)
        }
        Suite::Fuzz => fuzz(fuzz_args, base),
    }
}
