//! `molt net ...`: the hosted network tools.
//!
//! * `molt net serve --tap DEV --addr A.B.C.D/N [--gateway G] [--mac M]`
//!   runs a stack on an existing TAP device with the echo (7) and discard
//!   (9) services; it answers ping, and prints its statistics on SIGINT.
//! * `molt net node --iface fd:N|DEV --addr A.B.C.D/N [--mac M]
//!   [--time-scale K] [--arp-keep TICKS] [--keepalive IDLE,INTERVAL]` is the same stack driven by
//!   commands on stdin (see [`crate::node::Command`]); tests and the
//!   benchmark start it.
use std::net::Ipv4Addr;

use crate::node::{self, NodeConfig};
use crate::stack::Cidr;

const USAGE: &str = "usage: molt net serve --tap DEV --addr A.B.C.D/N [--gateway A.B.C.D] [--mac XX:XX:XX:XX:XX:XX]\n       molt net node --iface fd:N|DEV --addr A.B.C.D/N [--mac M] [--time-scale K] [--arp-keep TICKS] [--keepalive IDLE,INTERVAL]";

fn parse_mac(s: &str) -> Result<[u8; 6], String> {
    let parts: Vec<&str> = s.split(':').collect();
    if parts.len() != 6 {
        return Err(format!("{s}: expected six hex bytes"));
    }
    let mut mac = [0u8; 6];
    for (m, p) in mac.iter_mut().zip(parts) {
        *m = u8::from_str_radix(p, 16).map_err(|e| format!("{s}: {e}"))?;
    }
    if mac[0] & 1 != 0 {
        return Err(format!("{s}: a multicast address cannot be a station address"));
    }
    Ok(mac)
}

/// Parses the options shared by `serve` and `node`.
fn parse_config(args: &[String], serve: bool) -> Result<NodeConfig, String> {
    let mut iface = None;
    let mut cidr: Option<Cidr> = None;
    let mut mac = None;
    let mut gateway = None;
    let mut time_scale = 1.0;
    let mut arp_keep = None;
    let mut keepalive = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut val = || it.next().cloned().ok_or_else(|| format!("{a}: missing value"));
        match a.as_str() {
            "--tap" if serve => iface = Some(val()?),
            "--iface" if !serve => iface = Some(val()?),
            "--addr" => cidr = Some(val()?.parse()?),
            "--mac" => mac = Some(parse_mac(&val()?)?),
            "--gateway" => gateway = Some(val()?.parse::<Ipv4Addr>().map_err(|e| e.to_string())?),
            "--time-scale" if !serve => {
                time_scale = val()?.parse::<f64>().map_err(|e| e.to_string())?;
                if !(0.01..=1000.0).contains(&time_scale) {
                    return Err("--time-scale must be within 0.01..1000".into());
                }
            }
            "--arp-keep" if !serve => arp_keep = Some(val()?.parse::<i32>().map_err(|e| e.to_string())?),
            "--keepalive" if !serve => {
                let v = val()?;
                let (i, n) = v.split_once(',').ok_or("--keepalive takes IDLE,INTERVAL (slow ticks)")?;
                let i = i.parse::<i32>().map_err(|e| e.to_string())?;
                let n = n.parse::<i32>().map_err(|e| e.to_string())?;
                if !(1..=30000).contains(&i) || !(1..=30000).contains(&n) {
                    return Err("--keepalive values must be 1..30000 ticks".into());
                }
                keepalive = Some((i, n));
            }
            _ => return Err(format!("unknown option {a}")),
        }
    }
    let iface = iface.ok_or(if serve { "--tap is required" } else { "--iface is required" })?;
    let cidr = cidr.ok_or("--addr is required")?;
    let o = cidr.addr.octets();
    let mac = mac.unwrap_or([0x02, 0x00, o[0], o[1], o[2], o[3]]);
    Ok(NodeConfig { iface, cidr, mac, gateway, time_scale, arp_keep, keepalive, commands: !serve })
}

/// Entry point of `molt net ...`; returns the process exit status.
pub fn cli_main(args: Vec<String>) -> i32 {
    let (sub, rest) = match args.split_first() {
        Some((s, r)) => (s.as_str(), r),
        None => {
            eprintln!("{USAGE}");
            return 2;
        }
    };
    let serve = match sub {
        "serve" => true,
        "node" => false,
        "-h" | "--help" | "help" => {
            println!("{USAGE}");
            return 0;
        }
        _ => {
            eprintln!("molt net: unknown command {sub}\n{USAGE}");
            return 2;
        }
    };
    match parse_config(rest, serve) {
        Ok(cfg) => node::run(cfg),
        Err(e) => {
            eprintln!("molt net: {e}\n{USAGE}");
            2
        }
    }
}
