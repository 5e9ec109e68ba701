//! Endpoints name a process for IPC. An endpoint is a process-table slot
//! plus the generation of the process that holds the slot, so a message
//! addressed to a process that died, or whose slot was reused by a
//! restarted server, is refused instead of reaching the newcomer.

/// Number of process-table slots the kernel has. Slot numbers are below this.
pub const MAX_PROCS: usize = 256;

const SLOT_BITS: u32 = 10;
const SLOT_MASK: u32 = (1 << SLOT_BITS) - 1;

/// An IPC endpoint: `generation << 10 | slot`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
#[repr(transparent)]
pub struct Endpoint(pub u32);

impl Endpoint {
    /// "Receive from anyone".
    pub const ANY: Endpoint = Endpoint(u32::MAX);
    /// The kernel, as the source of notifications it raises itself
    /// (IRQs, alarms, exit reports).
    pub const KERNEL: Endpoint = Endpoint(u32::MAX - 1);
    /// No endpoint.
    pub const NONE: Endpoint = Endpoint(u32::MAX - 2);

    /// Builds an endpoint, or `None` if the slot or generation is out of range.
    pub const fn new(slot: usize, generation: u32) -> Option<Endpoint> {
        if slot >= MAX_PROCS || generation > (u32::MAX >> SLOT_BITS) - 1 {
            return None;
        }
        Some(Endpoint(generation << SLOT_BITS | slot as u32))
    }

    /// The process-table slot, if this endpoint names a process at all.
    pub const fn slot(self) -> Option<usize> {
        let slot = (self.0 & SLOT_MASK) as usize;
        if self.is_special() || slot >= MAX_PROCS {
            None
        } else {
            Some(slot)
        }
    }

    /// The generation part.
    pub const fn generation(self) -> u32 {
        self.0 >> SLOT_BITS
    }

    /// True for ANY, KERNEL and NONE.
    pub const fn is_special(self) -> bool {
        self.0 >= u32::MAX - 2
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slot_and_generation_round_trip() {
        let e = Endpoint::new(17, 5).unwrap();
        assert_eq!(e.slot(), Some(17));
        assert_eq!(e.generation(), 5);
        assert_ne!(e, Endpoint::new(17, 6).unwrap());
    }

    #[test]
    fn special_endpoints_have_no_slot() {
        for e in [Endpoint::ANY, Endpoint::KERNEL, Endpoint::NONE] {
            assert_eq!(e.slot(), None);
        }
        assert!(Endpoint::new(MAX_PROCS, 0).is_none());
        assert!(Endpoint::new(0, u32::MAX).is_none());
        assert_eq!(Endpoint(MAX_PROCS as u32 + 5).slot(), None);
    }
}
