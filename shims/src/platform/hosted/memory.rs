//! Hosted memory: the Rust global allocator (the host's malloc).
use core::ffi::c_void;
use std::alloc::Layout;

/// Allocates `size` bytes aligned to `align` (a power of two); null when
/// the host is out of memory or the request is impossible. Never blocks.
pub fn alloc(size: usize, align: usize) -> *mut c_void {
    match Layout::from_size_align(size.max(1), align) {
        // SAFETY: the layout has a non-zero size.
        Ok(layout) => unsafe { std::alloc::alloc(layout) }.cast(),
        Err(_) => core::ptr::null_mut(),
    }
}

/// Frees memory from [`alloc`].
///
/// # Safety
/// `ptr` came from `alloc(size, align)` with these same arguments and is
/// not used afterwards.
pub unsafe fn free(ptr: *mut c_void, size: usize, align: usize) {
    let layout = Layout::from_size_align(size.max(1), align).expect("layout was valid at allocation");
    // SAFETY: guaranteed by the caller (same pointer and layout as allocated).
    unsafe { std::alloc::dealloc(ptr.cast(), layout) }
}
