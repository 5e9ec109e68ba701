//! Two stacks on a perfect in-memory wire: the handshake, RST on a closed
//! port, UDP echo, ICMP echo, ARP resolution and expiry, fragments.
mod common;
use common::*;
use molt_net::wire::Impairments;
use std::time::Duration;

#[test]
fn three_way_handshake_takes_three_segments() {
    let mut l = lab(Impairments::none(), &[]);
    // resolve ARP first so only TCP segments count below
    assert_eq!(l.a.ask(&format!("ping {B} 8 1"), T).unwrap(), "ping ok 1");
    let sa = l.a.stats().unwrap();
    let sb = l.b.stats().unwrap();
    l.b.ask("listen 5000", T).unwrap();
    let r = l.a.ask(&format!("connect {B} 5000"), T).unwrap();
    assert!(r.starts_with("connect ok"), "{r}");
    let id: u32 = r.split_whitespace().nth(2).unwrap().parse().unwrap();
    let acc = l.b.expect("accepted", T).unwrap();
    let bid: u32 = acc.split_whitespace().nth(1).unwrap().parse().unwrap();
    assert_eq!(l.a.ask(&format!("state {id}"), T).unwrap(), format!("state {id} ESTABLISHED"));
    // the server's side completes when the third segment arrives
    assert_eq!(l.b.ask(&format!("state {bid}"), T).unwrap(), format!("state {bid} ESTABLISHED"));
    let sa2 = l.a.stats().unwrap();
    let sb2 = l.b.stats().unwrap();
    // SYN and ACK from A; SYN-ACK from B (then, as in 4.4BSD, a window
    // update once window scaling is in force)
    assert_eq!(stat(&sa2, &["tcp", "sent"]) - stat(&sa, &["tcp", "sent"]), 2);
    let b_sent = stat(&sb2, &["tcp", "sent"]) - stat(&sb, &["tcp", "sent"]);
    assert!((1..=2).contains(&b_sent), "B sent {b_sent}");
    assert_eq!(stat(&sa2, &["tcp", "connects"]) - stat(&sa, &["tcp", "connects"]), 1);
    assert_eq!(stat(&sb2, &["tcp", "accepts"]) - stat(&sb, &["tcp", "accepts"]), 1);
}

#[test]
fn connect_to_closed_port_is_reset() {
    let mut l = lab(Impairments::none(), &[]);
    let r = l.a.ask(&format!("connect {B} 4444"), T).unwrap();
    assert!(r.starts_with("connect err ECONNREFUSED"), "{r}");
    let sb = l.b.stats().unwrap();
    assert_eq!(stat(&sb, &["tcp", "drops", "no_port"]), 1);
    let sa = l.a.stats().unwrap();
    assert_eq!(stat(&sa, &["tcp", "resets_in"]), 1);
}

#[test]
fn udp_echo() {
    let mut l = lab(Impairments::none(), &[]);
    for len in [1, 100, 1472] {
        assert_eq!(l.a.ask(&format!("udp {B} 7 {len}"), T).unwrap(), format!("udp ok {len}"));
    }
    // to a port with no socket: an ICMP port unreachable comes back, no echo
    assert_eq!(l.a.ask(&format!("udp {B} 4000 10"), T).unwrap(), "udp timeout");
    assert_eq!(stat(&l.b.stats().unwrap(), &["udp", "drops", "no_port"]), 1);
    assert_eq!(stat(&l.a.stats().unwrap(), &["icmp", "unreachables_in"]), 1);
}

#[test]
fn icmp_echo() {
    let mut l = lab(Impairments::none(), &[]);
    assert_eq!(l.a.ask(&format!("ping {B} 56 5"), T).unwrap(), "ping ok 5");
    let sb = l.b.stats().unwrap();
    assert_eq!(stat(&sb, &["icmp", "echo_requests_in"]), 5);
    assert_eq!(stat(&sb, &["icmp", "replies_sent"]), 5);
}

#[test]
fn ip_fragments_are_reassembled() {
    let mut l = lab(Impairments::none(), &[]);
    // 4000-byte datagrams exceed the 1500-byte MTU both ways
    assert_eq!(l.a.ask(&format!("udp {B} 7 4000"), T).unwrap(), "udp ok 4000");
    assert_eq!(l.a.ask(&format!("ping {B} 3000 2"), T).unwrap(), "ping ok 2");
    let (sa, sb) = (l.a.stats().unwrap(), l.b.stats().unwrap());
    assert!(stat(&sa, &["ip", "fragmented"]) >= 3);
    assert_eq!(stat(&sb, &["ip", "reassembled"]), 3);
    assert_eq!(stat(&sa, &["ip", "reassembled"]), 3);
    assert_eq!(stat(&sb, &["ip", "drops", "fragments_dropped"]), 0);
}

#[test]
fn arp_resolves_and_expires() {
    // resolved entries live 10 slow ticks (5 network seconds, 0.1 s here)
    let mut l = lab(Impairments::none(), &["--arp-keep", "10"]);
    assert_eq!(l.a.ask(&format!("arp {B}"), T).unwrap(), format!("arp {B} none"));
    assert_eq!(l.a.ask(&format!("udp {B} 7 10"), T).unwrap(), "udp ok 10");
    assert_eq!(l.a.ask(&format!("arp {B}"), T).unwrap(), format!("arp {B} 02:00:0a:00:00:02"));
    let s = l.a.stats().unwrap();
    assert_eq!(stat(&s, &["arp", "requests_sent"]), 2, "one gratuitous, one request");
    std::thread::sleep(Duration::from_millis(400));
    assert_eq!(l.a.ask(&format!("arp {B}"), T).unwrap(), format!("arp {B} none"));
    let s = l.a.stats().unwrap();
    assert!(stat(&s, &["arp", "expired"]) >= 1);
    // traffic resolves it again
    assert_eq!(l.a.ask(&format!("udp {B} 7 10"), T).unwrap(), "udp ok 10");
    let s2 = l.a.stats().unwrap();
    assert_eq!(stat(&s2, &["arp", "requests_sent"]), 3);
}
