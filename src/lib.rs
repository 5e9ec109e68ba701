//! The host side of Molt: the command line, building the boot image,
//! running QEMU, and the benchmarks. The `molt` binary and the QEMU tests
//! in tests/ share it.
#![forbid(unsafe_code)]

pub mod args;
pub mod bench;
pub mod bench_servers;
pub mod image;
pub mod manual;
pub mod prereq;
pub mod qemu;
