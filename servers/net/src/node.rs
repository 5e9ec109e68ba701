//! A hosted stack as a process: one Ethernet interface on the platform's
//! packet I/O, the standard echo (TCP and UDP port 7) and discard (port 9)
//! services, and a line-oriented command interface on stdin that tests and
//! the benchmark use to drive it (see [`Command`]).
//!
//! Design: one thread runs everything (the BSD code never sleeps here):
//! wait for a frame until the next protocol tick (at most 1 ms), hand it to
//! the stack, run due ticks, then step every service and task, whose
//! sockets are all non-blocking. Stdin is read by a helper thread and
//! handed over through a channel. SIGINT prints the statistics and ends
//! the process (`molt net serve`).
use std::collections::HashMap;
use std::io::{BufRead, Write};
use std::net::{Ipv4Addr, SocketAddrV4};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::socket::{tcp_state_name, Errno, Kind, Socket, EWOULDBLOCK, POLLIN, POLLOUT};
use crate::stack::{self, Cidr, Iface};
use crate::{backend, bsd};

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
        let x = (pos + i as u64 ^ seed).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        *b = (x >> 56) as u8;
    }
}

/// One echo or discard connection.
struct Conn {
    sock: Socket,
    echo: bool,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    eof: bool,
}

impl Conn {
    /// Moves data; returns false when the connection is finished.
    fn step(&mut self) -> bool {
        loop {
            let mut progressed = false;
            if self.start < self.end {
                match self.sock.send(&self.buf[self.start..self.end]) {
                    Ok(n) => {
                        self.start += n;
                        progressed = n > 0;
                    }
                    Err(e) if e == EWOULDBLOCK => {}
                    Err(_) => return false,
                }
            }
            if self.start == self.end && !self.eof {
                self.start = 0;
                self.end = 0;
                match self.sock.recv(&mut self.buf) {
                    Ok(0) => {
                        self.eof = true;
                        let _ = self.sock.shutdown(1);
                    }
                    Ok(n) => {
                        if self.echo {
                            self.end = n;
                        }
                        progressed = true;
                    }
                    Err(e) if e == EWOULDBLOCK => {}
                    Err(_) => return false,
                }
            }
            if self.eof && self.start == self.end {
                return false;
            }
            if !progressed {
                return true;
            }
        }
    }
}

/// The echo and discard services.
struct Services {
    tcp_listeners: Vec<(Socket, bool)>,
    udp: Vec<(Socket, bool)>,
    conns: Vec<Conn>,
}

impl Services {
    fn start() -> Result<Services, Errno> {
        let mut s = Services { tcp_listeners: Vec::new(), udp: Vec::new(), conns: Vec::new() };
        for (port, echo) in [(7u16, true), (9u16, false)] {
            let l = Socket::new(Kind::Stream, true)?;
            l.set_reuseaddr(true)?;
            l.bind(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, port))?;
            l.listen(64)?;
            s.tcp_listeners.push((l, echo));
            let u = Socket::new(Kind::Datagram, true)?;
            u.bind(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, port))?;
            s.udp.push((u, echo));
        }
        Ok(s)
    }

    fn step(&mut self) {
        for (l, echo) in &self.tcp_listeners {
            while let Ok((sock, _)) = l.accept() {
                let _ = sock.set_nonblocking(true);
                self.conns.push(Conn { sock, echo: *echo, buf: vec![0; 64 * 1024], start: 0, end: 0, eof: false });
            }
        }
        let mut buf = [0u8; 65536];
        for (u, echo) in &self.udp {
            while let Ok((n, from)) = u.recv_from(&mut buf) {
                if *echo {
                    let _ = u.send_to(&buf[..n], from);
                }
            }
        }
        self.conns.retain_mut(|c| c.step());
    }
}

/// A long-running command.
enum Task {
    /// Echo-bulk client: send `total` pattern bytes, check the echo.
    Bulk { sock: Socket, total: u64, sent: u64, checked: u64, seed: u64, started: Instant, connected: bool, shut: bool },
    /// Wait for a UDP echo.
    Udp { sock: Socket, want: Vec<u8>, deadline: Instant },
    /// Count ICMP echo replies.
    Ping { base: u64, want: u64, deadline: Instant },
    /// An active open in progress.
    Connect { id: u32 },
}

enum Outcome {
    Running,
    Done(String),
}

fn step_bulk(task: &mut Task) -> Outcome {
    let Task::Bulk { sock, total, sent, checked, seed, started, connected, shut } = task else { unreachable!() };
    if !*connected {
        if sock.poll(POLLOUT) == 0 {
            return Outcome::Running;
        }
        match sock.take_error() {
            Ok(0) => *connected = true,
            Ok(e) => return Outcome::Done(format!("bulk err connect {}", Errno(e))),
            Err(e) => return Outcome::Done(format!("bulk err {e}")),
        }
    }
    let mut out = [0u8; 32 * 1024];
    let mut inb = [0u8; 64 * 1024];
    let mut want = [0u8; 64 * 1024];
    loop {
        let mut progressed = false;
        if *sent < *total {
            let n = ((*total - *sent) as usize).min(out.len());
            pattern_fill(*seed, *sent, &mut out[..n]);
            match sock.send(&out[..n]) {
                Ok(k) => {
                    *sent += k as u64;
                    progressed = k > 0;
                }
                Err(e) if e == EWOULDBLOCK => {}
                Err(e) => return Outcome::Done(format!("bulk err send {e}")),
            }
        } else if !*shut {
            if let Err(e) = sock.shutdown(1) {
                return Outcome::Done(format!("bulk err shutdown {e}"));
            }
            *shut = true;
        }
        match sock.recv(&mut inb) {
            Ok(0) => {
                if *checked == *total {
                    return Outcome::Done(format!("bulk ok {} {}", total, started.elapsed().as_nanos()));
                }
                return Outcome::Done(format!("bulk err eof after {checked} of {total}"));
            }
            Ok(n) => {
                if *checked + n as u64 > *total {
                    return Outcome::Done("bulk err more data than sent".into());
                }
                pattern_fill(*seed, *checked, &mut want[..n]);
                if inb[..n] != want[..n] {
                    return Outcome::Done(format!("bulk err mismatch near byte {checked}"));
                }
                *checked += n as u64;
                progressed = true;
            }
            Err(e) if e == EWOULDBLOCK => {}
            Err(e) => return Outcome::Done(format!("bulk err recv {e}")),
        }
        if !progressed {
            return Outcome::Running;
        }
    }
}

/// The commands a node takes on stdin, one per line; each answers with a
/// line that starts with the command's name.
pub enum Command {
    Stats,
    Bulk(SocketAddrV4, u64, u64),
    Udp(SocketAddrV4, usize),
    Ping(Ipv4Addr, i32, u32),
    Connect(SocketAddrV4),
    Listen(u16),
    Shutdown(u32),
    Close(u32),
    State(u32),
    Arp(Ipv4Addr),
    Keepalive(u32),
    Quit,
}

fn parse(line: &str) -> Result<Command, String> {
    let w: Vec<&str> = line.split_whitespace().collect();
    let addr = |i: usize| -> Result<Ipv4Addr, String> {
        w.get(i).ok_or("missing address")?.parse::<Ipv4Addr>().map_err(|e| e.to_string())
    };
    let num = |i: usize| -> Result<u64, String> { w.get(i).ok_or("missing number")?.parse::<u64>().map_err(|e| e.to_string()) };
    let sa = |i: usize| -> Result<SocketAddrV4, String> { Ok(SocketAddrV4::new(addr(i)?, num(i + 1)? as u16)) };
    Ok(match w.first().copied() {
        Some("stats") => Command::Stats,
        Some("bulk") => Command::Bulk(sa(1)?, num(3)?, num(4)?),
        Some("udp") => Command::Udp(sa(1)?, num(3)? as usize),
        Some("ping") => Command::Ping(addr(1)?, num(2)? as i32, num(3)? as u32),
        Some("connect") => Command::Connect(sa(1)?),
        Some("listen") => Command::Listen(num(1)? as u16),
        Some("shutdown") => Command::Shutdown(num(1)? as u32),
        Some("close") => Command::Close(num(1)? as u32),
        Some("state") => Command::State(num(1)? as u32),
        Some("arp") => Command::Arp(addr(1)?),
        Some("keepalive") => Command::Keepalive(num(1)? as u32),
        Some("quit") => Command::Quit,
        _ => return Err(format!("unknown command: {line}")),
    })
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

    fn command(&mut self, line: &str) -> bool {
        let cmd = match parse(line) {
            Ok(c) => c,
            Err(e) => {
                say(&format!("error {e}"));
                return true;
            }
        };
        match cmd {
            Command::Stats => say(&format!("stats {}", stack::stats().to_json())),
            Command::Bulk(to, total, seed) => match Socket::new(Kind::Stream, true) {
                Ok(sock) => {
                    let _ = sock.set_nodelay(false);
                    match sock.connect(to) {
                        Ok(()) => {}
                        Err(e) if e.0 == bsd::EINPROGRESS as i32 => {}
                        Err(e) => return {
                            say(&format!("bulk err connect {e}"));
                            true
                        },
                    }
                    self.tasks.push(Task::Bulk {
                        sock,
                        total,
                        sent: 0,
                        checked: 0,
                        seed,
                        started: Instant::now(),
                        connected: false,
                        shut: false,
                    });
                }
                Err(e) => say(&format!("bulk err {e}")),
            },
            Command::Udp(to, len) => match Socket::new(Kind::Datagram, true) {
                Ok(sock) => {
                    let mut want = vec![0u8; len];
                    pattern_fill(len as u64, 0, &mut want);
                    match sock.send_to(&want, to) {
                        Ok(_) => {
                            let deadline = Instant::now() + self.net_secs(10.0);
                            self.tasks.push(Task::Udp { sock, want, deadline });
                        }
                        Err(e) => say(&format!("udp err {e}")),
                    }
                }
                Err(e) => say(&format!("udp err {e}")),
            },
            Command::Ping(dst, len, count) => {
                let base = stack::stats().icmp.icps_inhist[bsd::ICMP_ECHOREPLY as usize];
                for seq in 0..count {
                    if let Err(e) = stack::ping(dst, 0x4d4f, seq as u16, len) {
                        say(&format!("ping err {}", Errno(e)));
                        return true;
                    }
                }
                let deadline = Instant::now() + self.net_secs(10.0);
                self.tasks.push(Task::Ping { base, want: count as u64, deadline });
            }
            Command::Connect(to) => match Socket::new(Kind::Stream, true) {
                Ok(sock) => match sock.connect(to) {
                    Ok(()) | Err(Errno(36)) => {
                        let id = self.add(sock);
                        self.tasks.push(Task::Connect { id });
                    }
                    Err(e) => say(&format!("connect err {e}")),
                },
                Err(e) => say(&format!("connect err {e}")),
            },
            Command::Listen(port) => {
                let r = Socket::new(Kind::Stream, true).and_then(|l| {
                    l.set_reuseaddr(true)?;
                    l.bind(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, port))?;
                    l.listen(16)?;
                    Ok(l)
                });
                match r {
                    Ok(l) => {
                        self.listeners.push(l);
                        say("listen ok");
                    }
                    Err(e) => say(&format!("listen err {e}")),
                }
            }
            Command::Shutdown(id) => match self.socks.get(&id) {
                Some(s) => match s.shutdown(1) {
                    Ok(()) => say("shutdown ok"),
                    Err(e) => say(&format!("shutdown err {e}")),
                },
                None => say("shutdown err no such socket"),
            },
            Command::Close(id) => {
                self.socks.remove(&id);
                say("close ok");
            }
            Command::State(id) => {
                let st = self.socks.get(&id).map(|s| s.tcp_state()).unwrap_or(bsd::TCPS_CLOSED as i32);
                say(&format!("state {id} {}", tcp_state_name(st)));
            }
            Command::Arp(a) => match stack::arp_entry(a) {
                Some(m) => say(&format!(
                    "arp {a} {:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
                    m[0], m[1], m[2], m[3], m[4], m[5]
                )),
                None => say(&format!("arp {a} none")),
            },
            Command::Keepalive(id) => match self.socks.get(&id) {
                Some(s) => match s.set_keepalive(true) {
                    Ok(()) => say("keepalive ok"),
                    Err(e) => say(&format!("keepalive err {e}")),
                },
                None => say("keepalive err no such socket"),
            },
            Command::Quit => return false,
        }
        true
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

    fn step_task(&mut self, t: &mut Task) -> Outcome {
        match t {
            Task::Bulk { .. } => step_bulk(t),
            Task::Udp { sock, want, deadline } => {
                let mut buf = vec![0u8; want.len() + 1];
                match sock.recv_from(&mut buf) {
                    Ok((n, _)) if buf[..n] == want[..] => Outcome::Done(format!("udp ok {n}")),
                    Ok((n, _)) => Outcome::Done(format!("udp err reply of {n} bytes differs")),
                    Err(e) if e == EWOULDBLOCK && Instant::now() < *deadline => Outcome::Running,
                    Err(e) if e == EWOULDBLOCK => Outcome::Done("udp timeout".into()),
                    Err(e) => Outcome::Done(format!("udp err {e}")),
                }
            }
            Task::Ping { base, want, deadline } => {
                let got = stack::stats().icmp.icps_inhist[bsd::ICMP_ECHOREPLY as usize] - *base;
                if got >= *want {
                    Outcome::Done(format!("ping ok {got}"))
                } else if Instant::now() > *deadline {
                    Outcome::Done(format!("ping timeout {got}"))
                } else {
                    Outcome::Running
                }
            }
            Task::Connect { id } => {
                let Some(s) = self.socks.get(id) else { return Outcome::Done("connect err gone".into()) };
                if s.poll(POLLOUT | POLLIN) == 0 {
                    return Outcome::Running;
                }
                match s.take_error() {
                    Ok(0) if s.tcp_state() >= bsd::TCPS_ESTABLISHED as i32 => Outcome::Done(format!("connect ok {id}")),
                    Ok(0) => Outcome::Running,
                    Ok(e) => Outcome::Done(format!("connect err {}", Errno(e))),
                    Err(e) => Outcome::Done(format!("connect err {e}")),
                }
            }
        }
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
            eprintln!("molt net: cannot open {}: {}", cfg.iface, Errno(e));
            return 1;
        }
    };
    let ifp: Iface = stack::attach_ether("en", 0, cfg.mac, handle, cfg.cidr, cfg.gateway);
    if let Some(k) = cfg.arp_keep {
        stack::set_arp_keep(k);
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
    say("ready");
    loop {
        if INTERRUPTED.load(Ordering::SeqCst) {
            println!("{}", serde_json::to_string_pretty(&stack::stats().to_json()).unwrap_or_default());
            return 0;
        }
        let now = Instant::now();
        let wait = next_slow.min(next_fast).saturating_duration_since(now).min(Duration::from_millis(1));
        let busy = !node.tasks.is_empty() || !services.conns.is_empty();
        let wait = if busy { wait.min(Duration::from_micros(200)) } else { wait };
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
