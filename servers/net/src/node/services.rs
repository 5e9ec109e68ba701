//! The echo (port 7) and discard (port 9) services, TCP and UDP, on
//! non-blocking sockets stepped by the node's loop.
use std::net::{Ipv4Addr, SocketAddrV4};

use crate::socket::{Errno, Kind, Socket, EWOULDBLOCK};

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
pub(super) struct Services {
    tcp_listeners: Vec<(Socket, bool)>,
    udp: Vec<(Socket, bool)>,
    conns: Vec<Conn>,
}

impl Services {
    pub(super) fn start() -> Result<Services, Errno> {
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

    pub(super) fn step(&mut self) {
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

