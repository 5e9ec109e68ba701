//! The socket API over lo0, in one process: connect/accept, send/recv,
//! shutdown, poll readiness, sendto/recvfrom, options, and bad calls.
use std::net::{Ipv4Addr, SocketAddrV4};

use molt_net::bsd;
use molt_net::socket::{Errno, Kind, Socket, EWOULDBLOCK, POLLHUP, POLLIN, POLLOUT};
use molt_net::stack;

const LO: Ipv4Addr = Ipv4Addr::LOCALHOST;

fn lo(port: u16) -> SocketAddrV4 {
    SocketAddrV4::new(LO, port)
}

fn listener(port: u16) -> Socket {
    stack::init();
    let l = Socket::new(Kind::Stream, true).unwrap();
    l.bind(lo(port)).unwrap();
    l.listen(8).unwrap();
    l
}

/// A connected pair (client, server side) over lo0.
fn pair(port: u16) -> (Socket, Socket, Socket) {
    let l = listener(port);
    let c = Socket::new(Kind::Stream, true).unwrap();
    assert_eq!(c.connect(lo(port)), Err(Errno(bsd::EINPROGRESS as i32)));
    // the handshake ran on lo0 within the call
    assert_eq!(c.poll(POLLOUT) & POLLOUT, POLLOUT);
    assert_eq!(c.take_error(), Ok(0));
    assert_eq!(l.poll(POLLIN), POLLIN);
    let (s, peer) = l.accept().unwrap();
    assert_eq!(peer.ip(), &LO);
    assert_eq!(c.local_addr().unwrap().port(), peer.port());
    s.set_nonblocking(true).unwrap();
    (l, c, s)
}

#[test]
fn stream_connect_send_recv_shutdown() {
    let (_l, c, s) = pair(7000);
    assert_eq!(c.tcp_state(), bsd::TCPS_ESTABLISHED as i32);
    let mut buf = [0u8; 100];
    assert_eq!(s.recv(&mut buf), Err(EWOULDBLOCK));
    assert_eq!(s.poll(POLLIN), 0);
    assert_eq!(c.send(b"hello, world"), Ok(12));
    assert_eq!(s.poll(POLLIN), POLLIN);
    assert_eq!(s.recv(&mut buf), Ok(12));
    assert_eq!(&buf[..12], b"hello, world");
    c.shutdown(1).unwrap();
    assert_eq!(s.recv(&mut buf), Ok(0), "EOF after the peer's FIN");
    assert_eq!(c.send(b"x"), Err(Errno(bsd::EPIPE as i32)));
    s.shutdown(1).unwrap();
    assert_eq!(c.recv(&mut buf), Ok(0));
    assert_eq!(c.poll(POLLIN) & POLLHUP, POLLHUP);
    assert_eq!(c.tcp_state(), bsd::TCPS_TIME_WAIT as i32);
}

#[test]
fn reuseaddr_decides_whether_a_port_in_time_wait_can_be_bound() {
    let (l, c, s) = pair(7101);
    // the server closes first: its side of the connection waits in TIME_WAIT
    s.shutdown(1).unwrap();
    let mut b = [0u8; 8];
    assert_eq!(c.recv(&mut b), Ok(0));
    c.shutdown(1).unwrap();
    assert_eq!(s.tcp_state(), bsd::TCPS_TIME_WAIT as i32);
    drop(l);
    drop(s);
    let again = Socket::new(Kind::Stream, true).unwrap();
    assert_eq!(again.bind(lo(7101)), Err(Errno(bsd::EADDRINUSE as i32)));
    let again = Socket::new(Kind::Stream, true).unwrap();
    again.set_reuseaddr(true).unwrap();
    again.bind(lo(7101)).unwrap();
    again.listen(1).unwrap();
    // and two live listeners never share a port
    let third = Socket::new(Kind::Stream, true).unwrap();
    third.set_reuseaddr(true).unwrap();
    assert_eq!(third.bind(lo(7101)), Err(Errno(bsd::EADDRINUSE as i32)));
}

#[test]
fn options_keepalive_nodelay_reuseaddr() {
    stack::init();
    let s = Socket::new(Kind::Stream, true).unwrap();
    let sol = bsd::SOL_SOCKET as i32;
    for (name, set) in [
        (bsd::SO_KEEPALIVE as i32, Socket::set_keepalive as fn(&Socket, bool) -> Result<(), Errno>),
        (bsd::SO_REUSEADDR as i32, Socket::set_reuseaddr),
    ] {
        assert_eq!(s.option(sol, name), Ok(0));
        set(&s, true).unwrap();
        // on: any nonzero value (POSIX; Lite2 returns the option's bit)
        assert!(s.option(sol, name).is_ok_and(|v| v != 0));
        set(&s, false).unwrap();
        assert_eq!(s.option(sol, name), Ok(0));
    }
    let tcp = bsd::IPPROTO_TCP as i32;
    assert_eq!(s.option(tcp, bsd::TCP_NODELAY as i32), Ok(0));
    s.set_nodelay(true).unwrap();
    assert_eq!(s.option(tcp, bsd::TCP_NODELAY as i32), Ok(1));
    assert_eq!(s.option(sol, 0x7777), Err(Errno(bsd::ENOPROTOOPT as i32)));
}

#[test]
fn keepalive_probes_an_idle_connection() {
    // probes after 4 idle slow ticks, then every 2
    stack::set_keepalive(4, 2);
    let (_l, c, _s) = pair(7200);
    c.set_keepalive(true).unwrap();
    let before = stack::stats().tcp.tcps_keepprobe;
    for _ in 0..12 {
        stack::slow_tick();
    }
    let probes = stack::stats().tcp.tcps_keepprobe - before;
    assert!(probes >= 2, "{probes} probes");
    // the peer answered every probe: still connected
    assert_eq!(c.tcp_state(), bsd::TCPS_ESTABLISHED as i32);
}

#[test]
fn datagrams_sendto_recvfrom() {
    stack::init();
    let a = Socket::new(Kind::Datagram, true).unwrap();
    a.bind(lo(7300)).unwrap();
    let b = Socket::new(Kind::Datagram, true).unwrap();
    let mut buf = [0u8; 64];
    assert_eq!(a.recv_from(&mut buf), Err(EWOULDBLOCK));
    assert_eq!(b.send_to(b"ping", lo(7300)), Ok(4));
    assert_eq!(a.poll(POLLIN), POLLIN);
    let (n, from) = a.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"ping");
    assert_eq!(a.send_to(b"pong!", from), Ok(5));
    assert_eq!(b.recv_from(&mut buf).unwrap().0, 5);
    // one datagram per receive, however large the buffer
    b.send_to(b"one", lo(7300)).unwrap();
    b.send_to(b"two", lo(7300)).unwrap();
    assert_eq!(a.recv(&mut buf), Ok(3));
    assert_eq!(a.recv(&mut buf), Ok(3));
    assert_eq!(&buf[..3], b"two");
}

#[test]
fn bad_calls_fail_cleanly() {
    stack::init();
    let s = Socket::new(Kind::Stream, true).unwrap();
    // a stream socket that is not connected cannot send
    assert_eq!(s.send(b"x"), Err(Errno(bsd::ENOTCONN as i32)));
    assert_eq!(s.accept().map(|_| ()), Err(Errno(bsd::EINVAL as i32)));
    // connecting to a port nobody listens on is refused (RST over lo0)
    assert_eq!(s.connect(lo(7999)), Err(Errno(bsd::EINPROGRESS as i32)));
    assert_eq!(s.take_error(), Ok(bsd::ECONNREFUSED as i32));
    // an address that is not ours cannot be bound
    let u = Socket::new(Kind::Datagram, true).unwrap();
    assert_eq!(u.bind(SocketAddrV4::new(Ipv4Addr::new(192, 0, 2, 1), 1)), Err(Errno(bsd::EADDRNOTAVAIL as i32)));
}

/// Nagle's rule holds small writes while data is unacknowledged, and the
/// receiver delays its ACK until the fast timer; TCP_NODELAY sends at once.
#[test]
fn nagle_and_delayed_ack() {
    for (port, nodelay) in [(7400u16, false), (7401, true)] {
        let (_l, c, s) = pair(port);
        c.set_nodelay(nodelay).unwrap();
        let mut buf = [0u8; 16];
        assert_eq!(c.send(b"a"), Ok(1));
        assert_eq!(s.recv(&mut buf), Ok(1), "the first byte goes at once");
        for b in [b"b", b"c", b"d"] {
            assert_eq!(c.send(b), Ok(1));
        }
        if nodelay {
            assert_eq!(s.recv(&mut buf), Ok(3), "TCP_NODELAY: sent at once");
        } else {
            // "a" is not yet acknowledged (the ACK is delayed), so b, c, d wait
            assert_eq!(s.recv(&mut buf), Err(EWOULDBLOCK));
            stack::fast_tick(); // the delayed ACK goes; then b, c, d as one segment
            assert_eq!(s.recv(&mut buf), Ok(3));
            assert_eq!(&buf[..3], b"bcd");
        }
    }
}

/// Blocking calls sleep (tsleep, releasing the giant lock) until another
/// thread's call makes the socket ready.
#[test]
fn blocking_accept_and_recv_wait_for_the_peer() {
    // run it on a thread so that a hang fails the test instead of the run
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        blocking_exchange();
        let _ = tx.send(());
    });
    rx.recv_timeout(std::time::Duration::from_secs(30)).expect("blocking calls completed");
}

fn blocking_exchange() {
    stack::init();
    let l = Socket::new(Kind::Stream, false).unwrap();
    l.bind(lo(7500)).unwrap();
    l.listen(4).unwrap();
    let server = std::thread::spawn(move || {
        let (s, _) = l.accept().unwrap(); // sleeps until the connection is made
        let mut buf = [0u8; 64];
        let n = s.recv(&mut buf).unwrap(); // sleeps until data comes
        assert_eq!(s.send(&buf[..n]), Ok(n));
        assert_eq!(s.recv(&mut buf), Ok(0)); // sleeps until the FIN
    });
    std::thread::sleep(std::time::Duration::from_millis(50));
    let c = Socket::new(Kind::Stream, false).unwrap();
    c.connect(lo(7500)).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(50));
    assert_eq!(c.send(b"blocking"), Ok(8));
    let mut buf = [0u8; 64];
    assert_eq!(c.recv(&mut buf), Ok(8));
    assert_eq!(&buf[..8], b"blocking");
    c.shutdown(1).unwrap();
    server.join().unwrap();
}

/// Urgent data: the marked byte is held apart and read with MSG_OOB; a
/// normal read stops at the mark.
#[test]
fn urgent_data_is_read_apart_at_its_mark() {
    use molt_net::socket::POLLPRI;
    let (_l, c, s) = pair(7600);
    c.set_nodelay(true).unwrap();
    assert_eq!(c.send(b"ab"), Ok(2));
    assert_eq!(c.send_oob(b"c"), Ok(1));
    assert_eq!(c.send(b"de"), Ok(2));
    assert_eq!(s.poll(POLLPRI) & POLLPRI, POLLPRI);
    let mut buf = [0u8; 16];
    assert_eq!(s.at_mark(), Ok(false));
    assert_eq!(s.recv(&mut buf), Ok(2), "stops at the mark");
    assert_eq!(&buf[..2], b"ab");
    assert_eq!(s.at_mark(), Ok(true));
    assert_eq!(s.recv_oob(&mut buf), Ok(1));
    assert_eq!(buf[0], b'c');
    assert_eq!(s.recv_oob(&mut buf), Err(Errno(bsd::EINVAL as i32)), "read once");
    assert_eq!(s.recv(&mut buf), Ok(2));
    assert_eq!(&buf[..2], b"de");
    assert_eq!(s.at_mark(), Ok(false));
    // with SO_OOBINLINE the urgent byte stays in the stream
    let (_l2, c2, s2) = pair(7601);
    s2.set_option(bsd::SOL_SOCKET as i32, bsd::SO_OOBINLINE as i32, 1).unwrap();
    c2.set_nodelay(true).unwrap();
    c2.send(b"xy").unwrap();
    c2.send_oob(b"z").unwrap();
    assert_eq!(s2.recv(&mut buf), Ok(2));
    assert_eq!(s2.at_mark(), Ok(true));
    assert_eq!(s2.recv(&mut buf), Ok(1));
    assert_eq!(buf[0], b'z');
}

#[test]
fn receive_timeout_ends_a_blocking_receive() {
    stack::init();
    let a = Socket::new(Kind::Datagram, false).unwrap();
    a.bind(lo(7400)).unwrap();
    let name = bsd::SO_RCVTIMEO as i32;
    assert_eq!(a.set_timeout(name, 1 << 40, 0), Err(Errno(bsd::EDOM as i32)));
    a.set_timeout(name, 0, 200_000).unwrap();
    let started = std::time::Instant::now();
    let mut buf = [0u8; 16];
    assert_eq!(a.recv_from(&mut buf).map(|r| r.0), Err(EWOULDBLOCK));
    let waited = started.elapsed();
    assert!(waited >= std::time::Duration::from_millis(150), "returned after {waited:?}");
    assert!(waited < std::time::Duration::from_secs(5), "returned after {waited:?}");
}

/// Ours only: Lite2's sosetopt takes any tv_usec (and a negative time).
#[test]
fn a_malformed_timeout_is_refused() {
    stack::init();
    let a = Socket::new(Kind::Datagram, true).unwrap();
    for name in [bsd::SO_RCVTIMEO as i32, bsd::SO_SNDTIMEO as i32] {
        assert_eq!(a.set_timeout(name, 0, 2_000_000), Err(Errno(bsd::EINVAL as i32)));
        assert_eq!(a.set_timeout(name, -1, 0), Err(Errno(bsd::EINVAL as i32)));
    }
}
