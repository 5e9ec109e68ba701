//! Kernel-call wrappers (`molt_abi::kcall`). Each succeeds only if the
//! caller's privilege record allows it.

use crate::raw::syscall;
use molt_abi::kcall::*;
use molt_abi::syscall::SYS_KCALL;
use molt_abi::{Endpoint, Error};

fn kcall(n: usize, a: [u64; 5]) -> Result<usize, Error> {
    Error::from_ret(syscall(SYS_KCALL, n as u64, a[0], a[1], a[2], a[3], a[4]))
}

/// Ends the calling process.
pub fn exit(status: i64) -> ! {
    let _ = kcall(KC_EXIT, [status as u64, 0, 0, 0, 0]);
    // The kernel never returns from exit; if the privilege is missing,
    // spin politely rather than run on.
    loop {
        crate::ipc::yield_now();
    }
}

/// Forks: `Ok(None)` in the child, `Ok(Some(child))` in the parent.
pub fn fork() -> Result<Option<Endpoint>, Error> {
    kcall(KC_FORK, [0; 5]).map(|e| if e == 0 { None } else { Some(Endpoint(e as u32)) })
}

/// Replaces the caller's image with the ELF in `image`.
pub fn exec(image: &[u8], args: &[u8]) -> Result<(), Error> {
    kcall(KC_EXEC, [image.as_ptr() as u64, image.len() as u64, args.as_ptr() as u64, args.len() as u64, 0]).map(drop)
}

/// Ends another process.
pub fn kill(target: Endpoint, status: i64) -> Result<(), Error> {
    kcall(KC_KILL, [target.0.into(), status as u64, 0, 0, 0]).map(drop)
}

/// Waits for a child (or any child, with [`Endpoint::ANY`]) to exit;
/// returns it and its status.
pub fn wait(which: Endpoint) -> Result<(Endpoint, i64), Error> {
    let mut status = 0i64;
    let e = kcall(KC_WAIT, [which.0.into(), &mut status as *mut i64 as u64, 0, 0, 0])?;
    Ok((Endpoint(e as u32), status))
}

/// Asks for a notification after `ns` nanoseconds (0 cancels).
pub fn alarm(ns: u64) -> Result<(), Error> {
    kcall(KC_ALARM, [ns, 0, 0, 0, 0]).map(drop)
}

/// Nanoseconds since boot.
pub fn uptime_ns() -> u64 {
    kcall(KC_UPTIME, [0; 5]).unwrap_or(0) as u64
}

/// Grants `grantee` access to `[addr, addr+len)` of our memory.
pub fn grant_create(grantee: Endpoint, addr: u64, len: u64, rights: usize) -> Result<u64, Error> {
    kcall(KC_GRANT_CREATE, [grantee.0.into(), addr, len, rights as u64, 0]).map(|g| g as u64)
}

/// Revokes a grant.
pub fn grant_revoke(grant: u64) -> Result<(), Error> {
    kcall(KC_GRANT_REVOKE, [grant, 0, 0, 0, 0]).map(drop)
}

/// Copies from `owner`'s granted memory into `buf`.
pub fn safecopy_from(owner: Endpoint, grant: u64, offset: u64, buf: &mut [u8]) -> Result<usize, Error> {
    kcall(KC_SAFECOPY_FROM, [owner.0.into(), grant, offset, buf.as_mut_ptr() as u64, buf.len() as u64])
}

/// Copies `buf` into `owner`'s granted memory.
pub fn safecopy_to(owner: Endpoint, grant: u64, offset: u64, buf: &[u8]) -> Result<usize, Error> {
    kcall(KC_SAFECOPY_TO, [owner.0.into(), grant, offset, buf.as_ptr() as u64, buf.len() as u64])
}

/// Our own endpoint.
pub fn self_endpoint() -> Endpoint {
    Endpoint(kcall(KC_SELF, [0; 5]).unwrap_or(u32::MAX as usize) as u32)
}

/// Maps zeroed read-write memory at `virt`.
pub fn map_anon(virt: u64, len: u64) -> Result<(), Error> {
    kcall(KC_MAP_ANON, [virt, len, 0, 0, 0]).map(drop)
}

/// Starts manifest server number `index` as our child.
pub fn spawn(index: usize) -> Result<Endpoint, Error> {
    kcall(KC_SPAWN, [index as u64, 0, 0, 0, 0]).map(|e| Endpoint(e as u32))
}

/// Ends the machine: 0 powers off, anything else exits QEMU through
/// isa-debug-exit with that status.
pub fn power_off(status: u32) -> Result<(), Error> {
    kcall(KC_POWER_OFF, [status.into(), 0, 0, 0, 0]).map(drop)
}

/// Sets a process's scheduling priority and tickets.
pub fn sched_ctl(target: Endpoint, priority: u8, tickets: u32) -> Result<(), Error> {
    kcall(KC_SCHED_CTL, [target.0.into(), priority.into(), tickets.into(), 0, 0]).map(drop)
}

/// CPU time a process has used, in nanoseconds.
pub fn cpu_time(target: Endpoint) -> Result<u64, Error> {
    kcall(KC_CPU_TIME, [target.0.into(), 0, 0, 0, 0]).map(|n| n as u64)
}

/// Raw kernel call, for tests that probe the kernel with bad arguments.
pub fn raw(n: u64, a: [u64; 5]) -> isize {
    syscall(SYS_KCALL, n, a[0], a[1], a[2], a[3], a[4])
}

/// `fork_for(client)`: forks a client blocked in its call to us.
pub fn fork_for(client: Endpoint) -> Result<Endpoint, Error> {
    kcall(KC_FORK_FOR, [client.0.into(), 0, 0, 0, 0]).map(|e| Endpoint(e as u32))
}

/// `exec_for(client, image, args)`: replaces a waiting client's image.
pub fn exec_for(client: Endpoint, image: &[u8], args: &[u8]) -> Result<(), Error> {
    kcall(KC_EXEC_FOR, [client.0.into(), image.as_ptr() as u64, image.len() as u64, args.as_ptr() as u64, args.len() as u64])
        .map(drop)
}

/// Copies the boot module `name` into `buf` if it fits; returns its size.
pub fn boot_image(name: &str, buf: &mut [u8]) -> Result<usize, Error> {
    kcall(KC_BOOT_IMAGE, [name.as_ptr() as u64, name.len() as u64, buf.as_mut_ptr() as u64, buf.len() as u64, 0])
}

/// Makes `target` run `handler(signo)`, returning through the runtime's
/// restorer into `sigreturn`.
pub fn signal(target: Endpoint, handler: extern "C" fn(u64), signo: u64) -> Result<(), Error> {
    let restorer = crate::signal::restorer as *const () as u64;
    kcall(KC_SIGNAL, [target.0.into(), handler as *const () as u64, signo, restorer, 0]).map(drop)
}

/// Information about the process in the first used slot at or after
/// `index`, and the index to ask for next.
pub fn proc_info(index: usize) -> Result<(molt_abi::kcall::ProcInfo, usize), Error> {
    let mut info = molt_abi::kcall::ProcInfo::default();
    let next = kcall(KC_PROC_INFO, [index as u64, &mut info as *mut _ as u64, 0, 0, 0])?;
    Ok((info, next))
}

/// Takes over the serial console from the kernel.
pub fn console_claim() -> Result<(), Error> {
    kcall(KC_CONSOLE_CLAIM, [0; 5]).map(drop)
}

/// What the boot manifest says of server `index`, and the server count.
pub fn server_info(index: usize) -> Result<(molt_abi::kcall::ServerInfo, usize), Error> {
    let mut info = molt_abi::kcall::ServerInfo::default();
    let count = kcall(KC_SERVER_INFO, [index as u64, &mut info as *mut _ as u64, 0, 0, 0])?;
    Ok((info, count))
}

/// `signal` with an explicit restorer (the process manager delivering a
/// handler registered by another program, whose restorer lives there).
pub fn signal_at(target: Endpoint, handler: u64, signo: u64, restorer: u64) -> Result<(), Error> {
    kcall(KC_SIGNAL, [target.0.into(), handler, signo, restorer, 0]).map(drop)
}

/// Irq acknowledge: (re)enables IRQ line `line` for the caller.
pub fn irq_ack(line: u8) -> Result<(), Error> {
    kcall(KC_IRQ_ACK, [line.into(), 0, 0, 0, 0]).map(drop)
}

/// Makes the caller the exit watcher (NOTIFY_EXIT on every exit).
pub fn watch_exits() -> Result<(), Error> {
    kcall(KC_WATCH_EXITS, [0; 5]).map(drop)
}

/// Collects an exited child without blocking: `Ok(None)` if none has
/// exited yet, `Err(CHILD)` if there are no children.
pub fn wait_nohang(which: Endpoint) -> Result<Option<(Endpoint, i64)>, Error> {
    let mut status = 0i64;
    match kcall(KC_WAIT, [which.0.into(), &mut status as *mut i64 as u64, 1, 0, 0]) {
        Ok(e) => Ok(Some((Endpoint(e as u32), status))),
        Err(Error::AGAIN) => Ok(None),
        Err(e) => Err(e),
    }
}

/// `adopt(child)`: become the kernel parent of an orphan our predecessor
/// (a server with our privilege id) left behind.
pub fn adopt(child: Endpoint) -> Result<(), Error> {
    Error::from_ret(raw(KC_ADOPT as u64, [child.0.into(), 0, 0, 0, 0])).map(drop)
}
