//! Packet I/O: the platform's network-frame path, declared here for every
//! placement. The hosted implementation (a TAP device) belongs to the net
//! subsystem (issue 5): it registers a [`PacketBackend`] once at start-up,
//! and the `pkt_*` calls reach it. Without a backend they fail with ENXIO.
use core::ffi::c_int;
use std::sync::OnceLock;

use crate::bsd::ENXIO;

/// What a platform's packet path provides. Handles are small integers
/// chosen by the backend; errors are BSD errno values.
pub trait PacketBackend: Sync + Send {
    /// Opens the interface called `name` (e.g. "tap0"); returns a handle.
    fn open(&self, name: &str) -> Result<c_int, c_int>;
    /// Sends one frame. Called with the giant lock held; must not block long.
    fn send(&self, handle: c_int, frame: &[u8]) -> Result<(), c_int>;
    /// Waits up to `timeout_ns` for one frame; returns its length (0: none).
    /// Blocks: never called with the giant lock held.
    fn recv(&self, handle: c_int, buf: &mut [u8], timeout_ns: u64) -> Result<usize, c_int>;
    /// Closes the handle.
    fn close(&self, handle: c_int);
}

static BACKEND: OnceLock<&'static dyn PacketBackend> = OnceLock::new();

/// Installs the packet backend; a second call returns `false` and changes nothing.
pub fn register_packet_backend(backend: &'static dyn PacketBackend) -> bool {
    BACKEND.set(backend).is_ok()
}

fn backend() -> Result<&'static dyn PacketBackend, c_int> {
    BACKEND.get().copied().ok_or(ENXIO as c_int)
}

/// Opens a packet interface; see [`PacketBackend::open`].
pub fn pkt_open(name: &str) -> Result<c_int, c_int> {
    backend()?.open(name)
}
/// Sends a frame; see [`PacketBackend::send`].
pub fn pkt_send(handle: c_int, frame: &[u8]) -> Result<(), c_int> {
    backend()?.send(handle, frame)
}
/// Receives a frame; see [`PacketBackend::recv`].
pub fn pkt_recv(handle: c_int, buf: &mut [u8], timeout_ns: u64) -> Result<usize, c_int> {
    backend()?.recv(handle, buf, timeout_ns)
}
/// Closes a packet interface.
pub fn pkt_close(handle: c_int) {
    if let Ok(b) = backend() {
        b.close(handle)
    }
}
