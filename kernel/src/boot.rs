//! Boot modules: the archive QEMU loads with `-initrd`, its compiled boot
//! manifest, and starting the servers the manifest marks `boot = true`.
//!
//! Each boot server starts with an argument block `NAME\0CMDLINE`: its
//! manifest name and the kernel command line.

use crate::global::Global;
use crate::proc::{lifecycle, Kernel};
use alloc::vec::Vec;
use molt_abi::{Endpoint, Error};
use molt_kernel_logic::bootfs::Archive;
use molt_kernel_logic::manifest::{Manifest, ServerEntry};
use molt_kernel_logic::privilege::Privileges;

struct Modules {
    archive: Archive<'static>,
    manifest: Manifest<'static>,
    cmdline: &'static str,
}

static MODULES: Global<Modules> = Global::empty();

/// Parses the archive and its manifest. Errors are reported and leave the
/// kernel with nothing to start.
pub fn init(initrd: Option<(u64, u64)>, cmdline: &'static str) -> Result<(), &'static str> {
    let (start, len) = initrd.ok_or("no boot archive (-initrd)")?;
    let bytes = crate::mem::phys::bytes(start, len as usize);
    let archive = Archive::parse(bytes).map_err(|_| "boot archive is malformed")?;
    let manifest_bytes = archive.get("manifest").ok_or("boot archive has no manifest")?;
    let manifest = Manifest::parse(manifest_bytes).map_err(|_| "boot manifest is malformed")?;
    MODULES.set(Modules { archive, manifest, cmdline });
    Ok(())
}

fn start(k: &mut Kernel, index: usize, entry: &ServerEntry<'static>, parent: Option<Endpoint>) -> Result<Endpoint, Error> {
    let m = MODULES.get();
    let image = m.archive.get(entry.module).ok_or(Error::NOENT)?;
    let mut args = Vec::with_capacity(entry.name.len() + 1 + m.cmdline.len());
    args.extend_from_slice(entry.name.as_bytes());
    args.push(0);
    args.extend_from_slice(m.cmdline.as_bytes());
    let ep = lifecycle::spawn(k, entry.name, image, &args, entry.privileges, entry.priority, entry.tickets)?;
    if let Ok(slot) = k.resolve(ep) {
        if let Ok(p) = k.proc(slot) {
            p.parent = parent;
            p.manifest_index = Some(index);
        }
    }
    Ok(ep)
}

/// Starts every `boot = true` server, in manifest order.
pub fn start_boot_servers(k: &mut Kernel) {
    let m = MODULES.get();
    for (index, entry) in m.manifest.servers().enumerate().filter(|(_, s)| s.boot) {
        match start(k, index, &entry, None) {
            Ok(ep) => log::info!("boot: started {} (endpoint {:#x})", entry.name, ep.0),
            Err(e) => log::error!("boot: {}: {}", entry.name, e.text()),
        }
    }
}

/// `spawn(index)`: starts manifest server `index` as a child of the caller.
pub fn spawn_module(k: &mut Kernel, index: u64) -> Result<Endpoint, Error> {
    let m = MODULES.get();
    let index = usize::try_from(index).map_err(|_| Error::INVAL)?;
    let entry = m.manifest.servers().nth(index).ok_or(Error::NOENT)?;
    let parent = k.cur().endpoint;
    start(k, index, &entry, Some(parent))
}

/// Starts manifest server `index` again, with no parent (the kernel
/// restarting the exit watcher).
pub fn respawn(k: &mut Kernel, index: usize) -> Result<Endpoint, Error> {
    let m = MODULES.get();
    let entry = m.manifest.servers().nth(index).ok_or(Error::NOENT)?;
    start(k, index, &entry, None)
}

/// What the reincarnation server may know of manifest server `index`
/// (name, boot flag, restart policy), and the number of servers.
pub fn server_info(index: usize) -> Option<(molt_abi::kcall::ServerInfo, usize)> {
    let m = MODULES.try_get()?;
    let entry = m.manifest.server(index)?;
    let mut info = molt_abi::kcall::ServerInfo {
        boot: u32::from(entry.boot),
        heartbeat_ms: entry.restart.heartbeat_ms,
        silence_limit_ms: entry.restart.silence_limit_ms,
        max_restarts: entry.restart.max_restarts,
        backoff_ms: entry.restart.backoff_ms,
        priv_id: index as u32,
        ..Default::default()
    };
    let name = entry.name.as_bytes();
    info.name[..name.len()].copy_from_slice(name);
    Some((info, m.manifest.len()))
}

/// The boot-archive module called `name`.
pub fn image(name: &str) -> Option<&'static [u8]> {
    MODULES.try_get()?.archive.get(name)
}

/// The privilege record a process gets when it execs `image` under the
/// name `name`: that of the manifest entry whose module is `name`, if the
/// entry has `exec_privileges` and `image` is byte for byte its module
/// (so no other image can claim the name); `None` otherwise.
pub fn exec_privileges(name: &str, image: &[u8]) -> Option<Privileges> {
    let m = MODULES.try_get()?;
    let entry = m.manifest.servers().find(|s| s.module == name && s.privileges.exec_privileges)?;
    (m.archive.get(entry.module)? == image).then_some(entry.privileges)
}
