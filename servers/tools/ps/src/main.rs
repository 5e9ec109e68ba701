//! ps: lists every process (servers and user processes), as pm sees them.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

use molt_rt::{names, outln, process};

molt_rt::entry!(main);

const STATES: [&str; 4] = ["run", "ipc", "wait", "zombie"];

fn main(_args: &molt_rt::Args) -> i32 {
    outln!("{:>7} {:>7} {:>7} {:<7} {:>9} NAME", "PID", "PPID", "PGID", "STATE", "CPU(ms)");
    let mut index = 0;
    loop {
        match process::proc_list(index) {
            Ok((row, next)) => {
                let state = STATES.get(row.state as usize).copied().unwrap_or("?");
                outln!(
                    "{:>7} {:>7} {:>7} {:<7} {:>9} {}",
                    row.pid,
                    row.ppid,
                    row.pgid,
                    state,
                    row.cpu_ns / 1_000_000,
                    names::padded(&row.name)
                );
                index = next;
            }
            Err(molt_abi::Error::NOENT) => return 0,
            Err(e) => {
                outln!("ps: {}", e.text());
                return 1;
            }
        }
    }
}
