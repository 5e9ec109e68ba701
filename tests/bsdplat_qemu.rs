//! QEMU test of the shims' server platform: boot rs, the console server
//! and the bsdplat test server (servers/tests/bsdplat) under TCG, and check
//! its report on the serial line and its isa-debug-exit status.

use molt::image;
use molt::qemu::{debug_exit_status, Guest, Options};
use std::time::Duration;

const PASS: i32 = debug_exit_status(0x10);
const TIMEOUT: Duration = Duration::from_secs(180);

#[test]
fn bsd_c_runs_in_a_molt_server_with_workers_sleeping_and_callouts_on_alarms() {
    let image = image::build(&image::workspace_root().join("boot/bsdplat.toml")).expect("the bsdplat image builds");
    let mut guest = Guest::spawn(&image, &Options::default()).expect("qemu starts");
    let status = guest.wait_exit(TIMEOUT).unwrap_or_else(|e| panic!("{e}"));
    let log = guest.log();
    for check in ["init", "version", "printf", "malloc", "clock", "workers", "many workers", "timed wait", "ipc clients", "service", "io backends"] {
        assert!(log.contains(&format!("bsdplat: {check} ok")), "check {check:?} did not pass; serial log:\n{log}");
    }
    // The wake request is answered before the sleeping one it woke.
    let woke = log.find("request 0x1003 answered Ok(0)");
    let slept = log.find("request 0x1002 answered Ok(0)");
    assert!(woke.is_some() && slept.is_some() && woke < slept, "client answers out of order:\n{log}");
    // Printed by the BSD C printf (subr_prf.c) through the console server.
    assert!(log.contains("bsdplat: printf 42 through the console 0xbeef"), "no BSD printf output:\n{log}");
    assert!(log.contains("is refused: molt-shims: platform interface version mismatch"), "no version message:\n{log}");
    assert_eq!(log.matches("bsdplat-client: request").count(), 3, "every client answered:\n{log}");
    assert!(log.contains("request 0xe answered Ok(0)"), "IPC_MSG_PING not echoed:\n{log}");
    assert!(!log.contains("rs: warning: bsdplat"), "rs found bsdplat silent:\n{log}");
    assert!(log.contains("BSDPLAT PASS") && !log.contains("FAILED"), "serial log:\n{log}");
    assert_eq!(status, PASS, "guest exit status; serial log:\n{log}");
}
