//! `molt bench net`: hosted TCP throughput and request/response latency
//! over the in-memory wire, over a TAP link, and Linux-to-Linux over
//! loopback in the same run.
/// Entry point of `molt bench net`.
pub fn bench_main(_args: Vec<String>) -> i32 {
    eprintln!("molt bench net: not built yet");
    2
}
