//! The platform interface's version is checked when a platform is
//! installed: a platform written for another version is refused with a
//! clear message, before any of its items can be called.
use core::ffi::{c_char, c_int, c_void};

use molt_shims::platform::{self, Handle, InitError, Platform, PLATFORM_VERSION};

/// A platform from the future: only its version may be asked for.
struct Future;

// SAFETY: never installed (init refuses it), so no item but `version` runs.
unsafe impl Platform for Future {
    fn version(&self) -> u32 {
        PLATFORM_VERSION + 1
    }
    fn name(&self) -> *const c_char {
        c"future".as_ptr()
    }
    fn mem_alloc(&self, _: usize, _: usize) -> *mut c_void {
        unreachable!("a refused platform is never called")
    }
    unsafe fn mem_free(&self, _: *mut c_void, _: usize, _: usize) {
        unreachable!()
    }
    unsafe fn user_copyin(&self, _: *const u8, _: *mut u8, _: usize) -> c_int {
        unreachable!()
    }
    unsafe fn user_copyout(&self, _: *const u8, _: *mut u8, _: usize) -> c_int {
        unreachable!()
    }
    unsafe fn ctx_create(&self, _: extern "C" fn(*mut c_void), _: *mut c_void, _: *const c_char) -> c_int {
        unreachable!()
    }
    fn ctx_id(&self) -> u64 {
        unreachable!()
    }
    fn ctx_private(&self) -> *mut c_void {
        unreachable!()
    }
    fn ctx_set_private(&self, _: *mut c_void) {
        unreachable!()
    }
    fn sched_lock(&self) {
        unreachable!()
    }
    fn sched_unlock(&self) {
        unreachable!()
    }
    fn sched_wait(&self, _: u64) {
        unreachable!()
    }
    fn sched_notify_all(&self) {
        unreachable!()
    }
    fn timer_arm(&self, _: u64, _: extern "C" fn()) {
        unreachable!()
    }
    fn clock_monotonic_ns(&self) -> u64 {
        unreachable!()
    }
    fn clock_realtime_ns(&self) -> u64 {
        unreachable!()
    }
    unsafe fn cons_write(&self, _: *const u8, _: usize) {
        unreachable!()
    }
    unsafe fn halt(&self, _: *const c_char) -> ! {
        unreachable!()
    }
    unsafe fn blk_open(&self, _: *const u8, _: usize, _: c_int, _: *mut Handle) -> c_int {
        unreachable!()
    }
    unsafe fn blk_read(&self, _: Handle, _: *mut u8, _: usize, _: u64) -> c_int {
        unreachable!()
    }
    unsafe fn blk_write(&self, _: Handle, _: *const u8, _: usize, _: u64) -> c_int {
        unreachable!()
    }
    unsafe fn blk_size(&self, _: Handle, _: *mut u64) -> c_int {
        unreachable!()
    }
    fn blk_sync(&self, _: Handle) -> c_int {
        unreachable!()
    }
    fn blk_close(&self, _: Handle) {
        unreachable!()
    }
    unsafe fn pkt_open(&self, _: *const u8, _: usize, _: *mut Handle) -> c_int {
        unreachable!()
    }
    unsafe fn pkt_send(&self, _: Handle, _: *const u8, _: usize) -> c_int {
        unreachable!()
    }
    unsafe fn pkt_recv(&self, _: Handle, _: *mut u8, _: usize, _: u64, _: *mut usize) -> c_int {
        unreachable!()
    }
    fn pkt_close(&self, _: Handle) {
        unreachable!()
    }
}

static FUTURE: Future = Future;

#[test]
fn a_platform_of_another_version_is_refused_with_a_clear_error() {
    let e = platform::init(&FUTURE).unwrap_err();
    assert_eq!(e, InitError::VersionMismatch { expected: PLATFORM_VERSION, found: PLATFORM_VERSION + 1 });
    let text = e.to_string();
    assert!(text.contains("version mismatch") && text.contains(&PLATFORM_VERSION.to_string()), "{text}");
    // The refused platform was not installed: the hosted one serves.
    assert_eq!(platform::name(), "hosted");
}

#[test]
fn the_first_platform_stays() {
    assert_eq!(platform::name(), "hosted");
    assert_eq!(platform::init(&platform::hosted::HOSTED), Err(InitError::AlreadyInitialised));
    assert_eq!(platform::check_version(PLATFORM_VERSION), Ok(()));
}
