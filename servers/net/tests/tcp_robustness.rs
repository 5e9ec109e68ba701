//! 50,000 well-checksummed but hostile TCP segments (fixed seed): random
//! flags, sequence and acknowledgment numbers, windows and option bytes
//! (malformed MSS and window-scale options included), aimed at a listening
//! port, at closed ports, and at the embryonic connections the SYNs among
//! them create. The stack must answer or drop each without crashing, and
//! once the listener is closed and the timers have run, every mbuf and
//! connection must be gone again.
//!
//! Frames the stack sends go to a socket pair this test reads (and
//! discards), through the hosted packet backend.
use std::net::{Ipv4Addr, SocketAddrV4};
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixDatagram;

use molt_net::frames::*;
use molt_net::socket::{Kind, Socket};
use molt_net::stack::{self, Cidr};

const OURS: [u8; 6] = [0x02, 0, 10, 1, 0, 2];
const PEER: [u8; 6] = [0x02, 0, 10, 1, 0, 1];
const ME: Ipv4Addr = Ipv4Addr::new(10, 1, 0, 2);
const YOU: Ipv4Addr = Ipv4Addr::new(10, 1, 0, 1);

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn hostile_segment(r: &mut Rng) -> Vec<u8> {
    let sport = 40000 + (r.next() % 8) as u16; // few peers: segments meet existing connections
    let dport = if r.next().is_multiple_of(4) { (r.next() % 1000) as u16 } else { 80 };
    let flags = (r.next() & 0x3f) as u8;
    let optwords = (r.next() % 11) as usize;
    let mut opts: Vec<u8> = (0..optwords * 4).map(|_| r.next() as u8).collect();
    // often make the options almost right: kind 2 (MSS) or 3 (window scale)
    if !opts.is_empty() && r.next().is_multiple_of(2) {
        opts[0] = 2 + (r.next() % 2) as u8;
        if opts.len() > 1 {
            opts[1] = (r.next() % 6) as u8;
        }
    }
    let data: Vec<u8> = (0..(r.next() % 300) as usize).map(|_| r.next() as u8).collect();
    let mut s = Vec::new();
    s.extend_from_slice(&sport.to_be_bytes());
    s.extend_from_slice(&dport.to_be_bytes());
    s.extend_from_slice(&(r.next() as u32).to_be_bytes());
    s.extend_from_slice(&(r.next() as u32).to_be_bytes());
    s.push(((5 + optwords) as u8) << 4);
    s.push(flags);
    s.extend_from_slice(&(r.next() as u16).to_be_bytes());
    s.extend_from_slice(&[0, 0, 0, 0]);
    s.extend_from_slice(&opts);
    s.extend_from_slice(&data);
    fix_tcp_cksum(YOU, ME, &mut s);
    ether(OURS, PEER, ETHERTYPE_IP, &ipv4(YOU, ME, 6, r.next() as u16, 0, &s))
}

#[test]
fn hostile_tcp_segments_neither_crash_nor_leak() {
    molt_net::backend::install();
    let (ours, theirs) = UnixDatagram::pair().unwrap();
    theirs.set_nonblocking(true).unwrap();
    let handle = molt_shims::platform::pkt_open(&format!("fd:{}", ours.as_raw_fd())).unwrap();
    let ifp = stack::attach_ether("en", 0, OURS, handle, Cidr { addr: ME, prefix: 24 }, None);
    let drain = |b: &mut [u8]| while theirs.recv(b).is_ok() {};
    let mut buf = [0u8; 2048];
    // the peer's address is known, so replies are not held waiting for ARP
    stack::input(ifp, &ether(OURS, PEER, ETHERTYPE_ARP, &arp(2, PEER, YOU, OURS, ME)));
    for _ in 0..20 {
        stack::slow_tick();
    }
    drain(&mut buf);
    let base = stack::stats();

    let listener = Socket::new(Kind::Stream, true).unwrap();
    listener.bind(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, 80)).unwrap();
    listener.listen(16).unwrap();
    let mut r = Rng(0xdead_beef_1234_5678);
    let mut accepted = Vec::new();
    for i in 0..50_000 {
        stack::input(ifp, &hostile_segment(&mut r));
        if i % 64 == 0 {
            drain(&mut buf);
            stack::fast_tick();
            // take whatever the listener completed, and let it go
            while let Ok((s, _)) = listener.accept() {
                accepted.push(s);
            }
            if accepted.len() > 8 {
                accepted.clear();
            }
        }
        if i % 512 == 0 {
            stack::slow_tick();
        }
    }
    let after = stack::stats();
    assert!(after.tcp.tcps_rcvtotal - base.tcp.tcps_rcvtotal >= 50_000);
    assert!(after.tcp.tcps_accepts > base.tcp.tcps_accepts, "some SYNs made connections");
    // close everything and let every timer run out (2MSL, keepalive init)
    drop(accepted);
    drop(listener);
    for _ in 0..400 {
        stack::slow_tick();
        stack::fast_tick();
        drain(&mut buf);
    }
    let end = stack::stats();
    assert_eq!(end.mbufs_in_use(), base.mbufs_in_use(), "mbufs back at baseline");
    assert_eq!(end.clusters_in_use(), base.clusters_in_use(), "clusters back at baseline");
    let pcbs = molt_shims::kmemstats(molt_net::bsd::M_PCB as usize);
    let sockets = molt_shims::kmemstats(molt_net::bsd::M_SOCKET as usize);
    assert_eq!(sockets.ks_inuse, 0, "no socket left");
    assert_eq!(pcbs.ks_inuse, 0, "no PCB or TCP control block left");
}
