//! molt-vfs: the BSD VFS and FFS (bsd/sys/kern, bsd/sys/ufs) behind a safe
//! Rust API, the `molt fs` tools, the FUSE mount and the benchmark.
#![forbid(unsafe_op_in_unsafe_fn)]
#![deny(clippy::undocumented_unsafe_blocks)]

/// The Rust view of the VFS and FFS headers (bindgen), with the common
/// kernel types from molt-shims.
#[allow(non_camel_case_types, non_upper_case_globals, non_snake_case, dead_code, clippy::all)]
#[allow(clippy::undocumented_unsafe_blocks)]
pub mod bsd {
    pub use molt_shims::bsd::*;
    include!(concat!(env!("OUT_DIR"), "/bsd_vfs.rs"));
}

pub mod errno;
pub mod volume;
pub mod byino;

pub use errno::Errno;
pub use volume::{DirEntry, Fd, MountOptions, Stat, StatFs, Volume};
pub mod newfs;
pub mod ondisk;
pub mod fsck;
pub mod cli;
pub mod diagnose;
pub mod fuse;
pub mod crashtest;
pub mod hosttree;
pub mod stream;
pub mod bench;

/// Entry point of `molt bench fs` (dispatched by the root binary).
pub fn bench_main() -> i32 {
    bench::main()
}
