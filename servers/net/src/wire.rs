//! An in-memory Ethernet wire between two stack processes.
//!
//! Design: each node gets one end of a `SOCK_SEQPACKET` socket pair (one
//! frame per message); the other ends belong to a relay thread, which
//! passes every frame to the opposite side after applying the wire's
//! [`Impairments`]: loss, duplication, reordering (a chosen frame is held
//! back so later ones overtake it) and delay, all drawn from a generator
//! with a fixed seed. While the wire is *held*, frames queue instead of
//! being delivered (tests use this to make two FINs cross). The relay
//! never blocks on a node: a full socket drops the frame, like a switch.
use std::collections::BinaryHeap;
use std::cmp::Reverse;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// What the wire does to frames.
#[derive(Clone, Copy, Debug)]
pub struct Impairments {
    /// Probability that a frame is lost.
    pub loss: f64,
    /// Probability that a frame is delivered twice.
    pub duplicate: f64,
    /// Probability that a frame is held back by `reorder_delay`.
    pub reorder: f64,
    pub reorder_delay: Duration,
    /// One-way delay of every frame.
    pub delay: Duration,
    pub seed: u64,
}

impl Impairments {
    /// A perfect wire.
    pub fn none() -> Impairments {
        Impairments { loss: 0.0, duplicate: 0.0, reorder: 0.0, reorder_delay: Duration::ZERO, delay: Duration::ZERO, seed: 1 }
    }
}

/// Counters of what the wire did.
#[derive(Debug, Default)]
pub struct WireStats {
    pub frames: AtomicU64,
    pub lost: AtomicU64,
    pub duplicated: AtomicU64,
    pub reordered: AtomicU64,
    pub overflowed: AtomicU64,
}

struct Shared {
    hold: AtomicBool,
    stop: AtomicBool,
    held_frames: AtomicU64,
    stats: WireStats,
}

/// A running wire; dropping it stops the relay.
pub struct Wire {
    /// The nodes' ends, to be handed to the node processes.
    ends: [Option<OwnedFd>; 2],
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

/// xorshift64*: small, fast and reproducible.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn chance(&mut self, p: f64) -> bool {
        p > 0.0 && (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
}

fn seqpacket_pair() -> std::io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0; 2];
    // SAFETY: fds has room for the two descriptors socketpair writes.
    let r = unsafe { libc::socketpair(libc::AF_UNIX, libc::SOCK_SEQPACKET | libc::SOCK_CLOEXEC, 0, fds.as_mut_ptr()) };
    if r < 0 {
        return Err(std::io::Error::last_os_error());
    }
    for fd in fds {
        let size: libc::c_int = 1 << 20;
        // SAFETY: setsockopt with a valid int option value on our socket.
        unsafe {
            libc::setsockopt(fd, libc::SOL_SOCKET, libc::SO_SNDBUF, (&size as *const libc::c_int).cast(), 4);
            libc::setsockopt(fd, libc::SOL_SOCKET, libc::SO_RCVBUF, (&size as *const libc::c_int).cast(), 4);
        }
    }
    // SAFETY: socketpair just created these descriptors; we own them.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

fn set_nonblocking(fd: RawFd) {
    // SAFETY: fcntl on our own descriptor.
    unsafe {
        let fl = libc::fcntl(fd, libc::F_GETFL);
        libc::fcntl(fd, libc::F_SETFL, fl | libc::O_NONBLOCK);
    }
}

impl Wire {
    /// Starts a wire with the given impairments.
    pub fn new(imp: Impairments) -> std::io::Result<Wire> {
        let (a_node, a_relay) = seqpacket_pair()?;
        let (b_node, b_relay) = seqpacket_pair()?;
        let shared = Arc::new(Shared {
            hold: AtomicBool::new(false),
            stop: AtomicBool::new(false),
            held_frames: AtomicU64::new(0),
            stats: WireStats::default(),
        });
        let sh = shared.clone();
        let thread = std::thread::spawn(move || relay(imp, [a_relay, b_relay], sh));
        Ok(Wire { ends: [Some(a_node), Some(b_node)], shared, thread: Some(thread) })
    }

    /// Takes the node end of side 0 or 1 (once).
    pub fn take_end(&mut self, side: usize) -> OwnedFd {
        self.ends[side].take().expect("wire end taken twice")
    }

    /// Holds (queues) or releases frames.
    pub fn hold(&self, on: bool) {
        self.shared.hold.store(on, Ordering::SeqCst);
    }

    /// Frames queued now (while held).
    pub fn queued(&self) -> u64 {
        self.shared.held_frames.load(Ordering::SeqCst)
    }

    pub fn stats(&self) -> &WireStats {
        &self.shared.stats
    }
}

impl Drop for Wire {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn relay(imp: Impairments, ends: [OwnedFd; 2], sh: Arc<Shared>) {
    let mut rng = Rng(imp.seed.max(1));
    let mut queue: BinaryHeap<Reverse<(Instant, u64, usize, Vec<u8>)>> = BinaryHeap::new();
    let mut seq = 0u64;
    let fds = [ends[0].as_raw_fd(), ends[1].as_raw_fd()];
    for fd in fds {
        set_nonblocking(fd);
    }
    let mut buf = vec![0u8; 65536];
    while !sh.stop.load(Ordering::SeqCst) {
        let now = Instant::now();
        let held = sh.hold.load(Ordering::SeqCst);
        let timeout = if held || queue.is_empty() {
            Duration::from_millis(5)
        } else {
            queue.peek().map(|Reverse((t, ..))| t.saturating_duration_since(now)).unwrap_or_default()
        };
        let mut pfds = [
            libc::pollfd { fd: fds[0], events: libc::POLLIN, revents: 0 },
            libc::pollfd { fd: fds[1], events: libc::POLLIN, revents: 0 },
        ];
        let ms = timeout.as_micros().div_ceil(1000).min(5) as i32;
        // SAFETY: two valid pollfds.
        unsafe { libc::poll(pfds.as_mut_ptr(), 2, ms) };
        for (side, p) in pfds.iter().enumerate() {
            if p.revents & (libc::POLLHUP | libc::POLLERR) != 0 && p.revents & libc::POLLIN == 0 {
                return;
            }
            loop {
                // SAFETY: buf is valid for writes of its length.
                let n = unsafe { libc::recv(fds[side], buf.as_mut_ptr().cast(), buf.len(), libc::MSG_DONTWAIT) };
                if n <= 0 {
                    break;
                }
                sh.stats.frames.fetch_add(1, Ordering::Relaxed);
                if rng.chance(imp.loss) {
                    sh.stats.lost.fetch_add(1, Ordering::Relaxed);
                    continue;
                }
                let frame = buf[..n as usize].to_vec();
                let mut at = Instant::now() + imp.delay;
                if rng.chance(imp.reorder) {
                    sh.stats.reordered.fetch_add(1, Ordering::Relaxed);
                    at += imp.reorder_delay;
                }
                if rng.chance(imp.duplicate) {
                    sh.stats.duplicated.fetch_add(1, Ordering::Relaxed);
                    seq += 1;
                    queue.push(Reverse((at, seq, 1 - side, frame.clone())));
                }
                seq += 1;
                queue.push(Reverse((at, seq, 1 - side, frame)));
            }
        }
        sh.held_frames.store(queue.len() as u64, Ordering::SeqCst);
        if sh.hold.load(Ordering::SeqCst) {
            continue;
        }
        let now = Instant::now();
        while queue.peek().is_some_and(|Reverse((t, ..))| *t <= now) {
            let Reverse((_, _, to, frame)) = queue.pop().unwrap();
            // SAFETY: frame is valid for its length.
            let n = unsafe { libc::send(fds[to], frame.as_ptr().cast(), frame.len(), libc::MSG_DONTWAIT) };
            if n < 0 {
                sh.stats.overflowed.fetch_add(1, Ordering::Relaxed);
            }
        }
        sh.held_frames.store(queue.len() as u64, Ordering::SeqCst);
    }
}
