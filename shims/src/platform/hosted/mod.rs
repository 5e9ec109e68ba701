//! The hosted platform: the BSD code runs in an ordinary Linux process.
//! Memory comes from the Rust global allocator, threads are std threads,
//! the clock is the host's, block devices are host files (disk images),
//! and the console is standard error.
mod block;
mod clock;
mod console;
mod memory;
mod sched;

pub use block::{blk_close, blk_open, blk_read, blk_size, blk_sync, blk_write};
pub use clock::{real_monotonic_ns, real_realtime_ns};
pub use console::{capture as cons_capture, cons_write};
pub use memory::{mem_alloc, mem_free, sleep_ns, user_copyin, user_copyout};
pub use sched::{thread_create, SchedGuard, SchedLock};
