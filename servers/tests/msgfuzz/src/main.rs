//! msgfuzz: random IPC messages to the system servers (rs, pm, console),
//! as an ordinary program would send them: `msgfuzz [COUNT] [SEED]`
//! (default 20,000 messages). Types are drawn from every known message
//! type, the control types among them, and random numbers; payloads mix
//! small numbers, huge ones, its own pid and grants it holds over a
//! scratch buffer.
//!
//! Every `call` must come back: with a reply (an error for types a server
//! does not serve, PERM from the kernel for control messages, INVAL for a
//! NOTIFY-typed call) or an IPC error; a server that stays silent hangs
//! this program, and the test that runs it fails. At the end it prints
//! `msgfuzz: N calls, N sends, N notifies; replies: ok N, error N;
//! refused by the kernel N` and exits with 0.
//!
//! Left out, as they would do what they are meant to rather than test the
//! servers: EXIT (ends this program), CONSOLE_READ (takes the shell's next
//! line), KILL of real pids or groups (it would kill the shell), and
//! signal handlers other than default and ignore.
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

use molt_abi::message::*;
use molt_abi::{Error, Message};
use molt_rt::{ipc, kcall, names, outln, process};

molt_rt::entry!(main);

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Message types it may send (all but the excluded ones above).
fn message_type(rng: &mut Rng) -> u32 {
    let t = match rng.below(8) {
        0 => rng.next() as u32,
        1 => IPC_MSG_USER_BASE + rng.below(16) as u32,
        _ => ALL_TYPES[rng.below(ALL_TYPES.len() as u64) as usize].0,
    };
    match t {
        IPC_MSG_EXIT | IPC_MSG_CONSOLE_READ => IPC_MSG_PING,
        t => t,
    }
}

#[derive(Default)]
struct Counts {
    calls: u64,
    sends: u64,
    notifies: u64,
    ok: u64,
    error: u64,
    refused: u64,
}

fn main(args: &molt_rt::Args) -> i32 {
    let mut words = args.rest().split_ascii_whitespace();
    let count: u64 = words.next().and_then(|w| w.parse().ok()).unwrap_or(20_000);
    let seed: u64 = words.next().and_then(|w| w.parse().ok()).unwrap_or(0x6d73_6766_757a);
    let mut rng = Rng(seed | 1);
    let targets = [names::rs(), names::lookup("pm"), names::lookup("console")];
    let me = u64::from(kcall::self_endpoint().0);
    // A scratch buffer of printable bytes, granted to each server.
    let scratch = [b'x'; 256];
    let mut grants = [0u64; 3];
    for (g, t) in grants.iter_mut().zip(&targets) {
        if let Ok(t) = t {
            *g = kcall::grant_create(*t, scratch.as_ptr() as u64, scratch.len() as u64, molt_abi::kcall::GRANT_READ).unwrap_or(0);
        }
    }
    let mut n = Counts::default();
    for _ in 0..count {
        let which = rng.below(3) as usize;
        let Ok(target) = targets[which] else { continue };
        let mtype = message_type(&mut rng);
        let mut payload = [0u64; 7];
        for w in &mut payload {
            *w = match rng.below(8) {
                0 => 0,
                1 => rng.below(64),
                2 => me,
                3 => grants[which],
                4 => u64::MAX,
                5 => rng.below(300),
                _ => rng.next(),
            };
        }
        match mtype {
            // Only pids that name nobody: (u32 endpoints) << 1 | 1 << 40.
            IPC_MSG_KILL => payload[0] = 1 << 40 | rng.next() >> 24,
            // Only ourselves, into our own group.
            IPC_MSG_SETPGID => payload[..2].copy_from_slice(&[0, 0]),
            IPC_MSG_SIGACTION => payload[1] = rng.below(2),
            _ => {}
        }
        let mut msg = Message::new(mtype, payload);
        let result = match rng.below(10) {
            0 => {
                n.sends += 1;
                ipc::send(target, &msg)
            }
            1 => {
                n.notifies += 1;
                ipc::notify(target)
            }
            _ => {
                n.calls += 1;
                let r = ipc::call(target, &mut msg);
                if r.is_ok() {
                    if mtype == IPC_MSG_FORK && msg.payload[0] == 0 {
                        // The child of a FORK that worked.
                        kcall::exit(0);
                    }
                    if mtype == IPC_MSG_FORK && (msg.payload[0] as i64) > 0 {
                        let _ = process::wait(Some(msg.payload[0]), 0);
                    }
                    if names::reply_value(&msg).is_ok() {
                        n.ok += 1;
                    } else {
                        n.error += 1;
                    }
                }
                r
            }
        };
        if matches!(result, Err(Error::PERM | Error::INVAL)) {
            n.refused += 1;
        }
    }
    // On a line of its own, after whatever the console was asked to write.
    outln!("");
    outln!(
        "msgfuzz: {} calls, {} sends, {} notifies; replies: ok {}, error {}; refused by the kernel {}",
        n.calls,
        n.sends,
        n.notifies,
        n.ok,
        n.error,
        n.refused
    );
    0
}
