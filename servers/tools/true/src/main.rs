//! true: does nothing, successfully.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

molt_rt::entry!(main);

fn main(_args: &molt_rt::Args) -> i32 {
    0
}
