//! The socket API for Rust: a [`Socket`] is a descriptor of the stack's
//! socket table; each method takes the giant lock for its C call and
//! turns a negated errno into [`Errno`].
use std::net::{Ipv4Addr, SocketAddrV4};

use crate::bsd;

/// A 4.4BSD errno value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Errno(pub i32);

impl std::fmt::Display for Errno {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = match self.0 as u32 {
            bsd::EWOULDBLOCK => "EWOULDBLOCK",
            bsd::EINPROGRESS => "EINPROGRESS",
            bsd::ECONNREFUSED => "ECONNREFUSED",
            bsd::ECONNRESET => "ECONNRESET",
            bsd::ETIMEDOUT => "ETIMEDOUT",
            bsd::ENOTCONN => "ENOTCONN",
            bsd::EADDRINUSE => "EADDRINUSE",
            bsd::EPIPE => "EPIPE",
            bsd::EINVAL => "EINVAL",
            bsd::EHOSTUNREACH => "EHOSTUNREACH",
            bsd::ENXIO => "ENXIO",
            bsd::EPERM => "EPERM",
            bsd::EBUSY => "EBUSY",
            _ => "errno",
        };
        write!(f, "{name} ({})", self.0)
    }
}

impl std::error::Error for Errno {}

/// `EWOULDBLOCK`: the non-blocking call would have had to wait.
pub const EWOULDBLOCK: Errno = Errno(bsd::EWOULDBLOCK as i32);

/// Runs one socket call with the giant lock, then the protocol input it
/// may have queued (lo0 delivers through the IP input queue).
fn call<R>(f: impl FnOnce() -> R) -> R {
    molt_shims::with_giant(|| {
        let r = f();
        // SAFETY: no arguments; drains the protocol input queues.
        unsafe { bsd::netisr_run() };
        r
    })
}

fn check(r: i64) -> Result<usize, Errno> {
    if r < 0 { Err(Errno(-r as i32)) } else { Ok(r as usize) }
}

fn to_sockaddr(a: SocketAddrV4) -> bsd::sockaddr_in {
    bsd::sockaddr_in {
        sin_len: std::mem::size_of::<bsd::sockaddr_in>() as u8,
        sin_family: bsd::AF_INET as u8,
        sin_port: a.port().to_be(),
        sin_addr: bsd::in_addr { s_addr: u32::from_ne_bytes(a.ip().octets()) },
        sin_zero: [0; 8],
    }
}

fn from_sockaddr(s: &bsd::sockaddr_in) -> SocketAddrV4 {
    SocketAddrV4::new(Ipv4Addr::from(s.sin_addr.s_addr.to_ne_bytes()), u16::from_be(s.sin_port))
}

const SIN_LEN: i32 = std::mem::size_of::<bsd::sockaddr_in>() as i32;

/// Socket types.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    Stream,
    Datagram,
}

/// Readiness bits, as poll(2) names them.
pub const POLLIN: i16 = bsd::POLLIN as i16;
pub const POLLPRI: i16 = bsd::POLLPRI as i16;
pub const POLLOUT: i16 = bsd::POLLOUT as i16;
pub const POLLERR: i16 = bsd::POLLERR as i16;
pub const POLLHUP: i16 = bsd::POLLHUP as i16;

/// A socket of the stack. Closed on drop.
#[derive(Debug)]
pub struct Socket(i32);

impl Socket {
    /// `socket(AF_INET, kind, 0)`, made non-blocking if `nonblocking`.
    pub fn new(kind: Kind, nonblocking: bool) -> Result<Socket, Errno> {
        let ty = match kind {
            Kind::Stream => bsd::SOCK_STREAM,
            Kind::Datagram => bsd::SOCK_DGRAM,
        } as i32;
        // SAFETY: plain integer arguments.
        let fd = check(call(|| unsafe { bsd::net_socket(bsd::AF_INET as i32, ty, 0) }) as i64)?;
        let s = Socket(fd as i32);
        if nonblocking {
            s.set_nonblocking(true)?;
        }
        Ok(s)
    }

    /// The descriptor number.
    pub fn fd(&self) -> i32 {
        self.0
    }

    pub fn set_nonblocking(&self, on: bool) -> Result<(), Errno> {
        // SAFETY: plain integer arguments.
        check(call(|| unsafe { bsd::net_setnonblock(self.0, on as i32) }) as i64).map(|_| ())
    }

    pub fn bind(&self, addr: SocketAddrV4) -> Result<(), Errno> {
        let sin = to_sockaddr(addr);
        // SAFETY: sin is a valid sockaddr_in of SIN_LEN bytes for the call.
        check(call(|| unsafe { bsd::net_bind(self.0, (&sin as *const bsd::sockaddr_in).cast(), SIN_LEN) }) as i64)
            .map(|_| ())
    }

    pub fn listen(&self, backlog: i32) -> Result<(), Errno> {
        // SAFETY: plain integer arguments.
        check(call(|| unsafe { bsd::net_listen(self.0, backlog) }) as i64).map(|_| ())
    }

    /// Takes a completed connection; non-blocking listeners return
    /// `EWOULDBLOCK` when there is none.
    pub fn accept(&self) -> Result<(Socket, SocketAddrV4), Errno> {
        let mut sin = to_sockaddr(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, 0));
        let mut len = SIN_LEN;
        // SAFETY: sin and len are valid for writes of SIN_LEN bytes / an int.
        let fd = check(call(|| unsafe {
            bsd::net_accept(self.0, (&mut sin as *mut bsd::sockaddr_in).cast(), &mut len)
        }) as i64)?;
        Ok((Socket(fd as i32), from_sockaddr(&sin)))
    }

    /// Connects; a non-blocking socket returns `EINPROGRESS` at once.
    pub fn connect(&self, addr: SocketAddrV4) -> Result<(), Errno> {
        let sin = to_sockaddr(addr);
        // SAFETY: sin is a valid sockaddr_in for the call.
        check(call(|| unsafe {
            bsd::net_connect(self.0, (&sin as *const bsd::sockaddr_in).cast(), SIN_LEN)
        }) as i64)
        .map(|_| ())
    }

    pub fn send(&self, buf: &[u8]) -> Result<usize, Errno> {
        self.send_flags(buf, 0)
    }

    pub fn recv(&self, buf: &mut [u8]) -> Result<usize, Errno> {
        self.recv_flags(buf, 0)
    }

    /// Sends `buf`, its last byte urgent (MSG_OOB).
    pub fn send_oob(&self, buf: &[u8]) -> Result<usize, Errno> {
        self.send_flags(buf, bsd::MSG_OOB as i32)
    }

    /// Reads the urgent byte held apart from the stream (MSG_OOB).
    pub fn recv_oob(&self, buf: &mut [u8]) -> Result<usize, Errno> {
        self.recv_flags(buf, bsd::MSG_OOB as i32)
    }

    /// `send(2)` with MSG_* flags.
    pub fn send_flags(&self, buf: &[u8], flags: i32) -> Result<usize, Errno> {
        // SAFETY: buf is valid for buf.len() bytes during the call.
        check(call(|| unsafe { bsd::net_send(self.0, buf.as_ptr().cast(), buf.len(), flags) }))
    }

    /// `recv(2)` with MSG_* flags.
    pub fn recv_flags(&self, buf: &mut [u8], flags: i32) -> Result<usize, Errno> {
        // SAFETY: buf is valid for writes of buf.len() bytes during the call.
        check(call(|| unsafe { bsd::net_recv(self.0, buf.as_mut_ptr().cast(), buf.len(), flags) }))
    }

    /// Whether the next byte to read is where the urgent byte was.
    pub fn at_mark(&self) -> Result<bool, Errno> {
        // SAFETY: plain integer argument.
        check(call(|| unsafe { bsd::net_atmark(self.0) }) as i64).map(|v| v == 1)
    }

    pub fn send_to(&self, buf: &[u8], to: SocketAddrV4) -> Result<usize, Errno> {
        let sin = to_sockaddr(to);
        // SAFETY: buf and sin are valid for the call.
        check(call(|| unsafe {
            bsd::net_sendto(self.0, buf.as_ptr().cast(), buf.len(), 0, (&sin as *const bsd::sockaddr_in).cast(), SIN_LEN)
        }))
    }

    pub fn recv_from(&self, buf: &mut [u8]) -> Result<(usize, SocketAddrV4), Errno> {
        let mut sin = to_sockaddr(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, 0));
        let mut len = SIN_LEN;
        // SAFETY: buf, sin and len are valid for writes during the call.
        let n = check(call(|| unsafe {
            bsd::net_recvfrom(self.0, buf.as_mut_ptr().cast(), buf.len(), 0, (&mut sin as *mut bsd::sockaddr_in).cast(), &mut len)
        }))?;
        Ok((n, from_sockaddr(&sin)))
    }

    /// `shutdown(how)`: 0 read, 1 write, 2 both.
    pub fn shutdown(&self, how: i32) -> Result<(), Errno> {
        // SAFETY: plain integer arguments.
        check(call(|| unsafe { bsd::net_shutdown(self.0, how) }) as i64).map(|_| ())
    }

    /// Sets an integer option (`SOL_SOCKET`/`IPPROTO_TCP` level).
    pub fn set_option(&self, level: i32, name: i32, value: i32) -> Result<(), Errno> {
        // SAFETY: value is a valid int for the call, which copies it.
        check(call(|| unsafe {
            bsd::net_setsockopt(self.0, level, name, (&value as *const i32).cast(), 4)
        }) as i64)
        .map(|_| ())
    }

    /// Sets a timeout option (SO_SNDTIMEO, SO_RCVTIMEO) from seconds and
    /// microseconds, as a struct timeval.
    pub fn set_timeout(&self, name: i32, sec: i64, usec: i64) -> Result<(), Errno> {
        let tv = bsd::timeval { tv_sec: sec as _, tv_usec: usec as _ };
        // SAFETY: tv is a valid timeval for the call, which copies it.
        check(call(|| unsafe {
            bsd::net_setsockopt(self.0, bsd::SOL_SOCKET as i32, name, (&tv as *const bsd::timeval).cast(), std::mem::size_of::<bsd::timeval>() as _)
        }) as i64)
        .map(|_| ())
    }

    /// Reads an integer option.
    pub fn option(&self, level: i32, name: i32) -> Result<i32, Errno> {
        let mut v = 0i32;
        let mut len = 4;
        // SAFETY: v and len are valid for writes during the call.
        check(call(|| unsafe {
            bsd::net_getsockopt(self.0, level, name, (&mut v as *mut i32).cast(), &mut len)
        }) as i64)?;
        Ok(v)
    }

    pub fn set_reuseaddr(&self, on: bool) -> Result<(), Errno> {
        self.set_option(bsd::SOL_SOCKET as i32, bsd::SO_REUSEADDR as i32, on as i32)
    }
    pub fn set_keepalive(&self, on: bool) -> Result<(), Errno> {
        self.set_option(bsd::SOL_SOCKET as i32, bsd::SO_KEEPALIVE as i32, on as i32)
    }
    pub fn set_nodelay(&self, on: bool) -> Result<(), Errno> {
        self.set_option(bsd::IPPROTO_TCP as i32, bsd::TCP_NODELAY as i32, on as i32)
    }
    /// Takes the pending error (SO_ERROR), 0 if none.
    pub fn take_error(&self) -> Result<i32, Errno> {
        self.option(bsd::SOL_SOCKET as i32, bsd::SO_ERROR as i32)
    }

    /// Readiness now, for the requested `events` (POLLIN/POLLOUT).
    pub fn poll(&self, events: i16) -> i16 {
        let mut p = bsd::net_pollfd { fd: self.0, events, revents: 0 };
        // SAFETY: p is one valid net_pollfd.
        call(|| unsafe { bsd::net_poll(&mut p, 1) });
        p.revents
    }

    /// The TCP state (`TCPS_*`) of a stream socket.
    pub fn tcp_state(&self) -> i32 {
        // SAFETY: plain integer argument.
        call(|| unsafe { bsd::net_tcp_state(self.0) })
    }

    /// The local address.
    pub fn local_addr(&self) -> Result<SocketAddrV4, Errno> {
        let mut sin = to_sockaddr(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, 0));
        let mut len = SIN_LEN;
        // SAFETY: sin and len are valid for writes during the call.
        check(call(|| unsafe {
            bsd::net_getsockname(self.0, (&mut sin as *mut bsd::sockaddr_in).cast(), &mut len)
        }) as i64)?;
        Ok(from_sockaddr(&sin))
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        // SAFETY: plain integer argument; the descriptor is ours.
        call(|| unsafe { bsd::net_close(self.0) });
    }
}

/// The name of a TCP state.
pub fn tcp_state_name(s: i32) -> &'static str {
    const NAMES: [&str; 11] = [
        "CLOSED", "LISTEN", "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED", "CLOSE_WAIT", "FIN_WAIT_1", "CLOSING", "LAST_ACK",
        "FIN_WAIT_2", "TIME_WAIT",
    ];
    NAMES.get(s as usize).copied().unwrap_or("?")
}
