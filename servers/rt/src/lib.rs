//! The Molt user runtime: system-call and IPC wrappers shared by every
//! program and server, the program entry point, and a panic handler.
//!
//! Programs define `fn main(args: &Args) -> i32` and invoke
//! [`entry!`](crate::entry); the runtime calls it and exits with its
//! result. Nobody writes raw system calls outside this crate.
//!
//! Layers, bottom up: `raw` (the syscall instruction), `ipc` and `kcall`
//! (one wrapper per call), `names` (finding servers through rs, retrying
//! across restarts), then the clients of each server (`process` for pm,
//! `console`), and `server`, the main loop every server shares, which
//! sends the heartbeats. `cabi` gives C code `kern_fork`/`kern_exec`.
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_op_in_unsafe_fn)]
#![deny(clippy::undocumented_unsafe_blocks)]

pub mod args;
pub mod cabi;
pub mod cell;
pub mod console;
pub mod grant;
pub mod ipc;
pub mod kcall;
pub mod names;
pub mod port;
pub mod print;
pub mod process;
pub mod raw;
pub mod server;
pub mod service;
pub mod signal;
pub mod time;

pub use args::Args;
pub use molt_abi::{Endpoint, Error, Message};

/// Defines the program's entry point: `entry!(main)` with
/// `fn main(args: &molt_rt::Args) -> i32`.
#[macro_export]
macro_rules! entry {
    ($main:path) => {
        // Host unit tests of a program build it with std and the test
        // harness, which bring their own entry point and panic handler.
        #[cfg(not(test))]
        #[no_mangle]
        #[link_section = ".text._start"]
        pub unsafe extern "C" fn _start(args: *const u8, args_len: usize) -> ! {
            // SAFETY: these are the kernel's start arguments: the argument
            // block it copied to the top of our stack, never popped.
            let args = unsafe { $crate::args::Args::from_start(args, args_len) };
            let status = $main(&args);
            $crate::kcall::exit(status as i64)
        }

        #[cfg(not(test))]
        #[panic_handler]
        fn panic(info: &core::panic::PanicInfo) -> ! {
            $crate::println!("panic: {}", info);
            $crate::kcall::exit(101)
        }
    };
}
