//! Pure kernel logic, free of hardware: it builds for `x86_64-unknown-none`
//! inside the kernel and for the host, where its unit tests run.
//!
//! Design principles:
//! - No hardware access, no `unsafe`, no heap: every table is a fixed-size
//!   array sized by [`molt_abi::endpoint::MAX_PROCS`] or a constant, so the
//!   kernel can embed these types in statics.
//! - Everything that comes from outside the kernel (ELF images, the boot
//!   archive, the manifest, system-call arguments) is validated here and
//!   refused with an error; no input can make this crate panic.
//! - Mechanism only: the kernel asks, this crate decides and keeps the
//!   bookkeeping; the kernel does the copying and the context switches.
//! - Feature `std` adds the host-side writers (boot archive packer,
//!   manifest compiler) used by the `molt` build tool.
//!
//! Modules:
//! - [`frame`]: physical frame allocator over a caller-provided bitmap;
//! - [`elf`]: ELF64 executable validation for the loader;
//! - [`bootfs`]: the boot archive format (`-initrd`);
//! - [`privilege`] and [`manifest`]: privilege records and the boot
//!   manifest that assigns them; [`device`]: which device memory a
//!   record lets a process map;
//! - [`grant`]: per-process memory grants for safecopy;
//! - [`sched`]: the scheduler policy trait, priority round robin and stride;
//! - [`ipc`]: the MINIX-style rendezvous state machine;
//! - [`usercopy`]: checked user address ranges and their page walk;
//! - [`pagetable`]: x86-64 page tables of user address spaces over a
//!   [`pagetable::PhysMem`] (the kernel's direct map, or a fake in tests).
#![cfg_attr(not(any(test, feature = "std")), no_std)]
#![forbid(unsafe_code)]

pub mod bootfs;
pub mod device;
pub mod elf;
pub mod frame;
pub mod grant;
pub mod ipc;
pub mod manifest;
pub mod pagetable;
pub mod privilege;
pub mod sched;
pub mod usercopy;

mod bytes;
#[cfg(test)]
mod testrng;
