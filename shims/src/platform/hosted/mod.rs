//! The hosted platform: the BSD code runs in an ordinary Linux process.
//! Memory comes from the Rust global allocator, execution contexts are std
//! threads, the monitor is a std mutex with condition variables, the timer
//! is a std thread, the clock is the host's, block devices are host files
//! (disk images), packet I/O goes to a registered backend (the net
//! subsystem's TAP device), and the console is standard error.
use core::ffi::{c_char, c_int, c_void};

use super::interface::{Handle, Platform, PLATFORM_VERSION};
use super::backends::packet_items_via_backend;
use super::user_memory::user_memory_items_local;

mod block;
mod clock;
mod console;
mod context;
mod memory;
mod monitor;
mod timer;

pub use console::capture as cons_capture;

/// The hosted platform (installed by default on first use).
pub struct Hosted;

/// The one instance.
pub static HOSTED: Hosted = Hosted;

// SAFETY: each item below keeps the interface contract: std allocation,
// a real mutual-exclusion monitor (monitor.rs), unique thread ids
// (context.rs), and `halt` aborts.
unsafe impl Platform for Hosted {
    fn version(&self) -> u32 {
        PLATFORM_VERSION
    }
    fn name(&self) -> *const c_char {
        c"hosted".as_ptr()
    }
    fn mem_alloc(&self, size: usize, align: usize) -> *mut c_void {
        memory::alloc(size, align)
    }
    unsafe fn mem_free(&self, ptr: *mut c_void, size: usize, align: usize) {
        // SAFETY: guaranteed by the caller.
        unsafe { memory::free(ptr, size, align) }
    }
    user_memory_items_local!();
    unsafe fn ctx_create(&self, func: extern "C" fn(*mut c_void), arg: *mut c_void, name: *const c_char) -> c_int {
        // SAFETY: guaranteed by the caller.
        unsafe { context::create(func, arg, name) }
    }
    fn ctx_id(&self) -> u64 {
        context::id()
    }
    fn ctx_private(&self) -> *mut c_void {
        context::private()
    }
    fn ctx_set_private(&self, value: *mut c_void) {
        context::set_private(value)
    }
    fn sched_lock(&self) {
        monitor::lock()
    }
    fn sched_unlock(&self) {
        monitor::unlock()
    }
    fn sched_wait(&self, timeout_ns: u64) {
        monitor::wait(timeout_ns)
    }
    fn sched_notify_all(&self) {
        monitor::notify_all()
    }
    fn timer_arm(&self, deadline_ns: u64, fire: extern "C" fn()) {
        timer::arm(deadline_ns, fire)
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
        unsafe { block::open(name, name_len, read_only, handle) }
    }
    unsafe fn blk_read(&self, handle: Handle, buf: *mut u8, len: usize, off: u64) -> c_int {
        // SAFETY: guaranteed by the caller.
        block::read(handle, unsafe { core::slice::from_raw_parts_mut(buf, len) }, off)
    }
    unsafe fn blk_write(&self, handle: Handle, buf: *const u8, len: usize, off: u64) -> c_int {
        // SAFETY: guaranteed by the caller.
        block::write(handle, unsafe { core::slice::from_raw_parts(buf, len) }, off)
    }
    unsafe fn blk_size(&self, handle: Handle, size: *mut u64) -> c_int {
        match block::size(handle) {
            Ok(s) => {
                // SAFETY: guaranteed by the caller.
                unsafe { size.write(s) };
                0
            }
            Err(e) => e,
        }
    }
    fn blk_sync(&self, handle: Handle) -> c_int {
        block::sync(handle)
    }
    fn blk_close(&self, handle: Handle) {
        block::close(handle)
    }
    packet_items_via_backend!();
}
