//! IPC messages: 64 bytes, a type word, the sender (filled in by the
//! kernel) and six payload words. Message types name the request; the
//! meaning of the payload words is given beside each type.

use crate::Endpoint;

/// A fixed-size IPC message.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
#[repr(C, align(64))]
pub struct Message {
    /// What the message is: one of the `IPC_MSG_*` constants, or a
    /// server-specific value at or above [`IPC_MSG_USER_BASE`].
    pub mtype: u32,
    /// The sender's endpoint. The kernel overwrites it on delivery, so a
    /// receiver can trust it.
    pub source: u32,
    /// Request or reply arguments.
    pub payload: [u64; 7],
}

/// Size of a message in bytes.
pub const MESSAGE_SIZE: usize = 64;
const _: () = assert!(core::mem::size_of::<Message>() == MESSAGE_SIZE);

impl Message {
    pub const fn new(mtype: u32, payload: [u64; 7]) -> Message {
        Message { mtype, source: Endpoint::NONE.0, payload }
    }

    /// The sender as an endpoint.
    pub const fn sender(&self) -> Endpoint {
        Endpoint(self.source)
    }
}

/// A notification. `payload[0]` is the bitmap of pending kernel events
/// (`NOTIFY_*`) when the source is the kernel. Only the kernel makes
/// these (for `notify` and its own events): a `send` or `call` of this
/// type fails with `INVAL`.
pub const IPC_MSG_NOTIFY: u32 = 1;
/// A reply; `payload[0]` is a result as a system call returns it.
pub const IPC_MSG_REPLY: u32 = 2;
/// To pm: fork the caller. Reply payload[0]: the child's pid, or -error.
pub const IPC_MSG_FORK: u32 = 3;
/// To pm: exec. payload[0..2]: grant and length of the path,
/// payload[2..4]: grant and length of the argument block.
pub const IPC_MSG_EXEC: u32 = 4;
/// To rs: "still alive". payload[0]: the sender's pid.
pub const IPC_MSG_HEARTBEAT: u32 = 5;
/// To pm: exit. payload[0]: status.
pub const IPC_MSG_EXIT: u32 = 6;
/// To pm: wait. payload[0]: pid or -1, payload[1]: options.
pub const IPC_MSG_WAIT: u32 = 7;
/// To pm: kill. payload[0]: pid, payload[1]: signal.
pub const IPC_MSG_KILL: u32 = 8;
/// To rs: look up a service by name. payload[0..4]: the name, NUL padded.
pub const IPC_MSG_LOOKUP: u32 = 9;
/// To rs: publish the caller under a name. payload[0..4]: the name.
pub const IPC_MSG_PUBLISH: u32 = 10;
/// To a server: stop cleanly (poweroff).
pub const IPC_MSG_SHUTDOWN: u32 = 11;
/// To the console: write. payload[0]: grant, payload[1]: length.
pub const IPC_MSG_CONSOLE_WRITE: u32 = 12;
/// To the console: read. payload[0]: grant, payload[1]: length.
pub const IPC_MSG_CONSOLE_READ: u32 = 13;
/// A test or benchmark ping; payload is echoed back.
pub const IPC_MSG_PING: u32 = 14;
/// To pm: payload[0] of the reply: the caller's pid, payload[1]: its parent's.
pub const IPC_MSG_GETPID: u32 = 15;
/// To pm: payload[0]: pid (0: the caller), payload[1]: group (0: same as pid).
pub const IPC_MSG_SETPGID: u32 = 16;
/// To pm: payload[0]: signal, payload[1]: handler (0 default, 1 ignore),
/// payload[2]: the restorer the handler returns into.
pub const IPC_MSG_SIGACTION: u32 = 17;
/// To pm: payload[0]: table index to start at. Reply payload[0]: next
/// index, [1]: pid | ppid << 32, [2]: CPU ns, [3]: state | pgid << 32,
/// [4..7]: the name, NUL padded.
pub const IPC_MSG_PROC_LIST: u32 = 18;
/// To any server: payload[0]: 1 crash, 2 hang (handled by the server runtime).
pub const IPC_MSG_FAULT_INJECT: u32 = 19;
/// To rs: payload[0]: index. Reply payload[0]: next index, [1]: endpoint,
/// [2]: state | restarts << 32, [3]: ms since the last heartbeat (or
/// u64::MAX), [4..7]: the name, NUL padded (at most 24 bytes shown).
pub const IPC_MSG_SERVICE_LIST: u32 = 20;
/// To rs: restart the service named in payload[0..4].
pub const IPC_MSG_SERVICE_RESTART: u32 = 21;
/// To rs: stop the service named in payload[0..4].
pub const IPC_MSG_SERVICE_STOP: u32 = 22;
/// To rs: stop every service, then power the machine off.
pub const IPC_MSG_POWEROFF: u32 = 23;
/// To the console: payload[0]: the foreground process group (^C goes there).
pub const IPC_MSG_CONSOLE_SET_FG: u32 = 24;
/// To rs: a grant (READ|WRITE) of the caller's saved-state buffer, which
/// rs keeps across the caller's restarts (pm keeps its process table
/// there). Only the running instance of a service gets it. Reply
/// payload[0]: the grant, payload[1]: its length.
pub const IPC_MSG_STATE: u32 = 25;

/// Is `mtype` a control message (stop a server, inject a fault, restart
/// or stop a service, power off)? The kernel delivers these only from a
/// sender whose privilege record has the `control` right; anyone else's
/// `send` or `call` fails with `PERM`.
pub const fn is_control(mtype: u32) -> bool {
    matches!(
        mtype,
        IPC_MSG_SHUTDOWN | IPC_MSG_FAULT_INJECT | IPC_MSG_SERVICE_RESTART | IPC_MSG_SERVICE_STOP | IPC_MSG_POWEROFF
    )
}

/// Server-specific message types start here.
pub const IPC_MSG_USER_BASE: u32 = 0x1000;

/// Kernel event bits in a notification from [`Endpoint::KERNEL`].
pub const NOTIFY_ALARM: u64 = 1 << 0;
/// A process exited or faulted (to the exit watcher).
pub const NOTIFY_EXIT: u64 = 1 << 1;
/// IRQ line `n` fired: bit `NOTIFY_IRQ_BASE + n`.
pub const NOTIFY_IRQ_BASE: u32 = 8;

/// Every message type as (value, name), for the C header check.
pub const ALL_TYPES: &[(u32, &str)] = &[
    (IPC_MSG_NOTIFY, "IPC_MSG_NOTIFY"),
    (IPC_MSG_REPLY, "IPC_MSG_REPLY"),
    (IPC_MSG_FORK, "IPC_MSG_FORK"),
    (IPC_MSG_EXEC, "IPC_MSG_EXEC"),
    (IPC_MSG_HEARTBEAT, "IPC_MSG_HEARTBEAT"),
    (IPC_MSG_EXIT, "IPC_MSG_EXIT"),
    (IPC_MSG_WAIT, "IPC_MSG_WAIT"),
    (IPC_MSG_KILL, "IPC_MSG_KILL"),
    (IPC_MSG_LOOKUP, "IPC_MSG_LOOKUP"),
    (IPC_MSG_PUBLISH, "IPC_MSG_PUBLISH"),
    (IPC_MSG_SHUTDOWN, "IPC_MSG_SHUTDOWN"),
    (IPC_MSG_CONSOLE_WRITE, "IPC_MSG_CONSOLE_WRITE"),
    (IPC_MSG_CONSOLE_READ, "IPC_MSG_CONSOLE_READ"),
    (IPC_MSG_PING, "IPC_MSG_PING"),
    (IPC_MSG_GETPID, "IPC_MSG_GETPID"),
    (IPC_MSG_SETPGID, "IPC_MSG_SETPGID"),
    (IPC_MSG_SIGACTION, "IPC_MSG_SIGACTION"),
    (IPC_MSG_PROC_LIST, "IPC_MSG_PROC_LIST"),
    (IPC_MSG_FAULT_INJECT, "IPC_MSG_FAULT_INJECT"),
    (IPC_MSG_SERVICE_LIST, "IPC_MSG_SERVICE_LIST"),
    (IPC_MSG_SERVICE_RESTART, "IPC_MSG_SERVICE_RESTART"),
    (IPC_MSG_SERVICE_STOP, "IPC_MSG_SERVICE_STOP"),
    (IPC_MSG_POWEROFF, "IPC_MSG_POWEROFF"),
    (IPC_MSG_CONSOLE_SET_FG, "IPC_MSG_CONSOLE_SET_FG"),
    (IPC_MSG_STATE, "IPC_MSG_STATE"),
    (IPC_MSG_USER_BASE, "IPC_MSG_USER_BASE"),
];
