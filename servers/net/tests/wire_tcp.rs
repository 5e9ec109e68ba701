//! TCP between two stacks on the in-memory wire: 16 MiB each way through
//! the echo service on a clean wire and on a lossy one, and a
//! simultaneous close.
mod common;
use common::*;
use molt_net::wire::Impairments;
use std::time::{Duration, Instant};

const MIB16: u64 = 16 * 1024 * 1024;

/// 16 MiB from A to B and 16 MiB from B to A at the same time, over two
/// connections; each receiver checks every byte against the sender's
/// seeded pattern.
fn bulk_each_way(imp: Impairments) -> (serde_json::Value, serde_json::Value) {
    // network time 200 times real time: the 1 s minimum RTO is 5 ms
    let mut l = lab_scaled(imp, 200, &[]);
    let long = Duration::from_secs(240);
    assert_eq!(l.b.ask(&format!("sink 6000 {MIB16} 11"), T).unwrap(), "sink listening");
    assert_eq!(l.a.ask(&format!("sink 6001 {MIB16} 22"), T).unwrap(), "sink listening");
    l.a.send(&format!("send {B} 6000 {MIB16} 11")).unwrap();
    l.b.send(&format!("send {A} 6001 {MIB16} 22")).unwrap();
    for n in [&mut l.a, &mut l.b] {
        let r = n.expect("send", long).unwrap();
        assert!(r.starts_with(&format!("send ok {MIB16} ")), "{}: {r}", n.name);
        let r = n.expect("sink", long).unwrap();
        assert!(r.starts_with(&format!("sink ok {MIB16} ")), "{}: {r}", n.name);
    }
    (l.a.stats().unwrap(), l.b.stats().unwrap())
}

fn lossy() -> Impairments {
    Impairments {
        loss: 0.05,
        duplicate: 0.01,
        reorder: 0.01,
        reorder_delay: Duration::from_micros(300),
        delay: Duration::from_micros(100),
        seed: 7,
    }
}

#[test]
fn bulk_16mib_each_way_clean_wire() {
    let (a, b) = bulk_each_way(Impairments::none());
    for s in [&a, &b] {
        assert!(stat(s, &["tcp", "received"]) > 11_000);
        assert_eq!(stat(s, &["mbufs", "clusters_in_use"]), 0);
    }
}

#[test]
fn bulk_16mib_each_way_5_percent_loss() {
    let (a, b) = bulk_each_way(lossy());
    // the losses were repaired by retransmission, some of it fast
    for s in [&a, &b] {
        assert!(stat(s, &["tcp", "retransmitted_segments"]) > 100);
        assert!(stat(s, &["tcp", "fast_retransmits"]) > 10);
        assert!(stat(s, &["tcp", "out_of_order_in"]) > 10);
    }
}

#[test]
fn echo_service_with_loss() {
    // data and ACKs share segments both ways through the echo service
    let mut l = lab_scaled(lossy(), 200, &[]);
    let r = l.a.ask(&format!("bulk {B} 7 {} 5", 1 << 20), Duration::from_secs(240)).unwrap();
    assert!(r.starts_with(&format!("bulk ok {} ", 1 << 20)), "{r}");
}

fn wait_state(n: &mut molt_net::lab::NodeProc, id: u32, want: &str, within: Duration) -> String {
    let deadline = Instant::now() + within;
    loop {
        let s = n.ask(&format!("state {id}"), T).unwrap();
        if s.ends_with(want) || Instant::now() > deadline {
            return s;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn simultaneous_close_leaves_both_in_time_wait() {
    let mut l = lab(Impairments::none(), &[]);
    l.b.ask("listen 5001", T).unwrap();
    let r = l.a.ask(&format!("connect {B} 5001"), T).unwrap();
    let a_id: u32 = r.split_whitespace().nth(2).unwrap().parse().unwrap();
    let b_id: u32 = l.b.expect("accepted", T).unwrap().split_whitespace().nth(1).unwrap().parse().unwrap();
    assert!(wait_state(&mut l.b, b_id, "ESTABLISHED", T).ends_with("ESTABLISHED"));
    // hold the wire so the two FINs cross
    l.wire.hold(true);
    assert_eq!(l.a.ask(&format!("shutdown {a_id}"), T).unwrap(), "shutdown ok");
    assert_eq!(l.b.ask(&format!("shutdown {b_id}"), T).unwrap(), "shutdown ok");
    assert!(l.a.ask(&format!("state {a_id}"), T).unwrap().ends_with("FIN_WAIT_1"));
    assert!(l.b.ask(&format!("state {b_id}"), T).unwrap().ends_with("FIN_WAIT_1"));
    let deadline = Instant::now() + T;
    while l.wire.queued() < 2 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(2));
    }
    l.wire.hold(false);
    // FIN_WAIT_1 -> CLOSING -> TIME_WAIT on both sides
    assert!(wait_state(&mut l.a, a_id, "TIME_WAIT", T).ends_with("TIME_WAIT"));
    assert!(wait_state(&mut l.b, b_id, "TIME_WAIT", T).ends_with("TIME_WAIT"));
    // and both are gone after 2*MSL (60 network seconds, 3 s here)
    assert!(wait_state(&mut l.a, a_id, "CLOSED", T).ends_with("CLOSED"));
    assert!(wait_state(&mut l.b, b_id, "CLOSED", T).ends_with("CLOSED"));
}
