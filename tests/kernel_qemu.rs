//! QEMU tests of the kernel: boot the ktest image under TCG, run one
//! scenario per boot, and check the serial log and the isa-debug-exit
//! status. A hung guest is killed by the timeout and its log printed.

use molt::image::{self, Image};
use molt::qemu::{debug_exit_status, Guest, Options};
use std::sync::OnceLock;
use std::time::Duration;

const PASS: i32 = debug_exit_status(0x10);
const TIMEOUT: Duration = Duration::from_secs(120);

fn image() -> &'static Image {
    static IMAGE: OnceLock<Image> = OnceLock::new();
    IMAGE.get_or_init(|| image::build(&image::workspace_root().join("boot/ktest.toml")).expect("the ktest image builds"))
}

/// Boots with `cmdline`, waits for the guest to exit, returns the log
/// after checking the scenario passed.
fn scenario(name: &str, extra_cmdline: &str) -> String {
    run_scenario(name, extra_cmdline, false)
}

/// `scenario` with the guest clock counting instructions
/// (`-icount shift=0,sleep=off`): CPU shares are then measured in guest
/// time alone, so the load on the host cannot blur them.
fn scenario_icount(name: &str, extra_cmdline: &str) -> String {
    run_scenario(name, extra_cmdline, true)
}

fn run_scenario(name: &str, extra_cmdline: &str, icount: bool) -> String {
    run_scenario_within(name, extra_cmdline, icount, TIMEOUT)
}

fn run_scenario_within(name: &str, extra_cmdline: &str, icount: bool, timeout: Duration) -> String {
    let opts = Options { cmdline: format!("ktest={name} {extra_cmdline}"), icount, ..Options::default() };
    let mut guest = Guest::spawn(image(), &opts).expect("qemu starts");
    let status = guest.wait_exit(timeout).unwrap_or_else(|e| panic!("{e}"));
    let log = guest.log();
    assert!(log.contains(&format!("KTEST PASS {name}")), "scenario {name} did not pass; serial log:\n{log}");
    assert_eq!(status, PASS, "guest exit status; serial log:\n{log}");
    log
}

#[test]
fn boot_banner_and_memory_summary() {
    let log = scenario("dead", "");
    let banner = log.lines().find(|l| l.contains("Molt ")).unwrap_or_else(|| panic!("no banner:\n{log}"));
    assert!(banner.contains(env!("CARGO_PKG_VERSION")), "banner lacks the version: {banner}");
    assert!(banner.contains("MiB RAM") && banner.contains("MiB free"), "banner lacks the memory summary: {banner}");
}

#[test]
fn ten_thousand_ipc_calls_with_checked_payloads() {
    scenario("ipc", "");
}

#[test]
fn null_dereference_ends_only_that_process() {
    let log = scenario("fault", "");
    let report = log.lines().find(|l| l.contains("killed by exception 14")).unwrap_or_else(|| panic!("no fault report:\n{log}"));
    assert!(report.contains("ktest") && report.contains("cr2 0x0") && report.contains("rip 0x"), "report: {report}");
}

#[test]
fn send_to_forbidden_endpoint_fails() {
    scenario("forbidden", "");
}

#[test]
fn out_of_bounds_safecopy_fails() {
    scenario("grant", "");
}

#[test]
fn message_to_dead_endpoint_fails() {
    scenario("dead", "");
}

#[test]
fn send_cycle_is_refused() {
    scenario("deadlock", "");
}

/// The `FUZZ` lines of a fuzz run: (seed, calls, status) per seed.
fn fuzz_lines(log: &str) -> Vec<(String, u64, String)> {
    log.lines()
        .filter_map(|l| l.strip_prefix("FUZZ "))
        .map(|l| {
            let field = |k: &str| l.split_whitespace().find_map(|w| w.strip_prefix(k)).unwrap_or("").to_string();
            (field("seed="), field("calls=").parse().unwrap_or(0), field("status="))
        })
        .collect::<Vec<_>>()
}

/// Prints a fuzz run's per-seed lines (they name the seeds to replay).
fn show_fuzz(log: &str) {
    for line in log.lines().filter(|l| l.starts_with("FUZZ ")) {
        eprintln!("{line}");
    }
}

/// Boots the fuzz scenario `name` (ten seeds of 100,000 calls by
/// default), prints its per-seed lines and checks every seed finished.
fn fuzz_ten_seeds(name: &str) -> Vec<(String, u64, String)> {
    let log = run_scenario_within(name, "", false, Duration::from_secs(600));
    show_fuzz(&log);
    let runs = fuzz_lines(&log);
    assert_eq!(runs.len(), 10, "ten seeds; log:\n{log}");
    assert!(runs.iter().all(|(_, calls, status)| *calls == 100_000 && status == "0x0"), "{runs:?}");
    let mut seeds: Vec<&String> = runs.iter().map(|r| &r.0).collect();
    seeds.sort();
    seeds.dedup();
    assert_eq!(seeds.len(), 10, "the seeds differ: {runs:?}");
    runs
}

#[test]
fn kernel_survives_random_syscalls_with_ten_seeds() {
    fuzz_ten_seeds("fuzz");
}

#[test]
fn kernel_survives_a_broad_rights_type_aware_fuzzer() {
    fuzz_ten_seeds("fuzz-broad");
}

#[test]
fn signal_handler_runs_and_interrupts_a_blocking_call() {
    scenario("signal", "");
}

#[test]
fn process_manager_can_fork_and_exec_a_waiting_client() {
    scenario("forkfor", "");
}

#[test]
fn a_full_process_table_refuses_fork_cleanly_and_recovers() {
    let log = scenario("exhaust", "");
    assert!(log.contains("before fork failed with AGAIN"), "log:\n{log}");
}

#[test]
fn drivers_get_dma_memory_and_device_mappings_but_never_ram() {
    scenario("memory", "");
}

#[test]
fn notifications_never_block_and_coalesce() {
    scenario("notify", "");
}

#[test]
fn io_ports_and_irq_lines_need_privileges() {
    let log = scenario("ports", "");
    assert!(log.contains("killed by exception 13"), "no #GP report:\n{log}");
}

#[test]
fn alarms_arrive_on_time_while_processes_yield() {
    scenario("alarm-yield", "");
    scenario_icount("alarm-yield", "");
}

#[test]
fn priority_policy_is_strict() {
    let log = scenario_icount("sched-prio", "sched=prio");
    assert!(log.contains("sched: prio policy"), "policy not selected:\n{log}");
}

#[test]
fn stride_policy_shares_follow_tickets() {
    let log = scenario_icount("sched-stride", "sched=stride");
    assert!(log.contains("sched: stride policy"), "policy not selected:\n{log}");
}

#[test]
fn a_failing_scenario_is_reported_as_failure() {
    // The harness itself must be able to fail: an unknown scenario makes
    // the guest exit with the FAIL status.
    let opts = Options { cmdline: "ktest=no-such-scenario".into(), ..Options::default() };
    let mut guest = Guest::spawn(image(), &opts).expect("qemu starts");
    let status = guest.wait_exit(TIMEOUT).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(status, debug_exit_status(0x11), "log:\n{}", guest.log());
    assert!(guest.log().contains("KTEST FAIL no-such-scenario"));
}

#[test]
fn device_mappings_need_a_grant_and_kernel_copies_never_touch_them() {
    let log = scenario("device", "");
    assert!(log.contains("physical address bits"), "log:\n{log}");
    assert!(!log.contains("#PF") && !log.contains("KERNEL FAULT"), "the kernel faulted:\n{log}");
}

#[test]
fn control_messages_need_the_right_and_notify_typed_sends_are_refused() {
    let log = scenario("control", "");
    assert!(log.contains("control: ktest-plain checks failed: 0x0"), "log:\n{log}");
}
