//! The host-side manifest compiler: TOML in, the binary form out.
//!
//! Every name is resolved here (server names in `ipc_to`, kernel-call
//! names in `kcalls`) and every number range-checked, so a mistake in
//! `boot/manifest.toml` is reported at build time with the server and field
//! at fault, and the kernel only ever sees consistent records. Unknown keys
//! are errors too, so a misspelt field cannot silently grant nothing.

use super::{
    device_range_ok, encode, every_id, ManifestError, RestartPolicy, HEADER_SIZE, MAGIC,
    NAME_LEN, RECORD_SIZE, VERSION,
};
use crate::privilege::{
    DeviceRange, PortRange, Privileges, ALL_KCALLS, MAX_DEVICE_RANGES, MAX_IRQS,
    MAX_PORT_RANGES, MAX_SERVERS, USER_PRIV_ID,
};
use crate::sched::LEVELS;
use serde::Deserialize;

const DEFAULT_PRIORITY: i64 = 8;
const DEFAULT_TICKETS: i64 = 100;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ManifestToml {
    user: Option<EntryToml>,
    #[serde(default)]
    server: Vec<EntryToml>,
}

/// A `[[server]]` or the `[user]` table (which has no name, module, boot
/// flag or restart policy).
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct EntryToml {
    name: Option<String>,
    module: Option<String>,
    boot: Option<bool>,
    #[serde(default)]
    ipc_to: Vec<String>,
    #[serde(default)]
    kcalls: Vec<String>,
    #[serde(default)]
    io_ports: Vec<String>,
    #[serde(default)]
    irqs: Vec<i64>,
    #[serde(default)]
    device_ranges: Vec<[i64; 2]>,
    #[serde(default)]
    debug_write: bool,
    #[serde(default)]
    control: bool,
    exec_privileges: Option<bool>,
    priority: Option<i64>,
    tickets: Option<i64>,
    heartbeat_ms: Option<i64>,
    silence_limit_ms: Option<i64>,
    max_restarts: Option<i64>,
    backoff_ms: Option<i64>,
}

impl EntryToml {
    /// The fields only a server may have, by name, for the `[user]` check.
    fn server_only_fields(&self) -> [(&'static str, bool); 8] {
        [
            ("name", self.name.is_some()),
            ("exec_privileges", self.exec_privileges.is_some()),
            ("module", self.module.is_some()),
            ("boot", self.boot.is_some()),
            ("heartbeat_ms", self.heartbeat_ms.is_some()),
            ("silence_limit_ms", self.silence_limit_ms.is_some()),
            ("max_restarts", self.max_restarts.is_some()),
            ("backoff_ms", self.backoff_ms.is_some()),
        ]
    }
}

/// Compiles the TOML manifest into the binary form [`super::Manifest`]
/// reads.
pub fn compile_manifest(toml_text: &str) -> Result<Vec<u8>, ManifestError> {
    let file: ManifestToml = toml::from_str(toml_text).map_err(|e| fail(format!("{e}")))?;
    if file.server.len() > MAX_SERVERS {
        return Err(ManifestError::TooManyServers);
    }
    let mut names: Vec<&str> = Vec::with_capacity(file.server.len());
    for (i, s) in file.server.iter().enumerate() {
        let name = required(&s.name, "name", i)?;
        check_name("name", name, i)?;
        check_name("module", required(&s.module, "module", i)?, i)?;
        if names.contains(&name) {
            return Err(fail(format!("server '{name}' is defined twice")));
        }
        names.push(name);
    }
    let mut out = Vec::with_capacity(HEADER_SIZE + (names.len() + 1) * RECORD_SIZE);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&VERSION.to_le_bytes());
    out.extend_from_slice(&(names.len() as u32).to_le_bytes());

    let user = file.user.unwrap_or_default();
    if let Some((field, _)) = user
        .server_only_fields()
        .into_iter()
        .find(|&(_, present)| present)
    {
        return Err(fail(format!(
            "[user]: '{field}' is only for [[server]] entries"
        )));
    }
    let (privileges, priority, tickets) = resolve(&user, USER_PRIV_ID, &names, "[user]")?;
    encode(
        &mut out,
        None,
        &privileges,
        priority,
        tickets,
        false,
        &RestartPolicy::default(),
    );

    for (i, s) in file.server.iter().enumerate() {
        let what = format!("server '{}'", names[i]);
        let (privileges, priority, tickets) = resolve(s, i as u8, &names, &what)?;
        let number = |v: Option<i64>, field: &str| {
            u32::try_from(v.unwrap_or(0))
                .map_err(|_| fail(format!("{what}: {field} {} out of range", v.unwrap_or(0))))
        };
        let restart = RestartPolicy {
            heartbeat_ms: number(s.heartbeat_ms, "heartbeat_ms")?,
            silence_limit_ms: number(s.silence_limit_ms, "silence_limit_ms")?,
            max_restarts: number(s.max_restarts, "max_restarts")?,
            backoff_ms: number(s.backoff_ms, "backoff_ms")?,
        };
        let boot = s.boot.unwrap_or(false);
        encode(
            &mut out,
            Some((names[i], s.module.as_deref().unwrap_or(""))),
            &privileges,
            priority,
            tickets,
            boot,
            &restart,
        );
    }
    Ok(out)
}

fn fail(msg: String) -> ManifestError {
    ManifestError::Compile(msg)
}

fn required<'a>(
    value: &'a Option<String>,
    field: &str,
    index: usize,
) -> Result<&'a str, ManifestError> {
    value
        .as_deref()
        .ok_or_else(|| fail(format!("server #{index}: missing '{field}'")))
}

fn check_name(field: &str, value: &str, index: usize) -> Result<(), ManifestError> {
    if value.is_empty() || value.len() > NAME_LEN || value.contains('\0') {
        return Err(fail(format!(
            "server #{index}: {field} '{value}' must be 1 to {NAME_LEN} bytes without NUL"
        )));
    }
    Ok(())
}

/// Builds the privilege record and scheduling parameters of one entry.
fn resolve(
    r: &EntryToml,
    id: u8,
    names: &[&str],
    what: &str,
) -> Result<(Privileges, u8, u32), ManifestError> {
    let mut p = Privileges {
        id,
        debug_write: r.debug_write,
        control: r.control,
        exec_privileges: r.exec_privileges.unwrap_or(false),
        ..Privileges::NONE
    };
    if r.device_ranges.len() > MAX_DEVICE_RANGES {
        return Err(fail(format!(
            "{what}: more than {MAX_DEVICE_RANGES} device_ranges"
        )));
    }
    for (slot, &[base, len]) in p.devices.iter_mut().zip(&r.device_ranges) {
        let range = u64::try_from(base)
            .ok()
            .zip(u64::try_from(len).ok())
            .map(|(base, len)| DeviceRange { base, len })
            .filter(|d| d.len != 0 && device_range_ok(d))
            .ok_or_else(|| {
                fail(format!("{what}: bad device range [{base:#x}, {len:#x}] (want page-aligned base and non-zero length, ending at or below 2^52)"))
            })?;
        *slot = range;
    }
    for target in &r.ipc_to {
        p.ipc_to |= match target.as_str() {
            "*" => every_id(names.len()),
            "user" => 1 << USER_PRIV_ID,
            name => match names.iter().position(|n| *n == name) {
                Some(i) => 1 << i,
                None => {
                    return Err(fail(format!(
                        "{what}: ipc_to names unknown server '{name}'"
                    )))
                }
            },
        };
    }
    for call in &r.kcalls {
        p.kcalls |= match call.as_str() {
            "*" => ALL_KCALLS,
            name => {
                1 << kcall_number(name)
                    .ok_or_else(|| fail(format!("{what}: unknown kernel call '{name}'")))?
            }
        };
    }
    if r.io_ports.len() > MAX_PORT_RANGES {
        return Err(fail(format!(
            "{what}: more than {MAX_PORT_RANGES} io_ports ranges"
        )));
    }
    for (slot, text) in p.io_ports.iter_mut().zip(&r.io_ports) {
        *slot = parse_port_range(text).ok_or_else(|| {
            fail(format!("{what}: bad io_ports range '{text}' (want \"0x3f8-0x3ff\" or \"0x60\", first <= last)"))
        })?;
    }
    for &line in &r.irqs {
        if !(0..i64::from(MAX_IRQS)).contains(&line) {
            return Err(fail(format!(
                "{what}: irq {line} out of range 0..={}",
                MAX_IRQS - 1
            )));
        }
        p.irqs |= 1 << line;
    }
    let priority = r.priority.unwrap_or(DEFAULT_PRIORITY);
    if !(0..LEVELS as i64).contains(&priority) {
        return Err(fail(format!(
            "{what}: priority {priority} out of range 0..={}",
            LEVELS - 1
        )));
    }
    let tickets = r.tickets.unwrap_or(DEFAULT_TICKETS);
    if tickets < 1 || tickets > i64::from(u32::MAX) {
        return Err(fail(format!(
            "{what}: tickets {tickets} must be at least 1"
        )));
    }
    Ok((p, priority as u8, tickets as u32))
}

/// The number of the kernel call named like `KC_FORK` minus the prefix, in
/// lowercase (`fork`).
fn kcall_number(name: &str) -> Option<usize> {
    molt_abi::kcall::ALL
        .iter()
        .find(|(_, full)| {
            full.strip_prefix("KC_")
                .is_some_and(|short| short.to_ascii_lowercase() == name)
        })
        .map(|&(n, _)| n)
}

/// `"0x3f8-0x3ff"`, `"1016-1023"` or a single port `"0x60"`.
fn parse_port_range(text: &str) -> Option<PortRange> {
    let (first, last) = match text.split_once('-') {
        Some((a, b)) => (parse_port(a)?, parse_port(b)?),
        None => {
            let p = parse_port(text)?;
            (p, p)
        }
    };
    (first <= last).then_some(PortRange { first, last })
}

fn parse_port(text: &str) -> Option<u16> {
    let t = text.trim();
    match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        Some(hex) => u16::from_str_radix(hex, 16).ok(),
        None => t.parse().ok(),
    }
}
