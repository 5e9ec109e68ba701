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
//! narrow|broad|both] [--seed S]`) boots the ktest image once per kind and
//! runs N seeds of M random system calls, one fresh fuzzer process per
//! seed (servers/ktest/src/fuzzrun.rs), and prints calls, rate and
//! failures per seed and in total; a kernel that halts counts as a failure
//! of the seed it was running.

use crate::image;
use crate::qemu::{self, Guest, Options};
use anyhow::{bail, Context, Result};
use serde_json::json;
use std::time::Duration;

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
    let img = image::build(&image::workspace_root().join("boot/ktest.toml"))?;
    if base.accel != "tcg" {
        return kernel_tsc_only(&img, base);
    }
    let ic = boot_and_measure(&img, base, true)?;
    let wall = boot_and_measure(&img, base, false)?;
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
fn kernel_tsc_only(img: &image::Image, base: &Options) -> Result<i32> {
    let run = boot_and_measure(img, base, false)?;
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

/// What `molt bench fuzz` runs.
struct FuzzPlan {
    seeds: u64,
    calls: u64,
    base_seed: u64,
    kinds: Vec<&'static str>,
}

fn fuzz_plan(args: &[String]) -> Result<FuzzPlan> {
    let mut plan = FuzzPlan { seeds: 10, calls: 100_000, base_seed: 0x5eed_0018, kinds: vec!["narrow", "broad"] };
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || it.next().with_context(|| format!("{flag} needs a value"));
        let number = |v: &str| -> Result<u64> {
            let v = v.replace('_', "");
            Ok(match v.strip_prefix("0x") {
                Some(hex) => u64::from_str_radix(hex, 16)?,
                None => v.parse()?,
            })
        };
        match flag.as_str() {
            "--seeds" => plan.seeds = number(value()?)?,
            "--calls" => plan.calls = number(value()?)?,
            "--seed" => plan.base_seed = number(value()?)?,
            "--kind" => {
                plan.kinds = match value()?.as_str() {
                    "narrow" => vec!["narrow"],
                    "broad" => vec!["broad"],
                    "both" => vec!["narrow", "broad"],
                    other => bail!("unknown fuzz kind {other:?} (narrow, broad, both)"),
                }
            }
            other => bail!("unknown option {other:?} (--seeds N, --calls M, --kind narrow|broad|both, --seed S)"),
        }
    }
    if plan.seeds == 0 || plan.calls == 0 {
        bail!("--seeds and --calls must be at least 1");
    }
    Ok(plan)
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
pub fn fuzz(args: &[String], base: &Options) -> Result<i32> {
    let plan = fuzz_plan(args)?;
    let img = image::build(&image::workspace_root().join("boot/ktest.toml"))?;
    let mut kinds_json = Vec::new();
    let mut total_failures = 0;
    for &kind in &plan.kinds {
        let scenario = if kind == "narrow" { "fuzz" } else { "fuzz-broad" };
        let cmdline = format!("ktest={scenario} fuzz.seeds={} fuzz.calls={} fuzz.seed={:#x} log=warn", plan.seeds, plan.calls, plan.base_seed);
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
            "base_seed": format!("{:#x}", plan.base_seed),
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

/// Runs the named suite.
pub fn run(suite: &str, base: &Options) -> Result<i32> {
    match suite {
        "kernel" => kernel(base),
        "servers" => crate::bench_servers::run(base),
        "all" => {
            let kernel_status = kernel(base)?;
            let servers_status = crate::bench_servers::run(base)?;
            Ok(kernel_status.max(servers_status))
        }
        "fuzz" => fuzz(&[], base),
        other => bail!("unknown benchmark suite {other:?} (kernel, servers, fs, net, fuzz, all)"),
    }
}
