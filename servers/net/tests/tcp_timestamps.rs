//! RFC 7323 timestamps, against a peer this test plays by hand: a SYN that
//! offers timestamps gets a SYN-ACK that echoes them, segments carry them
//! once both sides agreed, an old timestamp is rejected by PAWS (ACKed,
//! its data not delivered), and a SYN without them gets none back. SO_DEBUG
//! connections leave their segments in the trace ring.
use std::net::{Ipv4Addr, SocketAddrV4};
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixDatagram;

use molt_net::frames::*;
use molt_net::socket::{Kind, Socket};
use molt_net::stack::{self, Cidr, Iface};

const OURS: [u8; 6] = [0x02, 0, 10, 2, 0, 2];
const PEER: [u8; 6] = [0x02, 0, 10, 2, 0, 1];
const ME: Ipv4Addr = Ipv4Addr::new(10, 2, 0, 2);
const YOU: Ipv4Addr = Ipv4Addr::new(10, 2, 0, 1);
const SYN: u8 = 0x02;
const ACK: u8 = 0x10;
const PUSH: u8 = 0x08;

/// A TCP segment as the stack sent it.
#[derive(Debug)]
struct Seen {
    flags: u8,
    seq: u32,
    ack: u32,
    /// (TSval, TSecr) if the segment carried a timestamp option.
    ts: Option<(u32, u32)>,
}

fn parse(frame: &[u8]) -> Option<Seen> {
    if frame.len() < 14 + 20 + 20 || frame[12..14] != [0x08, 0x00] || frame[14 + 9] != 6 {
        return None;
    }
    let ip = &frame[14..];
    let t = &ip[((ip[0] & 0xf) as usize) * 4..];
    let off = ((t[12] >> 4) as usize) * 4;
    let be32 = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    let mut ts = None;
    let mut o = &t[20..off];
    while let Some(&kind) = o.first() {
        match kind {
            0 => break,
            1 => o = &o[1..],
            _ => {
                let len = *o.get(1)? as usize;
                if len < 2 || len > o.len() {
                    break;
                }
                if kind == 8 && len == 10 {
                    ts = Some((be32(&o[2..]), be32(&o[6..])));
                }
                o = &o[len..];
            }
        }
    }
    Some(Seen { flags: t[13], seq: be32(&t[4..]), ack: be32(&t[8..]), ts })
}

/// A segment from the peer, with the timestamp option if `ts` is given.
fn segment(sport: u16, seq: u32, ack: u32, flags: u8, ts: Option<(u32, u32)>, data: &[u8]) -> Vec<u8> {
    let mut opts = Vec::new();
    if flags & SYN != 0 {
        opts.extend_from_slice(&[2, 4, 0x05, 0xb4]); // MSS 1460
    }
    if let Some((val, ecr)) = ts {
        opts.extend_from_slice(&[1, 1, 8, 10]);
        opts.extend_from_slice(&val.to_be_bytes());
        opts.extend_from_slice(&ecr.to_be_bytes());
    }
    let mut s = Vec::new();
    s.extend_from_slice(&sport.to_be_bytes());
    s.extend_from_slice(&80u16.to_be_bytes());
    s.extend_from_slice(&seq.to_be_bytes());
    s.extend_from_slice(&ack.to_be_bytes());
    s.push(((5 + opts.len() / 4) as u8) << 4);
    s.push(flags);
    s.extend_from_slice(&65535u16.to_be_bytes());
    s.extend_from_slice(&[0, 0, 0, 0]);
    s.extend_from_slice(&opts);
    s.extend_from_slice(data);
    fix_tcp_cksum(YOU, ME, &mut s);
    ether(OURS, PEER, ETHERTYPE_IP, &ipv4(YOU, ME, 6, 1, 0, &s))
}

struct Peer {
    ifp: Iface,
    theirs: UnixDatagram,
    _ours: UnixDatagram,
}

impl Peer {
    fn new() -> Peer {
        molt_net::backend::install();
        let (ours, theirs) = UnixDatagram::pair().unwrap();
        theirs.set_nonblocking(true).unwrap();
        let handle = molt_shims::platform::pkt_open(&format!("fd:{}", ours.as_raw_fd())).unwrap();
        let ifp = stack::attach_ether("ts", 0, OURS, handle, Cidr { addr: ME, prefix: 24 }, None);
        stack::input(ifp, &ether(OURS, PEER, ETHERTYPE_ARP, &arp(2, PEER, YOU, OURS, ME)));
        let peer = Peer { ifp, theirs, _ours: ours };
        peer.sent();
        peer
    }

    /// Hands a segment to the stack and returns the TCP segments it sent.
    fn send(&self, frame: &[u8]) -> Vec<Seen> {
        stack::input(self.ifp, frame);
        stack::fast_tick(); // delayed ACKs go out
        self.sent()
    }

    fn sent(&self) -> Vec<Seen> {
        let mut buf = [0u8; 2048];
        let mut out = Vec::new();
        while let Ok(n) = self.theirs.recv(&mut buf) {
            out.extend(parse(&buf[..n]));
        }
        out
    }
}

#[test]
fn timestamps_are_negotiated_echoed_and_guard_against_old_segments() {
    let peer = Peer::new();
    let listener = Socket::new(Kind::Stream, true).unwrap();
    listener.bind(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, 80)).unwrap();
    listener.listen(4).unwrap();
    // SO_DEBUG (inherited by accepted connections) records each segment in
    // the trace ring (tcp_trace).
    listener.set_option(molt_net::bsd::SOL_SOCKET as i32, molt_net::bsd::SO_DEBUG as i32, 1).unwrap();
    // SAFETY: tcp_debx is a plain int the stack updates under the giant
    // lock; this single-threaded test reads it between stack calls.
    let debx = || unsafe { molt_net::bsd::tcp_debx };
    let debx_before = debx();

    // SYN offering timestamps: the SYN-ACK echoes ours and sends its own.
    let sent = peer.send(&segment(40000, 1000, 0, SYN, Some((5000, 0)), b""));
    let synack = sent.iter().find(|s| s.flags & (SYN | ACK) == SYN | ACK).expect("a SYN-ACK");
    assert_eq!(synack.ack, 1001);
    let (their_val, echo) = synack.ts.expect("the SYN-ACK carries a timestamp");
    assert_eq!(echo, 5000, "the SYN-ACK echoes our TSval");

    // Complete the handshake; the connection is accepted.
    let isn = synack.seq;
    peer.send(&segment(40000, 1001, isn + 1, ACK, Some((5001, their_val)), b""));
    let (conn, _) = listener.accept().expect("the handshake completed");
    // SYN in, SYN-ACK out, ACK in: three records at least.
    assert!((debx() - debx_before).rem_euclid(100) >= 3, "tcp_trace recorded {} events", debx() - debx_before);
    conn.set_nonblocking(true).unwrap();

    // Data with a newer timestamp is delivered, and the ACK echoes it.
    let sent = peer.send(&segment(40000, 1001, isn + 1, ACK | PUSH, Some((5002, their_val)), b"new"));
    let mut buf = [0u8; 16];
    assert_eq!(conn.recv(&mut buf).unwrap(), 3);
    assert_eq!(&buf[..3], b"new");
    let ack = sent.iter().find(|s| s.ack == 1004).expect("the data is ACKed");
    assert_eq!(ack.ts.map(|t| t.1), Some(5002), "the ACK echoes the newest TSval: {ack:?}");

    // An old timestamp (PAWS): the segment is ACKed but its data dropped.
    let before = stack::stats().tcp.tcps_pawsdrop;
    let sent = peer.send(&segment(40000, 1004, isn + 1, ACK | PUSH, Some((4000, their_val)), b"old"));
    assert_eq!(stack::stats().tcp.tcps_pawsdrop, before + 1);
    assert!(conn.recv(&mut buf).is_err(), "PAWS-rejected data was delivered");
    let ack = sent.iter().find(|s| s.flags & ACK != 0).expect("PAWS answers with an ACK");
    assert_eq!(ack.ack, 1004, "rcv_nxt did not move");
    assert_eq!(ack.ts.map(|t| t.1), Some(5002), "ts_recent is unchanged: {ack:?}");

    // The same bytes with a current timestamp are accepted.
    peer.send(&segment(40000, 1004, isn + 1, ACK | PUSH, Some((5003, their_val)), b"old"));
    assert_eq!(conn.recv(&mut buf).unwrap(), 3);

    // A SYN without timestamps gets a SYN-ACK without them.
    let sent = peer.send(&segment(40001, 7000, 0, SYN, None, b""));
    let synack = sent.iter().find(|s| s.flags & (SYN | ACK) == SYN | ACK).expect("a SYN-ACK");
    assert!(synack.ts.is_none(), "timestamps sent to a peer that did not offer them");
}
