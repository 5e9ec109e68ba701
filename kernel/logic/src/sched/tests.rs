//! Tests of both policies: the shared protocol, strict priority for
//! `PriorityRoundRobin`, ticket-proportional shares for `Stride`.

use super::*;
use crate::testrng::Rng;

const TICK: u64 = 1_000_000;
const QUANTUM: u64 = 10 * TICK;

fn both() -> [Box<AnyPolicy>; 2] {
    [
        Box::new(AnyPolicy::Prio(PriorityRoundRobin::new(QUANTUM))),
        Box::new(AnyPolicy::Stride(Stride::new(QUANTUM))),
    ]
}

/// Runs CPU-bound slots for `ticks` timer ticks starting with `current`,
/// adding each tick to the running slot's entry in `cpu`. Returns the slot
/// running at the end (still marked running).
fn run(
    p: &mut dyn Policy,
    mut current: Option<usize>,
    ticks: usize,
    cpu: &mut [u64],
) -> Option<usize> {
    for _ in 0..ticks {
        match current {
            Some(t) => {
                cpu[t] += TICK;
                if p.tick(t, TICK) {
                    p.yield_(t);
                    current = p.pick_next();
                }
            }
            None => current = p.pick_next(),
        }
    }
    current
}

#[test]
fn by_name_chooses_the_policy() {
    assert_eq!(AnyPolicy::by_name("prio").unwrap().name(), "prio");
    assert_eq!(AnyPolicy::by_name("stride").unwrap().name(), "stride");
    assert!(AnyPolicy::by_name("fifo").is_none());
    assert!(AnyPolicy::by_name("").is_none());
    assert_eq!(PolicyKind::by_name("stride"), Some(PolicyKind::Stride));
    static CHOSEN: AnyPolicy = AnyPolicy::new(PolicyKind::Prio, DEFAULT_QUANTUM_NS);
    assert_eq!(CHOSEN.name(), "prio");
}

#[test]
fn protocol_is_the_same_for_both() {
    for mut p in both() {
        let name = p.name();
        assert_eq!(p.pick_next(), None, "{name}: empty");
        p.add(3, 4, 10);
        assert_eq!(p.pick_next(), None, "{name}: added slots start blocked");
        p.wake(3);
        p.wake(3);
        assert_eq!(p.pick_next(), Some(3), "{name}");
        assert_eq!(
            p.pick_next(),
            None,
            "{name}: running slot left the runnable set"
        );
        p.wake(3);
        assert_eq!(
            p.pick_next(),
            None,
            "{name}: waking a running slot does nothing"
        );
        p.yield_(3);
        assert_eq!(p.pick_next(), Some(3), "{name}: yield puts it back");
        p.block(3);
        p.yield_(3);
        assert_eq!(p.pick_next(), None, "{name}: blocked slots do not run");
        p.wake(3);
        p.add(5, 4, 10);
        p.wake(5);
        p.block(3);
        assert_eq!(
            p.pick_next(),
            Some(5),
            "{name}: blocking a runnable slot dequeues it"
        );
        p.remove(5);
        p.wake(5);
        assert_eq!(p.pick_next(), None, "{name}: removed slots are gone");
        assert!(
            !p.tick(5, QUANTUM),
            "{name}: ticks for non-running slots are ignored"
        );
        // Out of range: ignored, no panic.
        for bad in [MAX_PROCS, usize::MAX] {
            p.add(bad, 0, 1);
            p.wake(bad);
            p.block(bad);
            p.yield_(bad);
            p.set_params(bad, 0, 1);
            assert!(!p.tick(bad, 1));
            assert!(!p.should_preempt(bad));
            p.remove(bad);
        }
        // Extreme parameters are clamped.
        p.add(7, 255, 0);
        p.add(8, 0, u32::MAX);
        p.wake(7);
        p.wake(8);
        let mut cpu = [0u64; MAX_PROCS];
        let cur = run(&mut *p, None, 1000, &mut cpu);
        assert!(cpu[8] > 0, "{name}");
        if let Some(t) = cur {
            p.block(t);
        }
    }
}

#[test]
fn quantum_expiry_preempts() {
    for mut p in both() {
        p.add(0, 3, 1);
        p.add(1, 3, 1);
        p.wake(0);
        p.wake(1);
        let t = p.pick_next().unwrap();
        for _ in 0..9 {
            assert!(!p.tick(t, TICK));
        }
        assert!(p.tick(t, TICK), "{}: quantum used up", p.name());
        p.yield_(t);
        assert_eq!(
            p.pick_next(),
            Some(1 - t),
            "{}: the other slot's turn",
            p.name()
        );
    }
}

#[test]
fn priority_is_strict() {
    let mut p = PriorityRoundRobin::new(QUANTUM);
    for (t, prio) in [(0, 2), (1, 0), (2, 0), (3, 5)] {
        p.add(t, prio, 1);
        p.wake(t);
    }
    let mut cpu = [0u64; 4];
    let cur = run(&mut p, None, 1000, &mut cpu);
    assert_eq!(
        (cpu[0], cpu[3]),
        (0, 0),
        "lower levels starve while level 0 is busy"
    );
    assert!(
        cpu[1].abs_diff(cpu[2]) <= QUANTUM,
        "round robin inside level 0: {cpu:?}"
    );
    assert!(matches!(cur, Some(1 | 2)));
    p.block(1);
    p.block(2);
    assert_eq!(p.pick_next(), Some(0), "level 2 next");
    p.wake(3);
    assert!(!p.should_preempt(0), "a lower level never preempts");
    assert!(!p.tick(0, TICK));
    p.wake(2);
    assert!(p.should_preempt(0), "a higher level preempts at once");
    assert!(p.tick(0, 1), "and at the next tick, whatever the quantum");
    p.yield_(0);
    assert_eq!(p.pick_next(), Some(2));
    p.set_params(3, 0, 1);
    assert!(!p.should_preempt(2), "same level: no preemption");
    p.block(2);
    assert_eq!(
        p.pick_next(),
        Some(3),
        "raised priority takes effect while queued"
    );
}

#[test]
fn priority_holds_under_random_events() {
    let mut rng = Rng::new(5);
    let mut p = PriorityRoundRobin::new(QUANTUM);
    const N: usize = 40;
    let prio: Vec<u8> = (0..N).map(|_| rng.below(LEVELS as u64) as u8).collect();
    for (t, &pr) in prio.iter().enumerate() {
        p.add(t, pr, 1);
    }
    let mut current: Option<usize> = None;
    for _ in 0..100_000 {
        let t = rng.below(N as u64) as usize;
        match rng.below(4) {
            0 => p.wake(t),
            1 => {
                p.block(t);
                if current == Some(t) {
                    current = None;
                }
            }
            _ => {
                if let Some(c) = current {
                    if p.tick(c, TICK) || p.should_preempt(c) {
                        p.yield_(c);
                        current = None;
                    }
                }
            }
        }
        if current.is_none() {
            current = p.pick_next();
            if let Some(c) = current {
                // Nothing runnable may outrank the slot just picked.
                for u in 0..N {
                    if p.state(u) == RunState::Runnable {
                        assert!(
                            prio[u] >= prio[c],
                            "picked {c} (level {}) over {u} (level {})",
                            prio[c],
                            prio[u]
                        );
                    }
                }
            }
        }
    }
}

fn shares(p: &mut dyn Policy, tickets: &[u32], ticks: usize) -> Vec<f64> {
    for (t, &n) in tickets.iter().enumerate() {
        p.add(t, 0, n);
        p.wake(t);
    }
    let mut cpu = vec![0u64; tickets.len()];
    run(p, None, ticks, &mut cpu);
    let total: u64 = cpu.iter().sum();
    cpu.iter().map(|&c| c as f64 / total as f64).collect()
}

fn assert_proportional(got: &[f64], tickets: &[u32]) {
    let sum: u32 = tickets.iter().sum();
    for (g, &n) in got.iter().zip(tickets) {
        let want = f64::from(n) / f64::from(sum);
        assert!(
            (g - want).abs() <= 0.10 * want,
            "share {g:.4}, want {want:.4} (all: {got:?})"
        );
    }
}

#[test]
fn stride_shares_follow_tickets() {
    // 100 simulated seconds, 1 ms ticks, 10 ms quantum.
    for tickets in [
        &[3u32, 2, 1][..],
        &[100, 50, 25, 25],
        &[1, 1],
        &[7, 13, 29, 1, 50],
    ] {
        let mut p = Stride::new(QUANTUM);
        let got = shares(&mut p, tickets, 100_000);
        assert_proportional(&got, tickets);
    }
}

#[test]
fn priority_policy_ignores_tickets() {
    let mut p = PriorityRoundRobin::new(QUANTUM);
    let got = shares(&mut p, &[3, 2, 1], 30_000);
    for g in got {
        assert!(
            (g - 1.0 / 3.0).abs() < 0.01,
            "equal shares in one level: {g}"
        );
    }
}

#[test]
fn stride_set_params_changes_shares() {
    let mut p = Stride::new(QUANTUM);
    for t in 0..2 {
        p.add(t, 0, 10);
        p.wake(t);
    }
    let mut cpu = [0u64; 2];
    let cur = run(&mut p, None, 10_000, &mut cpu);
    p.set_params(1, 0, 30);
    let mut cpu = [0u64; 2];
    run(&mut p, cur, 50_000, &mut cpu);
    let share = cpu[1] as f64 / (cpu[0] + cpu[1]) as f64;
    assert!(
        (share - 0.75).abs() < 0.075,
        "share after set_params: {share}"
    );
}

#[test]
fn stride_sleeper_cannot_monopolise_after_waking() {
    let mut p = Stride::new(QUANTUM);
    for t in 0..2 {
        p.add(t, 0, 100);
        p.wake(t);
    }
    p.block(1);
    let mut cpu = [0u64; 2];
    let cur = run(&mut p, None, 10_000, &mut cpu);
    assert_eq!(cpu[1], 0);
    p.wake(1);
    let mut cpu = [0u64; 2];
    run(&mut p, cur, 1_000, &mut cpu);
    // Without the catch-up rule slot 1 would run alone for 10 s.
    let share = cpu[1] as f64 / 1e9;
    assert!(
        (0.4..=0.6).contains(&share),
        "woken slot's share over the next second: {share}"
    );
}

#[test]
fn stride_always_picks_the_smallest_pass() {
    let mut rng = Rng::new(11);
    let mut p = Stride::new(QUANTUM);
    const N: usize = 50;
    for t in 0..N {
        p.add(t, 0, rng.below(100) as u32 + 1);
    }
    let mut current: Option<usize> = None;
    for _ in 0..100_000 {
        let t = rng.below(N as u64) as usize;
        match rng.below(6) {
            0 => p.wake(t),
            1 => {
                p.block(t);
                if current == Some(t) {
                    current = None;
                }
            }
            2 => p.set_params(t, 0, rng.below(1000) as u32),
            3 if rng.below(50) == 0 => {
                p.remove(t);
                p.add(t, 0, 5);
                if current == Some(t) {
                    current = None;
                }
            }
            _ => {
                if let Some(c) = current {
                    if p.tick(c, rng.below(2 * TICK)) {
                        p.yield_(c);
                        current = None;
                    }
                }
            }
        }
        if current.is_none() {
            current = p.pick_next();
            if let Some(c) = current {
                let min = (0..N)
                    .filter(|&u| p.state(u) == RunState::Runnable)
                    .filter_map(|u| p.pass(u))
                    .min();
                if let Some(min) = min {
                    assert!(p.pass(c).unwrap() <= min, "picked a pass above the minimum");
                }
            }
        }
    }
}

#[test]
fn prio_handoff_keeps_strict_priority() {
    let mut p = PriorityRoundRobin::new(DEFAULT_QUANTUM_NS);
    p.add(0, 4, 100); // client
    p.add(1, 4, 100); // server
    p.add(2, 2, 100); // a higher-priority process
    p.wake(0);
    assert_eq!(p.pick_next(), Some(0));
    // Nothing higher is runnable: the server gets the CPU directly.
    assert!(p.handoff(0, 1));
    assert_eq!(p.state(0), RunState::Blocked);
    assert_eq!(p.state(1), RunState::Running);
    // With a higher-priority process runnable, no handoff.
    p.wake(2);
    assert!(!p.handoff(1, 0));
    assert_eq!(p.state(1), RunState::Running);
    assert_eq!(p.state(0), RunState::Blocked);
    // Handoff refuses nonsense: to itself, to a runnable slot, from a blocked one.
    assert!(!p.handoff(1, 1));
    assert!(!p.handoff(1, 2));
    assert!(!p.handoff(0, 1));
    // The stride policy never hands off.
    let mut s = AnyPolicy::by_name("stride").unwrap();
    s.add(0, 8, 100);
    s.add(1, 8, 100);
    s.wake(0);
    assert_eq!(s.pick_next(), Some(0));
    assert!(!s.handoff(0, 1));
}
