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
//! - `devices`: up to eight physical ranges of device memory the holder may
//!   map with `map_device` (see [`crate::device`]);
//! - `debug_write`: the raw kernel console, for early boot and tests;
//! - `control`: may send control messages (`molt_abi::message::is_control`:
//!   shutdown, fault injection, service restart/stop, poweroff);
//! - `exec_privileges` (a program entry of the manifest, not checked on any
//!   call): exec of exactly this entry's module gives the process this
//!   record, the way a set-user-id program gets its owner's rights.
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
/// Most device-memory ranges in a record.
pub const MAX_DEVICE_RANGES: usize = 8;

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

/// A physical range `[base, base + len)` of device memory; empty when
/// `len` is 0. Manifest ranges are page aligned and end at or below 2^52.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct DeviceRange {
    pub base: u64,
    pub len: u64,
}

impl DeviceRange {
    /// The empty range.
    pub const EMPTY: DeviceRange = DeviceRange { base: 0, len: 0 };

    /// True if `[phys, phys + len)` lies inside this range (and does not
    /// wrap around).
    pub const fn contains(&self, phys: u64, len: u64) -> bool {
        match (phys.checked_add(len), self.base.checked_add(self.len)) {
            (Some(end), Some(own_end)) => self.len != 0 && self.base <= phys && end <= own_end,
            _ => false,
        }
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
    /// Physical device ranges `map_device` may map.
    pub devices: [DeviceRange; MAX_DEVICE_RANGES],
    pub debug_write: bool,
    /// May send control messages.
    pub control: bool,
    /// Given to a process that execs this entry's module.
    pub exec_privileges: bool,
}

impl Privileges {
    /// A user-process record that allows nothing.
    pub const NONE: Privileges = Privileges {
        id: USER_PRIV_ID,
        ipc_to: 0,
        kcalls: 0,
        io_ports: [PortRange::EMPTY; MAX_PORT_RANGES],
        irqs: 0,
        devices: [DeviceRange::EMPTY; MAX_DEVICE_RANGES],
        debug_write: false,
        control: false,
        exec_privileges: false,
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

    /// May the holder map the device memory `[phys, phys + len)`? Only if
    /// one granted range holds all of it.
    pub fn may_map_device(&self, phys: u64, len: u64) -> bool {
        self.devices.iter().any(|r| r.contains(phys, len))
    }

    /// May the holder send a message of type `mtype`? Control messages
    /// need the `control` right.
    pub const fn may_send_type(&self, mtype: u32) -> bool {
        self.control || !molt_abi::message::is_control(mtype)
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
        assert!(!p.debug_write && !p.control && !p.exec_privileges);
        assert!(!p.may_map_device(0xfec0_0000, 4096) && !p.may_map_device(0, 0));
        assert!(!p.may_send_type(molt_abi::message::IPC_MSG_SHUTDOWN));
        assert!(p.may_send_type(molt_abi::message::IPC_MSG_PING));
    }

    #[test]
    fn device_ranges_hold_whole_requests_only() {
        let mut p = Privileges::NONE;
        p.devices[1] = DeviceRange { base: 0xfec0_0000, len: 0x2000 };
        assert!(p.may_map_device(0xfec0_0000, 0x1000));
        assert!(p.may_map_device(0xfec0_1000, 0x1000));
        assert!(p.may_map_device(0xfec0_0000, 0x2000));
        assert!(!p.may_map_device(0xfec0_0000, 0x2001), "runs past the end");
        assert!(!p.may_map_device(0xfebf_f000, 0x2000), "starts before");
        assert!(!p.may_map_device(0xfec0_1000, u64::MAX), "wraps");
        assert!(!p.may_map_device(u64::MAX - 0xfff, 0x2000), "wraps");
        assert!(!p.may_map_device(0, 0x1000), "the empty ranges hold nothing");
        let top = DeviceRange { base: u64::MAX - 0xfff, len: 0x2000 };
        assert!(!top.contains(u64::MAX - 0xfff, 1), "a wrapping range holds nothing");
    }

    #[test]
    fn control_messages_need_the_control_right() {
        use molt_abi::message::*;
        let mut p = Privileges::NONE;
        for t in [IPC_MSG_SHUTDOWN, IPC_MSG_FAULT_INJECT, IPC_MSG_SERVICE_RESTART, IPC_MSG_SERVICE_STOP, IPC_MSG_POWEROFF] {
            assert!(!p.may_send_type(t), "type {t}");
        }
        for t in [IPC_MSG_PING, IPC_MSG_FORK, IPC_MSG_HEARTBEAT, IPC_MSG_SERVICE_LIST, IPC_MSG_USER_BASE] {
            assert!(p.may_send_type(t), "type {t}");
        }
        p.control = true;
        assert!(p.may_send_type(IPC_MSG_SHUTDOWN) && p.may_send_type(IPC_MSG_PING));
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
            devices: [DeviceRange::EMPTY; MAX_DEVICE_RANGES],
            debug_write: true,
            control: false,
            exec_privileges: false,
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
