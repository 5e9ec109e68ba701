//! The platform interface: the one boundary between the shims' services
//! (the same on every placement) and *where* the BSD code runs. Modelled on
//! NetBSD's rumpuser(3): a small set of calls with primitive C types only
//! (pointers, sizes, integers, function pointers), so an implementation can
//! be written in any language and nothing generic crosses the boundary.
//!
//! Implementations: `hosted` (a Linux process), `server` (a Molt user-space
//! server, `no_std`); the kernel placement (a later issue) implements the
//! same trait. An implementation is installed with
//! [`crate::platform::init`], which refuses one whose
//! [`Platform::version`] is not [`PLATFORM_VERSION`].
//!
//! # Conventions
//! * Errors are BSD errno values (`c_int`, 0 = success).
//! * "giant" is the shims' giant lock (see `crate::services::sched`); the
//!   table says whether the caller may hold it.
//! * The scheduler monitor (`sched_*`) is the innermost lock: while a
//!   context holds it, it calls no other platform item except
//!   `sched_wait`/`sched_notify_all`/`ctx_id`, and no BSD C code runs.
//!
//! | area        | items                                              | may block?        | giant held by caller? |
//! |-------------|----------------------------------------------------|-------------------|-----------------------|
//! | identity    | `version`, `name`                                  | no                | either                |
//! | memory      | `mem_alloc`, `mem_free`                            | no                | usually               |
//! | user memory | `user_copyin`, `user_copyout`                      | no                | yes                   |
//! | contexts    | `ctx_create`, `ctx_id`, `ctx_private`, `ctx_set_private` | no          | either                |
//! | monitor     | `sched_lock`, `sched_unlock`, `sched_wait`, `sched_notify_all` | `sched_lock`, `sched_wait` | never holds it across `sched_wait` |
//! | timer       | `timer_arm`                                        | no                | either                |
//! | clock       | `clock_monotonic_ns`, `clock_realtime_ns`          | no                | either                |
//! | console     | `cons_write`, `halt`                               | no                | usually               |
//! | block I/O   | `blk_open`, `blk_read`, `blk_write`, `blk_size`, `blk_sync`, `blk_close` | yes (synchronous) | yes |
//! | packet I/O  | `pkt_open`, `pkt_send`, `pkt_recv`, `pkt_close`    | `pkt_recv`        | `pkt_recv`: **no**    |
//!
//! An "execution context" is what runs BSD code: a host thread (hosted),
//! a user-level worker thread of the server (server), a kernel thread
//! (kernel). Block and packet I/O without a registered backend fail with
//! ENXIO (see `crate::platform::backends`).
use core::ffi::{c_char, c_int, c_void};

/// Version of this interface; bumped on any change of an item's meaning.
/// Version 2: one trait with primitive types, the monitor replaces the
/// generic `SchedLock`, `timer_arm` replaces the hosted tick thread.
pub const PLATFORM_VERSION: u32 = 2;

/// A block-device or packet-interface handle (chosen by the platform).
pub type Handle = c_int;

/// What a placement provides to the shims' services.
///
/// # Safety
/// Implementers promise the contract of every item: memory from
/// `mem_alloc` is valid and exclusive until `mem_free`; the monitor gives
/// mutual exclusion among the contexts that call `sched_lock`; `ctx_id`
/// is non-zero and unique among live contexts; `halt` never returns.
pub unsafe trait Platform: Sync {
    /// The interface version this implementation was written against
    /// (must equal [`PLATFORM_VERSION`]).
    fn version(&self) -> u32;
    /// The placement's name, a NUL-terminated static string ("hosted", "server").
    fn name(&self) -> *const c_char;

    // --- memory -----------------------------------------------------------
    /// `size` bytes aligned to `align` (a power of two), or null. Never blocks.
    fn mem_alloc(&self, size: usize, align: usize) -> *mut c_void;
    /// Frees a block.
    ///
    /// # Safety
    /// `ptr` came from `mem_alloc(size, align)` and is not used afterwards.
    unsafe fn mem_free(&self, ptr: *mut c_void, size: usize, align: usize);

    // --- user memory ------------------------------------------------------
    /// Copies `len` bytes from the "user" address `uaddr` (checked here:
    /// EFAULT) into `kaddr`.
    ///
    /// # Safety
    /// `kaddr` is valid for `len` bytes of writes.
    unsafe fn user_copyin(&self, uaddr: *const u8, kaddr: *mut u8, len: usize) -> c_int;
    /// Copies `len` bytes from `kaddr` to the "user" address `uaddr` (checked).
    ///
    /// # Safety
    /// `kaddr` is valid for `len` bytes of reads.
    unsafe fn user_copyout(&self, kaddr: *const u8, uaddr: *mut u8, len: usize) -> c_int;

    // --- execution contexts -----------------------------------------------
    /// Starts a context running `func(arg)`; it ends when `func` returns.
    /// Returns 0 or an errno (EAGAIN).
    ///
    /// # Safety
    /// `func` may be called with `arg` in another context; `name` is null
    /// or NUL-terminated.
    unsafe fn ctx_create(&self, func: extern "C" fn(*mut c_void), arg: *mut c_void, name: *const c_char) -> c_int;
    /// The calling context's identity: non-zero, unique while it lives.
    fn ctx_id(&self) -> u64;
    /// The calling context's private word (null until set).
    fn ctx_private(&self) -> *mut c_void;
    /// Sets the calling context's private word (the shims keep its `proc` there).
    fn ctx_set_private(&self, value: *mut c_void);

    // --- the scheduler monitor --------------------------------------------
    /// Takes the monitor (one per platform; not re-entrant).
    fn sched_lock(&self);
    /// Releases the monitor.
    fn sched_unlock(&self);
    /// Called holding the monitor: releases it, waits until a
    /// `sched_notify_all` after this call, `timeout_ns` nanoseconds
    /// (0: no limit) or a spurious wake-up, and takes it again. Callers
    /// re-check their condition in a loop.
    fn sched_wait(&self, timeout_ns: u64);
    /// Wakes every context in `sched_wait` (with or without the monitor held).
    fn sched_notify_all(&self);

    // --- timer ------------------------------------------------------------
    /// Calls `fire()` once, at or after monotonic time `deadline_ns`, in a
    /// context that holds no lock and may take giant. A new call replaces
    /// the previous deadline; `u64::MAX` disarms.
    fn timer_arm(&self, deadline_ns: u64, fire: extern "C" fn());

    // --- clock ------------------------------------------------------------
    /// Nanoseconds since an arbitrary start; never goes back.
    fn clock_monotonic_ns(&self) -> u64;
    /// Nanoseconds since 1970-01-01 UTC.
    fn clock_realtime_ns(&self) -> u64;

    // --- console ----------------------------------------------------------
    /// Writes console bytes; never blocks for long.
    ///
    /// # Safety
    /// `buf` is valid for `len` bytes of reads.
    unsafe fn cons_write(&self, buf: *const u8, len: usize);
    /// Stops after a BSD panic (the process or the machine); `msg` is null
    /// or NUL-terminated and is shown even while console output is diverted.
    ///
    /// # Safety
    /// `msg` is null or NUL-terminated.
    unsafe fn halt(&self, msg: *const c_char) -> !;

    // --- block I/O (synchronous) ------------------------------------------
    /// Opens the block device called `name` (`name_len` bytes, no NUL);
    /// stores its handle in `*handle`.
    ///
    /// # Safety
    /// `name` is readable for `name_len` bytes; `handle` is writable.
    unsafe fn blk_open(&self, name: *const u8, name_len: usize, read_only: c_int, handle: *mut Handle) -> c_int;
    /// Reads exactly `len` bytes at byte offset `off` (EIO past the end).
    ///
    /// # Safety
    /// `buf` is valid for `len` bytes of writes.
    unsafe fn blk_read(&self, handle: Handle, buf: *mut u8, len: usize, off: u64) -> c_int;
    /// Writes `len` bytes at byte offset `off`.
    ///
    /// # Safety
    /// `buf` is valid for `len` bytes of reads.
    unsafe fn blk_write(&self, handle: Handle, buf: *const u8, len: usize, off: u64) -> c_int;
    /// Stores the device's size in bytes in `*size`.
    ///
    /// # Safety
    /// `size` is writable.
    unsafe fn blk_size(&self, handle: Handle, size: *mut u64) -> c_int;
    /// Flushes the device's writes to stable storage.
    fn blk_sync(&self, handle: Handle) -> c_int;
    /// Closes the device.
    fn blk_close(&self, handle: Handle);

    // --- packet I/O -------------------------------------------------------
    /// Opens the packet interface `name`; stores its handle in `*handle`.
    ///
    /// # Safety
    /// As for `blk_open`.
    unsafe fn pkt_open(&self, name: *const u8, name_len: usize, handle: *mut Handle) -> c_int;
    /// Sends one frame; called with giant held, must not block long.
    ///
    /// # Safety
    /// `frame` is readable for `len` bytes.
    unsafe fn pkt_send(&self, handle: Handle, frame: *const u8, len: usize) -> c_int;
    /// Waits up to `timeout_ns` for one frame; stores its length in `*got`
    /// (0: none). Never called with giant held.
    ///
    /// # Safety
    /// `buf` is writable for `len` bytes; `got` is writable.
    unsafe fn pkt_recv(&self, handle: Handle, buf: *mut u8, len: usize, timeout_ns: u64, got: *mut usize) -> c_int;
    /// Closes the interface.
    fn pkt_close(&self, handle: Handle);
}
