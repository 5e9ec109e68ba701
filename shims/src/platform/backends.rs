//! I/O backends: how a platform's block and packet items reach a device
//! that is not built into the platform itself. A subsystem or a driver
//! client registers a backend once at start-up (the hosted TAP device of
//! the net subsystem; later, the block-protocol client of a Molt server),
//! and the platform's `blk_*`/`pkt_*` items forward to it. Until one is
//! registered they fail with ENXIO: documented interface behaviour, so a
//! server without a disk or a network still starts.
//!
//! The hosted platform has its own block devices (host files) and uses the
//! packet registry; the server platform uses both registries.
// The forwarding below serves the platform implementations that are built
// (block: the server's; packet: hosted and server).
#![cfg_attr(not(feature = "server"), allow(dead_code))]
#![cfg_attr(not(any(feature = "hosted", feature = "server")), allow(unused_macros, unused_imports))]
use core::ffi::c_int;

use super::interface::Handle;
use super::once::Once;
use crate::bsd::ENXIO;

/// What a packet path provides. Handles are small integers chosen by the
/// backend; errors are BSD errno values.
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

/// What a block path provides (synchronous, byte offsets; called with the
/// giant lock held).
pub trait BlockBackend: Sync + Send {
    /// Opens the disk called `name`; returns a handle.
    fn open(&self, name: &str, read_only: bool) -> Result<c_int, c_int>;
    /// Reads exactly `buf.len()` bytes at `off`.
    fn read(&self, handle: c_int, buf: &mut [u8], off: u64) -> Result<(), c_int>;
    /// Writes all of `buf` at `off`.
    fn write(&self, handle: c_int, buf: &[u8], off: u64) -> Result<(), c_int>;
    /// The disk's size in bytes.
    fn size(&self, handle: c_int) -> Result<u64, c_int>;
    /// Flushes written data to stable storage.
    fn sync(&self, handle: c_int) -> Result<(), c_int>;
    /// Closes the handle.
    fn close(&self, handle: c_int);
}

static PACKET: Once<&'static dyn PacketBackend> = Once::new();
static BLOCK: Once<&'static dyn BlockBackend> = Once::new();

/// Installs the packet backend; a second call returns `false` and changes nothing.
pub fn register_packet_backend(backend: &'static dyn PacketBackend) -> bool {
    PACKET.set(backend)
}

/// Installs the block backend; a second call returns `false` and changes nothing.
pub fn register_block_backend(backend: &'static dyn BlockBackend) -> bool {
    BLOCK.set(backend)
}

fn errno(r: Result<(), c_int>) -> c_int {
    r.err().unwrap_or(0)
}

/// # Safety
/// `name` is readable for `len` bytes.
unsafe fn name_of<'a>(name: *const u8, len: usize) -> Result<&'a str, c_int> {
    // SAFETY: guaranteed by the caller.
    let bytes = unsafe { core::slice::from_raw_parts(name, len) };
    core::str::from_utf8(bytes).map_err(|_| crate::bsd::EINVAL as c_int)
}

/// Interface-shaped forwarding to the registered packet backend.
pub(crate) mod packet {
    use super::*;

    fn backend() -> Result<&'static dyn PacketBackend, c_int> {
        PACKET.get().ok_or(ENXIO as c_int)
    }

    /// # Safety
    /// As for `Platform::pkt_open`.
    pub unsafe fn open(name: *const u8, len: usize, handle: *mut Handle) -> c_int {
        // SAFETY: guaranteed by the caller.
        let r = backend().and_then(|b| b.open(unsafe { name_of(name, len) }?));
        // SAFETY: guaranteed by the caller.
        errno(r.map(|h| unsafe { handle.write(h) }))
    }
    /// # Safety
    /// As for `Platform::pkt_send`.
    pub unsafe fn send(h: Handle, frame: *const u8, len: usize) -> c_int {
        // SAFETY: guaranteed by the caller.
        let frame = unsafe { core::slice::from_raw_parts(frame, len) };
        errno(backend().and_then(|b| b.send(h, frame)))
    }
    /// # Safety
    /// As for `Platform::pkt_recv`.
    pub unsafe fn recv(h: Handle, buf: *mut u8, len: usize, timeout_ns: u64, got: *mut usize) -> c_int {
        // SAFETY: guaranteed by the caller.
        let buf = unsafe { core::slice::from_raw_parts_mut(buf, len) };
        // SAFETY: guaranteed by the caller.
        errno(backend().and_then(|b| b.recv(h, buf, timeout_ns)).map(|n| unsafe { got.write(n) }))
    }
    pub fn close(h: Handle) {
        if let Ok(b) = backend() {
            b.close(h)
        }
    }
}

/// Interface-shaped forwarding to the registered block backend.
pub(crate) mod block {
    use super::*;

    fn backend() -> Result<&'static dyn BlockBackend, c_int> {
        BLOCK.get().ok_or(ENXIO as c_int)
    }

    /// # Safety
    /// As for `Platform::blk_open`.
    pub unsafe fn open(name: *const u8, len: usize, read_only: c_int, handle: *mut Handle) -> c_int {
        // SAFETY: guaranteed by the caller.
        let r = backend().and_then(|b| b.open(unsafe { name_of(name, len) }?, read_only != 0));
        // SAFETY: guaranteed by the caller.
        errno(r.map(|h| unsafe { handle.write(h) }))
    }
    /// # Safety
    /// As for `Platform::blk_read`.
    pub unsafe fn read(h: Handle, buf: *mut u8, len: usize, off: u64) -> c_int {
        // SAFETY: guaranteed by the caller.
        let buf = unsafe { core::slice::from_raw_parts_mut(buf, len) };
        errno(backend().and_then(|b| b.read(h, buf, off)))
    }
    /// # Safety
    /// As for `Platform::blk_write`.
    pub unsafe fn write(h: Handle, buf: *const u8, len: usize, off: u64) -> c_int {
        // SAFETY: guaranteed by the caller.
        let buf = unsafe { core::slice::from_raw_parts(buf, len) };
        errno(backend().and_then(|b| b.write(h, buf, off)))
    }
    /// # Safety
    /// As for `Platform::blk_size`.
    pub unsafe fn size(h: Handle, size: *mut u64) -> c_int {
        // SAFETY: guaranteed by the caller.
        errno(backend().and_then(|b| b.size(h)).map(|s| unsafe { size.write(s) }))
    }
    pub fn sync(h: Handle) -> c_int {
        errno(backend().and_then(|b| b.sync(h)))
    }
    pub fn close(h: Handle) {
        if let Ok(b) = backend() {
            b.close(h)
        }
    }
}

/// The four `pkt_*` items of a `Platform` impl, forwarded to the
/// registered packet backend (for platforms without a packet path of
/// their own: hosted and server).
macro_rules! packet_items_via_backend {
    () => {
        unsafe fn pkt_open(&self, name: *const u8, name_len: usize, handle: *mut Handle) -> c_int {
            // SAFETY: guaranteed by the caller.
            unsafe { $crate::platform::backends::packet::open(name, name_len, handle) }
        }
        unsafe fn pkt_send(&self, handle: Handle, frame: *const u8, len: usize) -> c_int {
            // SAFETY: guaranteed by the caller.
            unsafe { $crate::platform::backends::packet::send(handle, frame, len) }
        }
        unsafe fn pkt_recv(&self, handle: Handle, buf: *mut u8, len: usize, timeout_ns: u64, got: *mut usize) -> c_int {
            // SAFETY: guaranteed by the caller.
            unsafe { $crate::platform::backends::packet::recv(handle, buf, len, timeout_ns, got) }
        }
        fn pkt_close(&self, handle: Handle) {
            $crate::platform::backends::packet::close(handle)
        }
    };
}
pub(crate) use packet_items_via_backend;
