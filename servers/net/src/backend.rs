//! The hosted packet I/O: the platform's `PacketBackend` for a Linux
//! process. An interface is either a TAP device (`open("tap0")`, through
//! /dev/net/tun) or an inherited descriptor of a datagram socket, one end
//! of an in-memory wire (`open("fd:3")`). Frames are whole Ethernet frames
//! without any extra header. Sends never block: a full socket or device
//! drops the frame, as a busy NIC would, and the stack counts it.
use std::os::fd::RawFd;
use std::sync::Mutex;

use molt_shims::bsd;
use molt_shims::platform::{register_packet_backend, PacketBackend};

/// The backend registered with the shims (see [`install`]).
pub struct HostedPackets {
    fds: Mutex<Vec<RawFd>>,
}

static BACKEND: HostedPackets = HostedPackets { fds: Mutex::new(Vec::new()) };

/// Registers the hosted backend with the shims (idempotent).
pub fn install() {
    let _ = register_packet_backend(&BACKEND);
}

fn errno() -> i32 {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(libc::EIO)
}

/// Linux errno to the nearest 4.4BSD one the stack understands.
fn bsd_errno(e: i32) -> i32 {
    match e {
        libc::EAGAIN => bsd::EWOULDBLOCK as i32,
        libc::ENOENT | libc::ENODEV => bsd::ENXIO as i32,
        libc::EPERM | libc::EACCES => bsd::EPERM as i32,
        libc::EBUSY => bsd::EBUSY as i32,
        libc::EINVAL => bsd::EINVAL as i32,
        _ => bsd::EIO as i32,
    }
}

fn set_nonblocking(fd: RawFd) -> Result<(), i32> {
    // SAFETY: fcntl on a descriptor we own, with integer arguments.
    let fl = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    // SAFETY: as above.
    if fl < 0 || unsafe { libc::fcntl(fd, libc::F_SETFL, fl | libc::O_NONBLOCK) } < 0 {
        return Err(bsd_errno(errno()));
    }
    Ok(())
}

/// Attaches to the existing TAP device `name` (made beforehand, e.g. by
/// `ip tuntap add dev NAME mode tap`; this never creates one).
fn open_tap(name: &str) -> Result<RawFd, i32> {
    if name.is_empty() || name.len() >= libc::IFNAMSIZ || name.contains('/') || name.starts_with('.') {
        return Err(bsd::EINVAL as i32);
    }
    if !std::path::Path::new("/sys/class/net").join(name).exists() {
        return Err(bsd::ENXIO as i32);
    }
    // SAFETY: a constant NUL-terminated path and plain flags.
    let fd = unsafe { libc::open(c"/dev/net/tun".as_ptr(), libc::O_RDWR | libc::O_CLOEXEC) };
    if fd < 0 {
        return Err(bsd_errno(errno()));
    }
    // SAFETY: ifreq is plain old data; all-zero is a valid value.
    let mut ifr: libc::ifreq = unsafe { std::mem::zeroed() };
    for (d, s) in ifr.ifr_name.iter_mut().zip(name.bytes()) {
        *d = s as libc::c_char;
    }
    ifr.ifr_ifru.ifru_flags = (libc::IFF_TAP | libc::IFF_NO_PI) as libc::c_short;
    // SAFETY: TUNSETIFF reads an ifreq, which lives across the call.
    if unsafe { libc::ioctl(fd, libc::TUNSETIFF as _, &mut ifr) } < 0 {
        let e = bsd_errno(errno());
        // SAFETY: fd is ours and not used again.
        unsafe { libc::close(fd) };
        return Err(e);
    }
    set_nonblocking(fd)?;
    Ok(fd)
}

impl HostedPackets {
    fn fd(&self, handle: i32) -> Result<RawFd, i32> {
        let fds = self.fds.lock().unwrap();
        usize::try_from(handle).ok().and_then(|h| fds.get(h).copied()).filter(|&fd| fd >= 0).ok_or(bsd::EBADF as i32)
    }
}

impl PacketBackend for HostedPackets {
    fn open(&self, name: &str) -> Result<i32, i32> {
        let fd = match name.strip_prefix("fd:") {
            Some(n) => {
                let fd: RawFd = n.parse().map_err(|_| bsd::EINVAL as i32)?;
                set_nonblocking(fd)?;
                fd
            }
            None => open_tap(name)?,
        };
        let mut fds = self.fds.lock().unwrap();
        fds.push(fd);
        Ok((fds.len() - 1) as i32)
    }

    fn send(&self, handle: i32, frame: &[u8]) -> Result<(), i32> {
        let fd = self.fd(handle)?;
        // SAFETY: frame is valid for frame.len() bytes.
        let n = unsafe { libc::write(fd, frame.as_ptr().cast(), frame.len()) };
        if n < 0 {
            return Err(bsd_errno(errno()));
        }
        Ok(())
    }

    fn recv(&self, handle: i32, buf: &mut [u8], timeout_ns: u64) -> Result<usize, i32> {
        let fd = self.fd(handle)?;
        let mut pfd = libc::pollfd { fd, events: libc::POLLIN, revents: 0 };
        let ts = libc::timespec {
            tv_sec: (timeout_ns / 1_000_000_000).min(i32::MAX as u64) as libc::time_t,
            tv_nsec: (timeout_ns % 1_000_000_000) as libc::c_long,
        };
        // SAFETY: one valid pollfd and a valid timespec; no signal mask change.
        let r = unsafe { libc::ppoll(&mut pfd, 1, &ts, std::ptr::null()) };
        if r < 0 {
            let e = errno();
            return if e == libc::EINTR { Ok(0) } else { Err(bsd_errno(e)) };
        }
        if r == 0 {
            return Ok(0);
        }
        // SAFETY: buf is valid for writes of buf.len() bytes.
        let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
        if n < 0 {
            let e = errno();
            return if e == libc::EAGAIN || e == libc::EINTR { Ok(0) } else { Err(bsd_errno(e)) };
        }
        if n == 0 && pfd.revents & libc::POLLHUP != 0 {
            return Err(bsd::EPIPE as i32);
        }
        Ok(n as usize)
    }

    fn close(&self, handle: i32) {
        let mut fds = self.fds.lock().unwrap();
        if let Some(fd) = usize::try_from(handle).ok().and_then(|h| fds.get_mut(h)) {
            if *fd >= 0 {
                // SAFETY: the descriptor is ours; it is marked closed below.
                unsafe { libc::close(*fd) };
                *fd = -1;
            }
        }
    }
}

/// The C driver's frame output (`molt_pkt_send` in bsd/sys/net/if_pkt.c).
///
/// # Safety
/// `frame` must be valid for `len` bytes.
#[export_name = "bsd_molt_pkt_send"]
pub unsafe extern "C" fn molt_pkt_send(handle: libc::c_int, frame: *const libc::c_char, len: libc::c_int) -> libc::c_int {
    if frame.is_null() || len < 0 {
        return bsd::EINVAL as i32;
    }
    // SAFETY: the caller promises frame is valid for len bytes.
    let frame = unsafe { std::slice::from_raw_parts(frame.cast::<u8>(), len as usize) };
    match molt_shims::platform::pkt_send(handle, frame) {
        Ok(()) => 0,
        Err(e) => e,
    }
}
