//! Kernel tests and benchmarks, run as user programs in QEMU.
//!
//! The boot manifest starts `ktest`; the kernel command line names the
//! scenario (`ktest=ipc`, `ktest=all`, `ktest=bench`, ...). Each scenario
//! prints `KTEST PASS name` or `KTEST FAIL name: why`; at the end the
//! program leaves QEMU through isa-debug-exit with [`PASS`] or [`FAIL`],
//! which the host harness (tests/kernel_qemu.rs) checks together with the
//! serial log. Helpers are forked children (their own address spaces) or,
//! where a test needs different privileges, manifest servers started with
//! `spawn`.
#![no_std]
#![no_main]
#![forbid(unsafe_op_in_unsafe_fn)]
#![deny(clippy::undocumented_unsafe_blocks)]

mod bench;
mod control;
mod device;
mod fuzz;
mod fuzz_broad;
mod fuzzrun;
mod scenarios;
mod sched;

use molt_rt::{kcall, println, Args};

/// isa-debug-exit value for success (QEMU exits with 33).
pub const PASS: u32 = 0x10;
/// isa-debug-exit value for failure (QEMU exits with 35).
pub const FAIL: u32 = 0x11;

/// A scenario's verdict.
pub type Verdict = Result<(), &'static str>;

/// A scenario: its name (as `ktest=` names it) and its body.
pub type Scenario = (&'static str, fn() -> Verdict);

fn main(args: &Args) -> i32 {
    match args.name() {
        "ktest-peer" => return scenarios::peer_main(),
        "ktest-fuzz" => return fuzz::fuzz_main(args),
        "ktest-fuzz-broad" => return fuzz_broad::fuzz_main(args),
        "ktest-plain" => return control::plain_main(),
        "ktest-exec" => return 77,
        _ => {}
    }
    let which = args.get("ktest").unwrap_or("all");
    fuzzrun::configure(args);
    let mut failed = false;
    let mut ran = false;
    let functional = || scenarios::ALL.iter().chain(device::ALL).chain(control::ALL).chain(fuzzrun::ALL);
    for &(name, test) in functional().chain(sched::ALL).chain(bench::ALL) {
        let selected = which == name || (which == "all" && functional().any(|&(n, _)| n == name));
        if !selected {
            continue;
        }
        ran = true;
        match test() {
            Ok(()) => println!("KTEST PASS {name}"),
            Err(why) => {
                failed = true;
                println!("KTEST FAIL {name}: {why}");
            }
        }
    }
    if !ran {
        println!("KTEST FAIL {which}: no such scenario");
        failed = true;
    }
    let _ = kcall::power_off(if failed { FAIL } else { PASS });
    0
}

molt_rt::entry!(main);

/// Checks a condition inside a scenario.
#[macro_export]
macro_rules! check {
    ($cond:expr, $why:expr) => {
        if !$cond {
            return Err($why);
        }
    };
}
