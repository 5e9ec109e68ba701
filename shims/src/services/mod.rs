//! The kernel services the BSD C code calls, exported with the C ABI under
//! their prefixed names (`bsd_malloc`, `bsd_tsleep`, ...; see the README's
//! symbol rule). Each `extern "C"` export is a thin wrapper that checks
//! its arguments and hands off to safe code.
pub mod blkdev;
pub mod callout;
pub mod clock;
mod console;
pub mod cred;
pub mod kthread;
pub mod malloc;
mod memory;
pub mod sched;
mod string;
mod usercopy;
