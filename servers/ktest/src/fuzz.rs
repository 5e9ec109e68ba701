//! `ktest-fuzz`: 100,000 system calls with random numbers and arguments
//! (fixed seed). It runs as its own manifest server with narrow rights (no
//! IPC targets, no debug output, no fork/exec/kill/spawn/power-off), so the
//! calls exercise the kernel's checks without taking the test down.
//!
//! Pointer arguments aim at the fuzzer's code, a scratch buffer, holes,
//! kernel memory and non-canonical addresses, never at its own stack, so
//! the kernel's (correct) writes through valid pointers cannot corrupt the
//! fuzzer itself.
//!
//! Left out on purpose, since they would legitimately block or end the
//! fuzzer rather than test the kernel: blocking `receive` (the
//! non-blocking form is used instead; `reply_receive` ends in a blocking
//! receive too) and `exit` (the fuzzer exits at the
//! end, reporting success with status 0).

use molt_abi::kcall::{KC_COUNT, KC_EXIT};
use molt_abi::syscall::{SYS_COUNT, SYS_KCALL, SYS_RECEIVE, SYS_REPLY_RECEIVE};
use molt_rt::raw::syscall;
use molt_rt::Args;

/// Number of random calls.
pub const CALLS: u32 = 100_000;

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
}

static mut SCRATCH: [u8; 8192] = [0; 8192];

fn argument(rng: &mut XorShift) -> u64 {
    let scratch = core::ptr::addr_of!(SCRATCH) as u64;
    match rng.next() % 14 {
        0 => 0,
        1 => 1,
        2 => rng.next() % 1024,
        3 => u64::MAX,
        4 => 0x40_0000 + rng.next() % 0x4000,
        5 => 0x50_0000 + rng.next() % 0x10_0000,
        6 => 0xffff_8000_0000_0000 + rng.next() % (1 << 30),
        7 => 0xffff_ffff_8000_0000 + rng.next() % (1 << 20),
        8 => 0x0000_7fff_ffff_f000 - rng.next() % 8192,
        9 => 0x8000_0000_0000_0000 | rng.next(),
        10 => scratch + rng.next() % 8192,
        11 => 1 << (rng.next() % 64),
        12 => u64::from(u32::MAX) - rng.next() % 4,
        _ => rng.next(),
    }
}

pub fn fuzz_main(_args: &Args) -> i32 {
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    let mut done = 0u32;
    while done < CALLS {
        let nr = if rng.next().is_multiple_of(4) { rng.next() } else { rng.next() % (SYS_COUNT as u64 + 2) };
        let mut a = [0u64; 6];
        for v in &mut a {
            *v = argument(&mut rng);
        }
        if nr == SYS_KCALL as u64 {
            a[0] = rng.next() % (KC_COUNT as u64 + 3);
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
