//! The platform interface: everything that depends on *where* the BSD code
//! runs, in the spirit of NetBSD's rumpuser(3). The services above it
//! (`crate::services`) are the same on every platform.
//!
//! Implementations: `hosted` (a Linux process; the only one built today).
//! A Molt user-space server and the Molt kernel (monolithic build) will
//! each provide a module with the same items, selected here by cfg; nothing
//! above this module names an implementation.
//!
//! | area       | items                                                  | may block? | giant lock held by caller? |
//! |------------|--------------------------------------------------------|------------|----------------------------|
//! | memory     | [`mem_alloc`], [`mem_free`]                            | no         | usually                    |
//! | user memory| [`user_copyin`], [`user_copyout`]                      | no (hosted)| yes                        |
//! | threads    | [`thread_create`], [`sleep_ns`]                        | `sleep_ns` | `sleep_ns`: **no**         |
//! | sleeping   | [`SchedLock`] (one lock + one condition)               | `wait*` do | never (see below)          |
//! | clock      | [`clock_monotonic_ns`], [`clock_realtime_ns`], [`virtual_clock`] | no | either            |
//! | block I/O  | [`blk_open`], [`blk_read`], [`blk_write`], [`blk_size`], [`blk_sync`], [`blk_close`] | yes (synchronous) | yes |
//! | packet I/O | [`pkt_open`], [`pkt_send`], [`pkt_recv`], [`pkt_close`]| `pkt_recv` does | `pkt_send`: yes; `pkt_recv`: **no** |
//! | console    | [`cons_write`]                                         | no         | usually                    |
//!
//! Rules: a [`SchedLock`] is the innermost lock; no platform call is made
//! while holding one, and the BSD C code never runs under it. Block I/O
//! blocks with the giant lock held (the BSD code sees a synchronous disk);
//! `pkt_recv` waits for a frame and must be called by a receive thread that
//! does not hold the giant lock. Errors are BSD errno values (`c_int`).
//!
//! The clock can be switched to a virtual clock (tests that need
//! deterministic time): [`virtual_clock::enable`] freezes it and
//! `crate::clock::advance` moves it, running due callouts.

use core::ffi::c_int;

/// Version of this interface; bumped on any change of an item's meaning.
pub const PLATFORM_VERSION: u32 = 1;

pub mod virtual_clock;
mod packet;
pub use packet::{pkt_close, pkt_open, pkt_recv, pkt_send, register_packet_backend, PacketBackend};

mod hosted;
pub use hosted::{
    blk_close, blk_open, blk_read, blk_size, blk_sync, blk_write, cons_capture, cons_write, mem_alloc,
    mem_free, real_monotonic_ns, real_realtime_ns, sleep_ns, thread_create, user_copyin, user_copyout,
    SchedGuard, SchedLock,
};

/// Nanoseconds since an arbitrary start; never goes back.
pub fn clock_monotonic_ns() -> u64 {
    virtual_clock::now_ns().unwrap_or_else(real_monotonic_ns)
}

/// Nanoseconds since 1970-01-01 UTC (under the virtual clock: a fixed
/// epoch plus the virtual monotonic time).
pub fn clock_realtime_ns() -> u64 {
    match virtual_clock::now_ns() {
        Some(ns) => virtual_clock::EPOCH_NS + ns,
        None => real_realtime_ns(),
    }
}

/// A block-device handle (an index in the platform's table).
pub type BlkHandle = c_int;
