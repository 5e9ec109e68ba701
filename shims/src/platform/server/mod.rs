//! The server platform: the BSD code runs in a Molt user-space server,
//! `no_std`, built for `x86_64-unknown-none`.
//!
//! * memory: a bucket allocator over anonymous mappings (`heap`), also the
//!   server's Rust global allocator;
//! * execution contexts: user-level worker threads with their own stacks,
//!   switched cooperatively (`workers`, `switch`); the dispatcher
//!   (`dispatch`) receives requests and hands each to a worker;
//! * the monitor: a flag (one kernel thread, switches only in
//!   `sched_wait`), waiting = the worker gives the CPU to the dispatcher;
//! * timer and tsleep timeouts: the earliest deadline is a Molt kernel
//!   alarm, set before each receive;
//! * clock: uptime; console: the console server;
//! * block and packet I/O: registered backends (ENXIO until then);
//! * the service protocol with rs (`service`): publish, heartbeats on the
//!   dispatcher's alarm, ping, fault injection, shutdown.
//!
//! A server's `main` calls `molt_shims::platform::init(&SERVER)` first.
use core::ffi::{c_char, c_int, c_void};

use super::interface::{Handle, Platform, PLATFORM_VERSION};
use super::backends::{self, packet_items_via_backend};
use super::user_memory::user_memory_items_local;

mod buckets;
mod clock;
mod console;
pub mod dispatch;
pub mod heap;
mod local;
mod runq;
pub mod service;
mod switch;
pub mod workers;

/// The server platform.
pub struct Server;

/// The one instance, for `molt_shims::platform::init`.
pub static SERVER: Server = Server;

#[cfg(target_os = "none")]
#[global_allocator]
static GLOBAL: heap::ServerHeap = heap::ServerHeap;

// SAFETY: memory comes from the heap (fresh, exclusive blocks); the monitor
// is exclusive because a server has one kernel thread and switches only in
// sched_wait; context ids are unique per worker start; halt exits.
unsafe impl Platform for Server {
    fn version(&self) -> u32 {
        PLATFORM_VERSION
    }
    fn name(&self) -> *const c_char {
        c"server".as_ptr()
    }
    fn mem_alloc(&self, size: usize, align: usize) -> *mut c_void {
        heap::alloc(size, align).cast()
    }
    unsafe fn mem_free(&self, ptr: *mut c_void, size: usize, align: usize) {
        // SAFETY: guaranteed by the caller.
        unsafe { heap::free(ptr.cast(), size, align) }
    }
    user_memory_items_local!();
    unsafe fn ctx_create(&self, func: extern "C" fn(*mut c_void), arg: *mut c_void, _name: *const c_char) -> c_int {
        workers::create(func, arg)
    }
    fn ctx_id(&self) -> u64 {
        workers::id()
    }
    fn ctx_private(&self) -> *mut c_void {
        workers::private()
    }
    fn ctx_set_private(&self, value: *mut c_void) {
        workers::set_private(value)
    }
    fn sched_lock(&self) {
        workers::monitor_lock()
    }
    fn sched_unlock(&self) {
        workers::monitor_unlock()
    }
    fn sched_wait(&self, timeout_ns: u64) {
        workers::monitor_wait(timeout_ns)
    }
    fn sched_notify_all(&self) {
        workers::monitor_notify_all()
    }
    fn timer_arm(&self, deadline_ns: u64, fire: extern "C" fn()) {
        workers::timer_arm(deadline_ns, fire)
    }
    fn clock_monotonic_ns(&self) -> u64 {
        clock::monotonic_ns()
    }
    fn clock_realtime_ns(&self) -> u64 {
        clock::realtime_ns()
    }
    unsafe fn cons_write(&self, buf: *const u8, len: usize) {
        // SAFETY: guaranteed by the caller.
        console::write(unsafe { core::slice::from_raw_parts(buf, len) })
    }
    unsafe fn halt(&self, msg: *const c_char) -> ! {
        // SAFETY: guaranteed by the caller.
        unsafe { console::halt(msg) }
    }
    unsafe fn blk_open(&self, name: *const u8, name_len: usize, read_only: c_int, handle: *mut Handle) -> c_int {
        // SAFETY: guaranteed by the caller.
        unsafe { backends::block::open(name, name_len, read_only, handle) }
    }
    unsafe fn blk_read(&self, handle: Handle, buf: *mut u8, len: usize, off: u64) -> c_int {
        // SAFETY: guaranteed by the caller.
        unsafe { backends::block::read(handle, buf, len, off) }
    }
    unsafe fn blk_write(&self, handle: Handle, buf: *const u8, len: usize, off: u64) -> c_int {
        // SAFETY: guaranteed by the caller.
        unsafe { backends::block::write(handle, buf, len, off) }
    }
    unsafe fn blk_size(&self, handle: Handle, size: *mut u64) -> c_int {
        // SAFETY: guaranteed by the caller.
        unsafe { backends::block::size(handle, size) }
    }
    fn blk_sync(&self, handle: Handle) -> c_int {
        backends::block::sync(handle)
    }
    fn blk_close(&self, handle: Handle) {
        backends::block::close(handle)
    }
    packet_items_via_backend!();
}
