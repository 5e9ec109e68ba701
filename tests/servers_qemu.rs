//! QEMU tests of the system servers: boot the image of boot/manifest.toml
//! under TCG and drive the shell over the serial line, as a user would.
//! Each test boots its own guest; a hung guest is killed by the timeout
//! and the serial log printed.

use molt::image::{self, Image};
use molt::qemu::{Guest, Options};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Generous: several guests share two TCG cores with other builds.
const STEP: Duration = Duration::from_secs(60);

fn image() -> &'static Image {
    static IMAGE: OnceLock<Image> = OnceLock::new();
    IMAGE.get_or_init(|| image::build(&image::workspace_root().join("boot/manifest.toml")).expect("the boot image builds"))
}

/// A booted guest and how much of its serial output the test has read.
struct Shell {
    guest: Guest,
    seen: usize,
}

impl Shell {
    fn boot() -> Shell {
        let guest = Guest::spawn(image(), &Options::default()).expect("qemu starts");
        let mut shell = Shell { guest, seen: 0 };
        shell.expect("# ");
        shell
    }

    /// Waits for `needle` after what was read so far; returns the output
    /// up to and including it.
    fn expect(&mut self, needle: &str) -> String {
        let deadline = Instant::now() + STEP;
        loop {
            let log = self.guest.log();
            if let Some(at) = log.get(self.seen..).and_then(|rest| rest.find(needle)) {
                let end = self.seen + at + needle.len();
                let text = log[self.seen..end].to_string();
                self.seen = end;
                return text;
            }
            assert!(Instant::now() < deadline, "timed out waiting for {needle:?}; serial log:\n{log}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Types a command line and returns its output (up to the next prompt).
    fn run(&mut self, line: &str) -> String {
        self.guest.send(format!("{line}\n").as_bytes()).expect("typing works");
        self.expect(&format!("{line}\r\n"));
        let out = self.expect("\n# ");
        out.trim_end_matches("# ").to_string()
    }

    fn log(&self) -> String {
        self.guest.log()
    }
}

/// Types ^C until the foreground job ends and the prompt is back. ^C
/// reaches the job once the shell has made it the foreground group; one
/// typed before that only reaches the shell, so type until it works.
fn interrupt_foreground(sh: &mut Shell) {
    let deadline = Instant::now() + STEP;
    loop {
        sh.guest.send(b"\x03").unwrap();
        std::thread::sleep(Duration::from_millis(500));
        if sh.log()[sh.seen..].contains("\n# ") {
            break;
        }
        assert!(Instant::now() < deadline, "^C did not stop the job:\n{}", sh.log());
    }
    sh.expect("\n# ");
}

/// The number in "... (N ms after its exit ..." of rs's restart report.
fn restart_delay_ms(report: &str) -> u64 {
    let after = report.rsplit_once(" (").map(|(_, r)| r).unwrap_or("");
    after.split_whitespace().next().and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("no delay in {report:?}"))
}

#[test]
fn ps_lists_rs_pm_console_init_and_sh() {
    let mut sh = Shell::boot();
    let out = sh.run("ps");
    for name in ["rs", "pm", "console", "init", "sh", "ps"] {
        assert!(
            out.lines().any(|l| l.split_whitespace().last() == Some(name)),
            "ps does not list {name}:\n{out}"
        );
    }
    let out = sh.run("echo one; false; echo two $?; true; echo three $?");
    assert!(out.contains("one\r\ntwo 1\r\nthree 0"), "`;` and `$?` are wrong:\n{out}");
    let out = sh.run("nosuchprogram; echo status=$?");
    assert!(out.contains("sh: nosuchprogram: not found") && out.contains("status=127"), "unknown program:\n{out}");
}

#[test]
fn line_discipline_edits_and_end_of_file_restarts_the_shell() {
    let mut sh = Shell::boot();
    // Backspace and ^U edit the line before the shell sees it.
    sh.guest.send(b"echo wrong\x15echo rigx\x7fht\n").unwrap();
    sh.expect("\r\nright\r\n# ");
    // ^C at the prompt discards the line and gives a new prompt.
    sh.guest.send(b"echo discarded\x03").unwrap();
    sh.expect("^C\r\n# ");
    // ^D on an empty line is end of file: sh exits, init starts another.
    sh.guest.send(b"\x04").unwrap();
    sh.expect("init: sh (pid");
    sh.expect("\n# ");
    let out = sh.run("echo new-shell");
    assert!(out.contains("new-shell"), "the new shell does not answer:\n{}", sh.log());
    assert!(!sh.log().contains("discarded\r\n"), "^C did not discard the line:\n{}", sh.log());
}

#[test]
fn two_writers_never_interleave_within_a_line() {
    let mut sh = Shell::boot();
    let out = sh.run("chatter 40");
    let lines: Vec<&str> = out.lines().filter(|l| l.contains("chatter-")).collect();
    assert_eq!(lines.len(), 80, "expected 80 chatter lines:\n{out}");
    for line in lines {
        let (tag, body) = line.split_once(' ').unwrap_or_else(|| panic!("malformed line {line:?}"));
        let letter = tag.chars().nth(8).unwrap();
        assert!(line.starts_with("chatter-") && tag.len() == 14, "interleaved line: {line:?}");
        assert!(body.len() == 300 && body.chars().all(|c| c == letter), "interleaved line: {line:?}");
    }
}

#[test]
fn signal_handlers_default_actions_and_sigchld_in_a_user_program() {
    let mut sh = Shell::boot();
    let out = sh.run("sigtest; echo status=$?");
    assert!(out.contains("sigtest: all signal checks passed") && out.contains("status=0"), "sigtest:\n{out}");
}

#[test]
fn console_crash_is_restarted_within_a_second_and_the_shell_goes_on() {
    let mut sh = Shell::boot();
    sh.guest.send(b"service fi console crash\n").unwrap();
    let report = sh.expect("ms after its exit");
    assert!(report.contains("rs: console (pid"), "no exit report:\n{}", sh.log());
    assert!(report.contains("rs: restarted console as pid"), "no restart report:\n{}", sh.log());
    let delay = restart_delay_ms(&report);
    assert!(delay < 1000, "console restarted {delay} ms after its crash");
    let pid_after = |marker: &str| -> u64 {
        let tail = report.split(marker).nth(1).unwrap_or_else(|| panic!("no {marker:?} in {report:?}"));
        tail.split(|c: char| !c.is_ascii_digit()).next().unwrap().parse().unwrap()
    };
    let (old, new) = (pid_after("rs: console (pid "), pid_after("restarted console as pid "));
    assert_ne!(old, new, "the restarted console must have a new endpoint");
    sh.expect("\n# ");
    let out = sh.run("echo still-here");
    assert!(out.contains("still-here"), "the next command did not run:\n{}", sh.log());
    let out = sh.run("service list");
    let row = out.lines().find(|l| l.starts_with("console")).unwrap_or_else(|| panic!("no console row:\n{out}"));
    assert!(row.contains("running") && row.split_whitespace().nth(4) == Some("1"), "console row: {row}");
}

#[test]
fn pm_hang_is_reported_and_restarted_and_fork_works_again() {
    let mut sh = Shell::boot();
    sh.guest.send(b"service fi pm hang\n").unwrap();
    sh.expect("rs: warning: pm (pid");
    sh.expect("rs: restarted pm as pid");
    sh.expect("\n# ");
    let out = sh.run("true; echo forked-$?; uptime");
    assert!(out.contains("forked-0") && out.contains("up "), "fork after the pm restart failed:\n{}", sh.log());
    // Stop and restart by command. (Stopping pm would leave the shell
    // unable to fork the next command; init can go: sh runs on.)
    let out = sh.run("service stop init; service list");
    assert!(out.lines().any(|l| l.starts_with("init ") && l.contains("stopped")), "init not stopped:\n{out}");
    sh.run("service restart pm");
    let out = sh.run("service list; true; echo forked-again-$?");
    let row = out.lines().find(|l| l.starts_with("pm ")).unwrap_or_else(|| panic!("no pm row:\n{out}"));
    assert!(row.contains("running") && row.split_whitespace().nth(4) == Some("2"), "pm row: {row}");
    assert!(out.contains("forked-again-0"), "fork after service restart failed:\n{}", sh.log());
}

#[test]
fn a_crashed_rs_is_restarted_by_the_kernel_and_keeps_watching() {
    let mut sh = Shell::boot();
    sh.guest.send(b"service fi rs crash\n").unwrap();
    sh.expect("rs: restarted; adopted 3 running services");
    sh.expect("\n# ");
    let out = sh.run("service list");
    for name in ["pm", "console", "init"] {
        assert!(out.lines().any(|l| l.starts_with(name) && l.contains("running")), "{name} not adopted:\n{out}");
    }
    // The new rs still notices a crash of a service it did not start.
    sh.guest.send(b"service fi console crash\n").unwrap();
    sh.expect("rs: restarted console as pid");
    sh.expect("\n# ");
    let out = sh.run("echo watched");
    assert!(out.contains("watched"), "the shell stopped after the console restart:\n{}", sh.log());
}

#[test]
fn a_hung_console_is_restarted_and_the_shell_goes_on() {
    let mut sh = Shell::boot();
    sh.guest.send(b"service fi console hang\n").unwrap();
    sh.expect("rs: warning: console (pid");
    sh.expect("rs: restarted console as pid");
    sh.expect("\n# ");
    let out = sh.run("echo unhung");
    assert!(out.contains("unhung"), "the shell stopped after the console restart:\n{}", sh.log());
    assert!(!sh.log().contains("rs: warning: pm"), "the console's hang took pm down too:\n{}", sh.log());
}

#[test]
fn kill_9_status_reaches_the_parents_wait() {
    let mut sh = Shell::boot();
    let out = sh.run("sleep 100 &");
    let pid: u64 = out
        .lines()
        .find_map(|l| l.trim().strip_prefix('[')?.strip_suffix(']')?.parse().ok())
        .unwrap_or_else(|| panic!("no job pid:\n{out}"));
    let out = sh.run(&format!("kill -9 {pid}; wait {pid}; echo status=$?"));
    assert!(out.contains(&format!("{pid}: killed by signal 9 (SIGKILL)")), "wait did not get the status:\n{out}");
    assert!(out.contains("status=137"), "$? after kill -9:\n{out}");
}

#[test]
fn ctrl_c_stops_a_running_sleep() {
    let mut sh = Shell::boot();
    sh.guest.send(b"sleep 100\n").unwrap();
    sh.expect("sleep 100\r\n");
    interrupt_foreground(&mut sh);
    let out = sh.run("echo status=$?");
    assert!(out.contains("status=130"), "sleep was not ended by SIGINT:\n{}", sh.log());
}

#[test]
fn fork_bomb_meets_eagain_and_ps_still_answers() {
    let mut sh = Shell::boot();
    let out = sh.run("forkbomb");
    assert!(out.contains("fork failed with AGAIN"), "no EAGAIN:\n{}", sh.log());
    assert!(out.contains("forkbomb: collected"), "the bomb did not clean up:\n{}", sh.log());
    let out = sh.run("ps");
    assert!(out.lines().any(|l| l.ends_with(" sh")), "ps after the bomb:\n{out}");
    assert!(!out.contains("forkbomb"), "bomb processes are left:\n{out}");
}

#[test]
fn poweroff_stops_the_services_and_exits_qemu_with_0() {
    let mut sh = Shell::boot();
    sh.guest.send(b"poweroff\n").unwrap();
    let status = sh.guest.wait_exit(STEP).unwrap_or_else(|e| panic!("{e}"));
    let log = sh.log();
    assert!(log.contains("rs: all services stopped; powering off"), "services were not stopped:\n{log}");
    assert_eq!(status, 0, "QEMU exit status; serial log:\n{log}");
}

#[test]
fn input_typed_before_the_console_is_up_is_not_lost() {
    // As when a script is piped into `cargo run --release`: the whole
    // input is there before the guest boots.
    let mut guest = Guest::spawn(image(), &Options::default()).expect("qemu starts");
    // `$?` expands to 0, so the output differs from the echoed input.
    guest.send(b"echo first$?line\necho second$?line\npoweroff\n").expect("type ahead");
    let status = guest.wait_exit(STEP).unwrap_or_else(|e| panic!("{e}"));
    let log = guest.log();
    assert!(log.contains("first0line"), "the first line was lost or mangled:\n{log}");
    assert!(log.contains("second0line"), "the second line was lost or mangled:\n{log}");
    assert_eq!(status, 0, "poweroff did not end QEMU with 0:\n{log}");
}

/// (name, restarts) of every row of `service list`.
fn restart_counts(list: &str) -> Vec<(String, u64)> {
    list.lines()
        .filter_map(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            let restarts = cols.get(4)?.parse().ok()?;
            Some((cols[0].to_string(), restarts))
        })
        .collect()
}

#[test]
fn random_messages_to_every_server_stop_nothing_and_every_call_returns() {
    let mut sh = Shell::boot();
    let before = restart_counts(&sh.run("service list"));
    assert!(before.iter().any(|(n, _)| n == "pm") && before.iter().any(|(n, _)| n == "console"), "{before:?}");
    let out = sh.run("msgfuzz 100000");
    // Granted scratch bytes written to the console may precede the report.
    let line = out.lines().find_map(|l| l.find("msgfuzz: ").map(|at| &l[at..])).unwrap_or_else(|| panic!("no report: {out}\n{}", sh.log()));
    let number = |after: &str| -> u64 {
        line.split(after).nth(1).and_then(|t| t.trim_start().split(|c: char| !c.is_ascii_digit()).next()).and_then(|n| n.parse().ok()).unwrap_or(0)
    };
    let calls = number("msgfuzz: ");
    assert!(calls > 75_000, "most messages were calls: {line}");
    assert!(number("replies: ok ") + number("error ") + number("refused by the kernel ") >= calls, "every call returned: {line}");
    assert!(number("refused by the kernel ") > 0, "control and NOTIFY-typed messages were refused: {line}");
    // Everything still answers, and nothing was stopped or restarted.
    let ps = sh.run("ps");
    for name in ["rs", "pm", "console", "init", "sh"] {
        assert!(ps.lines().any(|l| l.split_whitespace().any(|w| w == name)), "{name} missing from ps:\n{ps}");
    }
    let after = restart_counts(&sh.run("service list"));
    assert_eq!(after, before, "rs restarted something");
    let log = sh.log();
    assert!(!log.contains("restarting") && !log.contains("giving up") && !log.contains("KERNEL FAULT"), "log:\n{log}");
}

#[test]
fn a_wait_pending_across_a_pm_restart_gets_the_status() {
    let mut sh = Shell::boot();
    let out = sh.run("sleep 3 &");
    let pid: u64 = out
        .lines()
        .find_map(|l| l.trim().strip_prefix('[')?.strip_suffix(']')?.parse().ok())
        .unwrap_or_else(|| panic!("no job pid:\n{out}"));
    // The shell's wait for `service` itself is pending at the hung pm when
    // rs kills it; it goes on at the new pm, which restored the table.
    let out = sh.run(&format!("service fi pm hang; echo fi=$?; wait {pid}; echo bg=$?"));
    let log = sh.log();
    assert!(log.contains("rs: restarted pm as pid"), "pm was not restarted:\n{log}");
    assert!(log.contains("pm: restored"), "the new pm did not restore its table:\n{log}");
    assert!(!out.contains("status was lost"), "a status was lost:\n{out}");
    assert!(out.contains("fi=0"), "the pending wait did not get service's status:\n{out}");
    assert!(out.contains(&format!("{pid}: exit 0")) && out.contains("bg=0"), "wait for the job started before the restart:\n{out}");
    let ps = sh.run("ps");
    assert!(ps.lines().any(|l| l.split_whitespace().last() == Some("sh")), "ps after the restart:\n{ps}");
}

#[test]
fn ctrl_c_reaches_a_job_started_before_pm_restarted() {
    let mut sh = Shell::boot();
    sh.run("service restart pm in 1500 &");
    sh.guest.send(b"sleep 100\n").unwrap();
    sh.expect("sleep 100\r\n");
    sh.expect("rs: restarted pm as pid");
    interrupt_foreground(&mut sh);
    let out = sh.run("echo status=$?");
    assert!(out.contains("status=130"), "the job's status after ^C (130: SIGINT) was lost:\n{}", sh.log());
    assert!(!sh.log().contains("status was lost"), "{}", sh.log());
}
