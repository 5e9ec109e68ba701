//! A hosted stack as a process: one Ethernet interface on the platform's
//! packet I/O, the standard echo (TCP and UDP port 7) and discard (port 9)
//! services, and a line-oriented command interface on stdin that tests and
//! the benchmark use to drive it (see [`Command`]).
//!
//! Design: one thread runs everything (the BSD code never sleeps here):
//! wait for a frame until the next protocol tick (at most 5 ms), hand it to
//! the stack, run due ticks, then step every service and task, whose
//! sockets are all non-blocking. Stdin is read by a helper thread and
//! handed over through a channel. SIGINT prints the statistics and ends
//! the process (`molt net serve`).
mod commands;
mod services;
mod tasks;

use std::collections::HashMap;
use std::io::{BufRead, Write};
use std::net::Ipv4Addr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::socket::{Errno, Socket};
use crate::stack::{self, Cidr, Iface};
use crate::{backend, bsd};

pub use commands::Command;
use services::Services;
use tasks::{Outcome, Task};

/// How a node is set up.
#[derive(Clone, Debug)]
pub struct NodeConfig {
    /// The platform interface: a TAP device name, or `fd:N`.
    pub iface: String,
    pub cidr: Cidr,
    pub mac: [u8; 6],
    pub gateway: Option<Ipv4Addr>,
    /// Network seconds per real second (1 = real time).
    pub time_scale: f64,
    /// Resolved ARP entries live this many slow ticks (default: 20 minutes).
    pub arp_keep: Option<i32>,
    /// Keepalive idle time and probe interval, in slow ticks.
    pub keepalive: Option<(i32, i32)>,
    /// Read commands from stdin.
    pub commands: bool,
}

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

extern "C" fn on_sigint(_: libc::c_int) {
    INTERRUPTED.store(true, Ordering::SeqCst);
}

fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

/// The bytes of a bulk transfer: byte `i` of stream `seed` is a hash of
/// both, so either end can produce or check any stretch of the stream.
pub fn pattern_fill(seed: u64, pos: u64, buf: &mut [u8]) {
    for (i, b) in buf.iter_mut().enumerate() {
        let x = ((pos + i as u64) ^ seed).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        *b = (x >> 56) as u8;
    }
}

/// The running node.
struct Node {
    cfg: NodeConfig,
    tasks: Vec<Task>,
    socks: HashMap<u32, Socket>,
    listeners: Vec<Socket>,
    next_id: u32,
}


impl Node {
    fn net_secs(&self, s: f64) -> Duration {
        Duration::from_secs_f64(s / self.cfg.time_scale)
    }


    fn add(&mut self, s: Socket) -> u32 {
        self.next_id += 1;
        self.socks.insert(self.next_id, s);
        self.next_id
    }


    fn step(&mut self) {
        let listeners = std::mem::take(&mut self.listeners);
        for l in &listeners {
            while let Ok((s, _)) = l.accept() {
                let _ = s.set_nonblocking(true);
                let id = self.add(s);
                say(&format!("accepted {id}"));
            }
        }
        self.listeners = listeners;
        let mut tasks = std::mem::take(&mut self.tasks);
        tasks.retain_mut(|t| match self.step_task(t) {
            Outcome::Running => true,
            Outcome::Done(line) => {
                say(&line);
                false
            }
        });
        tasks.append(&mut self.tasks);
        self.tasks = tasks;
    }

}

/// Runs a node until `quit`, the end of stdin (with commands), or SIGINT.
/// Returns the process exit status.
pub fn run(cfg: NodeConfig) -> i32 {
    backend::install();
    stack::init();
    let handle = match molt_shims::platform::pkt_open(&cfg.iface) {
        Ok(h) => h,
        Err(e) => {
            eprintln!("{}", crate::diagnose::open_failed(&cfg.iface, e));
            return 1;
        }
    };
    let ifp: Iface = stack::attach_ether("en", 0, cfg.mac, handle, cfg.cidr, cfg.gateway);
    if let Some(k) = cfg.arp_keep {
        stack::set_arp_keep(k);
    }
    if let Some((idle, intvl)) = cfg.keepalive {
        stack::set_keepalive(idle, intvl);
    }
    let mut services = match Services::start() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("molt net: cannot start services: {e}");
            return 1;
        }
    };
    // SAFETY: installs a handler that only stores to an atomic.
    unsafe { libc::signal(libc::SIGINT, on_sigint as *const () as libc::sighandler_t) };
    let (tx, rx) = mpsc::channel::<String>();
    if cfg.commands {
        std::thread::spawn(move || {
            for line in std::io::stdin().lock().lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
    }
    let slow = Duration::from_secs_f64(0.5 / cfg.time_scale);
    let fast = Duration::from_secs_f64(0.2 / cfg.time_scale);
    let mut next_slow = Instant::now() + slow;
    let mut next_fast = Instant::now() + fast;
    let mut node = Node { cfg, tasks: Vec::new(), socks: HashMap::new(), listeners: Vec::new(), next_id: 0 };
    let mut frame = vec![0u8; 2048];
    if node.cfg.commands {
        say("ready");
    } else {
        eprintln!("molt net: serving {} on {} (echo and discard, TCP and UDP ports 7 and 9); ^C prints statistics", node.cfg.cidr.addr, node.cfg.iface);
    }
    loop {
        if INTERRUPTED.load(Ordering::SeqCst) {
            println!("{}", serde_json::to_string_pretty(&stack::stats().to_json()).unwrap_or_default());
            return 0;
        }
        let now = Instant::now();
        // sockets only become ready on a frame or a tick, both of which end
        // this wait; commands are looked at at least every 5 ms
        let wait = next_slow.min(next_fast).saturating_duration_since(now).min(Duration::from_millis(5));
        match molt_shims::platform::pkt_recv(handle, &mut frame, wait.as_nanos() as u64) {
            Ok(0) => {}
            Ok(n) => {
                stack::input(ifp, &frame[..n]);
                for _ in 0..256 {
                    match molt_shims::platform::pkt_recv(handle, &mut frame, 0) {
                        Ok(n) if n > 0 => stack::input(ifp, &frame[..n]),
                        _ => break,
                    }
                }
            }
            Err(e) if e == bsd::EPIPE as i32 => {
                eprintln!("molt net: {}: link closed", node.cfg.iface);
                return 0;
            }
            Err(e) => {
                eprintln!("molt net: receive: {}", Errno(e));
                return 1;
            }
        }
        let now = Instant::now();
        while now >= next_fast {
            stack::fast_tick();
            next_fast += fast;
        }
        while now >= next_slow {
            stack::slow_tick();
            next_slow += slow;
        }
        services.step();
        node.step();
        loop {
            match rx.try_recv() {
                Ok(line) => {
                    if !node.command(&line) {
                        say(&format!("quit {}", stack::stats().to_json()));
                        return 0;
                    }
                }
                Err(mpsc::TryRecvError::Empty) => break,
                Err(mpsc::TryRecvError::Disconnected) => {
                    if node.cfg.commands {
                        return 0;
                    }
                    break;
                }
            }
        }
    }
}

