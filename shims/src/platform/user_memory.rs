//! "User" memory for placements where the BSD code's user space is the
//! process it runs in: hosted (the Linux process) and server (the Molt
//! server's own address space; a request handler brings a client's data
//! in by safecopy through a grant before the C code sees it, so C never
//! touches another process's memory). The check is that the range is not
//! in the never-mapped first page and does not wrap; the kernel placement
//! will check real user page tables instead.
// Used by the hosted and server implementations, when built.
#![cfg_attr(not(any(feature = "hosted", feature = "server")), allow(dead_code, unused_macros, unused_imports))]
use core::ffi::c_int;

fn check_user_range(addr: usize, len: usize) -> c_int {
    if len != 0 && (addr < 4096 || addr.checked_add(len).is_none()) {
        crate::bsd::EFAULT as c_int
    } else {
        0
    }
}

/// `Platform::user_copyin` for a local user space.
///
/// # Safety
/// `kaddr` is valid for `len` bytes of writes; if the check passes, `uaddr`
/// is an address the caller was given as readable for `len` bytes.
pub unsafe fn copyin(uaddr: *const u8, kaddr: *mut u8, len: usize) -> c_int {
    let e = check_user_range(uaddr as usize, len);
    if e == 0 {
        // SAFETY: checked range; validity guaranteed by the caller.
        unsafe { core::ptr::copy(uaddr, kaddr, len) };
    }
    e
}

/// `Platform::user_copyout` for a local user space.
///
/// # Safety
/// As for [`copyin`], with the directions swapped.
pub unsafe fn copyout(kaddr: *const u8, uaddr: *mut u8, len: usize) -> c_int {
    let e = check_user_range(uaddr as usize, len);
    if e == 0 {
        // SAFETY: checked range; validity guaranteed by the caller.
        unsafe { core::ptr::copy(kaddr, uaddr, len) };
    }
    e
}

/// The two `user_copy*` items of a `Platform` impl for a local user space.
macro_rules! user_memory_items_local {
    () => {
        unsafe fn user_copyin(&self, uaddr: *const u8, kaddr: *mut u8, len: usize) -> c_int {
            // SAFETY: guaranteed by the caller.
            unsafe { $crate::platform::user_memory::copyin(uaddr, kaddr, len) }
        }
        unsafe fn user_copyout(&self, kaddr: *const u8, uaddr: *mut u8, len: usize) -> c_int {
            // SAFETY: guaranteed by the caller.
            unsafe { $crate::platform::user_memory::copyout(kaddr, uaddr, len) }
        }
    };
}
pub(crate) use user_memory_items_local;
