//! `ktest-fuzz`: random system calls with random numbers and arguments.
//! It runs as its own manifest server with narrow rights (no IPC targets,
//! no debug output, no fork/exec/kill/spawn/power-off; one granted device
//! range), so the calls exercise the kernel's checks without taking the
//! test down. The seed and the number of calls come in the first message
//! it receives (from the `fuzz` scenario, `crate::fuzzrun`).
//!
//! Pointer arguments aim at the fuzzer's code, a scratch buffer, holes,
//! kernel memory, non-canonical addresses and the window where its device
//! mappings land, never at its own stack, so the kernel's (correct) writes
//! through valid pointers cannot corrupt the fuzzer itself. Physical
//! addresses include its granted device range, the LAPIC, 4 GiB, 2^47 and
//! 2^48.
//!
//! Left out on purpose, since they would legitimately block or end the
//! fuzzer rather than test the kernel: blocking `receive` (the
//! non-blocking form is used instead; `reply_receive` ends in a blocking
//! receive too) and `exit` (the fuzzer exits at the
//! end, reporting success with status 0).

use molt_abi::kcall::{KC_COUNT, KC_EXIT};
use molt_abi::syscall::{SYS_COUNT, SYS_KCALL, SYS_RECEIVE, SYS_REPLY_RECEIVE};
use molt_abi::{Endpoint, Message};
use molt_rt::raw::syscall;
use molt_rt::{ipc, Args};

/// A xorshift64 generator: fast, and the same sequence for a seed.
pub struct XorShift(pub u64);

impl XorShift {
    /// A generator for `seed` (0 is mapped to a fixed non-zero state).
    pub fn new(seed: u64) -> XorShift {
        XorShift(if seed == 0 { 0x9e37_79b9_7f4a_7c15 } else { seed })
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A value below `n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

static JOB_SENDER: core::sync::atomic::AtomicU32 = core::sync::atomic::AtomicU32::new(u32::MAX);

/// The job a fuzzer gets in its first message: payload[0] seed,
/// payload[1] number of calls.
pub fn receive_job() -> (u64, u64) {
    let mut m = Message::default();
    match ipc::receive(Endpoint::ANY, &mut m) {
        Ok(from) => {
            JOB_SENDER.store(from.0, core::sync::atomic::Ordering::Relaxed);
            (m.payload[0], m.payload[1])
        }
        Err(_) => (0, 0),
    }
}

/// Who sent the job (the scenario, our parent).
pub fn job_sender() -> Endpoint {
    Endpoint(JOB_SENDER.load(core::sync::atomic::Ordering::Relaxed))
}

static mut SCRATCH: [u8; 8192] = [0; 8192];

/// Where the fuzzer's own device mappings tend to land (an argument class).
pub const DEVICE_WINDOW: u64 = 0x6000_0000;

/// Physical addresses worth trying as device memory.
pub fn physical(rng: &mut XorShift) -> u64 {
    match rng.below(8) {
        0 => 0x1_0000_0000 + rng.below(5) * 0x1000,
        1 => 0xfee0_0000,
        2 => 1 << 47,
        3 => 1 << 48,
        4 => 0xfec0_0000,
        5 => rng.below(1 << 32) & !0xfff,
        6 => 0x10_0000,
        _ => rng.next() & !0xfff,
    }
}

fn argument(rng: &mut XorShift) -> u64 {
    let scratch = core::ptr::addr_of!(SCRATCH) as u64;
    match rng.below(16) {
        0 => 0,
        1 => 1,
        2 => rng.below(1024),
        3 => u64::MAX,
        4 => 0x40_0000 + rng.below(0x4000),
        5 => 0x50_0000 + rng.below(0x10_0000),
        6 => 0xffff_8000_0000_0000 + rng.below(1 << 30),
        7 => 0xffff_ffff_8000_0000 + rng.below(1 << 20),
        8 => 0x0000_7fff_ffff_f000 - rng.below(8192),
        9 => 0x8000_0000_0000_0000 | rng.next(),
        10 => scratch + rng.below(8192),
        11 => 1 << rng.below(64),
        12 => u64::from(u32::MAX) - rng.below(4),
        13 => DEVICE_WINDOW + rng.below(0x8000),
        14 => physical(rng),
        _ => rng.next(),
    }
}

pub fn fuzz_main(_args: &Args) -> i32 {
    let (seed, calls) = receive_job();
    let mut rng = XorShift::new(seed);
    let mut done = 0u64;
    while done < calls {
        let nr = if rng.next().is_multiple_of(4) { rng.next() } else { rng.below(SYS_COUNT as u64 + 2) };
        let mut a = [0u64; 6];
        for v in &mut a {
            *v = argument(&mut rng);
        }
        if nr == SYS_KCALL as u64 {
            a[0] = rng.below(KC_COUNT as u64 + 3);
            if a[0] == KC_EXIT as u64 {
                continue;
            }
        }
        if nr == SYS_RECEIVE as u64 || nr == SYS_REPLY_RECEIVE as u64 {
            continue;
        }
        syscall(nr as usize, a[0], a[1], a[2], a[3], a[4], a[5]);
        done += 1;
    }
    0
}
