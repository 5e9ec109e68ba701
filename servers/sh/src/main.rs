//! sh, the shell: reads command lines from the console, runs builtins
//! (echo, exit, help, wait) itself and every other word as a program by
//! name (fork and exec through pm), with `&` for background jobs, `;`
//! between commands and `$?` for the last status. ^C at the prompt
//! discards the line; during a foreground job it interrupts the job.
#![cfg_attr(not(test), no_std)]
#![cfg_attr(not(test), no_main)]
#![forbid(unsafe_code)]

mod jobs;
mod parse;

use jobs::Jobs;
use molt_abi::Error;
use molt_rt::process::{self, SIGINT};
use molt_rt::{console, out, outln, Args};

molt_rt::entry!(main);

const HELP: &str = "builtins: echo [WORDS], exit [STATUS], help, wait [PID]
programs: ps, kill [-SIG] PID, service list|restart|stop|fi, uptime, sleep SECONDS,
          true, false, echo, poweroff, forkbomb
syntax:   CMD; CMD   CMD &   $?";

/// Runs when ^C reaches the shell itself: the read in progress fails with
/// INTR and the prompt comes back.
extern "C" fn on_interrupt(_sig: u64) {}

fn main(_args: &Args) -> i32 {
    let own_group = process::setpgid(0, 0).unwrap_or(0);
    let _ = process::on_signal(SIGINT, on_interrupt);
    let _ = console::set_foreground(own_group);
    let mut jobs = Jobs::new(own_group);
    let mut status = 0u64;
    let mut buf = [0u8; 256];
    loop {
        jobs.report_finished();
        out!("# ");
        let n = match console::read(&mut buf) {
            Ok(0) => return 0,
            Ok(n) => n,
            Err(Error::INTR) => continue,
            Err(e) => {
                outln!("sh: read: {}", e.text());
                return 1;
            }
        };
        let Ok(line) = core::str::from_utf8(&buf[..n]) else {
            outln!("sh: input is not UTF-8");
            continue;
        };
        let mut expanded = [0u8; parse::LINE_MAX];
        for command in parse::commands(line.trim_end_matches('\n')) {
            let words = parse::expand(command.words, status, &mut expanded);
            let (name, args) = words.split_once(char::is_whitespace).unwrap_or((words, ""));
            let args = args.trim();
            status = match name {
                "echo" => {
                    console::print_words(args);
                    0
                }
                "exit" => return args.parse::<i32>().unwrap_or(status as i32),
                "help" => {
                    outln!("{}", HELP);
                    0
                }
                "wait" => jobs.wait(args.parse().ok()),
                _ => jobs.run(name, args, command.background),
            };
        }
    }
}
