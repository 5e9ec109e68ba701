//! Compiles the network half of bsd/ (mbufs, sockets, domains,
//! interfaces, routing, ARP, IPv4, ICMP, UDP, TCP) with the shared
//! freestanding flags and `bsd_` symbol prefix, and generates the Rust view
//! of the headers the crate uses (see shims/README.md).
use std::path::Path;

fn main() {
    let sys = molt_shims_build::bsd_sys_dir();
    let mut sources: Vec<_> = molt_shims_build::c_files(&sys.join("kern"))
        .into_iter()
        .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("uipc_") || n == "sys_socket.c"))
        .collect();
    sources.extend(molt_shims_build::c_files(&sys.join("net")));
    sources.extend(molt_shims_build::c_files(&sys.join("vm")));
    sources.extend(molt_shims_build::c_files(&sys.join("netinet")));
    molt_shims_build::compile_prefixed(molt_shims_build::bsd_cc(), "molt_bsd_net", &sources);
    for dir in ["net", "netinet", "vm"] {
        println!("cargo:rerun-if-changed={}", sys.join(dir).display());
    }
    molt_shims_build::subsystem_bindings(Path::new("src/net_headers.h"), "bsd_net.rs", |b| {
        b.opaque_type("mbuf.*")
            .allowlist_function("net_.*")
            .allowlist_function("netisr_run")
            .allowlist_function("icmp_echo_request")
            .allowlist_var("(tcp_debx|ifnet|ipstat|tcpstat|udpstat|icmpstat|arpstat|mbstat|arpt_keep|arp_ticks|tcp_keepidle|tcp_keepintvl|tcp_msl|ipq_list)")
            .allowlist_type("(ifnet|net_pollfd|sockaddr_in|llinfo_arp)")
            .allowlist_function("arp_lookup")
            .allowlist_function("m_(get|gethdr|free|freem|copym|copydata|copyback|pullup|adj|prepend|cat|split|devget|length)")
            .allowlist_var("(M_DONTWAIT|SO_OOBINLINE|TCPS_.*|POLL.*|SOCK_.*|AF_INET|IPPROTO_.*|SOL_SOCKET|SO_.*|TCP_NODELAY|MSG_.*|SHUT_.*|E[A-Z]+|ICMP_.*|ETHERMTU|NET_MAXSOCK)")
    });
}
