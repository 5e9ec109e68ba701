//! init: the first user process. It starts the shell on the console and
//! starts it again whenever it exits. It is a manifest server (rs starts
//! it) whose privileges are those of an ordinary user process, which the
//! shell and every program forked from it inherit.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

use molt_rt::process::{self, Pid, Status};
use molt_rt::{outln, time, Args};

molt_rt::entry!(main);

/// A shell that lived less than this is restarted only after this pause.
const RESPAWN_PAUSE_MS: u64 = 1000;

fn main(_args: &Args) -> i32 {
    loop {
        match process::fork() {
            Ok(0) => {
                let e = process::exec("sh", "");
                outln!("init: cannot run sh: {}", e.text());
                return 127;
            }
            Ok(pid) => {
                let started = time::now_ms();
                let status = wait_for(pid);
                match status {
                    Some(s) => outln!("init: sh (pid {}) ended ({:?}); starting a new one", pid, s),
                    None => outln!("init: sh (pid {}) is gone; starting a new one", pid),
                }
                if time::now_ms() - started < RESPAWN_PAUSE_MS {
                    // It dies at once: do not spin.
                    let _ = time::sleep_ms(RESPAWN_PAUSE_MS);
                }
            }
            Err(e) => {
                outln!("init: fork failed: {}", e.text());
                let _ = time::sleep_ms(500);
            }
        }
    }
}

/// Waits for the shell to end. If pm was restarted meanwhile it no longer
/// knows the shell is our child: then watch the kernel's process table.
fn wait_for(pid: Pid) -> Option<Status> {
    loop {
        match process::wait(Some(pid), 0) {
            Ok(Some((_, status))) => return Some(status),
            Ok(None) => {}
            Err(_) => {
                while process::alive(pid) {
                    let _ = time::sleep_ms(200);
                }
                return None;
            }
        }
    }
}
