//! Signals: kill to a process or a process group, each signal's default
//! action, and handlers run by the kernel's `signal` mechanism on the
//! target's own stack.
//!
//! Defaults: SIGKILL, SIGINT and SIGTERM end the process (its status says
//! which signal); SIGCHLD is ignored. SIGKILL cannot be caught or ignored.

use crate::Pm;
use molt_abi::{Endpoint, Error};
use molt_rt::kcall;
use molt_rt::process::{Pid, Status, NSIG, SIGCHLD, SIGKILL, SIG_DFL, SIG_IGN};

impl Pm {
    /// kill(pid, sig): `pid > 0` one process, `pid < 0` the group `-pid`.
    pub(crate) fn kill(&mut self, pid: i64, sig: u64) -> Result<(), Error> {
        if sig >= NSIG {
            return Err(Error::INVAL);
        }
        let targets = if pid > 0 {
            self.procs.pids(|p| p.alive() && p.pid == pid as u64)
        } else if pid < 0 {
            let group = pid.unsigned_abs();
            self.procs.pids(|p| p.alive() && p.pgid == group)
        } else {
            return Err(Error::INVAL);
        };
        if targets.is_empty() {
            return Err(Error::SRCH);
        }
        for target in targets.iter() {
            self.deliver(target, sig);
        }
        Ok(())
    }

    /// Applies signal `sig` to process `pid`.
    fn deliver(&mut self, pid: Pid, sig: u64) {
        let Some(p) = self.procs.find(pid) else { return };
        if sig == 0 {
            return;
        }
        let action = if sig == SIGKILL { SIG_DFL } else { p.actions[sig as usize] };
        match action {
            SIG_IGN => {}
            SIG_DFL if sig == SIGCHLD => {}
            SIG_DFL => self.terminate(pid, Status::Signaled(sig).encode()),
            handler => {
                let restorer = p.restorer;
                let _ = kcall::signal_at(Endpoint(pid as u32), handler, sig, restorer);
            }
        }
    }

    /// Ends process `pid` with `status` and reports it to its parent.
    pub(crate) fn terminate(&mut self, pid: Pid, status: i64) {
        let kernel_child = self.procs.find(pid).is_some_and(|p| p.kernel_child);
        let _ = kcall::kill(Endpoint(pid as u32), status);
        if kernel_child {
            self.reap();
        } else {
            self.ended(pid, status);
        }
    }

    /// Sends SIGCHLD to `ppid` if it has a handler for it.
    pub(crate) fn signal_parent(&mut self, ppid: Pid) {
        let Some(parent) = self.procs.find(ppid) else { return };
        let action = parent.actions[SIGCHLD as usize];
        if action != SIG_DFL && action != SIG_IGN {
            let restorer = parent.restorer;
            let _ = kcall::signal_at(Endpoint(ppid as u32), action, SIGCHLD, restorer);
        }
    }
}
