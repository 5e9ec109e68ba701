//! `ktest-fuzz-broad`: random system calls with broad rights (every kernel
//! call, device ranges, its own IPC target) and type-aware arguments. Where
//! the narrow fuzzer (`crate::fuzz`) throws random words, this one keeps
//! what it holds and hands that back to the kernel: its own endpoint and
//! its children's (live, dead, and with the generation off by one), the
//! grant ids it created (live and revoked), the memory it mapped, physical
//! addresses inside and outside its granted device ranges and in RAM (from
//! alloc_dma), next to kernel, non-canonical and unmapped addresses.
//!
//! It stays alive to report: it never exits, powers off, claims the
//! console or watches exits; it kills, signals and re-schedules only its
//! own children (or endpoints that name nobody); a forked child exits at
//! once; a blocking receive is made only with an alarm armed; waits do not
//! block until the end, when it kills and collects every child it has.
//! Writes through pointers land in its scratch mappings, never its stack.
//! The scenario calls it with the job and waits for its reply, a report:
//! calls that succeeded and failed, device mappings and safecopies that
//! worked, children and grants made; so nothing may reply to (or fork,
//! exec, kill or signal) the parent but the end of the run.

use crate::fuzz::{receive_job, XorShift};
use molt_abi::kcall::*;
use molt_abi::syscall::*;
use molt_abi::Endpoint;
use molt_rt::raw::syscall;
use molt_rt::{kcall, Args};

/// Scratch memory (64 KiB, mapped at start) the kernel may write into.
const SCRATCH: u64 = 0x5000_0000;
const SCRATCH_LEN: u64 = 0x1_0000;
/// Module names boot_image is asked for (one exists, one is refused).
const NAMES: [&[u8]; 3] = [b"ktest", b"manifest", b"no-such-module"];
/// Where device mappings and DMA buffers go.
const DEVICE_WINDOW: u64 = 0x6000_0000;
const DMA_WINDOW: u64 = 0x6800_0000;
/// Where map_anon may put pages: 512 of them at most (2 MiB).
const ANON_WINDOW: u64 = 0x7000_0000;
const ANON_PAGES: u64 = 512;
/// The peer's manifest index (boot/ktest.toml): the one server it spawns.
const PEER_INDEX: u64 = crate::scenarios::PEER_INDEX as u64;

/// What the fuzzer holds: rings of recent values of each kind.
struct Held {
    me: Endpoint,
    parent: Endpoint,
    children: [u32; 8],
    /// Servers it spawned (at most four per run, all killed at the end).
    spawned: [u32; 4],
    spawned_count: usize,
    grants: [u64; 8],
    dma_phys: u64,
    /// Calls that succeeded, and those that failed.
    ok: u64,
    failed: u64,
    /// Successful device mappings and safecopies.
    device_maps: u64,
    safecopies: u64,
    next_child: usize,
    next_grant: usize,
}

impl Held {
    fn endpoint(&self, rng: &mut XorShift) -> u64 {
        let child = self.children[rng.below(8) as usize];
        let raw = match rng.below(10) {
            0 => self.me.0,
            1 => self.parent.0,
            2 | 3 => child,
            4 => child.wrapping_add(1 << 10),
            5 => child.wrapping_sub(1 << 10),
            6 => Endpoint::ANY.0,
            7 => Endpoint::KERNEL.0,
            8 => Endpoint::NONE.0,
            _ => rng.next() as u32,
        };
        if rng.below(32) == 0 {
            rng.next()
        } else {
            u64::from(raw)
        }
    }

    /// Our own endpoint half the time (grants to ourselves can be used),
    /// else any.
    fn mostly_me(&self, rng: &mut XorShift) -> u64 {
        if rng.below(2) == 0 {
            u64::from(self.me.0)
        } else {
            self.endpoint(rng)
        }
    }

    /// An endpoint that is neither us nor the parent, for calls that
    /// would end or disturb them (kill, signal, sched_ctl).
    fn victim(&self, rng: &mut XorShift) -> u64 {
        let e = self.endpoint(rng);
        if e == u64::from(self.me.0) || e == u64::from(self.parent.0) {
            u64::from(Endpoint::NONE.0)
        } else {
            e
        }
    }

    fn grant(&self, rng: &mut XorShift) -> u64 {
        match rng.below(6) {
            0 => rng.below(64),
            1 => rng.next(),
            _ => self.grants[rng.below(8) as usize],
        }
    }

    fn physical(&self, rng: &mut XorShift) -> u64 {
        match rng.below(10) {
            0 => self.dma_phys,
            1 => self.dma_phys + 0x1000,
            _ => crate::fuzz::physical(rng),
        }
    }
}

/// A user address the kernel may write to or read from.
fn address(rng: &mut XorShift) -> u64 {
    match rng.below(12) {
        0..=3 => SCRATCH + rng.below(SCRATCH_LEN),
        4 => SCRATCH + SCRATCH_LEN - rng.below(128),
        5 => DEVICE_WINDOW + rng.below(0x8000),
        6 => DMA_WINDOW + rng.below(0x4000),
        7 => 0x40_0000 + rng.below(0x4000),
        8 => 0xffff_8000_0000_0000 + rng.below(1 << 32),
        9 => 0x0000_7fff_ffff_f000 - rng.below(0x2000),
        10 => 0x8000_0000_0000_0000 | rng.next(),
        _ => rng.below(0x1000),
    }
}

/// A page-aligned place to map something (never the stack or code).
/// Mappings stay inside small windows, so a long run cannot grow the
/// address space without bound (every fork copies it); a random spot
/// gets only an address the kernel must refuse or a page in a window.
fn map_target(rng: &mut XorShift) -> u64 {
    match rng.below(7) {
        0 | 1 => DEVICE_WINDOW + rng.below(8) * 0x1000,
        2 => DMA_WINDOW + rng.below(4) * 0x1000,
        3 => SCRATCH,
        4 => 0xffff_8000_0000_0000,
        5 => ANON_WINDOW + rng.below(ANON_PAGES) * 0x1000,
        _ => (rng.next() & !0xfff) | 0x0000_8000_0000_0000,
    }
}

fn length(rng: &mut XorShift) -> u64 {
    match rng.below(10) {
        0 => 0,
        1 => 1,
        2 => 8,
        3 => 64,
        4 => 4096,
        5 => 4097,
        6 => rng.below(0x2_0000),
        7 => u64::MAX,
        8 => 1 << rng.below(64),
        _ => rng.below(256),
    }
}

/// Arguments of kernel call `n`, typed as the call reads them.
fn kcall_args(n: usize, held: &Held, rng: &mut XorShift) -> Option<[u64; 5]> {
    let a = match n {
        KC_EXIT | KC_POWER_OFF | KC_CONSOLE_CLAIM | KC_WATCH_EXITS => return None,
        KC_FORK | KC_UPTIME | KC_SELF | KC_SIGRETURN => [0; 5],
        KC_EXEC => [address(rng), length(rng), address(rng), length(rng), 0],
        KC_KILL => [held.victim(rng), rng.below(300), 0, 0, 0],
        // Never blocking: a live child might never exit.
        KC_WAIT => [held.endpoint(rng), address(rng), 1, 0, 0],
        KC_ALARM => [[0, 1, 1_000_000, u64::MAX, rng.next()][rng.below(5) as usize], 0, 0, 0, 0],
        KC_MAP_DEVICE => [held.physical(rng), length(rng).min(0x8000), map_target(rng), 0, 0],
        KC_ALLOC_DMA => [length(rng).min(0x4000), map_target(rng), 0, 0, 0],
        KC_GRANT_CREATE => [held.mostly_me(rng), address(rng), length(rng), rng.below(5), 0],
        KC_GRANT_REVOKE => [held.grant(rng), 0, 0, 0, 0],
        KC_SAFECOPY_FROM | KC_SAFECOPY_TO => [held.mostly_me(rng), held.grant(rng), rng.below(128), address(rng), rng.below(128)],
        KC_IRQ_ACK => [rng.below(40), 0, 0, 0, 0],
        KC_MAP_ANON => [map_target(rng), length(rng).min(0x1_0000), 0, 0, 0],
        KC_SPAWN => [[PEER_INDEX, 99, rng.next()][rng.below(3) as usize], 0, 0, 0, 0],
        KC_SCHED_CTL => [held.victim(rng), rng.below(18), rng.below(300), 0, 0],
        KC_CPU_TIME => [held.endpoint(rng), 0, 0, 0, 0],
        // The parent waits for our reply: never fork or exec it.
        KC_FORK_FOR => [held.victim(rng), 0, 0, 0, 0],
        KC_EXEC_FOR => [held.victim(rng), address(rng), length(rng), address(rng), length(rng)],
        // A known name or scratch bytes; a buffer too small for any image
        // except where the size is a lie (the copy then fails as a whole:
        // no ELF ever lands where exec could find it).
        KC_BOOT_IMAGE => {
            let (name, len) = match rng.below(4) {
                3 => (address(rng), rng.below(70)),
                i => (NAMES[i as usize].as_ptr() as u64, NAMES[i as usize].len() as u64),
            };
            [name, len, address(rng), [16, 4 << 20, u64::MAX][rng.below(3) as usize], 0]
        }
        // A handler that ends the child, or one the kernel must refuse: a
        // random address inside our code would make a child that runs
        // this loop forever.
        KC_SIGNAL => {
            let handler = match rng.below(3) {
                0 => exit_on_signal as extern "C" fn(u64) as usize as u64,
                1 => 0xffff_8000_0000_0000 + rng.below(1 << 20),
                _ => 0x8000_0000_0000_0000 | rng.next(),
            };
            [held.victim(rng), handler, rng.below(40), address(rng), 0]
        }
        KC_PROC_INFO | KC_SERVER_INFO => [rng.below(300), address(rng), 0, 0, 0],
        _ => [rng.next(), address(rng), length(rng), rng.next(), rng.next()],
    };
    Some(a)
}

/// The signal handler the fuzzer gives its children: they end at once.
extern "C" fn exit_on_signal(_signo: u64) {
    kcall::exit(0)
}

/// One random call; returns false if it was skipped.
fn one_call(held: &mut Held, rng: &mut XorShift) -> bool {
    // Half the calls are kernel calls (29 kinds), half the other ten.
    let mut nr = if rng.below(2) == 0 { SYS_KCALL } else { rng.below(SYS_COUNT as u64 + 1) as usize };
    let (a, n) = match nr {
        SYS_KCALL => {
            let n = rng.below(KC_COUNT as u64 + 1) as usize;
            let Some(k) = kcall_args(n, held, rng) else { return false };
            ([n as u64, k[0], k[1], k[2], k[3], k[4]], Some(n))
        }
        SYS_SEND | SYS_CALL => ([held.endpoint(rng), address(rng), 0, 0, 0, 0], None),
        // The parent waits for the report: no other reply may reach it.
        SYS_REPLY => ([held.victim(rng), address(rng), 0, 0, 0, 0], None),
        // Blocking receives wait for the alarm to end them, a clock tick
        // (10 ms) away: one in 32 is made, the rest become non-blocking.
        SYS_RECEIVE | SYS_REPLY_RECEIVE if rng.below(32) != 0 => {
            nr = SYS_RECEIVE_NB;
            ([held.endpoint(rng), address(rng), 0, 0, 0, 0], None)
        }
        SYS_RECEIVE | SYS_REPLY_RECEIVE => {
            // Blocking: only with an alarm to end it, and from a source
            // the alarm reaches.
            let _ = kcall::alarm(200_000);
            let src = u64::from([Endpoint::ANY.0, Endpoint::KERNEL.0][rng.below(2) as usize]);
            if nr == SYS_RECEIVE {
                ([src, address(rng), 0, 0, 0, 0], None)
            } else {
                ([held.victim(rng), address(rng), src, 0, 0, 0], None)
            }
        }
        SYS_RECEIVE_NB => ([held.endpoint(rng), address(rng), 0, 0, 0, 0], None),
        SYS_NOTIFY => ([held.endpoint(rng), 0, 0, 0, 0, 0], None),
        _ => ([rng.next(), address(rng), length(rng), 0, 0, 0], None),
    };
    // Forks copy the address space, slow under TCG: one in eight is made.
    if n == Some(KC_SPAWN) && held.spawned_count >= held.spawned.len() || n == Some(KC_FORK) && rng.below(8) != 0 {
        return false;
    }
    let ret = syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
    if ret >= 0 {
        held.ok += 1;
    } else {
        held.failed += 1;
    }
    match n {
        Some(KC_FORK) if ret == 0 => kcall::exit(0),
        Some(KC_FORK) if ret > 0 => {
            held.children[held.next_child % 8] = ret as u32;
            held.next_child += 1;
        }
        Some(KC_SPAWN) if ret > 0 => {
            held.spawned[held.spawned_count] = ret as u32;
            held.spawned_count += 1;
            held.children[held.next_child % 8] = ret as u32;
            held.next_child += 1;
        }
        Some(KC_GRANT_CREATE) if ret >= 0 => {
            held.grants[held.next_grant % 8] = ret as u64;
            held.next_grant += 1;
        }
        Some(KC_ALLOC_DMA) if ret > 0 => held.dma_phys = ret as u64,
        Some(KC_MAP_DEVICE) if ret == 0 => held.device_maps += 1,
        Some(KC_SAFECOPY_FROM | KC_SAFECOPY_TO) if ret >= 0 => held.safecopies += 1,
        _ => {}
    }
    if rng.below(64) == 0 {
        let _ = kcall::wait_nohang(Endpoint::ANY);
    }
    true
}

/// Kills and collects every child left (the kernel's table names them),
/// until there is none: the kernel would keep an orphan of a server (this
/// fuzzer is one) as a zombie for a successor that never comes.
fn reap_all(held: &Held) {
    loop {
        let mut index = 0;
        while let Ok((info, next)) = kcall::proc_info(index) {
            index = next;
            if info.parent == held.me.0 && info.state != 3 {
                let _ = kcall::kill(Endpoint(info.endpoint), 9);
            }
        }
        loop {
            match kcall::wait_nohang(Endpoint::ANY) {
                Ok(Some(_)) => continue,
                Ok(None) => break,
                Err(_) => return,
            }
        }
        molt_rt::ipc::yield_now();
    }
}

pub fn fuzz_main(_args: &Args) -> i32 {
    let (seed, calls, parent) = {
        let (s, c) = receive_job();
        (s, c, crate::fuzz::job_sender())
    };
    if kcall::map_anon(SCRATCH, SCRATCH_LEN).is_err() {
        return 1;
    }
    let me = kcall::self_endpoint();
    let none = Endpoint::NONE.0;
    let mut held = Held {
        me,
        parent,
        children: [none; 8],
        spawned: [none; 4],
        spawned_count: 0,
        grants: [0; 8],
        dma_phys: 0,
        ok: 0,
        failed: 0,
        device_maps: 0,
        safecopies: 0,
        next_child: 0,
        next_grant: 0,
    };
    let mut rng = XorShift::new(seed);
    let mut done = 0u64;
    while done < calls {
        if one_call(&mut held, &mut rng) {
            done += 1;
        }
    }
    let _ = kcall::alarm(0);
    reap_all(&held);
    let report = [held.ok, held.failed, held.device_maps, held.safecopies, held.next_child as u64, held.next_grant as u64, 0];
    let _ = molt_rt::ipc::reply(parent, &molt_abi::Message::new(molt_abi::message::IPC_MSG_REPLY, report));
    0
}
