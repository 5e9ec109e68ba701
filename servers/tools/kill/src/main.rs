//! kill [-SIGNAL] PID...: sends a signal (default TERM) to processes; a
//! negative PID names a process group. SIGNAL is a number or a name
//! (INT, KILL, TERM, CHLD, with or without SIG).
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

use molt_rt::outln;
use molt_rt::process::{self, SIGNAL_NAMES, SIGTERM};

molt_rt::entry!(main);

fn main(args: &molt_rt::Args) -> i32 {
    let mut words = args.rest().split_ascii_whitespace();
    let mut sig = SIGTERM;
    // A leading -X is a signal if a pid follows it.
    let flag = words.clone().next().and_then(|w| w.strip_prefix('-'));
    if let (Some(flag), true) = (flag, words.clone().count() > 1) {
        match parse_signal(flag) {
            Some(s) => sig = s,
            None => {
                outln!("kill: unknown signal {}", flag);
                return 2;
            }
        }
        words.next();
    }
    let mut status = 0;
    let mut any = false;
    for word in words {
        any = true;
        match word.parse::<i64>() {
            Ok(pid) if pid != 0 => {
                if let Err(e) = process::kill(pid, sig) {
                    outln!("kill: {}: {}", pid, e.text());
                    status = 1;
                }
            }
            _ => {
                outln!("kill: bad pid {}", word);
                status = 2;
            }
        }
    }
    if !any {
        outln!("usage: kill [-SIGNAL] PID...");
        return 2;
    }
    status
}

fn parse_signal(text: &str) -> Option<u64> {
    if let Ok(n) = text.parse::<u64>() {
        return (n < process::NSIG).then_some(n);
    }
    let name = text.strip_prefix("SIG").unwrap_or(text);
    SIGNAL_NAMES.iter().find(|(_, n)| n.eq_ignore_ascii_case(name)).map(|&(s, _)| s)
}
