//! Access to physical memory through the direct map.
//!
//! All of RAM is mapped at [`PHYS_OFFSET`], read-write and non-executable,
//! in every address space's kernel half. These are the only functions that
//! turn a physical address into a Rust reference.

/// Where physical address 0 appears in the kernel half.
pub const PHYS_OFFSET: u64 = 0xffff_8000_0000_0000;

/// The direct-map virtual address of a physical address.
pub const fn to_virt(phys: u64) -> u64 {
    PHYS_OFFSET + phys
}

/// Copies a `T` out of physical memory.
pub fn read<T: Copy>(phys: u64) -> T {
    // SAFETY: the direct map covers all RAM the loader hands us, and
    // read_unaligned tolerates any alignment; T is Copy plain data.
    unsafe { core::ptr::read_unaligned(to_virt(phys) as *const T) }
}

/// A view of `len` bytes of physical memory.
pub fn bytes(phys: u64, len: usize) -> &'static [u8] {
    // SAFETY: the range lies in the direct map; callers pass ranges the
    // loader or the frame allocator gave us, which stay mapped forever.
    unsafe { core::slice::from_raw_parts(to_virt(phys) as *const u8, len) }
}

/// A mutable view of a physical range the caller owns (a frame it
/// allocated and nobody else references).
///
/// # Safety
/// No other reference to the range may be live while the slice is.
pub unsafe fn bytes_mut(phys: u64, len: usize) -> &'static mut [u8] {
    // SAFETY: the range is mapped (direct map); exclusivity is the caller's
    // promise.
    unsafe { core::slice::from_raw_parts_mut(to_virt(phys) as *mut u8, len) }
}

/// Fills a frame with zeros.
pub fn zero_frame(phys: u64) {
    // SAFETY: frames are zeroed right after allocation, before anyone else
    // can hold a reference to them.
    unsafe { core::ptr::write_bytes(to_virt(phys) as *mut u8, 0, 4096) }
}

/// Copies one frame to another.
pub fn copy_frame(dst: u64, src: u64) {
    // SAFETY: both are whole mapped frames; dst is freshly allocated so it
    // cannot overlap src.
    unsafe { core::ptr::copy_nonoverlapping(to_virt(src) as *const u8, to_virt(dst) as *mut u8, 4096) }
}

/// Copies a 64-byte IPC message out of physical memory (it lies in one
/// page), word by word.
pub fn read_message(phys: u64) -> molt_abi::Message {
    // SAFETY: the caller found `phys..phys+64` to be one mapped user page
    // range; Message is plain integers, valid for any bytes.
    unsafe { core::ptr::read_unaligned(to_virt(phys) as *const molt_abi::Message) }
}

/// Copies a 64-byte IPC message into physical memory (one user page the
/// caller checked writable).
pub fn write_message(phys: u64, msg: &molt_abi::Message) {
    // SAFETY: as for `read_message`; the page belongs to a process that is
    // blocked waiting for exactly this message, so nothing else writes it.
    unsafe { core::ptr::write_unaligned(to_virt(phys) as *mut molt_abi::Message, *msg) }
}

/// Copies a 64-byte IPC message from one user page to another and stamps
/// the sender, without a stop on the kernel stack.
pub fn copy_message(dst: u64, src: u64, source: u32) {
    const SOURCE_AT: u64 = core::mem::offset_of!(molt_abi::Message, source) as u64;
    // SAFETY: both ranges are 64 bytes inside single user pages the caller
    // checked (dst writable, its owner blocked waiting for this message).
    // `copy` tolerates overlap (two processes may share a device page), and
    // unaligned accesses are fine on x86.
    unsafe {
        core::ptr::copy(to_virt(src) as *const u8, to_virt(dst) as *mut u8, molt_abi::message::MESSAGE_SIZE);
        core::ptr::write_unaligned((to_virt(dst) + SOURCE_AT) as *mut u32, source);
    }
}
