//! forkbomb: every process forks as fast as it can until pm's process
//! table is full and fork fails with AGAIN. The first process then
//! reports, ends the whole process group (ignoring the signal itself) and
//! collects its children, so the system is left as it was. It forks
//! through C code (src/bomb.c) calling the historic `kern_fork` entry
//! point of molt-rt.
#![no_std]
#![no_main]
#![deny(unsafe_code)]

use molt_abi::Error;
use molt_rt::process::{self, SIGTERM, SIG_IGN};
use molt_rt::{outln, time};

molt_rt::entry!(main);

// SAFETY: bomb_fork (src/bomb.c) takes no arguments, touches no memory
// of ours and returns a long: it is safe to call from Rust.
#[allow(unsafe_code)]
unsafe extern "C" {
    /// src/bomb.c: `kern_fork()`, called from C.
    safe fn bomb_fork() -> i64;
}

/// How long a bomb child lingers once it can no longer fork.
const LINGER_MS: u64 = 60_000;

fn main(_args: &molt_rt::Args) -> i32 {
    let Ok(me) = process::getpid() else { return 1 };
    let mut children = 0u64;
    let error = loop {
        let ret = bomb_fork();
        if ret == 0 {
            // A child bombs on too.
            children = 0;
            continue;
        }
        if ret < 0 {
            break Error::from_ret(ret as isize).err().unwrap_or(Error::INVAL);
        }
        children += 1;
    };
    if process::getpid() != Ok(me) {
        let _ = time::sleep_ms(LINGER_MS);
        return 0;
    }
    outln!("forkbomb: fork failed with {} after {} children of the first process", error.name(), children);
    if process::sigaction_raw(SIGTERM, SIG_IGN).is_ok() {
        let _ = process::kill(-(me as i64), SIGTERM);
    }
    let mut collected = 0;
    while let Ok(Some(_)) = process::wait(None, 0) {
        collected += 1;
    }
    outln!("forkbomb: collected {} children; done", collected);
    if error == Error::AGAIN { 0 } else { 1 }
}
