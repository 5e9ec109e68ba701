//! Finding servers by name.
//!
//! The reincarnation server (rs) is the name service: servers publish
//! themselves with IPC_MSG_PUBLISH, clients ask with IPC_MSG_LOOKUP. rs
//! itself is found through the kernel's process table: it is the process
//! with privilege id [`RS_PRIV_ID`] (the first entry of the boot manifest),
//! which no user process can forge. A [`Service`] caches the endpoint and,
//! when a call fails because the server died or was restarted (a new
//! endpoint generation), looks the name up again and retries, so a
//! client's next request reaches the new instance.

use crate::{ipc, kcall, time};
use core::sync::atomic::{AtomicU32, Ordering};
use molt_abi::message::{IPC_MSG_LOOKUP, IPC_MSG_REPLY};
use molt_abi::{Endpoint, Error, Message};

/// rs is the first server of the boot manifest.
pub const RS_PRIV_ID: u32 = 0;
/// Longest service name that fits a message (4 payload words).
pub const NAME_MAX: usize = 32;
/// How long a client keeps retrying a server that is being restarted.
const RETRY_FOR_MS: u64 = 15_000;
const RETRY_PAUSE_MS: u64 = 20;

/// Packs a name into four payload words, NUL padded (truncated at 32 bytes).
pub fn pack(name: &str) -> [u64; 4] {
    let mut bytes = [0u8; NAME_MAX];
    let n = name.len().min(NAME_MAX);
    bytes[..n].copy_from_slice(&name.as_bytes()[..n]);
    let mut words = [0u64; 4];
    for (i, w) in words.iter_mut().enumerate() {
        let mut b = [0u8; 8];
        b.copy_from_slice(&bytes[i * 8..i * 8 + 8]);
        *w = u64::from_le_bytes(b);
    }
    words
}

/// Unpacks payload words into `buf`; returns the name (up to the first NUL).
pub fn unpack<'b>(words: &[u64], buf: &'b mut [u8; NAME_MAX]) -> &'b str {
    for (i, w) in words.iter().take(4).enumerate() {
        buf[i * 8..i * 8 + 8].copy_from_slice(&w.to_le_bytes());
    }
    let end = buf.iter().position(|&b| b == 0).unwrap_or(NAME_MAX);
    core::str::from_utf8(&buf[..end]).unwrap_or("")
}

/// A NUL-padded name field as text.
pub fn padded(bytes: &[u8]) -> &str {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    core::str::from_utf8(&bytes[..end]).unwrap_or("?")
}

static RS: AtomicU32 = AtomicU32::new(Endpoint::NONE.0);

/// The reincarnation server's endpoint, from the kernel's process table.
pub fn rs() -> Result<Endpoint, Error> {
    let cached = Endpoint(RS.load(Ordering::Relaxed));
    if cached != Endpoint::NONE {
        return Ok(cached);
    }
    let mut index = 0;
    while let Ok((info, next)) = kcall::proc_info(index) {
        if info.priv_id == RS_PRIV_ID && info.state != 3 && padded(&info.name) == "rs" {
            RS.store(info.endpoint, Ordering::Relaxed);
            return Ok(Endpoint(info.endpoint));
        }
        index = next;
    }
    Err(Error::NOENT)
}

/// Forgets rs's endpoint (it died; the kernel restarts it).
pub fn forget_rs() {
    RS.store(Endpoint::NONE.0, Ordering::Relaxed);
}

/// Calls rs, finding it again if it was restarted.
pub fn call_rs(msg: &mut Message) -> Result<(), Error> {
    retrying(msg, |m| {
        let ep = rs().inspect_err(|_| forget_rs())?;
        ipc::call(ep, m).inspect_err(|e| {
            if *e == Error::DEADSRCDST {
                forget_rs();
            }
        })
    })
}

/// Asks rs for the endpoint of the service called `name`.
pub fn lookup(name: &str) -> Result<Endpoint, Error> {
    let w = pack(name);
    let mut msg = Message::new(IPC_MSG_LOOKUP, [w[0], w[1], w[2], w[3], 0, 0, 0]);
    call_rs(&mut msg)?;
    reply_value(&msg).map(|e| Endpoint(e as u32))
}

/// Decodes a reply whose payload[0] is a system-call style result.
pub fn reply_value(msg: &Message) -> Result<u64, Error> {
    if msg.mtype != IPC_MSG_REPLY {
        return Err(Error::INVAL);
    }
    Error::from_ret(msg.payload[0] as i64 as isize).map(|v| v as u64)
}

/// Retries `attempt` while the peer is dead, missing or being restarted.
fn retrying(msg: &mut Message, mut attempt: impl FnMut(&mut Message) -> Result<(), Error>) -> Result<(), Error> {
    let request = *msg;
    let deadline = time::now_ms() + RETRY_FOR_MS;
    loop {
        match attempt(msg) {
            Err(Error::DEADSRCDST | Error::NOENT) if time::now_ms() < deadline => {
                *msg = request;
                time::sleep_ms(RETRY_PAUSE_MS)?;
            }
            other => return other,
        }
    }
}

/// A server known by name, its endpoint cached between calls.
pub struct Service {
    name: &'static str,
    endpoint: AtomicU32,
}

impl Service {
    pub const fn new(name: &'static str) -> Service {
        Service { name, endpoint: AtomicU32::new(Endpoint::NONE.0) }
    }

    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The current endpoint (looked up if not cached).
    pub fn endpoint(&self) -> Result<Endpoint, Error> {
        let cached = Endpoint(self.endpoint.load(Ordering::Relaxed));
        if cached != Endpoint::NONE {
            return Ok(cached);
        }
        let ep = lookup(self.name)?;
        self.endpoint.store(ep.0, Ordering::Relaxed);
        Ok(ep)
    }

    /// Forgets the cached endpoint.
    pub fn forget(&self) {
        self.endpoint.store(Endpoint::NONE.0, Ordering::Relaxed);
    }

    /// Calls the service; on a dead endpoint, finds the new instance and
    /// sends the request again.
    pub fn call(&self, msg: &mut Message) -> Result<(), Error> {
        retrying(msg, |m| {
            let ep = self.endpoint()?;
            ipc::call(ep, m).inspect_err(|e| {
                if *e == Error::DEADSRCDST {
                    self.forget();
                }
            })
        })
    }

    /// Calls the service and decodes the result word of its reply.
    pub fn request(&self, mtype: u32, payload: [u64; 7]) -> Result<Message, Error> {
        let mut msg = Message::new(mtype, payload);
        self.call(&mut msg)?;
        reply_value(&msg)?;
        Ok(msg)
    }
}

/// The process manager.
pub static PM: Service = Service::new("pm");
/// The console driver.
pub static CONSOLE: Service = Service::new("console");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_payload_words() {
        let mut buf = [0; NAME_MAX];
        for name in ["", "pm", "console", "a-name-of-exactly-thirty-two-by"] {
            assert_eq!(unpack(&pack(name), &mut buf), name);
        }
    }

    #[test]
    fn overlong_names_are_cut_and_garbage_is_refused() {
        let mut buf = [0; NAME_MAX];
        let long = "x".repeat(40);
        assert_eq!(unpack(&pack(&long), &mut buf).len(), NAME_MAX);
        assert_eq!(unpack(&[u64::MAX; 4], &mut buf), "");
        assert_eq!(padded(b"rs\0\0junk"), "rs");
    }

    #[test]
    fn replies_decode_results_and_errors() {
        let ok = Message::new(IPC_MSG_REPLY, [42, 0, 0, 0, 0, 0, 0]);
        assert_eq!(reply_value(&ok), Ok(42));
        let err = Message::new(IPC_MSG_REPLY, [Error::NOENT.to_ret() as i64 as u64, 0, 0, 0, 0, 0, 0]);
        assert_eq!(reply_value(&err), Err(Error::NOENT));
        assert_eq!(reply_value(&Message::new(IPC_MSG_LOOKUP, [0; 7])), Err(Error::INVAL));
    }
}
