//! Running programs: fork through pm, put the child in its own process
//! group, exec the program by name; a foreground job owns the terminal
//! (^C signals its group) until it ends, a background job is reported
//! when it has ended.

use molt_rt::process::{self, Pid, Status};
use molt_rt::{console, outln};

/// Background jobs remembered at once.
const MAX_JOBS: usize = 16;

pub struct Jobs {
    background: [Option<Pid>; MAX_JOBS],
    /// The shell's own process group.
    pub own_group: Pid,
}

/// How a status reads in a message.
pub struct Describe(pub Status);

impl core::fmt::Display for Describe {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.0 {
            Status::Exited(c) => write!(f, "exit {c}"),
            Status::Signaled(s) => {
                let name = process::SIGNAL_NAMES.iter().find(|(n, _)| *n == s).map_or("?", |(_, n)| n);
                write!(f, "killed by signal {s} (SIG{name})")
            }
            Status::Faulted(v) => write!(f, "killed by CPU exception {v}"),
        }
    }
}

impl Jobs {
    pub fn new(own_group: Pid) -> Jobs {
        Jobs { background: [None; MAX_JOBS], own_group }
    }

    /// Runs `name` with `args`; returns the status for `$?`.
    pub fn run(&mut self, name: &str, args: &str, background: bool) -> u64 {
        let pid = match process::fork() {
            Ok(0) => {
                // The program gets SIGINT's default action back. A ^C
                // that reached us before this (we inherited the shell's
                // handler) only interrupted the call: ask again.
                while process::sigaction_raw(process::SIGINT, process::SIG_DFL) == Err(molt_abi::Error::INTR) {}
                let _ = process::setpgid(0, 0);
                let e = process::exec(name, args);
                outln!("sh: {}: {}", name, if e == molt_abi::Error::NOENT { "not found" } else { e.text() });
                molt_rt::kcall::exit(127);
            }
            Ok(pid) => pid,
            Err(e) => {
                outln!("sh: fork: {}", e.text());
                return 1;
            }
        };
        // Also from here, so the group exists before the terminal names it.
        let _ = process::setpgid(pid, pid);
        if background {
            match self.background.iter_mut().find(|j| j.is_none()) {
                Some(slot) => *slot = Some(pid),
                None => outln!("sh: too many jobs; {} will not be reported", pid),
            }
            outln!("[{}]", pid);
            return 0;
        }
        let _ = console::set_foreground(pid);
        let status = process::wait(Some(pid), 0);
        let _ = console::set_foreground(self.own_group);
        match status {
            Ok(Some((_, status))) => {
                if let Status::Signaled(s) = status {
                    if s != process::SIGINT {
                        outln!("sh: {}: {}", pid, Describe(status));
                    }
                }
                status.shell_code()
            }
            Ok(None) => 0,
            Err(molt_abi::Error::CHILD) => {
                // pm was restarted and no longer knows the job is ours:
                // wait for it to end all the same.
                // (The new pm adopted it, so ^C still reaches its group.)
                while process::alive(pid) {
                    let _ = molt_rt::time::sleep_ms(50);
                }
                outln!("sh: {}: ended; its status was lost when pm restarted", pid);
                1
            }
            Err(e) => {
                outln!("sh: wait: {}", e.text());
                1
            }
        }
    }

    /// `wait [PID]`: waits for a background job (or any child).
    pub fn wait(&mut self, pid: Option<Pid>) -> u64 {
        match process::wait(pid, 0) {
            Ok(Some((pid, status))) => {
                self.forget(pid);
                outln!("{}: {}", pid, Describe(status));
                status.shell_code()
            }
            Ok(None) => 0,
            Err(e) => {
                outln!("sh: wait: {}", e.text());
                127
            }
        }
    }

    /// Reports background jobs that have ended.
    pub fn report_finished(&mut self) {
        for slot in self.background.iter_mut() {
            let Some(pid) = *slot else { continue };
            match process::wait(Some(pid), process::WNOHANG) {
                Ok(Some((_, status))) => {
                    outln!("[{}] done: {}", pid, Describe(status));
                    *slot = None;
                }
                Ok(None) => {}
                Err(_) => *slot = None,
            }
        }
    }

    fn forget(&mut self, pid: Pid) {
        for slot in self.background.iter_mut() {
            if *slot == Some(pid) {
                *slot = None;
            }
        }
    }
}
