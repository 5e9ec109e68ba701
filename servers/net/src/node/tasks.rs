//! The node's long-running commands (bulk transfers, round trips,
//! echoes, pings, connects), each stepped until it has an answer line.
use std::time::Instant;

use super::{pattern_fill, Node};
use crate::socket::{Errno, Socket, EWOULDBLOCK, POLLIN, POLLOUT};
use crate::{bsd, stack};

/// A long-running command.
pub(super) enum Task {
    /// Echo-bulk client: send `total` pattern bytes, check the echo.
    Bulk { sock: Socket, total: u64, sent: u64, checked: u64, seed: u64, started: Instant, connected: bool, shut: bool },
    /// Send `total` pattern bytes, then wait for the peer to close.
    Send { sock: Socket, total: u64, sent: u64, seed: u64, started: Instant, connected: bool, shut: bool },
    /// Accept one connection on `listener` and check `total` pattern bytes.
    Sink { listener: Socket, sock: Option<Socket>, total: u64, got: u64, seed: u64, started: Instant },
    /// Request/response: `count` one-byte round trips through an echo service.
    Rr { sock: Socket, count: u64, done: u64, waiting: bool, connected: bool, started: Instant },
    /// Wait for a UDP echo.
    Udp { sock: Socket, want: Vec<u8>, deadline: Instant },
    /// Count ICMP echo replies.
    Ping { base: u64, want: u64, deadline: Instant },
    /// An active open in progress.
    Connect { id: u32 },
}

pub(super) enum Outcome {
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

fn step_send(task: &mut Task) -> Outcome {
    let Task::Send { sock, total, sent, seed, started, connected, shut } = task else { unreachable!() };
    if !*connected {
        if sock.poll(POLLOUT) == 0 {
            return Outcome::Running;
        }
        match sock.take_error() {
            Ok(0) => *connected = true,
            Ok(e) => return Outcome::Done(format!("send err connect {}", Errno(e))),
            Err(e) => return Outcome::Done(format!("send err {e}")),
        }
    }
    let mut out = [0u8; 32 * 1024];
    while *sent < *total {
        let n = ((*total - *sent) as usize).min(out.len());
        pattern_fill(*seed, *sent, &mut out[..n]);
        match sock.send(&out[..n]) {
            Ok(k) if k > 0 => *sent += k as u64,
            Ok(_) => return Outcome::Running,
            Err(e) if e == EWOULDBLOCK => return Outcome::Running,
            Err(e) => return Outcome::Done(format!("send err {e}")),
        }
    }
    if !*shut {
        if let Err(e) = sock.shutdown(1) {
            return Outcome::Done(format!("send err shutdown {e}"));
        }
        *shut = true;
    }
    let mut b = [0u8; 512];
    match sock.recv(&mut b) {
        Ok(0) => Outcome::Done(format!("send ok {} {}", total, started.elapsed().as_nanos())),
        Ok(_) => Outcome::Done("send err unexpected data".into()),
        Err(e) if e == EWOULDBLOCK => Outcome::Running,
        Err(e) => Outcome::Done(format!("send err {e}")),
    }
}

fn step_sink(task: &mut Task) -> Outcome {
    let Task::Sink { listener, sock, total, got, seed, started } = task else { unreachable!() };
    if sock.is_none() {
        match listener.accept() {
            Ok((s, _)) => {
                let _ = s.set_nonblocking(true);
                *started = Instant::now();
                *sock = Some(s);
            }
            Err(e) if e == EWOULDBLOCK => return Outcome::Running,
            Err(e) => return Outcome::Done(format!("sink err accept {e}")),
        }
    }
    let s = sock.as_ref().unwrap();
    let mut inb = [0u8; 64 * 1024];
    let mut want = [0u8; 64 * 1024];
    loop {
        match s.recv(&mut inb) {
            Ok(0) => {
                if *got != *total {
                    return Outcome::Done(format!("sink err eof after {got} of {total}"));
                }
                let _ = s.shutdown(1);
                return Outcome::Done(format!("sink ok {} {}", total, started.elapsed().as_nanos()));
            }
            Ok(n) => {
                if *got + n as u64 > *total {
                    return Outcome::Done("sink err more data than expected".into());
                }
                pattern_fill(*seed, *got, &mut want[..n]);
                if inb[..n] != want[..n] {
                    return Outcome::Done(format!("sink err mismatch near byte {got}"));
                }
                *got += n as u64;
            }
            Err(e) if e == EWOULDBLOCK => return Outcome::Running,
            Err(e) => return Outcome::Done(format!("sink err {e}")),
        }
    }
}

fn step_rr(task: &mut Task) -> Outcome {
    let Task::Rr { sock, count, done, waiting, connected, started } = task else { unreachable!() };
    if !*connected {
        if sock.poll(POLLOUT) == 0 {
            return Outcome::Running;
        }
        match sock.take_error() {
            Ok(0) => {
                *connected = true;
                *started = Instant::now();
            }
            Ok(e) => return Outcome::Done(format!("rr err connect {}", Errno(e))),
            Err(e) => return Outcome::Done(format!("rr err {e}")),
        }
    }
    loop {
        if !*waiting {
            if *done == *count {
                return Outcome::Done(format!("rr ok {} {}", count, started.elapsed().as_nanos()));
            }
            match sock.send(b"x") {
                Ok(1) => *waiting = true,
                Ok(_) => return Outcome::Running,
                Err(e) if e == EWOULDBLOCK => return Outcome::Running,
                Err(e) => return Outcome::Done(format!("rr err send {e}")),
            }
        }
        let mut b = [0u8; 16];
        match sock.recv(&mut b) {
            Ok(0) => return Outcome::Done("rr err eof".into()),
            Ok(_) => {
                *waiting = false;
                *done += 1;
            }
            Err(e) if e == EWOULDBLOCK => return Outcome::Running,
            Err(e) => return Outcome::Done(format!("rr err recv {e}")),
        }
    }
}


impl Node {
    pub(super) fn step_task(&mut self, t: &mut Task) -> Outcome {
        match t {
            Task::Bulk { .. } => step_bulk(t),
            Task::Send { .. } => step_send(t),
            Task::Sink { .. } => step_sink(t),
            Task::Rr { .. } => step_rr(t),
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
