//! sigtest: checks the process manager's signals from a user program and
//! prints `sigtest: all signal checks passed` or the first failure:
//! handlers for SIGINT, SIGTERM and SIGCHLD run; SIGKILL cannot be
//! caught; an ignored signal does nothing; the default actions of SIGINT,
//! SIGTERM and SIGKILL end a child with that signal in its wait status;
//! a child's getppid is its parent's pid.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

use core::sync::atomic::{AtomicU64, Ordering};
use molt_abi::Error;
use molt_rt::process::{self, Status, SIGCHLD, SIGINT, SIGKILL, SIGTERM, SIG_DFL, SIG_IGN};
use molt_rt::{kcall, outln, time};

molt_rt::entry!(main);

static CAUGHT: [AtomicU64; 32] = [const { AtomicU64::new(0) }; 32];

extern "C" fn count(sig: u64) {
    if let Some(c) = CAUGHT.get(sig as usize) {
        c.fetch_add(1, Ordering::SeqCst);
    }
}

fn caught(sig: u64) -> u64 {
    CAUGHT[sig as usize].load(Ordering::SeqCst)
}

type Check = Result<(), &'static str>;
type CheckFn = fn() -> Check;

fn main(_args: &molt_rt::Args) -> i32 {
    let checks: [(&str, CheckFn); 5] = [
        ("handlers", handlers),
        ("ignore", ignore),
        ("defaults", defaults),
        ("sigchld", sigchld),
        ("getppid", getppid),
    ];
    for (name, check) in checks {
        if let Err(why) = check() {
            outln!("sigtest: FAIL {}: {}", name, why);
            return 1;
        }
        outln!("sigtest: {} ok", name);
    }
    outln!("sigtest: all signal checks passed");
    0
}

/// SIGINT and SIGTERM handlers run when we signal ourselves; SIGKILL
/// cannot get one.
fn handlers() -> Check {
    for sig in [SIGINT, SIGTERM] {
        process::on_signal(sig, count).map_err(|_| "sigaction failed")?;
        let before = caught(sig);
        match process::kill(process::getpid().map_err(|_| "getpid")? as i64, sig) {
            Ok(()) | Err(Error::INTR) => {}
            Err(_) => return Err("kill failed"),
        }
        if caught(sig) != before + 1 {
            return Err("handler did not run");
        }
        process::sigaction_raw(sig, SIG_DFL).map_err(|_| "sigaction reset failed")?;
    }
    if process::on_signal(SIGKILL, count) != Err(Error::INVAL) {
        return Err("SIGKILL accepted a handler");
    }
    Ok(())
}

fn ignore() -> Check {
    process::sigaction_raw(SIGTERM, SIG_IGN).map_err(|_| "sigaction failed")?;
    let me = process::getpid().map_err(|_| "getpid")?;
    process::kill(me as i64, SIGTERM).map_err(|_| "kill failed")?;
    process::sigaction_raw(SIGTERM, SIG_DFL).map_err(|_| "sigaction reset failed")?;
    Ok(())
}

/// A sleeping child ended by each signal reports it through wait.
fn defaults() -> Check {
    for sig in [SIGINT, SIGTERM, SIGKILL] {
        let pid = spawn(|| {
            let _ = time::sleep_ms(60_000);
            3
        })?;
        process::kill(pid as i64, sig).map_err(|_| "kill failed")?;
        match process::wait(Some(pid), 0) {
            Ok(Some((p, Status::Signaled(s)))) if p == pid && s == sig => {}
            _ => return Err("wait did not report the signal"),
        }
    }
    Ok(())
}

/// A child's exit interrupts our sleep with SIGCHLD; wait then collects it.
fn sigchld() -> Check {
    process::on_signal(SIGCHLD, count).map_err(|_| "sigaction failed")?;
    let before = caught(SIGCHLD);
    let pid = spawn(|| 7)?;
    let deadline = time::now_ms() + 10_000;
    while caught(SIGCHLD) == before && time::now_ms() < deadline {
        let _ = time::sleep_ms(50);
    }
    if caught(SIGCHLD) == before {
        return Err("no SIGCHLD");
    }
    match process::wait(Some(pid), 0) {
        Ok(Some((p, Status::Exited(7)))) if p == pid => {}
        _ => return Err("wait did not report exit 7"),
    }
    process::sigaction_raw(SIGCHLD, SIG_DFL).map_err(|_| "sigaction reset failed")
}

fn getppid() -> Check {
    let me = process::getpid().map_err(|_| "getpid")?;
    let pid = spawn(move || if process::getppid() == Ok(me) { 0 } else { 1 })?;
    match process::wait(Some(pid), 0) {
        Ok(Some((_, Status::Exited(0)))) => Ok(()),
        _ => Err("the child saw another parent"),
    }
}

/// Forks a child that runs `body` and exits with its result.
fn spawn(body: impl FnOnce() -> i32) -> Result<u64, &'static str> {
    match process::fork() {
        Ok(0) => kcall::exit(i64::from(body())),
        Ok(pid) => Ok(pid),
        Err(_) => Err("fork failed"),
    }
}
