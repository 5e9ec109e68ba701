//! The IPC check: a BSD server keeps serving other clients while one
//! client's request sleeps in tsleep. Two client processes (this program
//! again, as `bsdplat-client`) call the server: the first asks it to
//! sleep until woken, the second asks it to wake the first. The second is
//! answered while the first still waits, then the first.
use alloc::format;
use alloc::string::String;

use molt_abi::message::{IPC_MSG_PING, IPC_MSG_USER_BASE};
use molt_abi::{Endpoint, Message};
use molt_rt::server::result_reply;
use molt_rt::{ipc, kcall};
use molt_shims::platform::server::dispatch;
use molt_shims::platform::server::service::{Next, Service};

use crate::events::{Event, Log, CLIENTS};
use crate::workers::{spawn, tsleep, wakeup};

/// Manifest index of `bsdplat-client` (boot/bsdplat.toml).
const CLIENT_INDEX: usize = 3;
/// Server to client: start, with the request type to send in payload[0].
const MSG_GO: u32 = IPC_MSG_USER_BASE + 1;
/// Client to server: sleep until a wake request comes.
const MSG_SLEEP: u32 = IPC_MSG_USER_BASE + 2;
/// Client to server: wake the sleeping request.
const MSG_WAKE: u32 = IPC_MSG_USER_BASE + 3;

static LOG: Log = Log::new();
static CHAN_IPC: u8 = 0;

/// The client program: waits for its orders, makes one call, reports.
pub fn client_main() -> i32 {
    let mut msg = Message::default();
    let Ok(server) = ipc::receive(Endpoint::ANY, &mut msg) else { return 1 };
    if msg.mtype != MSG_GO {
        return 2;
    }
    let mut request = Message::new(msg.payload[0] as u32, [0; 7]);
    let t0 = kcall::uptime_ns();
    let result = ipc::call(server, &mut request);
    molt_rt::println!(
        "bsdplat-client: request {:#x} answered {:?} after {} ms",
        msg.payload[0],
        result.map(|()| request.payload[0]),
        (kcall::uptime_ns() - t0) / 1_000_000
    );
    i32::from(result.is_err())
}

/// Receives the next client request and hands it to a worker.
fn serve_one() -> Result<(), String> {
    let mut msg = Message::default();
    loop {
        let from = dispatch::receive(&mut msg);
        if from == Endpoint::KERNEL {
            continue; // an event of ours (a child's exit), not a request
        }
        return match msg.mtype {
            MSG_SLEEP => {
                LOG.push(Event::SleepAsked);
                spawn(move || {
                    LOG.push(Event::SleeperSleeps);
                    let e = tsleep(&CHAN_IPC, 0);
                    LOG.push(Event::SleeperAnswered);
                    let _ = ipc::reply(from, &result_reply(Ok(e as u64), [0; 6]));
                })
            }
            MSG_WAKE => {
                LOG.push(Event::WakeAsked);
                spawn(move || {
                    wakeup(&CHAN_IPC);
                    LOG.push(Event::WakerAnswered);
                    let _ = ipc::reply(from, &result_reply(Ok(0), [0; 6]));
                })
            }
            other => Err(format!("unexpected request {other:#x} from {:#x}", from.0)),
        };
    }
}

fn spawn_client() -> Result<Endpoint, String> {
    kcall::spawn(CLIENT_INDEX).map_err(|e| format!("spawn of bsdplat-client: {}", e.text()))
}

/// Tells a client which request to make.
fn go(client: Endpoint, what: u32) -> Result<(), String> {
    ipc::send(client, &Message::new(MSG_GO, [u64::from(what), 0, 0, 0, 0, 0, 0]))
        .map_err(|e| format!("starting a client: {}", e.text()))
}

/// Starts both clients, serves their requests, and checks the order.
pub fn sleeping_request_does_not_block_others() -> Result<(), String> {
    let sleeper = spawn_client()?;
    let waker = spawn_client()?;
    go(sleeper, MSG_SLEEP)?;
    serve_one()?;
    go(waker, MSG_WAKE)?;
    serve_one()?;
    dispatch::run_until_done();
    let got = LOG.events();
    if got[..] != CLIENTS[..] {
        return Err(format!("events {got:?}, want {CLIENTS:?}"));
    }
    Ok(())
}

/// The service loop: bsdplat publishes itself with rs, heartbeats every
/// 100 ms (boot/bsdplat.toml) for a second, longer than the 500 ms silence
/// limit, and answers a client's IPC_MSG_PING meanwhile.
pub fn serves_as_an_rs_service() -> Result<(), String> {
    let mut service = Service::start("bsdplat").map_err(|e| format!("publish: {}", e.text()))?;
    if service.period_ns() != 100_000_000 {
        return Err(format!("heartbeat period {} ns, the manifest says 100 ms", service.period_ns()));
    }
    go(spawn_client()?, IPC_MSG_PING)?;
    let until = kcall::uptime_ns() + 1_000_000_000;
    let mut msg = Message::default();
    loop {
        match service.next(&mut msg, until) {
            Next::TimedOut => break,
            Next::Request(Endpoint::KERNEL) => continue, // a child's exit
            other => return Err(format!("unexpected {other:?} (message {:#x})", msg.mtype)),
        }
    }
    if service.beats() < 8 {
        return Err(format!("{} heartbeats in a second", service.beats()));
    }
    molt_rt::outln!("bsdplat: service: {} heartbeats in a second", service.beats());
    Ok(())
}
