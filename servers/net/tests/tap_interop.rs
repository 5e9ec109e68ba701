//! Interop with the Linux TCP/IP stack over a TAP device.
//!
//! The test makes its own network namespace (as root), puts a TAP device
//! in it with a Linux address, and runs a Molt stack on that device inside
//! the namespace. Linux pings the Molt stack, then a Linux TCP client
//! sends 16 MiB to the Molt echo service and checks that it all comes back
//! unchanged. Nothing leaves the namespace, which is deleted afterwards.
use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::fd::AsRawFd;
use std::process::Command;
use std::time::Duration;

use molt_net::lab::NodeProc;
use molt_net::node::pattern_fill;

const LINUX: &str = "10.77.0.1";
const MOLT: &str = "10.77.0.2";

/// A network namespace that is deleted on drop.
struct Netns(String);

fn ip(args: &[&str]) {
    let st = Command::new("ip").args(args).status().expect("ip (iproute2) runs; tests/deps/debian-net.txt");
    assert!(st.success(), "ip {args:?} failed (the test needs root)");
}

impl Netns {
    fn new(tag: &str) -> Netns {
        let name = format!("molt{tag}{}", std::process::id());
        ip(&["netns", "add", &name]);
        Netns(name)
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = Command::new("ip").args(["netns", "delete", &self.0]).status();
    }
}

/// Runs `f` on a thread that has entered the namespace (sockets it makes
/// belong to the namespace).
fn in_netns<T: Send + 'static>(ns: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let path = format!("/var/run/netns/{ns}");
    std::thread::spawn(move || {
        let file = std::fs::File::open(&path).expect("netns file");
        // SAFETY: setns on a valid namespace descriptor affects only this thread.
        let r = unsafe { libc::setns(file.as_raw_fd(), libc::CLONE_NEWNET) };
        assert_eq!(r, 0, "setns: {}", std::io::Error::last_os_error());
        f()
    })
    .join()
    .expect("namespace thread")
}

/// A TAP device `molt0` in namespace `n`, with the Linux end's address.
fn tap_in(n: &str) {
    ip(&["-n", n, "link", "set", "lo", "up"]);
    ip(&["-n", n, "tuntap", "add", "dev", "molt0", "mode", "tap"]);
    ip(&["-n", n, "addr", "add", &format!("{LINUX}/24"), "dev", "molt0"]);
    ip(&["-n", n, "link", "set", "molt0", "up"]);
}

#[test]
fn molt_net_serve_answers_ping_and_prints_statistics_on_sigint() {
    let ns = Netns::new("serve");
    let n = ns.0.as_str();
    tap_in(n);
    let child = Command::new("ip")
        .args(["netns", "exec", n, env!("CARGO_BIN_EXE_molt-net-node"), "serve", "--tap", "molt0", "--addr", &format!("{MOLT}/24")])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("molt net serve");
    // the TAP device carries traffic once the server has opened it
    let ping = |count: &str| Command::new("ip").args(["netns", "exec", n, "ping", "-c", count, "-i", "0.2", "-W", "2", MOLT]).output().expect("ping");
    assert!((0..20).any(|_| ping("1").status.success()), "the server never answered");
    let out = ping("2");
    assert!(out.status.success(), "ping failed:\n{}", String::from_utf8_lossy(&out.stdout));
    // SIGINT goes to the server itself (ip netns exec execs it in place)
    // SAFETY: kill with a pid we started and a plain signal number.
    assert_eq!(unsafe { libc::kill(child.id() as i32, libc::SIGINT) }, 0);
    let out = child.wait_with_output().expect("server exits");
    assert!(out.status.success(), "exit status {:?}", out.status);
    let stats: serde_json::Value = serde_json::from_slice(&out.stdout).expect("statistics as JSON on stdout");
    assert!(stats["icmp"]["echo_requests_in"].as_u64().unwrap() >= 3);
    assert!(stats["icmp"]["replies_sent"].as_u64().unwrap() >= 3);
    assert!(stats["interfaces"][1]["packets_in"].as_u64().unwrap() >= 3);
    assert!(stats["mbufs"]["in_use"].is_u64());
    assert!(stats["ip"]["drops"].is_object());
}

#[test]
fn linux_pings_molt_and_echoes_16mib_through_it() {
    let ns = Netns::new("echo");
    let n = ns.0.as_str();
    tap_in(n);

    let mut cmd = Command::new("ip");
    cmd.args(["netns", "exec", n, env!("CARGO_BIN_EXE_molt-net-node"), "--iface", "molt0", "--addr", &format!("{MOLT}/24")]);
    let mut node = NodeProc::spawn_command(cmd, "molt").expect("molt node in the namespace");

    // Linux pings Molt
    let ping = Command::new("ip").args(["netns", "exec", n, "ping", "-c", "3", "-i", "0.2", "-W", "2", MOLT]).output().expect("ping");
    assert!(ping.status.success(), "ping failed:\n{}", String::from_utf8_lossy(&ping.stdout));

    // a Linux TCP client sends 16 MiB to the Molt echo service
    const TOTAL: usize = 16 * 1024 * 1024;
    let echoed = in_netns(n, move || {
        let s = TcpStream::connect((MOLT, 7)).expect("connect to the Molt echo service");
        s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        let mut w = s.try_clone().unwrap();
        let writer = std::thread::spawn(move || {
            let mut buf = vec![0u8; 64 * 1024];
            let mut sent = 0;
            while sent < TOTAL {
                let k = buf.len().min(TOTAL - sent);
                pattern_fill(9, sent as u64, &mut buf[..k]);
                w.write_all(&buf[..k]).expect("send");
                sent += k;
            }
            w.shutdown(std::net::Shutdown::Write).unwrap();
        });
        let mut r = s;
        let mut got = 0usize;
        let mut buf = vec![0u8; 64 * 1024];
        let mut want = vec![0u8; 64 * 1024];
        loop {
            let k = r.read(&mut buf).expect("receive the echo");
            if k == 0 {
                break;
            }
            pattern_fill(9, got as u64, &mut want[..k]);
            assert!(buf[..k] == want[..k], "echo differs near byte {got}");
            got += k;
        }
        writer.join().unwrap();
        got
    });
    assert_eq!(echoed, TOTAL);
    let stats = node.stats().unwrap();
    assert!(stats["icmp"]["echo_requests_in"].as_u64().unwrap() >= 3);
    assert_eq!(stats["tcp"]["accepts"].as_u64().unwrap(), 1);
}
