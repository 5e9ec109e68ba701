//! The commands a node reads on stdin and what each one does.
use std::net::{Ipv4Addr, SocketAddrV4};
use std::time::Instant;

use super::tasks::Task;
use super::{pattern_fill, say, Node};
use crate::socket::{tcp_state_name, Errno, Kind, Socket};
use crate::{bsd, stack};

/// The commands a node takes on stdin, one per line; each answers with a
/// line that starts with the command's name.
pub enum Command {
    Stats,
    Bulk(SocketAddrV4, u64, u64),
    Send(SocketAddrV4, u64, u64),
    Sink(u16, u64, u64),
    Rr(SocketAddrV4, u64),
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
        Some("send") => Command::Send(sa(1)?, num(3)?, num(4)?),
        Some("sink") => Command::Sink(num(1)? as u16, num(2)?, num(3)?),
        Some("rr") => Command::Rr(sa(1)?, num(3)?),
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


impl Node {
    pub(super) fn command(&mut self, line: &str) -> bool {
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
            Command::Send(to, total, seed) => match Socket::new(Kind::Stream, true) {
                Ok(sock) => match sock.connect(to) {
                    Ok(()) | Err(Errno(36)) => self.tasks.push(Task::Send {
                        sock,
                        total,
                        sent: 0,
                        seed,
                        started: Instant::now(),
                        connected: false,
                        shut: false,
                    }),
                    Err(e) => say(&format!("send err connect {e}")),
                },
                Err(e) => say(&format!("send err {e}")),
            },
            Command::Sink(port, total, seed) => {
                let r = Socket::new(Kind::Stream, true).and_then(|l| {
                    l.set_reuseaddr(true)?;
                    l.bind(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, port))?;
                    l.listen(1)?;
                    Ok(l)
                });
                match r {
                    Ok(listener) => {
                        say("sink listening");
                        self.tasks.push(Task::Sink { listener, sock: None, total, got: 0, seed, started: Instant::now() });
                    }
                    Err(e) => say(&format!("sink err {e}")),
                }
            }
            Command::Rr(to, count) => match Socket::new(Kind::Stream, true) {
                Ok(sock) => {
                    let _ = sock.set_nodelay(true);
                    match sock.connect(to) {
                        Ok(()) | Err(Errno(36)) => self.tasks.push(Task::Rr {
                            sock,
                            count,
                            done: 0,
                            waiting: false,
                            connected: false,
                            started: Instant::now(),
                        }),
                        Err(e) => say(&format!("rr err connect {e}")),
                    }
                }
                Err(e) => say(&format!("rr err {e}")),
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

}
