//! chatter [LINES]: a parent and a child each write LINES long lines at
//! the same time (`chatter-A-0007 AAAA...`), so a test can check that the
//! console never interleaves two writers within a line.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

use molt_rt::console::ConsoleOut;
use molt_rt::{kcall, outln, process};

molt_rt::entry!(main);

const WIDTH: usize = 300;

fn main(args: &molt_rt::Args) -> i32 {
    let lines = args.rest().trim().parse::<u32>().unwrap_or(50);
    let child = match process::fork() {
        Ok(pid) => pid,
        Err(e) => {
            outln!("chatter: fork: {}", e.text());
            return 1;
        }
    };
    let letter = if child == 0 { 'B' } else { 'A' };
    for i in 0..lines {
        let mut out = ConsoleOut::new();
        let _ = core::fmt::Write::write_fmt(&mut out, format_args!("chatter-{letter}-{i:04} "));
        for _ in 0..WIDTH {
            let _ = core::fmt::Write::write_char(&mut out, letter);
        }
        let _ = core::fmt::Write::write_char(&mut out, '\n');
        out.flush();
    }
    if child == 0 {
        kcall::exit(0);
    }
    match process::wait(Some(child), 0) {
        Ok(Some(_)) => 0,
        _ => 1,
    }
}
