//! System-call numbers (in `rax` at `syscall`) and their argument registers.
//!
//! Arguments go in `rdi, rsi, rdx, r10, r8, r9`; the result comes back in
//! `rax` (see [`crate::error`]). IPC calls take a pointer to a 64-byte
//! [`crate::Message`] in the caller's memory.

/// Does nothing and returns 0: the ruler for the cost of entering the kernel.
pub const SYS_NULL: usize = 0;
/// `send(dst, &msg)`: blocks until `dst` receives.
pub const SYS_SEND: usize = 1;
/// `receive(src_or_ANY, &mut msg)`: blocks until a message or notification
/// arrives; returns the sender's endpoint.
pub const SYS_RECEIVE: usize = 2;
/// `call(dst, &mut msg)`: send, then receive the reply from `dst` only into
/// the same buffer.
pub const SYS_CALL: usize = 3;
/// `reply(dst, &msg)`: deliver a reply to `dst`, which must be blocked in
/// `call` on the caller; never blocks.
pub const SYS_REPLY: usize = 4;
/// `notify(dst)`: sets the caller's pending bit at `dst`; never blocks.
pub const SYS_NOTIFY: usize = 5;
/// `kcall(number, a1..a5)`: a kernel call from [`crate::kcall`], checked
/// against the caller's privilege record.
pub const SYS_KCALL: usize = 6;
/// `receive` that returns `AGAIN` instead of blocking.
pub const SYS_RECEIVE_NB: usize = 7;
/// `yield()`: gives up the rest of the time slice.
pub const SYS_YIELD: usize = 8;
/// `debug_write(ptr, len)`: writes to the kernel's own serial output. Only
/// for processes whose privileges allow it (early boot, tests).
pub const SYS_DEBUG_WRITE: usize = 9;

/// `reply_receive(dst, &mut msg, src)`: reply to `dst` with `msg`, then
/// receive from `src` (or ANY) into the same buffer: a server's whole
/// loop step in one kernel entry. A reply to a client that died or no
/// longer waits is dropped silently; any other reply error is returned
/// without receiving.
pub const SYS_REPLY_RECEIVE: usize = 10;

/// One past the highest system-call number.
pub const SYS_COUNT: usize = 11;
