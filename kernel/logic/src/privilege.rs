//! Privilege records: what a process may do beyond computing.
//!
//! Every process carries one. Boot servers get theirs from the boot
//! manifest ([`crate::manifest`]), in which server number `i` has privilege
//! id `i` (0..=61); every other process shares the default record with id
//! [`USER_PRIV_ID`]. A record is plain bit sets checked in O(1) on the
//! system-call path:
//! - `ipc_to`: bit `j` allows sending (and calling, notifying) to any
//!   process whose privilege id is `j`; bit 63 covers all user processes;
//! - `kcalls`: bit `n` allows kernel call number `n` (`molt_abi::kcall`);
//! - `io_ports`: up to four inclusive port ranges (they become the TSS I/O
//!   permission bitmap);
//! - `irqs`: bit `l` allows receiving IRQ line `l` as a notification and
//!   acknowledging it;
//! - `debug_write`: the raw kernel console, for early boot and tests.
//!
//! Anything not granted is refused with `PERM` by the kernel.

/// Privilege id shared by all processes that are not boot servers.
pub const USER_PRIV_ID: u8 = 63;
/// Most boot servers a manifest may name: ids 0..=61 (62 is reserved).
pub const MAX_SERVERS: usize = 62;
/// Most I/O port ranges in a record.
pub const MAX_PORT_RANGES: usize = 4;
/// IRQ lines a record can name (bits of `irqs`).
pub const MAX_IRQS: u8 = 32;

// The record holds one bit per kernel call.
const _: () = assert!(molt_abi::kcall::KC_COUNT <= 64);

/// The `kcalls` mask allowing every kernel call.
pub const ALL_KCALLS: u64 = if molt_abi::kcall::KC_COUNT == 64 {
    u64::MAX
} else {
    (1 << molt_abi::kcall::KC_COUNT) - 1
};

/// An inclusive range of I/O ports; empty when `first > last`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct PortRange {
    pub first: u16,
    pub last: u16,
}

impl PortRange {
    /// The empty range.
    pub const EMPTY: PortRange = PortRange { first: 1, last: 0 };

    /// True if the range holds no port.
    pub const fn is_empty(&self) -> bool {
        self.first > self.last
    }

    /// True if `port` is in the range.
    pub const fn contains(&self, port: u16) -> bool {
        self.first <= port && port <= self.last
    }
}

impl Default for PortRange {
    fn default() -> PortRange {
        PortRange::EMPTY
    }
}

/// A process's privilege record; see the module comment.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Privileges {
    pub id: u8,
    /// Bit per privilege id the holder may send to.
    pub ipc_to: u64,
    /// Bit per kernel-call number the holder may make.
    pub kcalls: u64,
    pub io_ports: [PortRange; MAX_PORT_RANGES],
    /// Bit per IRQ line.
    pub irqs: u32,
    pub debug_write: bool,
}

impl Privileges {
    /// A user-process record that allows nothing.
    pub const NONE: Privileges = Privileges {
        id: USER_PRIV_ID,
        ipc_to: 0,
        kcalls: 0,
        io_ports: [PortRange::EMPTY; MAX_PORT_RANGES],
        irqs: 0,
        debug_write: false,
    };

    /// May the holder send to a process with privilege id `target_priv_id`?
    pub const fn may_send(&self, target_priv_id: u8) -> bool {
        target_priv_id < 64 && self.ipc_to & (1 << target_priv_id) != 0
    }

    /// May the holder make kernel call `n`?
    pub const fn may_kcall(&self, n: usize) -> bool {
        n < 64 && self.kcalls & (1 << n) != 0
    }

    /// May the holder use I/O port `port`?
    pub fn may_use_port(&self, port: u16) -> bool {
        self.io_ports.iter().any(|r| r.contains(port))
    }

    /// May the holder use IRQ line `line`?
    pub const fn may_use_irq(&self, line: u8) -> bool {
        line < MAX_IRQS && self.irqs & (1 << line) != 0
    }

    /// The non-empty port ranges.
    pub fn io_ranges(&self) -> impl Iterator<Item = PortRange> + '_ {
        self.io_ports.iter().copied().filter(|r| !r.is_empty())
    }
}

impl Default for Privileges {
    fn default() -> Privileges {
        Privileges::NONE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_is_allowed_by_default() {
        let p = Privileges::default();
        assert_eq!(p.id, USER_PRIV_ID);
        assert!((0..=255).all(|i| !p.may_send(i)));
        assert!((0..200).all(|n| !p.may_kcall(n)));
        assert!((0..=u16::MAX).all(|port| !p.may_use_port(port)));
        assert!((0..=255).all(|l| !p.may_use_irq(l)));
        assert_eq!(p.io_ranges().count(), 0);
        assert!(!p.debug_write);
    }

    #[test]
    fn checks_follow_the_bits() {
        let p = Privileges {
            id: 3,
            ipc_to: 1 << 0 | 1 << 5 | 1 << USER_PRIV_ID,
            kcalls: 1 << molt_abi::kcall::KC_FORK | 1 << molt_abi::kcall::KC_IRQ_ACK,
            io_ports: [
                PortRange {
                    first: 0x3f8,
                    last: 0x3ff,
                },
                PortRange::EMPTY,
                PortRange {
                    first: 0x60,
                    last: 0x60,
                },
                PortRange {
                    first: 0xfff0,
                    last: 0xffff,
                },
            ],
            irqs: 1 << 4 | 1 << 31,
            debug_write: true,
        };
        assert!(p.may_send(0) && p.may_send(5) && p.may_send(USER_PRIV_ID));
        assert!(!p.may_send(1) && !p.may_send(64) && !p.may_send(255));
        assert!(p.may_kcall(molt_abi::kcall::KC_FORK) && p.may_kcall(molt_abi::kcall::KC_IRQ_ACK));
        assert!(
            !p.may_kcall(molt_abi::kcall::KC_EXEC) && !p.may_kcall(64) && !p.may_kcall(usize::MAX)
        );
        assert!(
            p.may_use_port(0x3f8)
                && p.may_use_port(0x3ff)
                && p.may_use_port(0x60)
                && p.may_use_port(0xffff)
        );
        assert!(
            !p.may_use_port(0x3f7)
                && !p.may_use_port(0x400)
                && !p.may_use_port(0x61)
                && !p.may_use_port(1)
        );
        assert!(p.may_use_irq(4) && p.may_use_irq(31));
        assert!(!p.may_use_irq(5) && !p.may_use_irq(32) && !p.may_use_irq(255));
        let ranges: Vec<PortRange> = p.io_ranges().collect();
        assert_eq!(ranges.len(), 3);
        assert!(
            PortRange::EMPTY.is_empty()
                && !PortRange::EMPTY.contains(0)
                && !PortRange::EMPTY.contains(1)
        );
    }
}
