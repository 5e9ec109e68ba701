//! Ethernet frames built by hand (ARP, IPv4 with UDP, TCP or ICMP), with
//! correct checksums, for tests that feed a stack directly and then break
//! the frames in chosen ways.
use std::net::Ipv4Addr;

pub const ETHERTYPE_IP: u16 = 0x0800;
pub const ETHERTYPE_ARP: u16 = 0x0806;

/// The Internet checksum (RFC 1071) of `data`.
pub fn cksum(data: &[u8]) -> u16 {
    let mut sum: u32 = 0;
    for c in data.chunks(2) {
        sum += u32::from(u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]));
    }
    while sum >> 16 != 0 {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// An Ethernet header.
pub fn ether(dst: [u8; 6], src: [u8; 6], ethertype: u16, payload: &[u8]) -> Vec<u8> {
    let mut f = Vec::with_capacity(14 + payload.len());
    f.extend_from_slice(&dst);
    f.extend_from_slice(&src);
    f.extend_from_slice(&ethertype.to_be_bytes());
    f.extend_from_slice(payload);
    f
}

/// An ARP packet (Ethernet/IPv4).
pub fn arp(op: u16, sha: [u8; 6], spa: Ipv4Addr, tha: [u8; 6], tpa: Ipv4Addr) -> Vec<u8> {
    let mut p = vec![0, 1, 8, 0, 6, 4];
    p.extend_from_slice(&op.to_be_bytes());
    p.extend_from_slice(&sha);
    p.extend_from_slice(&spa.octets());
    p.extend_from_slice(&tha);
    p.extend_from_slice(&tpa.octets());
    p
}

/// An IPv4 datagram (20-byte header) with a correct header checksum.
pub fn ipv4(src: Ipv4Addr, dst: Ipv4Addr, proto: u8, id: u16, frag: u16, payload: &[u8]) -> Vec<u8> {
    let len = (20 + payload.len()) as u16;
    let mut h = vec![0x45, 0];
    h.extend_from_slice(&len.to_be_bytes());
    h.extend_from_slice(&id.to_be_bytes());
    h.extend_from_slice(&frag.to_be_bytes());
    h.extend_from_slice(&[64, proto, 0, 0]);
    h.extend_from_slice(&src.octets());
    h.extend_from_slice(&dst.octets());
    let c = cksum(&h);
    h[10..12].copy_from_slice(&c.to_be_bytes());
    h.extend_from_slice(payload);
    h
}

/// Recomputes the header checksum of the IPv4 datagram at the start of `d`.
pub fn fix_ip_cksum(d: &mut [u8]) {
    let hl = usize::from(d[0] & 0xf) * 4;
    if hl < 20 || d.len() < hl {
        return;
    }
    d[10] = 0;
    d[11] = 0;
    let c = cksum(&d[..hl]);
    d[10..12].copy_from_slice(&c.to_be_bytes());
}

/// The checksum of a TCP or UDP segment with its pseudo-header.
pub fn pseudo_sum(src: Ipv4Addr, dst: Ipv4Addr, proto: u8, seg: &[u8]) -> u16 {
    let mut p = Vec::with_capacity(12 + seg.len());
    p.extend_from_slice(&src.octets());
    p.extend_from_slice(&dst.octets());
    p.extend_from_slice(&[0, proto]);
    p.extend_from_slice(&(seg.len() as u16).to_be_bytes());
    p.extend_from_slice(seg);
    cksum(&p)
}

/// A UDP datagram with its checksum.
pub fn udp(src: Ipv4Addr, dst: Ipv4Addr, sport: u16, dport: u16, data: &[u8]) -> Vec<u8> {
    let mut s = Vec::new();
    s.extend_from_slice(&sport.to_be_bytes());
    s.extend_from_slice(&dport.to_be_bytes());
    s.extend_from_slice(&((8 + data.len()) as u16).to_be_bytes());
    s.extend_from_slice(&[0, 0]);
    s.extend_from_slice(data);
    let c = pseudo_sum(src, dst, 17, &s);
    s[6..8].copy_from_slice(&(if c == 0 { 0xffff } else { c }).to_be_bytes());
    s
}

/// A TCP segment (no options) with its checksum.
#[allow(clippy::too_many_arguments)]
pub fn tcp(src: Ipv4Addr, dst: Ipv4Addr, sport: u16, dport: u16, seq: u32, ack: u32, flags: u8, data: &[u8]) -> Vec<u8> {
    let mut s = Vec::new();
    s.extend_from_slice(&sport.to_be_bytes());
    s.extend_from_slice(&dport.to_be_bytes());
    s.extend_from_slice(&seq.to_be_bytes());
    s.extend_from_slice(&ack.to_be_bytes());
    s.extend_from_slice(&[5 << 4, flags, 0xff, 0xff, 0, 0, 0, 0]);
    s.extend_from_slice(data);
    let c = pseudo_sum(src, dst, 6, &s);
    s[16..18].copy_from_slice(&c.to_be_bytes());
    s
}

/// An ICMP message with its checksum.
pub fn icmp(ty: u8, code: u8, rest: [u8; 4], data: &[u8]) -> Vec<u8> {
    let mut s = vec![ty, code, 0, 0];
    s.extend_from_slice(&rest);
    s.extend_from_slice(data);
    let c = cksum(&s);
    s[2..4].copy_from_slice(&c.to_be_bytes());
    s
}

/// Recomputes the checksum of a TCP segment after it was changed.
pub fn fix_tcp_cksum(src: Ipv4Addr, dst: Ipv4Addr, seg: &mut [u8]) {
    seg[16] = 0;
    seg[17] = 0;
    let c = pseudo_sum(src, dst, 6, seg);
    seg[16..18].copy_from_slice(&c.to_be_bytes());
}
