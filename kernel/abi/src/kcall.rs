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
}

/// One past the highest kernel-call number.
pub const KC_COUNT: usize = 21;

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
