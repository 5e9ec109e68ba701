//! Runs Molt in QEMU: interactively (serial console on this terminal) or
//! under a test harness that reads the serial output and enforces a
//! timeout, killing a hung guest and keeping its log.

use crate::image::Image;
use anyhow::{bail, Context, Result};
use std::io::{Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How to start the guest.
#[derive(Clone, Debug)]
pub struct Options {
    /// Guest RAM in MiB.
    pub memory_mib: u32,
    /// QEMU accelerator: `tcg` (the default, and the only one whose timings
    /// mean anything on machines with nested KVM) or `kvm`.
    pub accel: String,
    /// Kernel command line.
    pub cmdline: String,
    /// Make the guest TSC count instructions (`-icount shift=0,sleep=off`).
    pub icount: bool,
    /// Extra QEMU arguments, passed last.
    pub extra: Vec<String>,
}

impl Default for Options {
    fn default() -> Options {
        Options { memory_mib: 256, accel: "tcg".into(), cmdline: String::new(), icount: false, extra: Vec::new() }
    }
}

/// QEMU exit status when the guest wrote `value` to isa-debug-exit.
pub const fn debug_exit_status(value: u8) -> i32 {
    ((value as i32) << 1) | 1
}

/// The QEMU command line for an image.
pub fn command(image: &Image, opts: &Options) -> Command {
    let mut cmd = Command::new("qemu-system-x86_64");
    cmd.args(["-machine", "q35", "-cpu", "qemu64,+pdpe1gb", "-no-reboot", "-display", "none", "-monitor", "none"])
        .args(["-chardev", "stdio,id=console,signal=off", "-serial", "chardev:console"])
        .args(["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"])
        .args(["-m", &opts.memory_mib.to_string()])
        .args(["-accel", &opts.accel])
        .arg("-kernel")
        .arg(&image.kernel)
        .arg("-initrd")
        .arg(&image.initrd)
        .args(["-append", &opts.cmdline]);
    if opts.icount {
        cmd.args(["-icount", "shift=0,sleep=off"]);
    }
    cmd.args(&opts.extra);
    cmd
}

/// Boots with the serial console on this terminal (or pipe) and returns
/// QEMU's exit status.
pub fn run_interactive(image: &Image, opts: &Options) -> Result<i32> {
    let status = command(image, opts).status().context("starting qemu-system-x86_64")?;
    Ok(status.code().unwrap_or(-1))
}

/// A guest under test: its serial output is collected as it arrives.
pub struct Guest {
    child: Child,
    stdin: Option<ChildStdin>,
    output: Arc<Mutex<Vec<u8>>>,
}

impl Guest {
    /// Starts the guest with piped serial input and output.
    pub fn spawn(image: &Image, opts: &Options) -> Result<Guest> {
        let mut child = command(image, opts)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .context("starting qemu-system-x86_64")?;
        let mut stdout = child.stdout.take().expect("stdout is piped");
        let output = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&output);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stdout.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Ok(Guest { stdin: child.stdin.take(), child, output })
    }

    /// Everything the guest has printed so far.
    pub fn log(&self) -> String {
        String::from_utf8_lossy(&self.output.lock().unwrap()).into_owned()
    }

    /// Types bytes on the guest's serial line.
    pub fn send(&mut self, bytes: &[u8]) -> Result<()> {
        let stdin = self.stdin.as_mut().context("guest stdin closed")?;
        stdin.write_all(bytes)?;
        stdin.flush()?;
        Ok(())
    }

    /// Waits until the output contains `needle`, or fails with the log.
    pub fn wait_for(&mut self, needle: &str, timeout: Duration) -> Result<()> {
        let deadline = Instant::now() + timeout;
        loop {
            if self.log().contains(needle) {
                return Ok(());
            }
            if let Some(status) = self.child.try_wait()? {
                std::thread::sleep(Duration::from_millis(50));
                if self.log().contains(needle) {
                    return Ok(());
                }
                bail!("guest exited ({status}) before printing {needle:?}; serial log:\n{}", self.log());
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                bail!("timed out after {timeout:?} waiting for {needle:?}; serial log:\n{}", self.log());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits for QEMU to exit and returns its status; kills it on timeout.
    pub fn wait_exit(&mut self, timeout: Duration) -> Result<i32> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait()? {
                // Let the reader thread drain the pipe.
                std::thread::sleep(Duration::from_millis(50));
                return Ok(status.code().unwrap_or(-1));
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                bail!("guest hung: killed after {timeout:?}; serial log:\n{}", self.log());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Guest {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
