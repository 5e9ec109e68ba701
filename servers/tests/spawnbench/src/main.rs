//! spawnbench [ROUNDS]: the servers benchmark, run from the shell by
//! `molt bench servers`. It prints `BENCH` lines the host parses:
//!
//! - fork + exec + exit + wait of `true`, ROUNDS times: TSC ticks per
//!   round (instructions under QEMU's icount), median and p99, and the
//!   nanoseconds all rounds took;
//! - a console crash (fault injection) until the restarted console answers
//!   a ping: TSC ticks and nanoseconds (polled at the kernel's 10 ms
//!   alarm resolution);
//! - rs's CPU time over 3 idle seconds (heartbeats at the manifest's
//!   periods), in parts per million.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

use molt_abi::message::{IPC_MSG_FAULT_INJECT, IPC_MSG_PING};
use molt_abi::{Endpoint, Error, Message};
use molt_rt::names::{self, CONSOLE};
use molt_rt::raw::rdtsc;
use molt_rt::server::FI_CRASH;
use molt_rt::{ipc, kcall, outln, process, time};

molt_rt::entry!(main);

const MAX_ROUNDS: usize = 2000;
const IDLE_MS: u64 = 3000;

/// One measurement, given the number of rounds.
type Step = fn(usize) -> Result<(), Error>;

fn main(args: &molt_rt::Args) -> i32 {
    let rounds = args.rest().trim().parse::<usize>().unwrap_or(200).clamp(1, MAX_ROUNDS);
    let steps: [(&str, Step); 3] =
        [("fork_exec_exit_wait", fork_exec_exit_wait), ("crash_to_answer", crash_to_answer), ("rs_idle", rs_idle)];
    for (name, step) in steps {
        if let Err(e) = step(rounds) {
            outln!("BENCH FAIL {}: {}", name, e.text());
            return 1;
        }
    }
    outln!("BENCH done");
    0
}

fn fork_exec_exit_wait(rounds: usize) -> Result<(), Error> {
    let mut samples = [0u64; MAX_ROUNDS];
    let start = kcall::uptime_ns();
    for sample in samples.iter_mut().take(rounds) {
        let t0 = rdtsc();
        let pid = process::fork()?;
        if pid == 0 {
            let e = process::exec("true", "");
            kcall::exit(100 + e as i64);
        }
        match process::wait(Some(pid), 0)? {
            Some((_, process::Status::Exited(0))) => {}
            other => {
                outln!("spawnbench: child ended with {:?}", other);
                return Err(Error::NOEXEC);
            }
        }
        *sample = rdtsc() - t0;
    }
    let total_ns = kcall::uptime_ns() - start;
    let s = &mut samples[..rounds];
    s.sort_unstable();
    let p99 = s[(rounds * 99 / 100).min(rounds - 1)];
    outln!("BENCH fork_exec_exit_wait median={} p99={} rounds={} total_ns={}", s[rounds / 2], p99, rounds, total_ns);
    Ok(())
}

fn crash_to_answer(_rounds: usize) -> Result<(), Error> {
    let old = CONSOLE.endpoint()?;
    let (t0, n0) = (rdtsc(), kcall::uptime_ns());
    let mut msg = Message::new(IPC_MSG_FAULT_INJECT, [FI_CRASH, 0, 0, 0, 0, 0, 0]);
    ipc::call(old, &mut msg)?;
    let mut polls = 0u64;
    loop {
        polls += 1;
        match names::lookup("console") {
            Ok(ep) if ep != old && ping(ep).is_ok() => break,
            _ => {}
        }
        // Sleep, not yield: under icount a process that never blocks
        // keeps the kernel's alarms (and so rs's backoff timer) from firing.
        time::sleep_ms(1)?;
    }
    let (ticks, ns) = (rdtsc() - t0, kcall::uptime_ns() - n0);
    CONSOLE.forget();
    outln!("BENCH crash_to_answer tsc={} ns={} polls={}", ticks, ns, polls);
    Ok(())
}

fn ping(ep: Endpoint) -> Result<(), Error> {
    let mut msg = Message::new(IPC_MSG_PING, [7, 0, 0, 0, 0, 0, 0]);
    ipc::call(ep, &mut msg)?;
    if msg.payload[0] == 7 { Ok(()) } else { Err(Error::INVAL) }
}

fn rs_idle(_rounds: usize) -> Result<(), Error> {
    let rs = names::rs()?;
    let (c0, n0) = (kcall::cpu_time(rs)?, kcall::uptime_ns());
    time::sleep_ms(IDLE_MS)?;
    let (c1, n1) = (kcall::cpu_time(rs)?, kcall::uptime_ns());
    let ppm = (c1 - c0) * 1_000_000 / (n1 - n0).max(1);
    outln!("BENCH rs_idle cpu_ns={} over_ns={} ppm={}", c1 - c0, n1 - n0, ppm);
    Ok(())
}
