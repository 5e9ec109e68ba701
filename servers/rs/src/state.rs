//! Saved state: memory rs keeps for a service across its restarts (the
//! data store of MINIX 3, in miniature). A service asks with
//! IPC_MSG_STATE and gets a READ|WRITE grant of its own buffer, into which
//! it writes what it must not lose (pm: its process table); its next
//! instance asks again and reads it back. Only the running instance of a
//! service gets a grant, and each new grant revokes the one before, so a
//! dead instance's grant (its endpoint is stale anyway) never lingers.
//!
//! The buffers live in rs; if rs itself is restarted they start empty,
//! and the services save their whole state again when they find the new rs.

use molt_abi::kcall::{GRANT_READ, GRANT_WRITE};
use molt_abi::{Endpoint, Error};
use molt_rt::cell::StaticCell;
use molt_rt::kcall;

/// Size of one service's buffer.
pub const STATE_SIZE: usize = 16 * 1024;
/// Services that may keep state at once.
const SLOTS: usize = 2;

static BUFFERS: StaticCell<[[u8; STATE_SIZE]; SLOTS]> = StaticCell::new([[0; STATE_SIZE]; SLOTS]);

pub struct Store {
    buffers: &'static mut [[u8; STATE_SIZE]; SLOTS],
    /// The manifest index of the service each buffer belongs to.
    owner: [Option<usize>; SLOTS],
    /// The grant of each buffer to the owner's current instance.
    grant: [Option<u64>; SLOTS],
}

impl Store {
    pub fn new() -> Store {
        Store { buffers: BUFFERS.take().expect("state buffers taken once"), owner: [None; SLOTS], grant: [None; SLOTS] }
    }

    /// A grant of service `index`'s buffer to `instance` (its running
    /// instance, checked by the caller): (grant id, length). NOMEM when
    /// every buffer belongs to another service.
    pub fn grant_for(&mut self, index: usize, instance: Endpoint) -> Result<(u64, u64), Error> {
        let slot = match self.owner.iter().position(|&o| o == Some(index)) {
            Some(slot) => slot,
            None => {
                let free = self.owner.iter().position(Option::is_none).ok_or(Error::NOMEM)?;
                self.owner[free] = Some(index);
                free
            }
        };
        if let Some(old) = self.grant[slot].take() {
            let _ = kcall::grant_revoke(old);
        }
        let buf = &mut self.buffers[slot];
        let id = kcall::grant_create(instance, buf.as_mut_ptr() as u64, STATE_SIZE as u64, GRANT_READ | GRANT_WRITE)?;
        self.grant[slot] = Some(id);
        Ok((id, STATE_SIZE as u64))
    }
}
