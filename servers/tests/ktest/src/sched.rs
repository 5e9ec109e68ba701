//! Scheduler-policy scenarios, each run on a kernel booted with the
//! matching `sched=` policy:
//! - `sched-prio`: strict priority. Two CPU-bound children at priorities 4
//!   and 6; after 500 ms the lower one must have had no CPU at all.
//! - `sched-stride`: proportional share. Three CPU-bound children with
//!   300, 200 and 100 tickets; after 3 s each one's share of their total
//!   CPU time must be within 10% of its share of the tickets.

use crate::scenarios::fork_child;
use crate::{check, Verdict};
use molt_abi::{Endpoint, Message};
use molt_rt::{ipc, kcall, println};

pub const ALL: &[crate::Scenario] =
    &[("sched-prio", strict_priority), ("sched-stride", stride_shares), ("alarm-yield", alarm_while_yielding)];

/// An alarm must arrive on time even while the process does nothing but
/// yield (it then spends almost all its time in the kernel).
fn alarm_while_yielding() -> Verdict {
    let t0 = kcall::uptime_ns();
    kcall::alarm(10_000_000).map_err(|_| "alarm")?;
    let mut m = Message::default();
    let mut yields = 0u64;
    loop {
        ipc::yield_now();
        yields += 1;
        if let Ok(from) = ipc::try_receive(Endpoint::ANY, &mut m) {
            if from == Endpoint::KERNEL {
                break;
            }
        }
        check!(kcall::uptime_ns() - t0 < 2_000_000_000, "no alarm within 2 s while yielding");
    }
    let late_ms = (kcall::uptime_ns() - t0) / 1_000_000;
    println!("alarm-yield: alarm after {late_ms} ms ({yields} yields)");
    check!(late_ms < 40, "a 10 ms alarm came more than 40 ms late");
    // Another process of the same priority sleeping on an alarm wakes on
    // time while we keep yielding.
    let sleeper = fork_child(|_| {
        let t0 = kcall::uptime_ns();
        if sleep(10_000_000).is_err() {
            return -1;
        }
        ((kcall::uptime_ns() - t0) / 1_000_000) as i64
    })?;
    loop {
        ipc::yield_now();
        if let Ok(Some((_, ms))) = kcall::wait_nohang(sleeper) {
            println!("alarm-yield: the sleeper woke after {ms} ms");
            check!((10..40).contains(&ms), "a sleeper's 10 ms alarm was late while another process yielded");
            return Ok(());
        }
        check!(kcall::uptime_ns() - t0 < 2_000_000_000, "the sleeper never woke");
    }
}

fn spin(_parent: Endpoint) -> i64 {
    let mut x = 0u64;
    loop {
        x = core::hint::black_box(x.wrapping_add(1));
    }
}

/// Sleeps `ns` on an alarm, ignoring other messages.
fn sleep(ns: u64) -> Verdict {
    kcall::alarm(ns).map_err(|_| "alarm")?;
    let mut m = Message::default();
    loop {
        let from = ipc::receive(Endpoint::ANY, &mut m).map_err(|_| "receive")?;
        if from == Endpoint::KERNEL && m.payload[0] & molt_abi::message::NOTIFY_ALARM != 0 {
            return Ok(());
        }
    }
}

fn stop(children: &[Endpoint]) {
    for &c in children {
        let _ = kcall::kill(c, 9);
        let _ = kcall::wait(c);
    }
}

fn strict_priority() -> Verdict {
    let me = kcall::self_endpoint();
    kcall::sched_ctl(me, 1, 100).map_err(|_| "sched_ctl self")?;
    let low = fork_child(spin)?;
    kcall::sched_ctl(low, 6, 100).map_err(|_| "sched_ctl low")?;
    let high = fork_child(spin)?;
    kcall::sched_ctl(high, 4, 100).map_err(|_| "sched_ctl high")?;
    // A child may have run at our priority before its own was set: only
    // CPU used from here on counts.
    let (h0, l0) = (kcall::cpu_time(high).unwrap_or(0), kcall::cpu_time(low).unwrap_or(0));
    sleep(500_000_000)?;
    let h = kcall::cpu_time(high).unwrap_or(0) - h0;
    let l = kcall::cpu_time(low).map_or(u64::MAX, |l| l - l0);
    stop(&[high, low]);
    println!("sched-prio: high {} ms, low {} ms of CPU", h / 1_000_000, l / 1_000_000);
    check!(h >= 300_000_000, "the high-priority process did not get the CPU");
    check!(l == 0, "the low-priority process ran while a higher one was runnable");
    Ok(())
}

fn stride_shares() -> Verdict {
    let me = kcall::self_endpoint();
    kcall::sched_ctl(me, 0, 10_000).map_err(|_| "sched_ctl self")?;
    let tickets = [300u32, 200, 100];
    let mut kids = [Endpoint::NONE; 3];
    for (kid, &t) in kids.iter_mut().zip(&tickets) {
        *kid = fork_child(spin)?;
        kcall::sched_ctl(*kid, 8, t).map_err(|_| "sched_ctl child")?;
    }
    // Count only CPU used once every child has its tickets.
    let mut base = [0u64; 3];
    for (b, &kid) in base.iter_mut().zip(&kids) {
        *b = kcall::cpu_time(kid).unwrap_or(0);
    }
    sleep(3_000_000_000)?;
    let mut cpu = [0u64; 3];
    for ((c, &kid), &b) in cpu.iter_mut().zip(&kids).zip(&base) {
        *c = kcall::cpu_time(kid).unwrap_or(0).saturating_sub(b);
    }
    stop(&kids);
    let total: u64 = cpu.iter().sum();
    let total_tickets: u32 = tickets.iter().sum();
    check!(total > 0, "children got no CPU");
    for i in 0..3 {
        let share_permille = cpu[i] * 1000 / total;
        let want_permille = u64::from(tickets[i]) * 1000 / u64::from(total_tickets);
        println!("sched-stride: {} tickets -> {}.{}% of CPU (want {}.{}%)", tickets[i],
            share_permille / 10, share_permille % 10, want_permille / 10, want_permille % 10);
        check!(share_permille.abs_diff(want_permille) * 10 <= want_permille, "CPU share off by more than 10%");
    }
    Ok(())
}
