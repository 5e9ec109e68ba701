//! uptime: how long the system has been up.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

molt_rt::entry!(main);

fn main(_args: &molt_rt::Args) -> i32 {
    let ms = molt_rt::time::now_ms();
    molt_rt::outln!("up {}.{:03} s", ms / 1000, ms % 1000);
    0
}
