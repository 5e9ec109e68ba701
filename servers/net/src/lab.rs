//! Driving node processes: start a `molt-net-node` (or `molt net node`)
//! on one end of a wire, send it commands and read its answers. Used by
//! the tests and the benchmark.
use std::io::{BufRead, BufReader, Write};
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

/// A running node process.
pub struct NodeProc {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<String>,
    pub name: String,
}

impl NodeProc {
    /// Starts `program args... node --iface fd:3 ...` with `wire_end` as
    /// its descriptor 3. `prefix` is the argument list before the node
    /// options (empty for molt-net-node, `["net", "node"]` for molt).
    pub fn spawn(program: &Path, prefix: &[&str], name: &str, wire_end: OwnedFd, args: &[String]) -> std::io::Result<NodeProc> {
        let mut cmd = Command::new(program);
        cmd.args(prefix).arg("--iface").arg("fd:3").args(args).stdin(Stdio::piped()).stdout(Stdio::piped());
        let fd = wire_end.as_raw_fd();
        // SAFETY: between fork and exec only async-signal-safe dup2/fcntl
        // are called, on a descriptor that stays open in the parent.
        unsafe {
            cmd.pre_exec(move || {
                if fd == 3 {
                    let fl = libc::fcntl(3, libc::F_GETFD);
                    libc::fcntl(3, libc::F_SETFD, fl & !libc::FD_CLOEXEC);
                } else if libc::dup2(fd, 3) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let mut child = cmd.spawn()?;
        drop(wire_end);
        let stdin = child.stdin.take().expect("piped stdin");
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut n = NodeProc { child, stdin, lines, name: name.to_string() };
        n.expect("ready", Duration::from_secs(20))?;
        Ok(n)
    }

    /// Sends a command line.
    pub fn send(&mut self, line: &str) -> std::io::Result<()> {
        writeln!(self.stdin, "{line}")?;
        self.stdin.flush()
    }

    /// Waits for the next answer line starting with `word`, skipping
    /// others (e.g. `accepted` notices are returned only when asked for).
    pub fn expect(&mut self, word: &str, timeout: Duration) -> std::io::Result<String> {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if line.split_whitespace().next() == Some(word) => return Ok(line),
                Ok(_) => continue,
                Err(_) => {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::TimedOut,
                        format!("{}: no '{word}' answer within {timeout:?}", self.name),
                    ))
                }
            }
        }
    }

    /// Sends `line` and waits for the answer to it (same first word).
    pub fn ask(&mut self, line: &str, timeout: Duration) -> std::io::Result<String> {
        self.send(line)?;
        let word = line.split_whitespace().next().unwrap_or_default().to_string();
        self.expect(&word, timeout)
    }

    /// The node's statistics (the JSON of `stats`).
    pub fn stats(&mut self) -> std::io::Result<serde_json::Value> {
        let line = self.ask("stats", Duration::from_secs(20))?;
        serde_json::from_str(line.trim_start_matches("stats ").trim())
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
    }
}

impl Drop for NodeProc {
    fn drop(&mut self) {
        let _ = self.send("quit");
        for _ in 0..100 {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
