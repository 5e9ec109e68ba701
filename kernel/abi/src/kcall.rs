//! Kernel calls: the few privileged operations the kernel offers to trusted
//! servers, made with `SYS_KCALL` and the number in `rdi`. Each process's
//! privilege record holds a bit per kernel call; a call whose bit is clear
//! fails with `PERM`.

macro_rules! kcalls {
    ($( $(#[$doc:meta])* $name:ident = $num:literal; )*) => {
        $( $(#[$doc])* pub const $name: usize = $num; )*
        /// Every kernel call as (number, name), in number order.
        pub const ALL: &[(usize, &str)] = &[$(($num, stringify!($name))),*];
    };
}

kcalls! {
    /// `fork() -> child endpoint` (in the parent); the child returns 0.
    /// The child's address space is a copy of the caller's.
    KC_FORK = 0;
    /// `exec(image_ptr, image_len, arg_ptr, arg_len)`: replaces the
    /// caller's image with the ELF at `image_ptr`.
    KC_EXEC = 1;
    /// `exit(status)`: never returns.
    KC_EXIT = 2;
    /// `kill(endpoint, status)`: ends another process.
    KC_KILL = 3;
    /// `wait(endpoint_or_ANY, &mut status) -> endpoint`: collects a child's
    /// exit status; returns `CHILD` if there is none, `AGAIN` if none has
    /// exited yet.
    KC_WAIT = 4;
    /// `alarm(ticks_ns)`: a kernel notification after that many
    /// nanoseconds; 0 cancels.
    KC_ALARM = 5;
    /// `map_device(phys, len, virt)`: maps device memory.
    KC_MAP_DEVICE = 6;
    /// `alloc_dma(len, virt) -> phys`: physically contiguous memory.
    KC_ALLOC_DMA = 7;
    /// `uptime() -> nanoseconds since boot`.
    KC_UPTIME = 8;
    /// `grant_create(grantee, addr, len, rights) -> grant id`.
    KC_GRANT_CREATE = 9;
    /// `grant_revoke(grant id)`.
    KC_GRANT_REVOKE = 10;
    /// `safecopy_from(owner, grant, offset, local_addr, len)`: copies from
    /// the owner's granted memory into the caller's.
    KC_SAFECOPY_FROM = 11;
    /// `safecopy_to(owner, grant, offset, local_addr, len)`: copies from
    /// the caller's memory into the owner's granted memory.
    KC_SAFECOPY_TO = 12;
    /// `irq_ack(line)`: re-enables an IRQ line after the driver handled it.
    KC_IRQ_ACK = 13;
    /// `self_info(&mut info)`: the caller's endpoint and parent.
    KC_SELF = 14;
    /// `map_anon(virt, len)`: zero-filled memory at `virt` (mechanism for
    /// the user-space memory policy).
    KC_MAP_ANON = 15;
    /// `spawn(module_index) -> endpoint`: starts a boot module as a new
    /// process with the privileges the manifest gives it.
    KC_SPAWN = 16;
    /// `set_exit_watcher()`: the kernel notifies the caller when any
    /// process exits or faults (the reincarnation server).
    KC_WATCH_EXITS = 17;
    /// `power_off(status)`: ends the machine.
    KC_POWER_OFF = 18;
    /// `sched_ctl(endpoint, priority, tickets)`: scheduling parameters.
    KC_SCHED_CTL = 19;
    /// `cpu_time(endpoint) -> nanoseconds` of CPU the process has used.
    KC_CPU_TIME = 20;
    /// `fork_for(client) -> child endpoint`: forks `client`, which must be
    /// waiting for the caller's reply (the process manager serving
    /// IPC_MSG_FORK). The child's kernel parent is the caller; the child
    /// resumes from its call with a reply whose `payload[0]` is 0.
    KC_FORK_FOR = 21;
    /// `exec_for(client, image_ptr, image_len, args_ptr, args_len)`:
    /// replaces `client`'s image with the ELF in the caller's memory. The
    /// client must be waiting for the caller's reply; it resumes at the new
    /// entry point instead (the reply is consumed).
    KC_EXEC_FOR = 22;
    /// `boot_image(name_ptr, name_len, buf_ptr, buf_len) -> size`: copies
    /// the boot-archive module of that name into the caller's buffer if it
    /// fits; always returns its size.
    KC_BOOT_IMAGE = 23;
    /// `signal(target, handler, signo, restorer)`: makes `target` run
    /// `handler(signo)` on its own stack, returning into `restorer`, which
    /// must call `sigreturn`. A blocking call the target was in fails with
    /// INTR once the handler returns.
    KC_SIGNAL = 24;
    /// `sigreturn()`: resumes what the signal interrupted.
    KC_SIGRETURN = 25;
    /// `proc_info(index, &mut ProcInfo) -> next index`: the process in the
    /// first used slot at or after `index`; NOENT past the last.
    KC_PROC_INFO = 26;
    /// `console_claim()`: the caller drives the serial console from now
    /// on; the kernel stops writing to it except for panics.
    KC_CONSOLE_CLAIM = 27;
    /// `server_info(index, &mut ServerInfo) -> server count`: the name,
    /// boot flag and restart policy of boot-manifest server `index` (the
    /// reincarnation server's view of the manifest); NOENT past the last.
    KC_SERVER_INFO = 28;
    /// `adopt(endpoint)`: becomes the kernel parent of a process whose
    /// parent died, if that parent had the caller's privilege id (a
    /// restarted server taking back its predecessor's children). Their
    /// exit statuses wait for the new parent: the kernel keeps such
    /// orphans as zombies when they exit before they are adopted.
    KC_ADOPT = 29;
}

/// One past the highest kernel-call number.
pub const KC_COUNT: usize = 30;

/// What `proc_info` reports about a process.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(C)]
pub struct ProcInfo {
    pub endpoint: u32,
    /// Kernel parent's endpoint, or `Endpoint::NONE`.
    pub parent: u32,
    /// CPU time used, in nanoseconds.
    pub cpu_ns: u64,
    /// 0 running or runnable, 1 blocked in IPC, 2 waiting for a child, 3 zombie.
    pub state: u32,
    /// Privilege id (63: an ordinary user process).
    pub priv_id: u32,
    /// The process name, NUL padded.
    pub name: [u8; 24],
}

/// What `server_info` reports about a boot-manifest server.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(C)]
pub struct ServerInfo {
    /// The server's manifest name, NUL padded.
    pub name: [u8; 32],
    /// 1 if the kernel starts it at boot.
    pub boot: u32,
    /// How often the server sends a heartbeat (0: never).
    pub heartbeat_ms: u32,
    /// Silence after which it counts as hung (0: never).
    pub silence_limit_ms: u32,
    /// Restarts allowed before giving up (0: never restarted).
    pub max_restarts: u32,
    /// Delay before a restart, doubled after each consecutive one.
    pub backoff_ms: u32,
    /// Privilege id (the manifest index).
    pub priv_id: u32,
}

/// Grant rights.
pub const GRANT_READ: usize = 1;
pub const GRANT_WRITE: usize = 2;

#[cfg(test)]
mod tests {
    #[test]
    fn numbers_are_dense_and_below_count() {
        for (i, &(n, _)) in super::ALL.iter().enumerate() {
            assert_eq!(i, n);
        }
        assert_eq!(super::ALL.len(), super::KC_COUNT);
    }
}
