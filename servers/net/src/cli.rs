//! `molt net ...`: the hosted network tools, declared with clap (every
//! subcommand has `--help` with an example; usage errors exit with 2).
//!
//! * `molt net serve` runs a stack on an existing TAP device with the echo
//!   (7) and discard (9) services; it answers ping, and prints its
//!   statistics on SIGINT.
//! * `molt net node` is the same stack driven by commands on stdin (see
//!   [`crate::node::Command`]); tests and the benchmark start it, also as
//!   the `molt-net-node` program.
use std::net::Ipv4Addr;

use clap::{Args, Parser, Subcommand};
use molt_cli::after_help;

use crate::node::{self, NodeConfig};
use crate::stack::Cidr;

/// The `molt net` subcommands.
#[derive(Subcommand, Debug)]
pub enum NetCommand {
    /// Run the BSD TCP/IP stack on an existing TAP device, with the echo (7)
    /// and discard (9) services over TCP and UDP; it answers ping and prints
    /// its statistics on Ctrl-C.
    ///
    /// Make the device first, as root:
    /// `ip tuntap add dev tap0 mode tap && ip link set tap0 up`.
    #[command(after_help = after_help!("molt net serve --tap tap0 --addr 10.0.0.2/24",
        "molt net serve --tap tap0 --addr 10.0.0.2/24 --gateway 10.0.0.1"))]
    Serve(ServeArgs),
    /// Run the stack driven by line commands on standard input (connect,
    /// send, stats, ...), the way the tests and `molt bench net` drive it.
    #[command(after_help = after_help!("molt net node --iface tap0 --addr 10.0.0.2/24",
        "molt net node --iface fd:3 --addr 10.1.0.1/24 --time-scale 10"))]
    Node(NodeArgs),
}

/// Options of `molt net serve`.
#[derive(Args, Debug)]
pub struct ServeArgs {
    /// The TAP device to attach to (it must exist).
    #[arg(long, value_name = "DEV")]
    tap: String,
    #[command(flatten)]
    station: StationArgs,
}

/// Options of `molt net node`.
#[derive(Args, Debug)]
pub struct NodeArgs {
    /// The interface: a TAP device name, or fd:N for an inherited datagram
    /// socket carrying one frame per datagram.
    #[arg(long, value_name = "DEV|fd:N")]
    iface: String,
    #[command(flatten)]
    station: StationArgs,
    /// Network seconds per real second (0.01 to 1000): protocol timers run
    /// K times faster.
    #[arg(long, value_name = "K", default_value_t = 1.0, value_parser = parse_time_scale)]
    time_scale: f64,
    /// How long resolved ARP entries live, in slow ticks (default: 20 minutes).
    #[arg(long, value_name = "TICKS")]
    arp_keep: Option<i32>,
    /// TCP keepalive idle time and probe interval, in slow ticks (1 to 30000 each).
    #[arg(long, value_name = "IDLE,INTERVAL", value_parser = parse_keepalive)]
    keepalive: Option<Keepalive>,
}

/// The station's own addresses, shared by `serve` and `node`.
#[derive(Args, Debug)]
pub struct StationArgs {
    /// The stack's IPv4 address and prefix length.
    #[arg(long, value_name = "A.B.C.D/N")]
    addr: Cidr,
    /// The default gateway.
    #[arg(long, value_name = "A.B.C.D")]
    gateway: Option<Ipv4Addr>,
    /// The station's MAC address (default: 02:00 and the four bytes of --addr).
    #[arg(long, value_name = "XX:XX:XX:XX:XX:XX", value_parser = parse_mac)]
    mac: Option<Mac>,
}

/// A unicast Ethernet address.
#[derive(Clone, Copy, Debug)]
pub struct Mac([u8; 6]);

/// Keepalive idle time and probe interval, in slow ticks.
#[derive(Clone, Copy, Debug)]
pub struct Keepalive(i32, i32);

fn parse_mac(s: &str) -> Result<Mac, String> {
    let parts: Vec<&str> = s.split(':').collect();
    if parts.len() != 6 {
        return Err("expected six hex bytes separated by colons, e.g. 02:00:0a:00:00:02".into());
    }
    let mut mac = [0u8; 6];
    for (m, p) in mac.iter_mut().zip(parts) {
        *m = u8::from_str_radix(p, 16).map_err(|e| format!("{p}: {e}"))?;
    }
    if mac[0] & 1 != 0 {
        return Err("a multicast address cannot be a station address".into());
    }
    Ok(Mac(mac))
}

fn parse_time_scale(s: &str) -> Result<f64, String> {
    let k: f64 = s.parse().map_err(|e| format!("{e}"))?;
    if !(0.01..=1000.0).contains(&k) {
        return Err("must be within 0.01..1000".into());
    }
    Ok(k)
}

fn parse_keepalive(s: &str) -> Result<Keepalive, String> {
    let (i, n) = s.split_once(',').ok_or("takes IDLE,INTERVAL (slow ticks)")?;
    let tick = |t: &str| -> Result<i32, String> {
        let v: i32 = t.parse().map_err(|e| format!("{t}: {e}"))?;
        if !(1..=30000).contains(&v) {
            return Err(format!("{t}: values must be 1..30000 ticks"));
        }
        Ok(v)
    };
    Ok(Keepalive(tick(i)?, tick(n)?))
}

impl StationArgs {
    fn config(&self, iface: String) -> NodeConfig {
        let o = self.addr.addr.octets();
        NodeConfig {
            iface,
            cidr: self.addr,
            mac: self.mac.map_or([0x02, 0x00, o[0], o[1], o[2], o[3]], |m| m.0),
            gateway: self.gateway,
            time_scale: 1.0,
            arp_keep: None,
            keepalive: None,
            commands: false,
        }
    }
}

impl NetCommand {
    fn config(self) -> NodeConfig {
        match self {
            NetCommand::Serve(a) => a.station.config(a.tap),
            NetCommand::Node(a) => NodeConfig {
                time_scale: a.time_scale,
                arp_keep: a.arp_keep,
                keepalive: a.keepalive.map(|k| (k.0, k.1)),
                commands: true,
                ..a.station.config(a.iface)
            },
        }
    }
}

/// Runs one `molt net` command; returns the process exit status.
pub fn run(command: NetCommand) -> i32 {
    node::run(command.config())
}

/// `molt-net-node`'s command line: `node` options, or `serve ...`.
#[derive(Parser, Debug)]
#[command(name = "molt-net-node", about = "A hosted BSD TCP/IP stack process (molt net node without the molt tool)")]
struct NodeProgram {
    #[command(subcommand)]
    command: NetCommand,
}

/// Entry point of `molt-net-node ARGS`: `molt net node ARGS`, or `molt net
/// serve ...` when the first argument is `serve`.
pub fn node_program_main(args: Vec<String>) -> i32 {
    let sub = if args.first().map(String::as_str) == Some("serve") { None } else { Some("node".to_string()) };
    let argv = std::iter::once("molt-net-node".to_string()).chain(sub).chain(args);
    run(NodeProgram::parse_from(argv).command)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_options_reach_the_configuration() {
        let p = NodeProgram::try_parse_from([
            "molt-net-node", "node", "--iface", "fd:3", "--addr", "10.1.0.1/24", "--time-scale", "10",
            "--keepalive", "4,2", "--arp-keep", "7",
        ])
        .unwrap();
        let c = p.command.config();
        assert_eq!((c.iface.as_str(), c.time_scale, c.keepalive, c.arp_keep, c.commands), ("fd:3", 10.0, Some((4, 2)), Some(7), true));
        assert_eq!(c.mac, [0x02, 0x00, 10, 1, 0, 1]);
    }

    #[test]
    fn serve_reads_no_commands_and_takes_a_mac() {
        let p = NodeProgram::try_parse_from(["molt-net-node", "serve", "--tap", "tap0", "--addr", "10.0.0.2/24", "--mac", "02:aa:bb:cc:dd:ee"])
            .unwrap();
        let c = p.command.config();
        assert_eq!((c.iface.as_str(), c.commands, c.mac), ("tap0", false, [2, 0xaa, 0xbb, 0xcc, 0xdd, 0xee]));
    }

    #[test]
    fn wrong_values_are_usage_errors_that_say_why() {
        for (args, why) in [
            (&["--mac", "01:00:00:00:00:01"][..], "multicast"),
            (&["--mac", "02:00"][..], "six hex bytes"),
            (&["--time-scale", "5000"][..], "0.01..1000"),
            (&["--keepalive", "5"][..], "IDLE,INTERVAL"),
            (&["--keepalive", "0,5"][..], "1..30000"),
        ] {
            let argv = ["molt-net-node", "node", "--iface", "fd:3", "--addr", "10.0.0.1/24"].into_iter().chain(args.iter().copied());
            let e = NodeProgram::try_parse_from(argv).unwrap_err();
            assert_eq!(e.exit_code(), 2, "{args:?}");
            assert!(e.to_string().contains(why), "{args:?}: {e}");
        }
    }
}
