//! Per-process memory grants: how bulk data crosses address spaces.
//!
//! The owner of some memory creates a grant naming a grantee endpoint (or
//! ANY), a range of its own address space and the rights given (read,
//! write). The grantee passes the grant id (in a message) to `safecopy`,
//! and the kernel asks [`GrantTable::check`] of the owner's table whether
//! that requester may copy `len` bytes at `offset` with the needed right;
//! the answer is the owner's virtual address to copy from or to.
//!
//! A [`GrantId`] is a slot index plus the slot's generation: revoking a
//! grant bumps the generation, so an old id never names a newer grant that
//! reused the slot. All bounds arithmetic is checked for overflow. The table
//! has a fixed capacity ([`GRANT_CAPACITY`]) and is cleared on exec and exit.

use crate::usercopy::UserRange;
use molt_abi::kcall::{GRANT_READ, GRANT_WRITE};
use molt_abi::{Endpoint, Error};

/// Grants a process may hold at once.
pub const GRANT_CAPACITY: usize = 64;
const INDEX_BITS: u32 = 8;
const INDEX_MASK: u32 = (1 << INDEX_BITS) - 1;
const MAX_GENERATION: u32 = u32::MAX >> INDEX_BITS;
const _: () = assert!(GRANT_CAPACITY <= 1 << INDEX_BITS);

/// Access rights of a grant: a non-empty set of `GRANT_READ`, `GRANT_WRITE`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Rights(u8);

impl Rights {
    pub const READ: Rights = Rights(GRANT_READ as u8);
    pub const WRITE: Rights = Rights(GRANT_WRITE as u8);
    pub const READ_WRITE: Rights = Rights((GRANT_READ | GRANT_WRITE) as u8);

    /// Decodes rights from a system-call argument: `INVAL` if empty or
    /// holding unknown bits.
    pub fn from_bits(bits: usize) -> Result<Rights, Error> {
        if bits == 0 || bits & !(GRANT_READ | GRANT_WRITE) != 0 {
            return Err(Error::INVAL);
        }
        Ok(Rights(bits as u8))
    }

    /// The bits, as the ABI defines them.
    pub const fn bits(self) -> usize {
        self.0 as usize
    }

    /// True if every right in `other` is in `self`.
    pub const fn contains(self, other: Rights) -> bool {
        self.0 & other.0 == other.0
    }
}

/// Names a grant in its owner's table: `generation << 8 | slot`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct GrantId(pub u32);

impl GrantId {
    /// The id as a system-call argument or message word carries it.
    pub const fn raw(self) -> usize {
        self.0 as usize
    }

    /// An id from a system-call argument; any value is accepted here and
    /// checked by the table. Values beyond 32 bits name no grant.
    pub const fn from_raw(raw: usize) -> GrantId {
        if raw > u32::MAX as usize {
            GrantId(0)
        } else {
            GrantId(raw as u32)
        }
    }

    fn index(self) -> usize {
        (self.0 & INDEX_MASK) as usize
    }

    fn generation(self) -> u32 {
        self.0 >> INDEX_BITS
    }
}

/// One live grant, as the owner created it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Grant {
    pub grantee: Endpoint,
    pub addr: u64,
    pub len: u64,
    pub rights: Rights,
}

#[derive(Clone, Copy)]
struct Slot {
    /// Generation of the current (or next) grant in this slot; never 0.
    generation: u32,
    grant: Option<Grant>,
}

/// A process's grant table; see the module comment.
pub struct GrantTable {
    slots: [Slot; GRANT_CAPACITY],
}

impl Default for GrantTable {
    fn default() -> GrantTable {
        GrantTable::new()
    }
}

impl GrantTable {
    /// An empty table.
    pub const fn new() -> GrantTable {
        GrantTable {
            slots: [Slot {
                generation: 1,
                grant: None,
            }; GRANT_CAPACITY],
        }
    }

    /// Grants `grantee` (or [`Endpoint::ANY`]) `rights` on the owner's
    /// `[addr, addr + len)`. `INVAL` for a special grantee other than ANY or
    /// a range outside user space, `NOMEM` if the table is full.
    pub fn create(
        &mut self,
        grantee: Endpoint,
        addr: u64,
        len: u64,
        rights: Rights,
    ) -> Result<GrantId, Error> {
        if grantee.is_special() && grantee != Endpoint::ANY {
            return Err(Error::INVAL);
        }
        UserRange::new(addr, len).map_err(|_| Error::INVAL)?;
        let index = self
            .slots
            .iter()
            .position(|s| s.grant.is_none())
            .ok_or(Error::NOMEM)?;
        let slot = &mut self.slots[index];
        slot.grant = Some(Grant {
            grantee,
            addr,
            len,
            rights,
        });
        Ok(GrantId(slot.generation << INDEX_BITS | index as u32))
    }

    /// Revokes a grant; its id is dead from now on. `BADGRANT` if it does
    /// not name a live grant.
    pub fn revoke(&mut self, id: GrantId) -> Result<(), Error> {
        self.lookup(id)?;
        self.retire(id.index());
        Ok(())
    }

    /// May `requester` access `len` bytes at `offset` into grant `id` with
    /// rights `need`? Returns the owner's virtual address of the first
    /// byte. `BADGRANT`: no such live grant, or it names someone else;
    /// `GRANTRANGE`: outside the range or lacking the right; `INVAL`: `need`
    /// is empty.
    pub fn check(
        &self,
        id: GrantId,
        requester: Endpoint,
        offset: u64,
        len: u64,
        need: Rights,
    ) -> Result<u64, Error> {
        if need.0 == 0 {
            return Err(Error::INVAL);
        }
        let g = self.lookup(id)?;
        if g.grantee != Endpoint::ANY && g.grantee != requester {
            return Err(Error::BADGRANT);
        }
        if !g.rights.contains(need) {
            return Err(Error::GRANTRANGE);
        }
        match offset.checked_add(len) {
            Some(end) if end <= g.len => Ok(g.addr + offset),
            _ => Err(Error::GRANTRANGE),
        }
    }

    /// The live grant named by `id`.
    pub fn get(&self, id: GrantId) -> Option<Grant> {
        self.lookup(id).ok()
    }

    /// Number of live grants.
    pub fn len(&self) -> usize {
        self.slots.iter().filter(|s| s.grant.is_some()).count()
    }

    /// True if no grant is live.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Revokes every grant (exec, exit).
    pub fn clear(&mut self) {
        for index in 0..GRANT_CAPACITY {
            if self.slots[index].grant.is_some() {
                self.retire(index);
            }
        }
    }

    fn lookup(&self, id: GrantId) -> Result<Grant, Error> {
        let slot = self.slots.get(id.index()).ok_or(Error::BADGRANT)?;
        match slot.grant {
            Some(g) if slot.generation == id.generation() => Ok(g),
            _ => Err(Error::BADGRANT),
        }
    }

    fn retire(&mut self, index: usize) {
        let slot = &mut self.slots[index];
        slot.grant = None;
        slot.generation = if slot.generation >= MAX_GENERATION {
            1
        } else {
            slot.generation + 1
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testrng::Rng;

    fn ep(slot: usize) -> Endpoint {
        Endpoint::new(slot, 1).unwrap()
    }

    #[test]
    fn rights_decode() {
        assert_eq!(Rights::from_bits(GRANT_READ), Ok(Rights::READ));
        assert_eq!(Rights::from_bits(GRANT_WRITE), Ok(Rights::WRITE));
        assert_eq!(Rights::from_bits(3), Ok(Rights::READ_WRITE));
        assert_eq!(Rights::from_bits(0), Err(Error::INVAL));
        assert_eq!(Rights::from_bits(4), Err(Error::INVAL));
        assert_eq!(Rights::from_bits(usize::MAX), Err(Error::INVAL));
        assert!(Rights::READ_WRITE.contains(Rights::READ) && !Rights::READ.contains(Rights::WRITE));
        assert_eq!(Rights::READ_WRITE.bits(), 3);
    }

    #[test]
    fn check_bounds_rights_and_grantee() {
        let mut t = GrantTable::new();
        let id = t.create(ep(5), 0x10_0000, 0x1000, Rights::READ).unwrap();
        assert_eq!(t.check(id, ep(5), 0, 0x1000, Rights::READ), Ok(0x10_0000));
        assert_eq!(t.check(id, ep(5), 0x10, 0x20, Rights::READ), Ok(0x10_0010));
        assert_eq!(t.check(id, ep(5), 0x1000, 0, Rights::READ), Ok(0x10_1000));
        assert_eq!(
            t.check(id, ep(5), 0xfff, 2, Rights::READ),
            Err(Error::GRANTRANGE)
        );
        assert_eq!(
            t.check(id, ep(5), 0x1001, 0, Rights::READ),
            Err(Error::GRANTRANGE)
        );
        assert_eq!(
            t.check(id, ep(5), u64::MAX, 2, Rights::READ),
            Err(Error::GRANTRANGE)
        );
        assert_eq!(
            t.check(id, ep(5), 1, u64::MAX, Rights::READ),
            Err(Error::GRANTRANGE)
        );
        assert_eq!(
            t.check(id, ep(5), 0, 1, Rights::WRITE),
            Err(Error::GRANTRANGE)
        );
        assert_eq!(
            t.check(id, ep(5), 0, 1, Rights::READ_WRITE),
            Err(Error::GRANTRANGE)
        );
        assert_eq!(t.check(id, ep(6), 0, 1, Rights::READ), Err(Error::BADGRANT));
        assert_eq!(
            t.check(id, Endpoint::new(5, 2).unwrap(), 0, 1, Rights::READ),
            Err(Error::BADGRANT),
            "new generation"
        );
        assert_eq!(t.check(id, ep(5), 0, 1, Rights(0)), Err(Error::INVAL));
        let any = t
            .create(Endpoint::ANY, 0x2000, 10, Rights::READ_WRITE)
            .unwrap();
        assert_eq!(t.check(any, ep(9), 2, 8, Rights::WRITE), Ok(0x2002));
        assert_eq!(t.check(any, ep(200), 0, 10, Rights::READ_WRITE), Ok(0x2000));
        assert_eq!(t.get(any).unwrap().len, 10);
        assert_eq!(t.len(), 2);
    }

    #[test]
    fn create_refuses_bad_arguments() {
        let mut t = GrantTable::new();
        assert_eq!(
            t.create(Endpoint::KERNEL, 0x2000, 1, Rights::READ),
            Err(Error::INVAL)
        );
        assert_eq!(
            t.create(Endpoint::NONE, 0x2000, 1, Rights::READ),
            Err(Error::INVAL)
        );
        assert_eq!(t.create(ep(1), 0, 1, Rights::READ), Err(Error::INVAL));
        assert_eq!(
            t.create(ep(1), 0x2000, u64::MAX, Rights::READ),
            Err(Error::INVAL)
        );
        assert_eq!(
            t.create(ep(1), 0xffff_8000_0000_0000, 1, Rights::READ),
            Err(Error::INVAL)
        );
        assert!(t.is_empty());
    }

    #[test]
    fn revoked_ids_stay_dead_after_reuse() {
        let mut t = GrantTable::new();
        let old = t.create(ep(1), 0x2000, 100, Rights::READ).unwrap();
        assert_eq!(t.revoke(old), Ok(()));
        assert_eq!(t.revoke(old), Err(Error::BADGRANT));
        assert_eq!(
            t.check(old, ep(1), 0, 1, Rights::READ),
            Err(Error::BADGRANT)
        );
        let new = t.create(ep(1), 0x9000, 100, Rights::READ).unwrap();
        assert_eq!(new.index(), old.index(), "slot reused");
        assert_ne!(new, old);
        assert_eq!(
            t.check(old, ep(1), 0, 1, Rights::READ),
            Err(Error::BADGRANT)
        );
        assert_eq!(t.check(new, ep(1), 0, 1, Rights::READ), Ok(0x9000));
        assert_eq!(t.revoke(GrantId(0)), Err(Error::BADGRANT));
        assert_eq!(t.revoke(GrantId(u32::MAX)), Err(Error::BADGRANT));
        assert_eq!(
            t.revoke(GrantId::from_raw(usize::MAX)),
            Err(Error::BADGRANT)
        );
        assert_eq!(GrantId::from_raw(new.raw()), new);
    }

    #[test]
    fn capacity_and_clear() {
        let mut t = GrantTable::new();
        let ids: Vec<GrantId> = (0..GRANT_CAPACITY)
            .map(|i| {
                t.create(ep(1), 0x1000 * (i as u64 + 1), 1, Rights::READ)
                    .unwrap()
            })
            .collect();
        assert_eq!(t.create(ep(1), 0x2000, 1, Rights::READ), Err(Error::NOMEM));
        t.clear();
        assert!(t.is_empty());
        for id in ids {
            assert_eq!(t.check(id, ep(1), 0, 1, Rights::READ), Err(Error::BADGRANT));
        }
        assert!(t.create(ep(1), 0x2000, 1, Rights::READ).is_ok());
    }

    #[test]
    fn generation_wraps_to_one() {
        let mut t = GrantTable::new();
        t.slots[0].generation = MAX_GENERATION;
        let id = t.create(ep(1), 0x2000, 1, Rights::READ).unwrap();
        t.revoke(id).unwrap();
        let id2 = t.create(ep(1), 0x2000, 1, Rights::READ).unwrap();
        assert_eq!(id2.generation(), 1);
        assert_eq!(t.check(id, ep(1), 0, 1, Rights::READ), Err(Error::BADGRANT));
    }

    #[test]
    fn random_operations_match_a_model() {
        let mut rng = Rng::new(21);
        let mut t = GrantTable::new();
        let mut live: Vec<(GrantId, Grant)> = vec![];
        let mut dead: Vec<GrantId> = vec![];
        for _ in 0..50_000 {
            match rng.below(5) {
                0 | 1 => {
                    let grantee = if rng.below(3) == 0 {
                        Endpoint::ANY
                    } else {
                        ep(rng.below(4) as usize)
                    };
                    let addr = 0x1000 + rng.below(1 << 30);
                    let len = rng.below(0x10000);
                    let rights = Rights::from_bits(rng.below(3) as usize + 1).unwrap();
                    match t.create(grantee, addr, len, rights) {
                        Ok(id) => {
                            assert!(live.iter().all(|(l, _)| *l != id) && !dead.contains(&id));
                            live.push((
                                id,
                                Grant {
                                    grantee,
                                    addr,
                                    len,
                                    rights,
                                },
                            ));
                        }
                        Err(e) => {
                            assert_eq!(e, Error::NOMEM);
                            assert_eq!(live.len(), GRANT_CAPACITY);
                        }
                    }
                }
                2 if !live.is_empty() => {
                    let (id, _) = live.swap_remove(rng.below(live.len() as u64) as usize);
                    assert_eq!(t.revoke(id), Ok(()));
                    dead.push(id);
                }
                3 if rng.below(100) == 0 => {
                    t.clear();
                    dead.extend(live.drain(..).map(|(id, _)| id));
                }
                _ => {
                    let requester = ep(rng.below(4) as usize);
                    let offset = rng.below(0x11000);
                    let len = rng.below(0x1000);
                    let need = Rights::from_bits(rng.below(3) as usize + 1).unwrap();
                    if let Some(&(id, g)) = live.get(rng.below(live.len() as u64 + 1) as usize) {
                        let want = if g.grantee != Endpoint::ANY && g.grantee != requester {
                            Err(Error::BADGRANT)
                        } else if !g.rights.contains(need) || offset + len > g.len {
                            Err(Error::GRANTRANGE)
                        } else {
                            Ok(g.addr + offset)
                        };
                        assert_eq!(t.check(id, requester, offset, len, need), want);
                    } else if let Some(&id) = dead.last() {
                        assert_eq!(
                            t.check(id, requester, offset, len, need),
                            Err(Error::BADGRANT)
                        );
                    }
                }
            }
            assert_eq!(t.len(), live.len());
        }
    }
}
