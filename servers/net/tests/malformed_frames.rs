//! 100,000 malformed frames (fixed seed) fed straight into one stack:
//! truncated headers, bad lengths and offsets, bad checksums, random
//! bytes, overlapping fragments, bad ARP. Every one must be dropped and
//! counted exactly once in the statistics, nothing may crash, and mbuf use
//! must be back at its baseline afterwards.
//!
//! The stack is a process-wide singleton, so this file holds one test.
use std::net::Ipv4Addr;

use molt_net::frames::*;
use molt_net::stack::{self, Cidr};

const OURS: [u8; 6] = [0x02, 0, 10, 0, 0, 2];
const PEER: [u8; 6] = [0x02, 0, 10, 0, 0, 1];
const ME: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 2);
const YOU: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 1);
const FRAMES: usize = 100_000;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
    /// Fewer than `max` random bytes.
    fn some_bytes(&mut self, max: u64) -> Vec<u8> {
        let n = self.below(max) as usize;
        self.bytes(n)
    }
}

/// A well-formed IPv4 datagram to us of a random transport.
fn good_datagram(r: &mut Rng) -> Vec<u8> {
    let data = r.some_bytes(200);
    let (proto, seg) = match r.below(3) {
        0 => (17, udp(YOU, ME, 1000 + r.below(1000) as u16, 7, &data)),
        1 => (6, tcp(YOU, ME, 1000, 80 + r.below(100) as u16, r.next() as u32, 0, 0x02, &data)),
        _ => (1, icmp(8, 0, [0, 1, 0, 1], &data)),
    };
    ipv4(YOU, ME, proto, r.next() as u16, 0, &seg)
}

/// One malformed frame (two for overlapping fragments); which way it is
/// broken depends on the draw.
fn malformed(r: &mut Rng, frag_id: u16) -> Vec<Vec<u8>> {
    vec![match r.below(9) {
        // random bytes after a header addressed to us
        0 => {
            let ty = [ETHERTYPE_IP, ETHERTYPE_ARP, r.next() as u16][r.below(3) as usize];
            ether(OURS, PEER, ty, &r.some_bytes(1500))
        }
        // a runt: shorter than an Ethernet header
        1 => r.some_bytes(14),
        // truncated: a good datagram cut inside its headers or data
        2 => {
            let d = good_datagram(r);
            let cut = r.below(d.len() as u64) as usize;
            ether(OURS, PEER, ETHERTYPE_IP, &d[..cut])
        }
        // bad IP header length or total length (checksum kept right)
        3 => {
            let mut d = good_datagram(r);
            if r.below(2) == 0 {
                let hl = [0u8, 1, 2, 3, 4, 15][r.below(6) as usize];
                d[0] = 0x40 | hl;
            } else {
                let bad = [0u16, 10, 19, (d.len() + 1 + r.below(1000) as usize) as u16][r.below(4) as usize];
                d[2..4].copy_from_slice(&bad.to_be_bytes());
            }
            fix_ip_cksum(&mut d);
            ether(OURS, PEER, ETHERTYPE_IP, &d)
        }
        // bad transport lengths and offsets (IP checksum right)
        4 => {
            let data = r.some_bytes(100);
            let d = if r.below(2) == 0 {
                let mut s = udp(YOU, ME, 1, 7, &data);
                let bad = [0u16, 7, (s.len() + 1 + r.below(100) as usize) as u16][r.below(3) as usize];
                s[4..6].copy_from_slice(&bad.to_be_bytes());
                ipv4(YOU, ME, 17, 1, 0, &s)
            } else {
                let mut s = tcp(YOU, ME, 1, 80, 1, 0, 0x02, &data);
                let off = [0u8, 1, 4, 15][r.below(4) as usize];
                s[12] = off << 4;
                if off == 15 && s.len() >= 60 {
                    s[12] = 0;
                }
                fix_tcp_cksum(YOU, ME, &mut s);
                ipv4(YOU, ME, 6, 1, 0, &s)
            };
            ether(OURS, PEER, ETHERTYPE_IP, &d)
        }
        // one bit flipped past the Ethernet header: a checksum must catch it
        5 => {
            let mut d = good_datagram(r);
            let i = r.below(d.len() as u64) as usize;
            let bit = 1u8 << r.below(8);
            // (a flip in the version/length nibbles or total length is caught
            // by the length checks instead, which count it just the same)
            d[i] ^= bit;
            ether(OURS, PEER, ETHERTYPE_IP, &d)
        }
        // overlapping fragments: [0, 16) then [8, 8+n), different extents
        6 => {
            let payload = r.bytes(64);
            let first = ipv4(YOU, ME, 17, frag_id, 0x2000, &payload[..16]);
            let n = 8 * (1 + r.below(4) as usize);
            let more = if r.below(2) == 0 { 0x2000 } else { 0 };
            let second = ipv4(YOU, ME, 17, frag_id, more | 1, &payload[8..8 + n]);
            return vec![ether(OURS, PEER, ETHERTYPE_IP, &first), ether(OURS, PEER, ETHERTYPE_IP, &second)];
        }
        // ARP with wrong sizes, opcodes or our own address as sender
        7 => {
            let mut a = arp(1 + r.below(2) as u16, PEER, YOU, [0; 6], ME);
            match r.below(4) {
                0 => a[4] = r.below(6) as u8,       // hardware length
                1 => a[5] = 5 + r.below(4) as u8,   // protocol length
                2 => a[6..8].copy_from_slice(&(3 + r.below(100) as u16).to_be_bytes()),
                _ => a[8..14].copy_from_slice(&OURS), // "from" ourselves
            }
            let cut = if r.below(4) == 0 { r.below(a.len() as u64) as usize } else { a.len() };
            ether(OURS, PEER, ETHERTYPE_ARP, &a[..cut])
        }
        // unknown Ethernet type
        _ => ether(OURS, PEER, 0x86dd, &r.bytes(60)),
    }]
}

#[test]
fn malformed_frames_are_dropped_and_counted_without_leaks() {
    molt_net::backend::install();
    // no packet interface behind handle 0: replies (ICMP errors, RSTs) are
    // counted as output errors and freed
    let ifp = stack::attach_ether("en", 0, OURS, 99, Cidr { addr: ME, prefix: 24 }, None);
    // let the gratuitous ARP and its retries finish, then take the baseline
    for _ in 0..20 {
        stack::slow_tick();
    }
    let before = stack::stats();
    let mut r = Rng(0x5eed_1234_abcd_0001);
    let mut fed = 0usize;
    let mut frag_id = 1u16;
    while fed < FRAMES {
        frag_id = frag_id.wrapping_add(1);
        for f in malformed(&mut r, frag_id) {
            stack::input(ifp, &f);
            fed += 1;
        }
    }
    // expire whatever waits: fragments (120 ticks), ARP requests for replies
    for _ in 0..130 {
        stack::slow_tick();
        stack::fast_tick();
    }
    let after = stack::stats();
    let dropped = after.drops() - before.drops();
    assert_eq!(dropped, fed as u64, "every malformed frame dropped and counted once\n{}", after.to_json());
    // what got past IP was dropped by the protocol it was for
    let delivered = after.ip.ips_delivered - before.ip.ips_delivered;
    assert_eq!(delivered, count_delivered_drops(&before, &after));
    // and every kind of damage was met
    let (a, b) = (&after, &before);
    for (what, n) in [
        ("runts", a.ifs[1].ierrors - b.ifs[1].ierrors),
        ("unknown ethertype", a.ifs[1].noproto - b.ifs[1].noproto),
        ("ip bad checksum", a.ip.ips_badsum - b.ip.ips_badsum),
        ("ip bad header length", a.ip.ips_badhlen - b.ip.ips_badhlen),
        ("ip bad length", a.ip.ips_badlen - b.ip.ips_badlen),
        ("ip too short", a.ip.ips_tooshort - b.ip.ips_tooshort),
        ("overlapping fragments", a.ip.ips_fragdropped - b.ip.ips_fragdropped),
        ("udp bad checksum", a.udp.udps_badsum - b.udp.udps_badsum),
        ("udp bad length", a.udp.udps_badlen - b.udp.udps_badlen),
        ("tcp bad checksum", a.tcp.tcps_rcvbadsum - b.tcp.tcps_rcvbadsum),
        ("tcp bad offset", a.tcp.tcps_rcvbadoff - b.tcp.tcps_rcvbadoff),
        ("icmp bad checksum", a.icmp.icps_checksum - b.icmp.icps_checksum),
        ("arp bad sizes", a.arp.as_badlen - b.arp.as_badlen),
        ("arp bad sender", a.arp.as_badaddr - b.arp.as_badaddr),
    ] {
        assert!(n > 100, "{what}: only {n}");
    }
    assert_eq!(after.mbufs_in_use(), before.mbufs_in_use(), "mbufs back at baseline");
    assert_eq!(after.clusters_in_use(), before.clusters_in_use(), "clusters back at baseline");
}

/// Datagrams that passed IP and were dropped by ICMP, UDP or TCP.
fn count_delivered_drops(b: &stack::Stats, a: &stack::Stats) -> u64 {
    let icmp = (a.icmp.icps_tooshort + a.icmp.icps_checksum + a.icmp.icps_badlen + a.icmp.icps_badcode)
        - (b.icmp.icps_tooshort + b.icmp.icps_checksum + b.icmp.icps_badlen + b.icmp.icps_badcode);
    let udp = (a.udp.udps_hdrops + a.udp.udps_badsum + a.udp.udps_badlen + a.udp.udps_noport + a.udp.udps_fullsock)
        - (b.udp.udps_hdrops + b.udp.udps_badsum + b.udp.udps_badlen + b.udp.udps_noport + b.udp.udps_fullsock);
    let tcp = (a.tcp.tcps_rcvbadsum + a.tcp.tcps_rcvbadoff + a.tcp.tcps_rcvshort + a.tcp.tcps_noport)
        - (b.tcp.tcps_rcvbadsum + b.tcp.tcps_rcvbadoff + b.tcp.tcps_rcvshort + b.tcp.tcps_noport);
    icmp + udp + tcp
}
