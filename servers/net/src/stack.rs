//! The stack itself: start-up, interfaces, frame input, timers and
//! statistics. One per process (the BSD globals); every function takes
//! the giant lock for its call into C.
use std::ffi::CString;
use std::net::Ipv4Addr;
use std::sync::Once;

use serde_json::{json, Value};

use crate::bsd;

static STARTED: Once = Once::new();

/// Starts the stack (protocols and lo0) once per process; every caller
/// returns only once it has started (threads racing here wait).
pub fn init() {
    // SAFETY: net_init takes no arguments and only touches the stack's
    // globals, under the giant lock.
    STARTED.call_once(|| molt_shims::with_giant(|| unsafe { bsd::net_init() }));
}

/// An attached Ethernet interface (the C `struct ifnet`).
#[derive(Clone, Copy, Debug)]
pub struct Iface(*mut bsd::ifnet);
// SAFETY: the ifnet lives for the whole process and is only touched with
// the giant lock held.
unsafe impl Send for Iface {}

/// An IPv4 address with prefix length, as `A.B.C.D/N`.
#[derive(Clone, Copy, Debug)]
pub struct Cidr {
    pub addr: Ipv4Addr,
    pub prefix: u8,
}

impl std::str::FromStr for Cidr {
    type Err = String;
    fn from_str(s: &str) -> Result<Cidr, String> {
        let (a, p) = s.split_once('/').ok_or_else(|| format!("{s}: expected A.B.C.D/N"))?;
        let addr: Ipv4Addr = a.parse().map_err(|e| format!("{a}: {e}"))?;
        let prefix: u8 = p.parse().map_err(|e| format!("{p}: {e}"))?;
        if prefix == 0 || prefix > 30 {
            return Err(format!("{s}: prefix must be 1..30"));
        }
        Ok(Cidr { addr, prefix })
    }
}

impl Cidr {
    /// The netmask, as an address.
    pub fn mask(&self) -> Ipv4Addr {
        Ipv4Addr::from(u32::MAX << (32 - self.prefix))
    }
}

fn net_order(a: Ipv4Addr) -> u32 {
    u32::from_ne_bytes(a.octets())
}

/// Attaches an Ethernet interface `name<unit>` on packet handle `handle`
/// with address `cidr` and an optional default gateway.
pub fn attach_ether(name: &str, unit: i32, mac: [u8; 6], handle: i32, cidr: Cidr, gateway: Option<Ipv4Addr>) -> Iface {
    init();
    let cname = CString::new(name).expect("interface name without NUL");
    let gw = gateway.map(net_order).unwrap_or(0);
    // SAFETY: cname and mac outlive the call, which copies them; the
    // returned ifnet is owned by the stack for the life of the process.
    let ifp = molt_shims::with_giant(|| unsafe {
        bsd::net_ether_attach(cname.as_ptr(), unit, mac.as_ptr(), handle, net_order(cidr.addr), net_order(cidr.mask()), gw)
    });
    Iface(ifp)
}

/// Hands one received Ethernet frame to the stack (and runs the protocol
/// input it queued).
pub fn input(ifp: Iface, frame: &[u8]) {
    let len = i32::try_from(frame.len()).unwrap_or(i32::MAX);
    // SAFETY: frame is valid for len bytes during the call, which copies it
    // into mbufs; ifp came from attach_ether.
    molt_shims::with_giant(|| unsafe { bsd::net_ether_input(ifp.0, frame.as_ptr().cast(), len) });
}

/// One slow protocol tick (PR_SLOWHZ per network second).
pub fn slow_tick() {
    // SAFETY: no arguments; runs the protocol timers under the giant lock.
    molt_shims::with_giant(|| unsafe { bsd::net_slowtimo() });
}

/// One fast protocol tick (PR_FASTHZ per network second).
pub fn fast_tick() {
    // SAFETY: as slow_tick.
    molt_shims::with_giant(|| unsafe { bsd::net_fasttimo() });
}

/// Runs pending protocol input (e.g. what lo0 queued).
pub fn run_netisr() {
    // SAFETY: no arguments; drains the protocol input queues.
    molt_shims::with_giant(|| unsafe { bsd::netisr_run() });
}

/// Sets how long resolved ARP entries live, in slow ticks.
pub fn set_arp_keep(ticks: i32) {
    // SAFETY: a plain int global, written under the giant lock.
    molt_shims::with_giant(|| unsafe { bsd::arpt_keep = ticks });
}

/// Sets the keepalive idle time and probe interval, in slow ticks.
pub fn set_keepalive(idle: i32, intvl: i32) {
    // SAFETY: plain int globals, written under the giant lock.
    molt_shims::with_giant(|| unsafe {
        bsd::tcp_keepidle = idle;
        bsd::tcp_keepintvl = intvl;
    });
}

/// The ARP cache's answer for `addr`: `Some(mac)` if resolved, `None` if
/// absent or pending.
pub fn arp_entry(addr: Ipv4Addr) -> Option<[u8; 6]> {
    // SAFETY: arp_lookup returns NULL or a pointer into the static ARP
    // table, read here under the giant lock.
    molt_shims::with_giant(|| unsafe {
        let la = bsd::arp_lookup(net_order(addr));
        if la.is_null() || (*la).la_resolved == 0 {
            None
        } else {
            Some((*la).la_enaddr)
        }
    })
}

/// Sends an ICMP echo request (what ping does).
pub fn ping(dst: Ipv4Addr, id: u16, seq: u16, datalen: i32) -> Result<(), i32> {
    // SAFETY: plain values; builds and sends a datagram under the giant lock.
    let e = molt_shims::with_giant(|| unsafe { bsd::icmp_echo_request(net_order(dst), id, seq, datalen) });
    if e == 0 { Ok(()) } else { Err(e) }
}

/// A snapshot of the stack's statistics.
pub struct Stats {
    pub ip: bsd::ipstat,
    pub icmp: bsd::icmpstat,
    pub udp: bsd::udpstat,
    pub tcp: bsd::tcpstat,
    pub arp: bsd::arpstat,
    pub mb: bsd::mbstat,
    /// (name, ipackets, ierrors, iqdrops, noproto, opackets, oerrors) per interface
    pub ifs: Vec<IfStats>,
}

/// Counters of one interface.
#[derive(Clone, Debug, Default)]
pub struct IfStats {
    pub name: String,
    pub ipackets: u64,
    pub ierrors: u64,
    pub iqdrops: u64,
    pub noproto: u64,
    pub opackets: u64,
    pub oerrors: u64,
}

/// Reads all statistics.
pub fn stats() -> Stats {
    // SAFETY: the statistics are plain structs of counters, copied under the
    // giant lock; the interface list is walked under it too, and every
    // ifnet and its name stay valid for the process's life.
    molt_shims::with_giant(|| unsafe {
        let mut ifs = Vec::new();
        let mut ifp = bsd::ifnet;
        while !ifp.is_null() {
            let i = &*ifp;
            let name = std::ffi::CStr::from_ptr(i.if_name).to_string_lossy();
            ifs.push(IfStats {
                name: format!("{}{}", name, i.if_unit),
                ipackets: i.if_ipackets,
                ierrors: i.if_ierrors,
                iqdrops: i.if_iqdrops,
                noproto: i.if_noproto,
                opackets: i.if_opackets,
                oerrors: i.if_oerrors,
            });
            ifp = i.if_next;
        }
        Stats {
            ip: std::ptr::addr_of!(bsd::ipstat).read(),
            icmp: std::ptr::addr_of!(bsd::icmpstat).read(),
            udp: std::ptr::addr_of!(bsd::udpstat).read(),
            tcp: std::ptr::addr_of!(bsd::tcpstat).read(),
            arp: std::ptr::addr_of!(bsd::arpstat).read(),
            mb: std::ptr::addr_of!(bsd::mbstat).read(),
            ifs,
        }
    })
}

impl Stats {
    /// Mbufs in use now: the per-type counts (MT_FREE excluded).
    pub fn mbufs_in_use(&self) -> u64 {
        self.mb.m_mtypes[1..].iter().map(|&n| u64::from(n)).sum()
    }

    /// Clusters in use now: taken from the cluster map and not on the free list.
    pub fn clusters_in_use(&self) -> u64 {
        self.mb.m_clusters - self.mb.m_clfree
    }

    /// Every counter of a dropped frame or segment, summed: what the
    /// stack threw away, for whatever reason.
    pub fn drops(&self) -> u64 {
        let ip = &self.ip;
        let ifs: u64 = self.ifs.iter().map(|i| i.ierrors + i.iqdrops + i.noproto).sum();
        ifs + ip.ips_badsum + ip.ips_tooshort + ip.ips_toosmall + ip.ips_badhlen + ip.ips_badlen
            + ip.ips_fragdropped + ip.ips_badvers + ip.ips_badaddr + ip.ips_notforus + ip.ips_noproto
            + self.icmp.icps_tooshort + self.icmp.icps_checksum + self.icmp.icps_badlen + self.icmp.icps_badcode
            + self.udp.udps_hdrops + self.udp.udps_badsum + self.udp.udps_badlen + self.udp.udps_noport
            + self.udp.udps_fullsock
            + self.tcp.tcps_rcvbadsum + self.tcp.tcps_rcvbadoff + self.tcp.tcps_rcvshort + self.tcp.tcps_noport
            + self.arp.as_badlen + self.arp.as_badaddr
    }

    /// The statistics as JSON: packets in and out, drops by reason, mbufs.
    pub fn to_json(&self) -> Value {
        let ip = &self.ip;
        let t = &self.tcp;
        json!({
            "interfaces": self.ifs.iter().map(|i| json!({
                "name": i.name, "packets_in": i.ipackets, "packets_out": i.opackets,
                "input_errors": i.ierrors, "input_queue_drops": i.iqdrops,
                "unknown_protocol": i.noproto, "output_errors": i.oerrors,
            })).collect::<Vec<_>>(),
            "ip": {"received": ip.ips_total, "delivered": ip.ips_delivered, "sent": ip.ips_localout,
                   "fragments_in": ip.ips_fragments, "reassembled": ip.ips_reassembled,
                   "fragmented": ip.ips_fragmented, "fragments_out": ip.ips_ofragments,
                   "drops": {"bad_checksum": ip.ips_badsum, "too_short": ip.ips_tooshort + ip.ips_toosmall,
                             "bad_header_length": ip.ips_badhlen, "bad_length": ip.ips_badlen,
                             "bad_version": ip.ips_badvers, "bad_address": ip.ips_badaddr,
                             "not_for_us": ip.ips_notforus, "unknown_protocol": ip.ips_noproto,
                             "fragments_dropped": ip.ips_fragdropped, "fragments_timed_out": ip.ips_fragtimeout,
                             "no_route": ip.ips_noroute, "output_dropped": ip.ips_odropped}},
            "icmp": {"echo_requests_in": self.icmp.icps_inhist[8], "echo_replies_in": self.icmp.icps_inhist[0],
                     "unreachables_in": self.icmp.icps_inhist[3],
                     "replies_sent": self.icmp.icps_reflect, "errors_sent": self.icmp.icps_error,
                     "drops": {"too_short": self.icmp.icps_tooshort, "bad_checksum": self.icmp.icps_checksum,
                               "bad_length": self.icmp.icps_badlen, "bad_code": self.icmp.icps_badcode}},
            "udp": {"received": self.udp.udps_ipackets, "sent": self.udp.udps_opackets,
                    "drops": {"short_header": self.udp.udps_hdrops, "bad_checksum": self.udp.udps_badsum,
                              "bad_length": self.udp.udps_badlen, "no_port": self.udp.udps_noport,
                              "socket_full": self.udp.udps_fullsock}},
            "tcp": {"received": t.tcps_rcvtotal, "sent": t.tcps_sndtotal, "connects": t.tcps_connects,
                    "accepts": t.tcps_accepts, "retransmitted_segments": t.tcps_sndrexmitpack,
                    "retransmit_timeouts": t.tcps_rexmttimeo, "fast_retransmits": t.tcps_fastrexmit,
                    "duplicate_acks_in": t.tcps_rcvdupack, "out_of_order_in": t.tcps_rcvoopack,
                    "resets_in": t.tcps_rcvrst, "challenge_acks": t.tcps_challengeack,
                    "keepalive_probes": t.tcps_keepprobe, "delayed_acks": t.tcps_delack,
                    "drops": {"bad_checksum": t.tcps_rcvbadsum, "bad_offset": t.tcps_rcvbadoff,
                              "too_short": t.tcps_rcvshort, "no_port": t.tcps_noport,
                              "bad_reset": t.tcps_rcvbadrst, "reassembly_full": t.tcps_reassfull,
                              "listen_queue_full": t.tcps_listendrop}},
            "arp": {"requests_sent": self.arp.as_reqsent, "replies_sent": self.arp.as_repsent,
                    "received": self.arp.as_received, "expired": self.arp.as_expired,
                    "drops": {"bad_length": self.arp.as_badlen, "bad_address": self.arp.as_badaddr,
                              "held_packets_lost": self.arp.as_dropped}},
            "mbufs": {"in_use": self.mbufs_in_use(), "clusters_in_use": self.clusters_in_use(),
                      "allocation_failures": self.mb.m_drops},
        })
    }
}
