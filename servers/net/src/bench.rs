//! `molt bench net`: hosted TCP bulk throughput and request/response
//! latency, measured in one run over
//!  * the in-memory wire (two Molt stacks, two processes, real time),
//!  * a TAP link (a Linux client to a Molt stack in a private network
//!    namespace; needs root, else the row says why it is missing), and
//!  * Linux to Linux over loopback (the reference),
//!
//! printed as a table and written to `target/bench/net.json`.
//!
//! Throughput is one connection sending `--mib` MiB (default 64) to a
//! discard-style sink; latency is the mean of `--rr` (default 2000)
//! one-byte round trips through an echo service with TCP_NODELAY.
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use molt_cli::Progress;
use serde_json::json;

use crate::lab::NodeProc;
use crate::wire::{Impairments, Wire};

/// One row of the table.
struct Row {
    path: &'static str,
    mib_per_s: Option<f64>,
    rr_us: Option<f64>,
    note: String,
}

const LONG: Duration = Duration::from_secs(600);

fn molt_node_prefix() -> (PathBuf, Vec<&'static str>) {
    let exe = std::env::current_exe().expect("current executable");
    (exe, vec!["net", "node"])
}

fn field(line: &str, i: usize) -> Option<f64> {
    line.split_whitespace().nth(i)?.parse().ok()
}

/// Two Molt stacks on the in-memory wire.
fn bench_wire(bytes: u64, rr: u64) -> Result<Row, String> {
    let (exe, prefix) = molt_node_prefix();
    let mut wire = Wire::new(Impairments::none()).map_err(|e| e.to_string())?;
    let args = |a: &str| vec!["--addr".to_string(), format!("{a}/24")];
    let e = |x: std::io::Error| x.to_string();
    let mut a = NodeProc::spawn(&exe, &prefix, "A", wire.take_end(0), &args("10.0.0.1")).map_err(e)?;
    let mut b = NodeProc::spawn(&exe, &prefix, "B", wire.take_end(1), &args("10.0.0.2")).map_err(e)?;
    b.ask(&format!("sink 6000 {bytes} 1"), LONG).map_err(e)?;
    let r = a.ask(&format!("send 10.0.0.2 6000 {bytes} 1"), LONG).map_err(e)?;
    if !r.starts_with("send ok") {
        return Err(r);
    }
    let ns = field(&r, 3).ok_or("bad answer")?;
    let r2 = a.ask(&format!("rr 10.0.0.2 7 {rr}"), LONG).map_err(e)?;
    if !r2.starts_with("rr ok") {
        return Err(r2);
    }
    let rr_ns = field(&r2, 3).ok_or("bad answer")?;
    Ok(Row {
        path: "Molt to Molt, in-memory wire",
        mib_per_s: Some(bytes as f64 / (1 << 20) as f64 / (ns / 1e9)),
        rr_us: Some(rr_ns / rr as f64 / 1e3),
        note: String::new(),
    })
}

/// Throughput and round trips of a Linux client against `addr` (port 9
/// discard, port 7 echo).
fn linux_client(host: &str, bytes: u64, rr: u64) -> Result<(f64, f64), String> {
    let e = |x: std::io::Error| x.to_string();
    let mut s = TcpStream::connect((host, 9)).map_err(e)?;
    let buf = vec![0x5au8; 64 * 1024];
    let t = Instant::now();
    let mut sent = 0u64;
    while sent < bytes {
        let k = (bytes - sent).min(buf.len() as u64) as usize;
        s.write_all(&buf[..k]).map_err(e)?;
        sent += k as u64;
    }
    s.shutdown(std::net::Shutdown::Write).map_err(e)?;
    let mut sink = [0u8; 16];
    let _ = s.read(&mut sink); // wait for the server's close: all data was taken
    let secs = t.elapsed().as_secs_f64();
    let mut c = TcpStream::connect((host, 7)).map_err(e)?;
    c.set_nodelay(true).map_err(e)?;
    let t = Instant::now();
    let mut b = [0u8; 1];
    for _ in 0..rr {
        c.write_all(b"x").map_err(e)?;
        c.read_exact(&mut b).map_err(e)?;
    }
    let rr_us = t.elapsed().as_secs_f64() * 1e6 / rr as f64;
    Ok((bytes as f64 / (1 << 20) as f64 / secs, rr_us))
}

/// A Linux client to a Molt stack on a TAP device in a private namespace.
fn bench_tap(bytes: u64, rr: u64) -> Result<Row, String> {
    let ns = format!("moltbench{}", std::process::id());
    let ip = |args: &[&str]| -> Result<(), String> {
        let st = Command::new("ip").args(args).status().map_err(|e| format!("ip: {e}"))?;
        if st.success() { Ok(()) } else { Err(format!("ip {} failed (needs root)", args.join(" "))) }
    };
    ip(&["netns", "add", &ns])?;
    let result = (|| {
        ip(&["-n", &ns, "link", "set", "lo", "up"])?;
        ip(&["-n", &ns, "tuntap", "add", "dev", "molt0", "mode", "tap"])?;
        ip(&["-n", &ns, "addr", "add", "10.77.0.1/24", "dev", "molt0"])?;
        ip(&["-n", &ns, "link", "set", "molt0", "up"])?;
        let (exe, prefix) = molt_node_prefix();
        let mut cmd = Command::new("ip");
        cmd.args(["netns", "exec", &ns]).arg(&exe).args(&prefix).args(["--iface", "molt0", "--addr", "10.77.0.2/24"]);
        let node = NodeProc::spawn_command(cmd, "molt").map_err(|e| e.to_string())?;
        let path = format!("/var/run/netns/{ns}");
        let r = std::thread::spawn(move || -> Result<(f64, f64), String> {
            let f = std::fs::File::open(&path).map_err(|e| e.to_string())?;
            // SAFETY: setns on a valid namespace descriptor; affects this thread only.
            if unsafe { libc::setns(f.as_raw_fd(), libc::CLONE_NEWNET) } != 0 {
                return Err(format!("setns: {}", std::io::Error::last_os_error()));
            }
            linux_client("10.77.0.2", bytes, rr)
        })
        .join()
        .map_err(|_| "client thread panicked".to_string())?;
        drop(node);
        r
    })();
    let _ = Command::new("ip").args(["netns", "delete", &ns]).status();
    let (mib, us) = result?;
    Ok(Row { path: "Linux to Molt, TAP link", mib_per_s: Some(mib), rr_us: Some(us), note: String::new() })
}

/// Linux to Linux over loopback: discard and echo servers on threads.
fn bench_linux(bytes: u64, rr: u64) -> Result<Row, String> {
    let e = |x: std::io::Error| x.to_string();
    let discard = TcpListener::bind(("127.0.0.1", 0)).map_err(e)?;
    let echo = TcpListener::bind(("127.0.0.1", 0)).map_err(e)?;
    let (dport, eport) = (discard.local_addr().map_err(e)?.port(), echo.local_addr().map_err(e)?.port());
    std::thread::spawn(move || {
        if let Ok((mut s, _)) = discard.accept() {
            let mut b = vec![0u8; 64 * 1024];
            while matches!(s.read(&mut b), Ok(n) if n > 0) {}
        }
    });
    std::thread::spawn(move || {
        if let Ok((mut s, _)) = echo.accept() {
            let _ = s.set_nodelay(true);
            let mut b = [0u8; 1];
            while s.read_exact(&mut b).is_ok() && s.write_all(&b).is_ok() {}
        }
    });
    // the client speaks to ports 9 and 7 by convention; map them here
    let t = Instant::now();
    let mut s = TcpStream::connect(("127.0.0.1", dport)).map_err(e)?;
    let buf = vec![0x5au8; 64 * 1024];
    let mut sent = 0u64;
    while sent < bytes {
        let k = (bytes - sent).min(buf.len() as u64) as usize;
        s.write_all(&buf[..k]).map_err(e)?;
        sent += k as u64;
    }
    s.shutdown(std::net::Shutdown::Write).map_err(e)?;
    let _ = s.read(&mut [0u8; 1]);
    let secs = t.elapsed().as_secs_f64();
    let mut c = TcpStream::connect(("127.0.0.1", eport)).map_err(e)?;
    c.set_nodelay(true).map_err(e)?;
    let t = Instant::now();
    let mut b = [0u8; 1];
    for _ in 0..rr {
        c.write_all(b"x").map_err(e)?;
        c.read_exact(&mut b).map_err(e)?;
    }
    Ok(Row {
        path: "Linux to Linux, loopback",
        mib_per_s: Some(bytes as f64 / (1 << 20) as f64 / secs),
        rr_us: Some(t.elapsed().as_secs_f64() * 1e6 / rr as f64),
        note: String::new(),
    })
}

fn target_dir() -> PathBuf {
    if let Ok(d) = std::env::var("CARGO_TARGET_DIR") {
        return PathBuf::from(d);
    }
    // the molt binary lives in <target>/<profile>/molt
    std::env::current_exe()
        .ok()
        .and_then(|p| p.parent().and_then(|p| p.parent()).map(|p| p.to_path_buf()))
        .unwrap_or_else(|| PathBuf::from("target"))
}

/// One path's benchmark: bulk bytes and round trips in, its row out.
type PathBench = fn(u64, u64) -> Result<Row, String>;

/// Options of `molt bench net`.
#[derive(clap::Args, Debug, Clone)]
pub struct BenchArgs {
    /// net suite: MiB moved each way by the bulk transfer of each path.
    #[arg(long, value_name = "N", default_value_t = 64, value_parser = clap::value_parser!(u64).range(1..))]
    pub mib: u64,
    /// net suite: 1-byte round trips timed on each path.
    #[arg(long, value_name = "N", default_value_t = 2000, value_parser = clap::value_parser!(u64).range(1..))]
    pub rr: u64,
}

/// Entry point of `molt bench net [--mib N] [--rr N]`.
pub fn bench_main(args: &BenchArgs) -> i32 {
    let (mib, rr) = (args.mib, args.rr);
    let bytes = mib << 20;
    let paths: [(&'static str, PathBench); 3] = [
        ("Molt to Molt, in-memory wire", bench_wire),
        ("Linux to Molt, TAP link", bench_tap),
        ("Linux to Linux, loopback", bench_linux),
    ];
    let progress = Progress::steps("bench net", paths.len() as u64);
    let mut rows = Vec::new();
    for (path, bench) in paths {
        progress.start(path);
        rows.push(bench(bytes, rr).unwrap_or_else(|note| Row { path, mib_per_s: None, rr_us: None, note }));
        progress.step_done();
    }
    drop(progress);
    let linux = rows.last().and_then(|r| r.mib_per_s.zip(r.rr_us));
    println!("{:<32} {:>12} {:>14} {:>10} {:>10}", "path", "MiB/s", "round trip us", "x Linux", "x Linux");
    println!("{:<32} {:>12} {:>14} {:>10} {:>10}", "", "(bulk)", "(1-byte rr)", "(bulk)", "(rr)");
    for r in &rows {
        let f = |v: Option<f64>| v.map(|v| format!("{v:.1}")).unwrap_or_else(|| "-".into());
        let rel_bulk = r.mib_per_s.zip(linux).map(|(m, (l, _))| m / l);
        let rel_rr = r.rr_us.zip(linux).map(|(u, (_, l))| u / l);
        println!(
            "{:<32} {:>12} {:>14} {:>10} {:>10} {}",
            r.path,
            f(r.mib_per_s),
            f(r.rr_us),
            rel_bulk.map(|v| format!("{v:.3}")).unwrap_or("-".into()),
            rel_rr.map(|v| format!("{v:.1}")).unwrap_or("-".into()),
            r.note
        );
    }
    let json = json!({
        "bulk_mib": mib,
        "round_trips": rr,
        "rows": rows.iter().map(|r| json!({
            "path": r.path, "bulk_mib_per_s": r.mib_per_s, "round_trip_us": r.rr_us,
            "note": if r.note.is_empty() { None } else { Some(&r.note) },
        })).collect::<Vec<_>>(),
    });
    let dir = target_dir().join("bench");
    let file = dir.join("net.json");
    match std::fs::create_dir_all(&dir).and_then(|_| std::fs::write(&file, serde_json::to_string_pretty(&json).unwrap())) {
        Ok(()) => {
            println!("wrote {}", file.display());
            0
        }
        Err(e) => {
            eprintln!("molt bench net: {}: {e}", file.display());
            1
        }
    }
}
