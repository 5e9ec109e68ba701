//! `ktest=bench`: the kernel's costs measured from user space with the
//! TSC, which counts instructions under `-icount shift=0,sleep=off`:
//! - IPC call + reply round trip between two address spaces (a forked
//!   server that replies with the request and waits for the next in one
//!   `reply_receive`), 100,000 samples;
//! - the null system call, 100,000 samples.
//!
//! Prints `BENCH name median=N p99=N samples=N` lines for the host tool.

use crate::scenarios::{fork_child, quit};
use crate::Verdict;
use molt_abi::message::IPC_MSG_PING;
use molt_abi::Message;
use molt_rt::raw::rdtsc;
use molt_rt::{ipc, kcall, println};

pub const ALL: &[crate::Scenario] = &[("bench", bench)];

const SAMPLES: usize = 100_000;
/// Where the sample buffer is mapped (at run time, so forked children of
/// other scenarios do not copy it).
const TIMES_AT: u64 = 0x1000_0000;

fn report(name: &str, times: &mut [u32]) {
    times.sort_unstable();
    let median = times[times.len() / 2];
    let p99 = times[times.len() * 99 / 100];
    println!("BENCH {name} median={median} p99={p99} samples={}", times.len());
}

/// The measured server: replies with the request unchanged and waits for
/// the next, in one system call, until QUIT (then `quit`'s reply ends it).
fn reflect_server(_parent: molt_abi::Endpoint) -> i64 {
    let mut m = Message::default();
    let Ok(mut from) = ipc::receive(molt_abi::Endpoint::ANY, &mut m) else { return 1 };
    while m.mtype == IPC_MSG_PING {
        match ipc::reply_receive(from, &mut m, molt_abi::Endpoint::ANY) {
            Ok(next) => from = next,
            Err(_) => return 2,
        }
    }
    let _ = ipc::reply(from, &Message::default());
    0
}

fn bench() -> Verdict {
    let bytes = (SAMPLES * core::mem::size_of::<u32>()) as u64;
    kcall::map_anon(TIMES_AT, bytes).map_err(|_| "map_anon for the samples")?;
    // SAFETY: map_anon just mapped `bytes` zeroed, writable bytes at
    // TIMES_AT, which nothing else in this program uses; u32 is valid for
    // any bits and TIMES_AT is aligned.
    let times = unsafe { core::slice::from_raw_parts_mut(TIMES_AT as *mut u32, SAMPLES) };
    let server = fork_child(reflect_server)?;
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
