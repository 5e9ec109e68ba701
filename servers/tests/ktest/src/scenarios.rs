//! Functional scenarios: IPC, faults, privileges, grants, dead endpoints,
//! random system calls.

use crate::{check, Verdict};
use molt_abi::kcall::{GRANT_READ, GRANT_WRITE};
use molt_abi::message::{IPC_MSG_PING, IPC_MSG_USER_BASE};
use molt_abi::{Endpoint, Error, Message};
use molt_rt::{ipc, kcall};

pub const ALL: &[crate::Scenario] = &[
    ("ipc", ipc_10k),
    ("fault", null_deref),
    ("forbidden", forbidden_send),
    ("grant", grant_bounds),
    ("dead", dead_endpoint),
    ("deadlock", deadlock_refused),
    ("signal", signal_interrupts_receive),
    ("forkfor", fork_and_exec_for_a_client),
    ("exhaust", exhaust_process_table),
    ("memory", driver_memory),
    ("notify", notifications_coalesce),
    ("ports", io_ports_and_irqs_need_privileges),
];

/// Manifest index of `ktest-peer` and `ktest-fuzz` (boot/ktest.toml).
pub const PEER_INDEX: usize = 1;
pub const FUZZ_INDEX: usize = 2;

const MSG_QUIT: u32 = IPC_MSG_USER_BASE;
const MSG_GRANT: u32 = IPC_MSG_USER_BASE + 1;

/// Forks a child that runs `f` and exits with its result.
pub fn fork_child(f: fn(Endpoint) -> i64) -> Result<Endpoint, &'static str> {
    let parent = kcall::self_endpoint();
    match kcall::fork() {
        Ok(Some(child)) => Ok(child),
        Ok(None) => kcall::exit(f(parent)),
        Err(_) => Err("fork failed"),
    }
}

/// The payload transformation the echo server applies.
pub fn transform(p: [u64; 7]) -> [u64; 7] {
    let mut out = p;
    for (i, w) in out.iter_mut().enumerate() {
        *w = w.wrapping_mul(31).wrapping_add(i as u64) ^ 0x5a5a;
    }
    out
}

/// Serves PING with transformed payloads until QUIT, replying and
/// receiving the next request in one system call.
pub fn echo_server(_parent: Endpoint) -> i64 {
    let mut m = Message::default();
    let Ok(mut from) = ipc::receive(Endpoint::ANY, &mut m) else { return 1 };
    loop {
        match m.mtype {
            MSG_QUIT => {
                let _ = ipc::reply(from, &Message::default());
                return 0;
            }
            IPC_MSG_PING => {
                m = Message::new(IPC_MSG_PING, transform(m.payload));
                match ipc::reply_receive(from, &mut m, Endpoint::ANY) {
                    Ok(next) => from = next,
                    Err(_) => return 2,
                }
            }
            _ => return 3,
        }
    }
}

pub fn quit(server: Endpoint) {
    let mut m = Message::new(MSG_QUIT, [0; 7]);
    let _ = ipc::call(server, &mut m);
    let _ = kcall::wait(server);
}

fn ipc_10k() -> Verdict {
    let server = fork_child(echo_server)?;
    for i in 0..10_000u64 {
        let payload = [i, !i, i << 7, i * 3, 0xdead_beef ^ i, i.rotate_left(13), 7];
        let mut m = Message::new(IPC_MSG_PING, payload);
        check!(ipc::call(server, &mut m).is_ok(), "call failed");
        check!(m.payload == transform(payload), "reply payload corrupted");
        check!(m.sender() == server, "reply from the wrong sender");
    }
    quit(server);
    Ok(())
}

fn null_deref() -> Verdict {
    let child = fork_child(|_| {
        // SAFETY: not safe at all: this reads address 0 on purpose, to
        // check that the kernel ends this process and nothing else.
        let v = unsafe { core::ptr::read_volatile(core::ptr::null::<u64>()) };
        v as i64
    })?;
    let (who, status) = kcall::wait(child).map_err(|_| "wait failed")?;
    check!(who == child, "wait returned another child");
    check!(status == 0x100 | 14, "status is not 'killed by #PF'");
    // We are still running, and IPC still works.
    let server = fork_child(echo_server)?;
    let mut m = Message::new(IPC_MSG_PING, [1; 7]);
    check!(ipc::call(server, &mut m).is_ok() && m.payload == transform([1; 7]), "IPC after a fault");
    quit(server);
    Ok(())
}

/// The spawned peer: waits to be killed.
pub fn peer_main() -> i32 {
    let mut m = Message::default();
    loop {
        let _ = ipc::receive(Endpoint::ANY, &mut m);
    }
}

fn forbidden_send() -> Verdict {
    let peer = kcall::spawn(PEER_INDEX).map_err(|_| "spawn of ktest-peer failed")?;
    let m = Message::new(IPC_MSG_PING, [0; 7]);
    let sent = ipc::send(peer, &m);
    let notified = ipc::notify(peer);
    let _ = kcall::kill(peer, 9);
    let _ = kcall::wait(peer);
    check!(sent == Err(Error::PERM), "send to a forbidden endpoint was not refused with PERM");
    check!(notified == Err(Error::PERM), "notify to a forbidden endpoint was not refused with PERM");
    Ok(())
}

static mut SHARED: [u8; 64] = [0; 64];

fn grant_owner(parent: Endpoint) -> i64 {
    // SAFETY: this forked child is single-threaded; nothing else touches SHARED.
    let shared = unsafe { &mut *core::ptr::addr_of_mut!(SHARED) };
    for (i, b) in shared.iter_mut().enumerate() {
        *b = i as u8 ^ 0xa5;
    }
    let addr = shared.as_ptr() as u64;
    let Ok(g) = kcall::grant_create(parent, addr, 32, GRANT_READ) else { return 1 };
    let mut m = Message::new(MSG_GRANT, [g, 0, 0, 0, 0, 0, 0]);
    if ipc::call(parent, &mut m).is_err() {
        return 2;
    }
    let _ = kcall::grant_revoke(g);
    let mut m = Message::new(MSG_GRANT, [g, 0, 0, 0, 0, 0, 0]);
    if ipc::call(parent, &mut m).is_err() {
        return 3;
    }
    0
}

fn grant_bounds() -> Verdict {
    let owner = fork_child(grant_owner)?;
    let mut m = Message::default();
    let from = ipc::receive(owner, &mut m).map_err(|_| "receive grant")?;
    let g = m.payload[0];
    let mut buf = [0u8; 16];
    check!(kcall::safecopy_from(owner, g, 8, &mut buf) == Ok(16), "in-bounds safecopy failed");
    check!(buf.iter().enumerate().all(|(i, &b)| b == (i as u8 + 8) ^ 0xa5), "safecopy copied the wrong bytes");
    check!(kcall::safecopy_from(owner, g, 24, &mut buf) == Err(Error::GRANTRANGE), "out-of-bounds safecopy allowed");
    check!(kcall::safecopy_from(owner, g, u64::MAX - 4, &mut buf) == Err(Error::GRANTRANGE), "overflowing offset allowed");
    check!(kcall::safecopy_to(owner, g, 0, &buf) == Err(Error::GRANTRANGE), "write through a read-only grant");
    check!(kcall::safecopy_from(owner, g + 1, 0, &mut buf).is_err(), "a made-up grant id worked");
    let bad_local = kcall::raw(molt_abi::kcall::KC_SAFECOPY_FROM as u64, [owner.0.into(), g, 0, 0xffff_8000_0000_0000, 16]);
    check!(bad_local == Error::FAULT.to_ret(), "safecopy into kernel memory was not refused");
    let _ = ipc::reply(from, &Message::default());
    ipc::receive(owner, &mut m).map_err(|_| "receive second message")?;
    check!(kcall::safecopy_from(owner, g, 0, &mut buf) == Err(Error::BADGRANT), "revoked grant still works");
    let _ = ipc::reply(from, &Message::default());
    let (_, status) = kcall::wait(owner).map_err(|_| "wait")?;
    check!(status == 0, "grant owner failed");
    let _ = GRANT_WRITE;
    Ok(())
}

fn dead_endpoint() -> Verdict {
    let child = fork_child(|_| 7)?;
    let (_, status) = kcall::wait(child).map_err(|_| "wait")?;
    check!(status == 7, "exit status lost");
    let mut m = Message::new(IPC_MSG_PING, [0; 7]);
    check!(ipc::send(child, &m) == Err(Error::DEADSRCDST), "send to a dead endpoint did not fail with DEADSRCDST");
    check!(ipc::call(child, &mut m) == Err(Error::DEADSRCDST), "call to a dead endpoint did not fail");
    // The slot is reused by the next child, with a new generation.
    let next = fork_child(echo_server)?;
    check!(ipc::send(child, &m) == Err(Error::DEADSRCDST), "stale endpoint reached a new process");
    quit(next);
    Ok(())
}

fn deadlock_refused() -> Verdict {
    // The child calls us; while it waits, we call it: a cycle.
    let child = fork_child(|parent| {
        let mut m = Message::new(IPC_MSG_PING, [0; 7]);
        match ipc::call(parent, &mut m) {
            Ok(()) => 0,
            Err(_) => 1,
        }
    })?;
    // Wait until the child is blocked calling us: its message is queued.
    let mut m = Message::new(IPC_MSG_PING, [0; 7]);
    for _ in 0..100 {
        ipc::yield_now();
    }
    let r = ipc::call(child, &mut m);
    check!(r == Err(Error::DEADLK), "a call cycle was not refused with DEADLK");
    let from = ipc::receive(child, &mut m).map_err(|_| "receive")?;
    let _ = ipc::reply(from, &Message::default());
    let (_, status) = kcall::wait(child).map_err(|_| "wait")?;
    check!(status == 0, "the child's call failed");
    Ok(())
}

static SIGNALLED: core::sync::atomic::AtomicU64 = core::sync::atomic::AtomicU64::new(0);

extern "C" fn on_signal(signo: u64) {
    SIGNALLED.store(signo, core::sync::atomic::Ordering::Relaxed);
}

fn signal_interrupts_receive() -> Verdict {
    let child = fork_child(|_| {
        let mut m = Message::default();
        match ipc::receive(Endpoint::ANY, &mut m) {
            Err(Error::INTR) if SIGNALLED.load(core::sync::atomic::Ordering::Relaxed) == 2 => 42,
            Err(_) => 1,
            Ok(_) => 2,
        }
    })?;
    for _ in 0..100 {
        ipc::yield_now();
    }
    kcall::signal(child, on_signal, 2).map_err(|_| "signal failed")?;
    let (_, status) = kcall::wait(child).map_err(|_| "wait")?;
    check!(status == 42, "the handler did not run or the receive was not interrupted with INTR");
    // A signal to a running (not blocked) process: it resumes where it was.
    let spinner = fork_child(|_| {
        while SIGNALLED.load(core::sync::atomic::Ordering::Relaxed) != 15 {
            core::hint::spin_loop();
        }
        43
    })?;
    kcall::signal(spinner, on_signal, 15).map_err(|_| "signal failed")?;
    let (_, status) = kcall::wait(spinner).map_err(|_| "wait")?;
    check!(status == 43, "a running process did not take its handler and carry on");
    let bad = kcall::raw(molt_abi::kcall::KC_SIGNAL as u64, [child.0.into(), 0xffff_8000_0000_0000, 1, 0x400000, 0]);
    check!(bad == Error::FAULT.to_ret() || bad == Error::DEADSRCDST.to_ret(), "a kernel-address handler was accepted");
    Ok(())
}

const MSG_FORK: u32 = molt_abi::message::IPC_MSG_FORK;
const MSG_EXEC: u32 = molt_abi::message::IPC_MSG_EXEC;

/// Where the exec scenario maps its image buffer (at run time, so forks
/// elsewhere do not copy it).
const IMAGE_AT: u64 = 0x2000_0000;
const IMAGE_MAX: usize = 4 << 20;

fn fork_and_exec_for_a_client() -> Verdict {
    // The child asks us to fork it, the way a program asks pm.
    let client = fork_child(|server| {
        let mut m = Message::new(MSG_FORK, [0; 7]);
        if ipc::call(server, &mut m).is_err() {
            return 1;
        }
        if m.payload[0] == 0 {
            return 5; // the grandchild
        }
        // Then asks to be replaced by a fresh ktest image.
        let mut m = Message::new(MSG_EXEC, [0; 7]);
        let _ = ipc::call(server, &mut m);
        3 // only reached if exec failed
    })?;
    let mut m = Message::default();
    let from = ipc::receive(client, &mut m).map_err(|_| "receive fork request")?;
    check!(m.mtype == MSG_FORK, "expected a fork request");
    let grandchild = kcall::fork_for(client).map_err(|_| "fork_for failed")?;
    ipc::reply(from, &Message::new(molt_abi::message::IPC_MSG_REPLY, [grandchild.0.into(), 0, 0, 0, 0, 0, 0]))
        .map_err(|_| "reply")?;
    let (who, status) = kcall::wait(grandchild).map_err(|_| "wait grandchild")?;
    check!(who == grandchild && status == 5, "the forked client did not see 0 from its call");
    check!(kcall::fork_for(client) == Err(Error::NOTWAITING), "fork_for of a client not waiting on us worked");

    let from = ipc::receive(client, &mut m).map_err(|_| "receive exec request")?;
    check!(m.mtype == MSG_EXEC, "expected an exec request");
    kcall::map_anon(IMAGE_AT, IMAGE_MAX as u64).map_err(|_| "map_anon for the image")?;
    // SAFETY: map_anon just mapped IMAGE_MAX zeroed writable bytes at
    // IMAGE_AT, used by nothing else in this program.
    let image = unsafe { core::slice::from_raw_parts_mut(IMAGE_AT as *mut u8, IMAGE_MAX) };
    let size = kcall::boot_image("ktest", image).map_err(|_| "boot_image")?;
    check!(size <= image.len(), "ktest image larger than the buffer");
    kcall::exec_for(client, &image[..size], b"ktest-exec\0").map_err(|_| "exec_for failed")?;
    // The client no longer waits for a reply (it may even have run and
    // exited already, if the tick preempted us).
    let r = ipc::reply(from, &Message::default());
    check!(r == Err(Error::NOTWAITING) || r == Err(Error::DEADSRCDST), "the exec'ed client still awaited a reply");
    let (_, status) = kcall::wait(client).map_err(|_| "wait client")?;
    check!(status == 77, "the exec'ed image did not run");
    Ok(())
}

/// Forks until the kernel refuses (process table or memory full), then
/// checks the refusal is a clean error and that everything works again
/// once the children are gone.
fn exhaust_process_table() -> Verdict {
    const MAX: usize = molt_abi::endpoint::MAX_PROCS + 8;
    let mut kids = [Endpoint::NONE; MAX];
    let mut n = 0;
    let refusal = loop {
        check!(n < MAX, "the kernel never refused a fork");
        match kcall::fork() {
            Ok(Some(child)) => {
                kids[n] = child;
                n += 1;
            }
            Ok(None) => {
                let mut m = Message::default();
                loop {
                    let _ = ipc::receive(Endpoint::ANY, &mut m);
                }
            }
            Err(e) => break e,
        }
    };
    check!(refusal == Error::AGAIN || refusal == Error::NOMEM, "fork failed with an unexpected error");
    molt_rt::println!("exhaust: {} children before fork failed with {}", n, refusal.name());
    for &kid in &kids[..n] {
        check!(kcall::kill(kid, 9).is_ok(), "kill of a child failed");
        check!(kcall::wait(kid).is_ok_and(|(_, s)| s == 9), "wait for a killed child failed");
    }
    let server = fork_child(echo_server)?;
    let mut m = Message::new(IPC_MSG_PING, [3; 7]);
    check!(ipc::call(server, &mut m).is_ok() && m.payload == transform([3; 7]), "IPC after exhaustion");
    quit(server);
    Ok(())
}

/// Driver memory: DMA buffers (physically contiguous, address returned)
/// and device mappings, which must never expose RAM.
fn driver_memory() -> Verdict {
    const DMA_AT: u64 = 0x3000_0000;
    const DEV_AT: u64 = 0x3100_0000;
    let raw = |n: usize, a: [u64; 5]| kcall::raw(n as u64, a);
    use molt_abi::kcall::{KC_ALLOC_DMA, KC_MAP_DEVICE};
    let phys = raw(KC_ALLOC_DMA, [3 * 4096, DMA_AT, 0, 0, 0]);
    check!(phys > 0 && phys % 4096 == 0, "alloc_dma returned no physical address");
    // SAFETY: alloc_dma just mapped three writable pages at DMA_AT.
    let buf = unsafe { core::slice::from_raw_parts_mut(DMA_AT as *mut u64, 3 * 512) };
    for (i, w) in buf.iter_mut().enumerate() {
        *w = i as u64 * 7;
    }
    check!(buf.iter().enumerate().all(|(i, &w)| w == i as u64 * 7), "DMA memory does not hold data");
    check!(raw(KC_ALLOC_DMA, [4096, DMA_AT, 0, 0, 0]) == Error::BUSY.to_ret(), "alloc_dma over mapped pages");
    check!(raw(KC_ALLOC_DMA, [0, DMA_AT + 0x10_0000, 0, 0, 0]) == Error::INVAL.to_ret(), "empty alloc_dma accepted");
    // RAM (the DMA buffer itself, or the kernel at 1 MiB) is never device memory.
    check!(raw(KC_MAP_DEVICE, [phys as u64, 4096, DEV_AT, 0, 0]) == Error::PERM.to_ret(), "map_device exposed RAM");
    check!(raw(KC_MAP_DEVICE, [0x10_0000, 4096, DEV_AT, 0, 0]) == Error::PERM.to_ret(), "map_device exposed the kernel");
    // The IOAPIC window is device memory: it maps, and reads its version register.
    check!(raw(KC_MAP_DEVICE, [0xfec0_0000, 4096, DEV_AT, 0, 0]) == 0, "map_device of the IOAPIC failed");
    // SAFETY: DEV_AT now maps the IOAPIC's registers: IOREGSEL at 0, IOWIN at 0x10.
    let version = unsafe {
        core::ptr::write_volatile(DEV_AT as *mut u32, 1);
        core::ptr::read_volatile((DEV_AT + 0x10) as *const u32)
    };
    check!(version & 0xff == 0x20 || version & 0xff == 0x11, "the IOAPIC version register reads wrong");
    check!(raw(KC_MAP_DEVICE, [0xfec0_0000, 4096, 0xffff_8000_0000_0000, 0, 0]) == Error::FAULT.to_ret(), "map_device into kernel space");
    Ok(())
}

/// Notifications never block the sender and coalesce per source.
fn notifications_coalesce() -> Verdict {
    let child = fork_child(|parent| {
        for _ in 0..3 {
            if ipc::notify(parent).is_err() {
                return 1;
            }
        }
        0
    })?;
    // The child notifies three times and exits while we are not receiving.
    let (_, status) = kcall::wait(child).map_err(|_| "wait")?;
    check!(status == 0, "notify blocked or failed");
    let mut m = Message::default();
    let from = ipc::try_receive(Endpoint::ANY, &mut m);
    // The exited child's pending bit is dropped with it: nothing arrives.
    check!(from == Err(Error::AGAIN), "a dead process's notification was delivered");
    // A live notifier: three notifications arrive as one.
    let child = fork_child(|parent| {
        for _ in 0..3 {
            if ipc::notify(parent).is_err() {
                return 1;
            }
        }
        let mut m = Message::default();
        let _ = ipc::receive(parent, &mut m); // stay alive until released
        0
    })?;
    for _ in 0..100 {
        ipc::yield_now();
    }
    let from = ipc::try_receive(Endpoint::ANY, &mut m).map_err(|_| "no notification")?;
    check!(from == child && m.mtype == molt_abi::message::IPC_MSG_NOTIFY, "not a notification from the child");
    check!(ipc::try_receive(Endpoint::ANY, &mut m) == Err(Error::AGAIN), "notifications did not coalesce");
    ipc::send(child, &Message::default()).map_err(|_| "release")?;
    let (_, status) = kcall::wait(child).map_err(|_| "wait")?;
    check!(status == 0, "the notifier failed");
    Ok(())
}

/// I/O ports and IRQ lines are refused to a process whose privileges do
/// not list them (ktest's list none).
fn io_ports_and_irqs_need_privileges() -> Verdict {
    let child = fork_child(|_| {
        let value: u8;
        // SAFETY: not safe: reads the keyboard controller's port without
        // the right to, so the TSS I/O bitmap must make it fault.
        unsafe { core::arch::asm!("in al, 0x60", out("al") value) };
        i64::from(value)
    })?;
    let (_, status) = kcall::wait(child).map_err(|_| "wait")?;
    check!(status == 0x100 | 13, "a port outside the privileges did not fault with #GP");
    check!(kcall::raw(molt_abi::kcall::KC_IRQ_ACK as u64, [4, 0, 0, 0, 0]) == Error::PERM.to_ret(), "irq_ack of a line not granted");
    Ok(())
}
