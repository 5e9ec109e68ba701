//! Hosted memory: the Rust global allocator (the host's malloc).
use core::ffi::c_void;
use std::alloc::{alloc, dealloc, Layout};

/// Allocates `size` bytes aligned to `align` (a power of two); null when
/// the host is out of memory or the request is impossible. Never blocks.
pub fn mem_alloc(size: usize, align: usize) -> *mut c_void {
    match Layout::from_size_align(size.max(1), align) {
        // SAFETY: the layout has a non-zero size.
        Ok(layout) => unsafe { alloc(layout) }.cast(),
        Err(_) => core::ptr::null_mut(),
    }
}

/// Frees memory from [`mem_alloc`].
///
/// # Safety
/// `ptr` came from `mem_alloc(size, align)` with these same arguments and
/// is not used afterwards.
pub unsafe fn mem_free(ptr: *mut c_void, size: usize, align: usize) {
    let layout = Layout::from_size_align(size.max(1), align).expect("layout was valid at allocation");
    // SAFETY: guaranteed by the caller (same pointer and layout as allocated).
    unsafe { dealloc(ptr.cast(), layout) }
}

/// Copies `len` bytes from user address `uaddr` into kernel memory. In a
/// hosted process "user space" is this process, so the check is only that
/// the range is not in the never-mapped first page and does not wrap.
///
/// # Safety
/// `kaddr` is valid for `len` bytes of writes; if the checks pass, `uaddr`
/// is an address the caller was given as readable for `len` bytes.
pub unsafe fn user_copyin(uaddr: *const u8, kaddr: *mut u8, len: usize) -> Result<(), i32> {
    check_user_range(uaddr as usize, len)?;
    // SAFETY: checked range; validity guaranteed by the caller.
    unsafe { core::ptr::copy(uaddr, kaddr, len) };
    Ok(())
}

/// Copies `len` bytes from kernel memory to user address `uaddr`.
///
/// # Safety
/// As for [`user_copyin`], with the directions swapped.
pub unsafe fn user_copyout(kaddr: *const u8, uaddr: *mut u8, len: usize) -> Result<(), i32> {
    check_user_range(uaddr as usize, len)?;
    // SAFETY: checked range; validity guaranteed by the caller.
    unsafe { core::ptr::copy(kaddr, uaddr, len) };
    Ok(())
}

fn check_user_range(addr: usize, len: usize) -> Result<(), i32> {
    if len == 0 {
        return Ok(());
    }
    if addr < 4096 || addr.checked_add(len).is_none() {
        return Err(crate::bsd::EFAULT as i32);
    }
    Ok(())
}

/// Sleeps the calling thread (used by the hosted clock tick thread).
pub fn sleep_ns(ns: u64) {
    std::thread::sleep(std::time::Duration::from_nanos(ns));
}
