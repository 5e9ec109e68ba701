//! pm's process table survives a restart of pm: every change to a slot
//! is written, one row per slot, into a buffer rs keeps for pm across
//! restarts (IPC_MSG_STATE, rs's `state`); a new pm reads the table back,
//! adopts its predecessor's children from the kernel (`KC_ADOPT`, which
//! kept the statuses of those that ended meanwhile) and carries on, so
//! waits, parents and process groups keep working.
//!
//! Buffer layout: a 64-byte header (the magic `PMTABLE1`, then zeros),
//! then [`MAX_PROCS`] rows of [`ROW`] bytes, little-endian u64 words:
//! used (1) or free (0), pid, ppid, pgid, zombie (1 if ended), status,
//! restorer, kernel_child, then the [`NSIG`] signal actions. What is read
//! back is checked like any input: bad magic or a malformed row is
//! dropped. A pending wait is not saved: the client's call failed with the
//! old pm and is sent again to the new one.

use crate::table::{Proc, Table, MAX_PROCS};
use molt_abi::message::IPC_MSG_STATE;
use molt_abi::{Endpoint, Error, Message};
use molt_rt::process::NSIG;
use molt_rt::{kcall, names};

const MAGIC: &[u8; 8] = b"PMTABLE1";
const HEADER: usize = 64;
const WORDS: usize = 8 + NSIG as usize;
/// Bytes per saved row.
pub const ROW: usize = 8 * WORDS;

/// The grant of pm's buffer in rs.
pub struct Saved {
    rs: Endpoint,
    grant: u64,
}

impl Saved {
    /// Asks rs for the buffer and marks it as a table (a fresh buffer is
    /// then a table of free slots); `None` if rs has none for us.
    pub fn connect() -> Option<Saved> {
        let mut msg = Message::new(IPC_MSG_STATE, [0; 7]);
        names::call_rs(&mut msg).ok()?;
        let grant = names::reply_value(&msg).ok()?;
        if (msg.payload[1] as usize) < HEADER + MAX_PROCS * ROW {
            return None;
        }
        let saved = Saved { rs: names::rs().ok()?, grant };
        let mut header = [0u8; HEADER];
        header[..8].copy_from_slice(MAGIC);
        kcall::safecopy_to(saved.rs, saved.grant, 0, &header).ok()?;
        Some(saved)
    }

    /// Reads the saved table into `table` (empty); returns how many rows.
    pub fn load(&self, table: &mut Table) -> usize {
        let mut header = [0u8; HEADER];
        if kcall::safecopy_from(self.rs, self.grant, 0, &mut header).is_err() || &header[..8] != MAGIC {
            return 0;
        }
        let mut n = 0;
        for i in 0..MAX_PROCS {
            let mut row = [0u8; ROW];
            if kcall::safecopy_from(self.rs, self.grant, (HEADER + i * ROW) as u64, &mut row).is_err() {
                break;
            }
            if let Some(p) = decode(&row) {
                table.set_slot(i, p);
                n += 1;
            }
        }
        n
    }

    /// Writes every slot `dirty` names.
    pub fn save(&self, table: &Table, dirty: u64) -> Result<(), Error> {
        for i in (0..MAX_PROCS).filter(|i| dirty & 1 << i != 0) {
            kcall::safecopy_to(self.rs, self.grant, (HEADER + i * ROW) as u64, &encode(table.slot(i)))?;
        }
        Ok(())
    }
}

fn encode(p: Option<&Proc>) -> [u8; ROW] {
    let mut words = [0u64; WORDS];
    if let Some(p) = p {
        words[..8].copy_from_slice(&[
            1,
            p.pid,
            p.ppid,
            p.pgid,
            u64::from(p.zombie.is_some()),
            p.zombie.unwrap_or(0) as u64,
            p.restorer,
            u64::from(p.kernel_child),
        ]);
        words[8..].copy_from_slice(&p.actions);
    }
    let mut row = [0u8; ROW];
    for (chunk, w) in row.chunks_exact_mut(8).zip(words) {
        chunk.copy_from_slice(&w.to_le_bytes());
    }
    row
}

fn decode(row: &[u8; ROW]) -> Option<Proc> {
    let mut words = [0u64; WORDS];
    for (w, chunk) in words.iter_mut().zip(row.chunks_exact(8)) {
        *w = u64::from_le_bytes(chunk.try_into().ok()?);
    }
    if words[0] != 1 || words[1] == 0 || words[4] > 1 || words[7] > 1 {
        return None;
    }
    let mut p = Proc::new(words[1], words[2], words[3]);
    p.zombie = (words[4] == 1).then_some(words[5] as i64);
    p.restorer = words[6];
    p.kernel_child = words[7] == 1;
    p.actions.copy_from_slice(&words[8..]);
    Some(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_round_trip_and_garbage_is_refused() {
        let mut p = Proc::new(0x1403, 0x803, 0x1403);
        p.zombie = Some(-9);
        p.restorer = 0x40_1234;
        p.kernel_child = true;
        p.actions[2] = 0x40_5678;
        p.actions[17] = 1;
        let back = decode(&encode(Some(&p))).unwrap();
        assert_eq!((back.pid, back.ppid, back.pgid, back.zombie, back.restorer, back.kernel_child), (p.pid, p.ppid, p.pgid, p.zombie, p.restorer, true));
        assert_eq!(back.actions, p.actions);
        assert_eq!(back.waiting, None, "a pending wait is not restored");
        let alive = decode(&encode(Some(&Proc::new(5, 0, 5)))).unwrap();
        assert_eq!(alive.zombie, None);
        assert!(decode(&encode(None)).is_none(), "a free slot");
        let mut bad = encode(Some(&p));
        bad[8 * 4] = 7;
        assert!(decode(&bad).is_none(), "a zombie flag that is not 0 or 1");
        let mut bad = encode(Some(&p));
        bad[8..16].fill(0);
        assert!(decode(&bad).is_none(), "pid 0");
        assert!(HEADER + MAX_PROCS * ROW <= 16 * 1024, "fits rs's buffer");
    }
}
