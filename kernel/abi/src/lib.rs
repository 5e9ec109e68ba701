//! The Molt ABI: the one place that defines what crosses the user/kernel
//! boundary and what travels in IPC messages.
//!
//! Design principles:
//! - Everything here is plain data with a fixed layout (`repr(C)` or
//!   integer constants), so the kernel, the Rust servers and the C code in
//!   `bsd/` agree on it bit for bit. C sees the same values through
//!   `include/molt/abi.h`, which a test in this crate checks against these
//!   definitions.
//! - Numbers are never reused: a retired call or message type keeps its
//!   slot.
//! - Nothing here trusts its input: decoding functions return `Option` or
//!   `Result` and never panic.
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]

pub mod endpoint;
pub mod error;
pub mod kcall;
pub mod message;
pub mod syscall;

pub use endpoint::Endpoint;
pub use error::Error;
pub use message::Message;
