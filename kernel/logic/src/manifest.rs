//! The boot manifest: which servers exist, which the kernel starts at boot,
//! and what each may do.
//!
//! Humans write TOML (`boot/manifest.toml`; the schema is documented in
//! `tests/manifest.example.toml` of this crate). The host tool compiles it
//! with `compile_manifest` (feature `std`) into a compact binary form that
//! travels in the boot archive, and the kernel reads that with
//! [`Manifest::parse`], which needs no allocation and re-validates
//! everything, since the archive is input like any other.
//!
//! Binary form (little-endian): a 16-byte header (`"MOLTMNFT"`, version
//! u32, server count u32), then fixed 256-byte records: the default user
//! record first, then one per server in file order. Server `i` has
//! privilege id `i`; the user record has [`USER_PRIV_ID`].
//!
//! ```text
//! record:  0 name [32]   32 module [32]   (NUL padded; zero in the user record)
//!         64 id u8       65 flags u8 (bit 0 debug_write, bit 1 boot,
//!                                     bit 2 control, bit 3 exec_privileges)
//!         66 priority u8 67 zero u8       68 irqs u32
//!         72 ipc_to u64  80 kcalls u64    88 io_ports 4 x (first u16, last u16)
//!        104 tickets u32 108 heartbeat_ms 112 silence_limit_ms
//!        116 max_restarts 120 backoff_ms  124 zero u32
//!        128 device_ranges 8 x (base u64, len u64)
//! ```
//!
//! A device range is empty (both words zero) or page aligned, non-empty
//! and below 2^52, the architectural limit of physical addresses (the
//! kernel also checks the CPU's own limit when mapping).

use crate::bootfs::Archive;
use crate::bytes::{padded_name, slice_at, u16_at, u32_at, u64_at, u8_at};
use crate::privilege::{
    DeviceRange, PortRange, Privileges, ALL_KCALLS, MAX_DEVICE_RANGES, MAX_PORT_RANGES,
    MAX_SERVERS, USER_PRIV_ID,
};
use crate::sched::LEVELS;
use core::fmt;

#[cfg(any(test, feature = "std"))]
mod compile;
#[cfg(any(test, feature = "std"))]
pub use compile::compile_manifest;

/// Name of the compiled manifest inside the boot archive.
pub const ARCHIVE_ENTRY: &str = "manifest";
/// Magic bytes of a compiled manifest.
pub const MAGIC: &[u8; 8] = b"MOLTMNFT";
/// The binary format version.
pub const VERSION: u32 = 2;
/// Longest server or module name, in bytes.
pub const NAME_LEN: usize = 32;

const HEADER_SIZE: usize = 16;
const RECORD_SIZE: usize = 256;
const FLAG_DEBUG_WRITE: u8 = 1;
const FLAG_BOOT: u8 = 2;
const FLAG_CONTROL: u8 = 4;
const FLAG_EXEC_PRIVILEGES: u8 = 8;
/// Where the device ranges start in a record.
const DEVICES_AT: usize = 128;
/// One past the highest physical address x86-64 can have.
pub const PHYS_LIMIT: u64 = 1 << 52;

/// What the reincarnation server does when a server dies or goes silent.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct RestartPolicy {
    /// How often the server must send a heartbeat (0: never asked).
    pub heartbeat_ms: u32,
    /// Silence after which the server counts as hung (0: never).
    pub silence_limit_ms: u32,
    /// Restarts allowed before giving up (0: never restarted).
    pub max_restarts: u32,
    /// Delay before a restart, doubled after each consecutive one.
    pub backoff_ms: u32,
}

/// One server of the manifest.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct ServerEntry<'a> {
    pub name: &'a str,
    /// Entry name in the boot archive.
    pub module: &'a str,
    pub privileges: Privileges,
    /// 0 (highest) ..= 15.
    pub priority: u8,
    /// Stride-scheduler tickets (>= 1).
    pub tickets: u32,
    /// Started by the kernel at boot, in manifest order.
    pub boot: bool,
    pub restart: RestartPolicy,
}

/// Why a manifest was refused.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum ManifestError {
    /// The size is not header plus whole records.
    BadLength,
    /// Wrong magic bytes.
    BadMagic,
    /// Unknown format version.
    BadVersion,
    /// More than [`MAX_SERVERS`] servers.
    TooManyServers,
    /// Server `index` has an empty, overlong or non-UTF-8 name or module.
    BadName { index: usize },
    /// Server `index` has the name of an earlier one.
    DuplicateName { index: usize },
    /// A record holds an impossible value; `server` is `None` for the user
    /// record.
    BadRecord {
        server: Option<usize>,
        what: &'static str,
    },
    /// The TOML text is wrong (host side only); the message says where.
    #[cfg(any(test, feature = "std"))]
    Compile(String),
}

impl fmt::Display for ManifestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ManifestError::BadLength => {
                f.write_str("manifest: size is not a whole number of records")
            }
            ManifestError::BadMagic => f.write_str("manifest: bad magic"),
            ManifestError::BadVersion => f.write_str("manifest: unsupported version"),
            ManifestError::TooManyServers => write!(f, "manifest: more than {MAX_SERVERS} servers"),
            ManifestError::BadName { index } => {
                write!(f, "manifest: server #{index}: bad name or module")
            }
            ManifestError::DuplicateName { index } => {
                write!(f, "manifest: server #{index}: duplicate name")
            }
            ManifestError::BadRecord {
                server: Some(i),
                what,
            } => write!(f, "manifest: server #{i}: {what}"),
            ManifestError::BadRecord { server: None, what } => {
                write!(f, "manifest: user record: {what}")
            }
            #[cfg(any(test, feature = "std"))]
            ManifestError::Compile(msg) => write!(f, "manifest: {msg}"),
        }
    }
}

#[cfg(any(test, feature = "std"))]
impl std::error::Error for ManifestError {}

/// A validated compiled manifest.
#[derive(Clone, Copy, Debug)]
pub struct Manifest<'a> {
    bytes: &'a [u8],
    count: usize,
}

impl<'a> Manifest<'a> {
    /// Validates a compiled manifest.
    pub fn parse(bytes: &'a [u8]) -> Result<Manifest<'a>, ManifestError> {
        if bytes.len() < HEADER_SIZE {
            return Err(ManifestError::BadLength);
        }
        if slice_at(bytes, 0, 8) != Some(&MAGIC[..]) {
            return Err(ManifestError::BadMagic);
        }
        if u32_at(bytes, 8) != Some(VERSION) {
            return Err(ManifestError::BadVersion);
        }
        let count = u32_at(bytes, 12).ok_or(ManifestError::BadLength)? as usize;
        if count > MAX_SERVERS {
            return Err(ManifestError::TooManyServers);
        }
        if bytes.len() != HEADER_SIZE + (count + 1) * RECORD_SIZE {
            return Err(ManifestError::BadLength);
        }
        let manifest = Manifest { bytes, count };
        let user = manifest.record(0).ok_or(ManifestError::BadLength)?;
        if user.iter().take(64).any(|&b| b != 0) {
            return Err(ManifestError::BadRecord {
                server: None,
                what: "user record has a name",
            });
        }
        decode(user, USER_PRIV_ID, count)
            .map_err(|what| ManifestError::BadRecord { server: None, what })?;
        for index in 0..count {
            let rec = manifest.record(index + 1).ok_or(ManifestError::BadLength)?;
            let name = padded_name(&rec[..NAME_LEN]).ok_or(ManifestError::BadName { index })?;
            padded_name(&rec[NAME_LEN..2 * NAME_LEN]).ok_or(ManifestError::BadName { index })?;
            decode(rec, index as u8, count).map_err(|what| ManifestError::BadRecord {
                server: Some(index),
                what,
            })?;
            if manifest.servers().take(index).any(|s| s.name == name) {
                return Err(ManifestError::DuplicateName { index });
            }
        }
        Ok(manifest)
    }

    /// The servers, in manifest order (privilege id order).
    pub fn servers(&self) -> impl Iterator<Item = ServerEntry<'a>> + '_ {
        (0..self.count).filter_map(move |i| self.server(i))
    }

    /// Server `index` (its privilege id).
    pub fn server(&self, index: usize) -> Option<ServerEntry<'a>> {
        if index >= self.count {
            return None;
        }
        let rec = self.record(index + 1)?;
        let fields = decode(rec, index as u8, self.count).ok()?;
        Some(ServerEntry {
            name: padded_name(&rec[..NAME_LEN])?,
            module: padded_name(&rec[NAME_LEN..2 * NAME_LEN])?,
            privileges: fields.privileges,
            priority: fields.priority,
            tickets: fields.tickets,
            boot: fields.boot,
            restart: fields.restart,
        })
    }

    /// The server called `name`.
    pub fn find(&self, name: &str) -> Option<ServerEntry<'a>> {
        self.servers().find(|s| s.name == name)
    }

    /// The first server whose module is not in `archive` (the host tool
    /// refuses to build such an image; the kernel reports it at boot).
    pub fn missing_module(&self, archive: &Archive<'_>) -> Option<ServerEntry<'a>> {
        self.servers().find(|s| archive.get(s.module).is_none())
    }

    /// The record for processes that are not boot servers.
    pub fn user_privileges(&self) -> Privileges {
        self.user_fields()
            .map_or(Privileges::NONE, |f| f.privileges)
    }

    /// Scheduling priority of user processes.
    pub fn user_priority(&self) -> u8 {
        self.user_fields().map_or(LEVELS as u8 - 1, |f| f.priority)
    }

    /// Stride tickets of user processes.
    pub fn user_tickets(&self) -> u32 {
        self.user_fields().map_or(1, |f| f.tickets)
    }

    /// Number of servers.
    pub fn len(&self) -> usize {
        self.count
    }

    /// True if the manifest names no server.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    fn user_fields(&self) -> Option<Fields> {
        decode(self.record(0)?, USER_PRIV_ID, self.count).ok()
    }

    fn record(&self, i: usize) -> Option<&'a [u8]> {
        slice_at(self.bytes, HEADER_SIZE + i * RECORD_SIZE, RECORD_SIZE)
    }
}

/// The numeric fields of a record.
struct Fields {
    privileges: Privileges,
    priority: u8,
    tickets: u32,
    boot: bool,
    restart: RestartPolicy,
}

/// The `ipc_to` mask naming every server of a manifest of `count` servers
/// (`count <= MAX_SERVERS`) and all user processes: what `"*"` means.
fn every_id(count: usize) -> u64 {
    ((1u64 << count.min(MAX_SERVERS)) - 1) | (1 << USER_PRIV_ID)
}

/// Decodes and checks the numeric part of a record that must carry id
/// `id` in a manifest of `count` servers.
fn decode(rec: &[u8], id: u8, count: usize) -> Result<Fields, &'static str> {
    let short = "record truncated";
    let u32_field = |off| u32_at(rec, off).ok_or(short);
    if u8_at(rec, 64).ok_or(short)? != id {
        return Err("wrong privilege id");
    }
    let flags = u8_at(rec, 65).ok_or(short)?;
    if flags & !(FLAG_DEBUG_WRITE | FLAG_BOOT | FLAG_CONTROL | FLAG_EXEC_PRIVILEGES) != 0 {
        return Err("unknown flags");
    }
    if id == USER_PRIV_ID && flags & FLAG_BOOT != 0 {
        return Err("user record marked boot");
    }
    let priority = u8_at(rec, 66).ok_or(short)?;
    if usize::from(priority) >= LEVELS {
        return Err("priority out of range");
    }
    if u8_at(rec, 67) != Some(0) || u32_at(rec, 124) != Some(0) {
        return Err("reserved bytes not zero");
    }
    let ipc_to = u64_at(rec, 72).ok_or(short)?;
    if ipc_to & !every_id(count) != 0 {
        return Err("ipc_to names a privilege id that does not exist");
    }
    let kcalls = u64_at(rec, 80).ok_or(short)?;
    if kcalls & !ALL_KCALLS != 0 {
        return Err("unknown kernel call");
    }
    let mut io_ports = [PortRange::EMPTY; MAX_PORT_RANGES];
    for (i, range) in io_ports.iter_mut().enumerate() {
        let first = u16_at(rec, 88 + 4 * i).ok_or(short)?;
        let last = u16_at(rec, 90 + 4 * i).ok_or(short)?;
        *range = PortRange { first, last };
        if range.is_empty() && *range != PortRange::EMPTY {
            return Err("bad I/O port range");
        }
    }
    let tickets = u32_field(104)?;
    if tickets == 0 {
        return Err("zero tickets");
    }
    let mut devices = [DeviceRange::EMPTY; MAX_DEVICE_RANGES];
    for (i, range) in devices.iter_mut().enumerate() {
        let base = u64_at(rec, DEVICES_AT + 16 * i).ok_or(short)?;
        let len = u64_at(rec, DEVICES_AT + 16 * i + 8).ok_or(short)?;
        *range = DeviceRange { base, len };
        if !device_range_ok(range) {
            return Err("bad device range");
        }
    }
    Ok(Fields {
        privileges: Privileges {
            id,
            ipc_to,
            kcalls,
            io_ports,
            irqs: u32_field(68)?,
            devices,
            debug_write: flags & FLAG_DEBUG_WRITE != 0,
            control: flags & FLAG_CONTROL != 0,
            exec_privileges: flags & FLAG_EXEC_PRIVILEGES != 0,
        },
        priority,
        tickets,
        boot: flags & FLAG_BOOT != 0,
        restart: RestartPolicy {
            heartbeat_ms: u32_field(108)?,
            silence_limit_ms: u32_field(112)?,
            max_restarts: u32_field(116)?,
            backoff_ms: u32_field(120)?,
        },
    })
}

/// Is `r` empty, or page aligned, non-empty and below [`PHYS_LIMIT`]?
fn device_range_ok(r: &DeviceRange) -> bool {
    if *r == DeviceRange::EMPTY {
        return true;
    }
    let aligned = r.base.is_multiple_of(4096) && r.len.is_multiple_of(4096) && r.len != 0;
    aligned && r.base.checked_add(r.len).is_some_and(|end| end <= PHYS_LIMIT)
}

/// Encodes one record (the inverse of [`decode`]); `names` is `None` for
/// the user record.
#[cfg(any(test, feature = "std"))]
fn encode(
    out: &mut Vec<u8>,
    names: Option<(&str, &str)>,
    privileges: &Privileges,
    priority: u8,
    tickets: u32,
    boot: bool,
    restart: &RestartPolicy,
) {
    let mut rec = [0u8; RECORD_SIZE];
    if let Some((name, module)) = names {
        rec[..name.len()].copy_from_slice(name.as_bytes());
        rec[NAME_LEN..NAME_LEN + module.len()].copy_from_slice(module.as_bytes());
    }
    rec[64] = privileges.id;
    let flag = |on: bool, bit: u8| if on { bit } else { 0 };
    rec[65] = flag(privileges.debug_write, FLAG_DEBUG_WRITE)
        | flag(boot, FLAG_BOOT)
        | flag(privileges.control, FLAG_CONTROL)
        | flag(privileges.exec_privileges, FLAG_EXEC_PRIVILEGES);
    rec[66] = priority;
    rec[68..72].copy_from_slice(&privileges.irqs.to_le_bytes());
    rec[72..80].copy_from_slice(&privileges.ipc_to.to_le_bytes());
    rec[80..88].copy_from_slice(&privileges.kcalls.to_le_bytes());
    for (i, r) in privileges.io_ports.iter().enumerate() {
        rec[88 + 4 * i..90 + 4 * i].copy_from_slice(&r.first.to_le_bytes());
        rec[90 + 4 * i..92 + 4 * i].copy_from_slice(&r.last.to_le_bytes());
    }
    let words = [
        tickets,
        restart.heartbeat_ms,
        restart.silence_limit_ms,
        restart.max_restarts,
        restart.backoff_ms,
    ];
    for (i, w) in words.iter().enumerate() {
        rec[104 + 4 * i..108 + 4 * i].copy_from_slice(&w.to_le_bytes());
    }
    for (i, r) in privileges.devices.iter().enumerate() {
        let at = DEVICES_AT + 16 * i;
        rec[at..at + 8].copy_from_slice(&r.base.to_le_bytes());
        rec[at + 8..at + 16].copy_from_slice(&r.len.to_le_bytes());
    }
    out.extend_from_slice(&rec);
}

#[cfg(test)]
mod tests;
