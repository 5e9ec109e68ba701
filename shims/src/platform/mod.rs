//! The platform: the interface ([`interface`], one file, one trait, with
//! [`PLATFORM_VERSION`]), its installation ([`init`], which checks the
//! version), and the safe Rust wrappers the services call. Nothing above
//! this module names an implementation.
//!
//! Implementations (cargo features of molt-shims):
//! * `hosted` (default): a Linux process; installed automatically on first
//!   use if nothing else was.
//! * `server`: a Molt user-space server (`no_std`); its `main` calls
//!   `init(&molt_shims::platform::server::SERVER)` before anything else.
//!
//! The clock can be switched to a virtual clock (tests that need
//! deterministic time): [`virtual_clock::enable`] freezes it and
//! `crate::clock::advance` moves it, running due callouts.
use core::ffi::{c_char, c_int, c_void};
use core::fmt;

pub mod backends;
pub mod interface;
mod once;
mod user_memory;
pub mod virtual_clock;

#[cfg(feature = "hosted")]
pub mod hosted;
#[cfg(feature = "server")]
pub mod server;
/// The server platform's pure parts (run queue, bucket allocator, context
/// switch) are unit-tested in every host build of the shims.
#[cfg(all(test, not(feature = "server")))]
#[allow(dead_code)]
mod server {
    mod buckets;
    mod runq;
    mod switch;
}

pub use backends::{register_block_backend, register_packet_backend, BlockBackend, PacketBackend};
#[cfg(feature = "hosted")]
pub use hosted::cons_capture;
pub use interface::{Handle, Platform, PLATFORM_VERSION};

/// A block-device handle (an index in the platform's table).
pub type BlkHandle = Handle;

/// Why a platform was not installed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InitError {
    /// The implementation was written for another interface version.
    VersionMismatch { expected: u32, found: u32 },
    /// A platform is installed already (the first one stays).
    AlreadyInitialised,
}

impl fmt::Display for InitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InitError::VersionMismatch { expected, found } => write!(
                f,
                "molt-shims: platform interface version mismatch: the shims need version {expected}, the platform implements version {found}"
            ),
            InitError::AlreadyInitialised => write!(f, "molt-shims: a platform is already initialised"),
        }
    }
}

static CURRENT: once::Once<&'static dyn Platform> = once::Once::new();

/// Checks an implementation's interface version against [`PLATFORM_VERSION`].
pub fn check_version(found: u32) -> Result<(), InitError> {
    if found == PLATFORM_VERSION {
        Ok(())
    } else {
        Err(InitError::VersionMismatch { expected: PLATFORM_VERSION, found })
    }
}

/// Installs `platform` for the rest of the process, after checking its
/// version. Call it once, before any BSD code runs.
pub fn init(platform: &'static dyn Platform) -> Result<(), InitError> {
    check_version(platform.version())?;
    if CURRENT.set(platform) {
        Ok(())
    } else {
        Err(InitError::AlreadyInitialised)
    }
}

/// The installed platform.
pub fn current() -> &'static dyn Platform {
    match CURRENT.get() {
        Some(p) => p,
        None => default_platform(),
    }
}

#[cfg(feature = "hosted")]
fn default_platform() -> &'static dyn Platform {
    if let Err(e @ InitError::VersionMismatch { .. }) = init(&hosted::HOSTED) {
        panic!("{e}");
    }
    CURRENT.get().expect("a platform was just installed")
}

#[cfg(not(feature = "hosted"))]
fn default_platform() -> &'static dyn Platform {
    panic!("molt-shims: no platform initialised; call molt_shims::platform::init first")
}

/// The installed platform's name ("hosted", "server").
pub fn name() -> &'static str {
    // SAFETY: the interface promises a NUL-terminated static string.
    let name = unsafe { core::ffi::CStr::from_ptr(current().name()) };
    name.to_str().unwrap_or("?")
}

fn status(e: c_int) -> Result<(), c_int> {
    if e == 0 {
        Ok(())
    } else {
        Err(e)
    }
}

// --- memory ----------------------------------------------------------------

/// See [`Platform::mem_alloc`].
pub fn mem_alloc(size: usize, align: usize) -> *mut c_void {
    current().mem_alloc(size, align)
}

/// See [`Platform::mem_free`].
///
/// # Safety
/// `ptr` came from `mem_alloc(size, align)` and is not used afterwards.
pub unsafe fn mem_free(ptr: *mut c_void, size: usize, align: usize) {
    // SAFETY: guaranteed by the caller.
    unsafe { current().mem_free(ptr, size, align) }
}

/// See [`Platform::user_copyin`].
///
/// # Safety
/// `kaddr` is valid for `len` bytes of writes.
pub unsafe fn user_copyin(uaddr: *const u8, kaddr: *mut u8, len: usize) -> Result<(), c_int> {
    // SAFETY: guaranteed by the caller; the platform checks uaddr.
    status(unsafe { current().user_copyin(uaddr, kaddr, len) })
}

/// See [`Platform::user_copyout`].
///
/// # Safety
/// `kaddr` is valid for `len` bytes of reads.
pub unsafe fn user_copyout(kaddr: *const u8, uaddr: *mut u8, len: usize) -> Result<(), c_int> {
    // SAFETY: guaranteed by the caller; the platform checks uaddr.
    status(unsafe { current().user_copyout(kaddr, uaddr, len) })
}

// --- execution contexts and the monitor --------------------------------------

/// Starts an execution context running `func(arg)`; 0 or an errno.
///
/// # Safety
/// As for [`Platform::ctx_create`].
pub unsafe fn thread_create(func: extern "C" fn(*mut c_void), arg: *mut c_void, name: *const c_char) -> c_int {
    // SAFETY: guaranteed by the caller.
    unsafe { current().ctx_create(func, arg, name) }
}

/// The calling context's identity (non-zero).
pub fn ctx_id() -> u64 {
    current().ctx_id()
}

/// The calling context's private word.
pub fn ctx_private() -> *mut c_void {
    current().ctx_private()
}

/// Sets the calling context's private word.
pub fn ctx_set_private(value: *mut c_void) {
    current().ctx_set_private(value)
}

/// See [`Platform::sched_lock`].
pub fn sched_lock() {
    current().sched_lock()
}

/// See [`Platform::sched_unlock`].
pub fn sched_unlock() {
    current().sched_unlock()
}

/// See [`Platform::sched_wait`].
pub fn sched_wait(timeout_ns: u64) {
    current().sched_wait(timeout_ns)
}

/// See [`Platform::sched_notify_all`].
pub fn sched_notify_all() {
    current().sched_notify_all()
}

/// See [`Platform::timer_arm`].
pub fn timer_arm(deadline_ns: u64, fire: extern "C" fn()) {
    current().timer_arm(deadline_ns, fire)
}

// --- clock -------------------------------------------------------------------

/// Nanoseconds since an arbitrary start; never goes back (virtual time
/// when the virtual clock is on).
pub fn clock_monotonic_ns() -> u64 {
    virtual_clock::now_ns().unwrap_or_else(|| current().clock_monotonic_ns())
}

/// Nanoseconds since 1970-01-01 UTC (under the virtual clock: a fixed
/// epoch plus the virtual monotonic time).
pub fn clock_realtime_ns() -> u64 {
    match virtual_clock::now_ns() {
        Some(ns) => virtual_clock::EPOCH_NS + ns,
        None => current().clock_realtime_ns(),
    }
}

// --- console -----------------------------------------------------------------

/// Writes console bytes.
pub fn cons_write(bytes: &[u8]) {
    // SAFETY: the slice is readable for its length.
    unsafe { current().cons_write(bytes.as_ptr(), bytes.len()) }
}

/// Stops after a BSD panic.
///
/// # Safety
/// `msg` is null or NUL-terminated.
pub unsafe fn halt(msg: *const c_char) -> ! {
    // SAFETY: guaranteed by the caller.
    unsafe { current().halt(msg) }
}

// --- block I/O -----------------------------------------------------------------

/// Opens the block device `name` (hosted: a host file).
pub fn blk_open(name: &str, read_only: bool) -> Result<BlkHandle, c_int> {
    let mut h = -1;
    // SAFETY: name is readable for its length; h is a local.
    status(unsafe { current().blk_open(name.as_ptr(), name.len(), c_int::from(read_only), &mut h) })?;
    Ok(h)
}

/// Reads exactly `buf.len()` bytes at `off`.
pub fn blk_read(h: BlkHandle, buf: &mut [u8], off: u64) -> Result<(), c_int> {
    // SAFETY: buf is writable for its length.
    status(unsafe { current().blk_read(h, buf.as_mut_ptr(), buf.len(), off) })
}

/// Writes all of `buf` at `off`.
pub fn blk_write(h: BlkHandle, buf: &[u8], off: u64) -> Result<(), c_int> {
    // SAFETY: buf is readable for its length.
    status(unsafe { current().blk_write(h, buf.as_ptr(), buf.len(), off) })
}

/// The device's size in bytes.
pub fn blk_size(h: BlkHandle) -> Result<u64, c_int> {
    let mut size = 0;
    // SAFETY: size is a local.
    status(unsafe { current().blk_size(h, &mut size) })?;
    Ok(size)
}

/// Flushes the device's writes to stable storage.
pub fn blk_sync(h: BlkHandle) -> Result<(), c_int> {
    status(current().blk_sync(h))
}

/// Closes the device.
pub fn blk_close(h: BlkHandle) {
    current().blk_close(h)
}

// --- packet I/O ----------------------------------------------------------------

/// Opens a packet interface; see [`PacketBackend::open`].
pub fn pkt_open(name: &str) -> Result<Handle, c_int> {
    let mut h = -1;
    // SAFETY: name is readable for its length; h is a local.
    status(unsafe { current().pkt_open(name.as_ptr(), name.len(), &mut h) })?;
    Ok(h)
}

/// Sends a frame; see [`PacketBackend::send`].
pub fn pkt_send(h: Handle, frame: &[u8]) -> Result<(), c_int> {
    // SAFETY: frame is readable for its length.
    status(unsafe { current().pkt_send(h, frame.as_ptr(), frame.len()) })
}

/// Receives a frame; see [`PacketBackend::recv`].
pub fn pkt_recv(h: Handle, buf: &mut [u8], timeout_ns: u64) -> Result<usize, c_int> {
    let mut got = 0;
    // SAFETY: buf is writable for its length; got is a local.
    status(unsafe { current().pkt_recv(h, buf.as_mut_ptr(), buf.len(), timeout_ns, &mut got) })?;
    Ok(got)
}

/// Closes a packet interface.
pub fn pkt_close(h: Handle) {
    current().pkt_close(h)
}
