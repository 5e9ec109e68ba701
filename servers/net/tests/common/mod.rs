//! Two stack processes on one in-memory wire, for the tests.
#![allow(dead_code)]
use std::path::Path;
use std::time::Duration;

use molt_net::lab::NodeProc;
use molt_net::wire::{Impairments, Wire};

pub const A: &str = "10.0.0.1";
pub const B: &str = "10.0.0.2";
/// Network seconds per real second in these tests: protocol timers
/// (RTO, delayed ACK, 2MSL, ARP) run 50 times faster than real time.
pub const TIME_SCALE: &str = "50";
pub const T: Duration = Duration::from_secs(60);

pub struct Lab {
    pub a: NodeProc,
    pub b: NodeProc,
    pub wire: Wire,
}

pub fn lab(imp: Impairments, extra: &[&str]) -> Lab {
    let exe = Path::new(env!("CARGO_BIN_EXE_molt-net-node"));
    let mut wire = Wire::new(imp).expect("wire");
    let args = |addr: &str| -> Vec<String> {
        let mut v: Vec<String> = vec!["--addr".into(), format!("{addr}/24"), "--time-scale".into(), TIME_SCALE.into()];
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    };
    let a = NodeProc::spawn(exe, &[], "A", wire.take_end(0), &args(A)).expect("node A");
    let b = NodeProc::spawn(exe, &[], "B", wire.take_end(1), &args(B)).expect("node B");
    Lab { a, b, wire }
}

/// A number from a node's stats JSON, by path.
pub fn stat(v: &serde_json::Value, path: &[&str]) -> u64 {
    let mut v = v;
    for p in path {
        v = &v[*p];
    }
    v.as_u64().unwrap_or_else(|| panic!("no stat {path:?}"))
}
