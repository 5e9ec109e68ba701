//! `ktest=bench`: the kernel's costs measured from user space with the
//! TSC, which counts instructions under `-icount shift=0,sleep=off`:
//! - IPC call + reply round trip between two address spaces (a forked
//!   echo server), 100,000 samples;
//! - the null system call, 100,000 samples.
//! Prints `BENCH name median=N p99=N samples=N` lines for the host tool.

use crate::scenarios::{echo_server, fork_child, quit};
use crate::Verdict;
use molt_abi::message::IPC_MSG_PING;
use molt_abi::Message;
use molt_rt::raw::rdtsc;
use molt_rt::{ipc, println};

pub const ALL: &[(&str, fn() -> Verdict)] = &[("bench", bench)];

const SAMPLES: usize = 100_000;
static mut TIMES: [u32; SAMPLES] = [0; SAMPLES];

fn report(name: &str, times: &mut [u32]) {
    times.sort_unstable();
    let median = times[times.len() / 2];
    let p99 = times[times.len() * 99 / 100];
    println!("BENCH {name} median={median} p99={p99} samples={}", times.len());
}

fn bench() -> Verdict {
    // SAFETY: single-threaded program; TIMES is only used here.
    let times = unsafe { &mut *core::ptr::addr_of_mut!(TIMES) };
    let server = fork_child(echo_server)?;
    let mut m = Message::new(IPC_MSG_PING, [0; 7]);
    for _ in 0..1000 {
        ipc::call(server, &mut m).map_err(|_| "warm-up call")?;
    }
    for t in times.iter_mut() {
        let t0 = rdtsc();
        let r = ipc::call(server, &mut m);
        let t1 = rdtsc();
        r.map_err(|_| "call")?;
        *t = (t1 - t0).min(u64::from(u32::MAX)) as u32;
    }
    report("ipc_call_reply", times);
    quit(server);
    for t in times.iter_mut() {
        let t0 = rdtsc();
        ipc::null();
        let t1 = rdtsc();
        *t = (t1 - t0).min(u64::from(u32::MAX)) as u32;
    }
    report("null_syscall", times);
    // The cost of the measurement itself (two rdtsc and the loop).
    for t in times.iter_mut() {
        let t0 = rdtsc();
        let t1 = rdtsc();
        *t = (t1 - t0) as u32;
    }
    report("rdtsc_overhead", times);
    Ok(())
}
