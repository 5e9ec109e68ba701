//! The historic entry points `kern_fork()` and `kern_exec()` with the C
//! ABI. C code that calls them (BSD code expecting the monolithic kernel's
//! fork and exec) reaches the user-space process manager with the same
//! IPC_MSG_FORK / IPC_MSG_EXEC messages the Rust programs send.

use core::ffi::{c_char, CStr};

/// `pid_t kern_fork(void)`: 0 in the child, the child's pid in the
/// parent, or a negative error code.
#[no_mangle]
pub extern "C" fn kern_fork() -> i64 {
    match crate::process::fork() {
        Ok(pid) => pid as i64,
        Err(e) => e.to_ret() as i64,
    }
}

/// `int kern_exec(const char *path, const char *args)`: replaces the
/// program; returns a negative error code only if that failed.
///
/// # Safety
/// `path` must point to a NUL-terminated string; `args` must too, or be
/// null (no arguments).
#[no_mangle]
pub unsafe extern "C" fn kern_exec(path: *const c_char, args: *const c_char) -> i64 {
    if path.is_null() {
        return molt_abi::Error::FAULT.to_ret() as i64;
    }
    // SAFETY: the caller promises a NUL-terminated string at `path`.
    let path = unsafe { CStr::from_ptr(path) };
    let args = if args.is_null() {
        c""
    } else {
        // SAFETY: as above, for `args`.
        unsafe { CStr::from_ptr(args) }
    };
    match (path.to_str(), args.to_str()) {
        (Ok(p), Ok(a)) => crate::process::exec(p, a).to_ret() as i64,
        _ => molt_abi::Error::INVAL.to_ret() as i64,
    }
}
