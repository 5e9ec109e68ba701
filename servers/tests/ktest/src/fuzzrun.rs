//! The fuzz scenarios: `fuzz` runs the narrow fuzzer (`crate::fuzz`),
//! `fuzz-broad` the broad one (`crate::fuzz_broad`), each for several
//! seeds, one fresh process per seed. Kernel command-line words set the
//! run: `fuzz.seeds=N` (default 10), `fuzz.calls=M` (default 100,000) and `fuzz.seed=S`, the base the seeds derive from
//! (seed i is splitmix64(S + i), so any one can be replayed with
//! `fuzz.seed=S+i fuzz.seeds=1`... of its derived value, printed below).
//!
//! Each seed prints `FUZZ kind=K seed=S calls=M ns=T status=X`; `molt
//! bench fuzz` reads these lines. A seed fails if its fuzzer does not exit
//! with 0 (the kernel halting on a fault fails the whole boot). After the
//! seeds, the kernel must still serve IPC and no process the fuzzers made
//! may be left.

use crate::{check, Verdict};
use core::sync::atomic::{AtomicU64, Ordering};
use molt_abi::message::IPC_MSG_USER_BASE;
use molt_abi::Message;
use molt_rt::{ipc, kcall, println, Args};

pub const ALL: &[crate::Scenario] = &[("fuzz", narrow), ("fuzz-broad", broad)];

/// Manifest index of `ktest-fuzz-broad` (boot/ktest.toml).
pub const BROAD_INDEX: usize = 3;

static SEEDS: AtomicU64 = AtomicU64::new(10);
static CALLS: AtomicU64 = AtomicU64::new(0);
static BASE: AtomicU64 = AtomicU64::new(0x5eed_0018);

/// Reads `fuzz.seeds`, `fuzz.calls` and `fuzz.seed` from the command line.
pub fn configure(args: &Args) {
    let number = |key: &str| {
        args.get(key).and_then(|v| match v.strip_prefix("0x") {
            Some(hex) => u64::from_str_radix(hex, 16).ok(),
            None => v.parse().ok(),
        })
    };
    if let Some(n) = number("fuzz.seeds") {
        SEEDS.store(n, Ordering::Relaxed);
    }
    if let Some(n) = number("fuzz.calls") {
        CALLS.store(n, Ordering::Relaxed);
    }
    if let Some(n) = number("fuzz.seed") {
        BASE.store(n, Ordering::Relaxed);
    }
}

fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn narrow() -> Verdict {
    run("narrow", crate::scenarios::FUZZ_INDEX, false)
}

fn broad() -> Verdict {
    run("broad", BROAD_INDEX, true)
}

/// Runs the fuzzer of manifest entry `index` once per seed; a fuzzer that
/// `reports` is called with its job and replies with its counts.
fn run(kind: &str, index: usize, reports: bool) -> Verdict {
    let default_calls = 100_000;
    let seeds = SEEDS.load(Ordering::Relaxed);
    let calls = match CALLS.load(Ordering::Relaxed) {
        0 => default_calls,
        n => n,
    };
    let base = BASE.load(Ordering::Relaxed);
    let mut failed = 0;
    for i in 0..seeds {
        let seed = if seeds == 1 { base } else { splitmix64(base.wrapping_add(i)) };
        let fuzzer = kcall::spawn(index).map_err(|_| "spawn of the fuzzer failed")?;
        let t0 = kcall::uptime_ns();
        let mut job = Message::new(IPC_MSG_USER_BASE, [seed, calls, 0, 0, 0, 0, 0]);
        let sent = if reports { ipc::call(fuzzer, &mut job) } else { ipc::send(fuzzer, &job) };
        sent.map_err(|_| "sending the job")?;
        let (_, status) = kcall::wait(fuzzer).map_err(|_| "wait for the fuzzer")?;
        let ns = kcall::uptime_ns().saturating_sub(t0);
        let r = job.payload;
        if reports {
            println!(
                "FUZZ kind={kind} seed={seed:#x} calls={calls} ns={ns} status={status:#x} ok={} failed={} device_maps={} safecopies={} children={} grants={}",
                r[0], r[1], r[2], r[3], r[4], r[5]
            );
        } else {
            println!("FUZZ kind={kind} seed={seed:#x} calls={calls} ns={ns} status={status:#x}");
        }
        if status != 0 {
            failed += 1;
        }
    }
    check!(failed == 0, "a fuzzer did not finish its calls");
    // The kernel is alive and still serves IPC.
    let server = crate::scenarios::fork_child(crate::scenarios::echo_server)?;
    let mut m = Message::new(molt_abi::message::IPC_MSG_PING, [9; 7]);
    check!(ipc::call(server, &mut m).is_ok() && m.payload == crate::scenarios::transform([9; 7]), "IPC after the fuzz");
    crate::scenarios::quit(server);
    check!(leftovers() == 0, "the fuzzers left processes behind");
    Ok(())
}

/// Processes other than this one that are not zombies.
fn leftovers() -> usize {
    let me = kcall::self_endpoint();
    let mut n = 0;
    let mut index = 0;
    while let Ok((info, next)) = kcall::proc_info(index) {
        index = next;
        if info.endpoint != me.0 && info.state != 3 {
            println!("fuzz: left over: {} ({:#x})", molt_rt::names::padded(&info.name), info.endpoint);
            n += 1;
        }
    }
    n
}
