//! `malloc(size, type, flags)` / `free(addr, type)` with per-type
//! statistics (`struct kmemstats`, as `vmstat -m` reports them).
//!
//! Every block carries a 16-byte header with its size and malloc type, so
//! `free` can check the type and charge the statistics back.
use core::ffi::{c_int, c_ulong, c_void};

use super::monitor::Monitor;
use crate::bsd;
use crate::platform::{mem_alloc, mem_free};

const HEADER: usize = 16;
const ALIGN: usize = 16;
const NTYPES: usize = bsd::M_LAST as usize;

// SAFETY: kmemstats is a C struct of integers, for which all zero bits is
// a valid value (no allocations yet).
const NO_STATS: bsd::kmemstats = unsafe { core::mem::zeroed() };

static STATS: Monitor<[bsd::kmemstats; NTYPES]> = Monitor::new([NO_STATS; NTYPES]);

fn with_stats<R>(f: impl FnOnce(&mut [bsd::kmemstats]) -> R) -> R {
    let mut s = STATS.lock();
    f(&mut *s)
}

/// The statistics of one malloc type (all zero for an unknown type).
pub fn kmemstats(mtype: usize) -> bsd::kmemstats {
    with_stats(|s| s.get(mtype).copied().unwrap_or_default())
}

fn type_index(mtype: c_int) -> usize {
    match usize::try_from(mtype) {
        Ok(t) if t < NTYPES => t,
        _ => panic!("malloc: bad malloc type {mtype}"),
    }
}

fn allocate(size: usize, mtype: c_int, flags: c_int) -> *mut c_void {
    let t = type_index(mtype);
    let Some(total) = size.checked_add(HEADER) else {
        return core::ptr::null_mut();
    };
    let base = mem_alloc(total, ALIGN).cast::<u64>();
    if base.is_null() {
        assert!(flags & bsd::M_NOWAIT as c_int != 0, "malloc: out of memory with M_WAITOK");
        return base.cast();
    }
    // SAFETY: base is a fresh, 16-aligned block of at least HEADER bytes.
    unsafe {
        base.write(size as u64);
        base.add(1).write(t as u64);
    }
    with_stats(|s| {
        let k = &mut s[t];
        k.ks_inuse += 1;
        k.ks_calls += 1;
        k.ks_memuse += size as i64;
        k.ks_maxused = k.ks_maxused.max(k.ks_memuse);
        k.ks_size |= (size.max(1).next_power_of_two().min(1 << 30)) as i64;
    });
    // SAFETY: the user part starts HEADER bytes in, inside the block.
    unsafe { base.cast::<u8>().add(HEADER).cast() }
}

/// # Safety
/// `addr` came from [`allocate`] and is not used afterwards.
unsafe fn release(addr: *mut c_void, mtype: c_int) {
    let t = type_index(mtype);
    // SAFETY: guaranteed by the caller: the header sits HEADER bytes before.
    let base = unsafe { addr.cast::<u8>().sub(HEADER) }.cast::<u64>();
    // SAFETY: as above; the header was written by allocate.
    let (size, stored) = unsafe { (base.read() as usize, base.add(1).read() as usize) };
    assert_eq!(stored, t, "free: block of malloc type {stored} freed as type {t}");
    with_stats(|s| {
        let k = &mut s[t];
        k.ks_inuse -= 1;
        k.ks_memuse -= size as i64;
    });
    // SAFETY: same block and layout as allocated.
    unsafe { mem_free(base.cast(), size + HEADER, ALIGN) }
}

/// `void *malloc(unsigned long size, int type, int flags)`.
#[export_name = "bsd_malloc"]
pub extern "C" fn malloc(size: c_ulong, mtype: c_int, flags: c_int) -> *mut c_void {
    allocate(size as usize, mtype, flags)
}

/// `void free(void *addr, int type)`; a null addr is ignored.
///
/// # Safety
/// `addr` is null or came from `malloc` and is not used afterwards.
#[export_name = "bsd_free"]
pub unsafe extern "C" fn free(addr: *mut c_void, mtype: c_int) {
    if !addr.is_null() {
        // SAFETY: guaranteed by the caller.
        unsafe { release(addr, mtype) }
    }
}
