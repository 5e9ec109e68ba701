//! echo: prints its arguments, separated by single spaces.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

molt_rt::entry!(main);

fn main(args: &molt_rt::Args) -> i32 {
    molt_rt::console::print_words(args.rest());
    0
}
