//! Kernel calls: the privileged operations trusted servers ask for.
//!
//! Each call is checked against the caller's privilege record first (a
//! bit per call number), then its arguments are decoded and validated,
//! then it acts. Memory policy stays out: `map_anon`, `alloc_dma` and
//! `map_device` only map what they are told where they are told, and
//! `map_device` only device memory the caller's manifest record grants
//! (`molt_kernel_logic::device`).

use molt_kernel_logic::sched::Policy as _;
use crate::ipc::Ret;
use crate::mem::vspace::Rights;
use crate::proc::{lifecycle, Kernel, KERNEL};
use crate::proc::process::Activity;
use alloc::string::String;
use alloc::vec::Vec;
use molt_abi::kcall::*;
use molt_abi::kcall::{ProcInfo, ServerInfo};
use molt_abi::{Endpoint, Error};
use molt_kernel_logic::device::check_map_device;
use molt_kernel_logic::grant::{GrantId, Rights as GrantRights};
use molt_kernel_logic::usercopy::UserRange;

/// Largest executable `exec` accepts (it is copied through the heap).
const MAX_IMAGE: u64 = 4 << 20;
/// Largest `map_anon` in one call.
const MAX_MAP: u64 = 64 << 20;
/// Chunk size of safecopy's bounce buffer.
const COPY_CHUNK: usize = 512;

fn endpoint(raw: u64) -> Result<Endpoint, Error> {
    u32::try_from(raw).map(Endpoint).map_err(|_| Error::INVAL)
}

/// Entry from the system-call dispatcher.
pub fn kcall(number: u64, a: [u64; 5]) -> Ret {
    let k = KERNEL.get();
    let Ok(n) = usize::try_from(number) else { return Ret::Now(Error::NOSYS.to_ret()) };
    if n >= KC_COUNT {
        return Ret::Now(Error::NOSYS.to_ret());
    }
    if !k.cur().privileges.may_kcall(n) {
        return Ret::Now(Error::PERM.to_ret());
    }
    match n {
        KC_EXIT => lifecycle::exit_current(a[0] as i64),
        KC_WAIT => match endpoint(a[0]) {
            Ok(which) => match lifecycle::wait(k, which, a[1], a[2] == 0) {
                Some(v) => Ret::Now(v),
                None => Ret::Blocked,
            },
            Err(e) => Ret::Now(e.to_ret()),
        },
        KC_KILL => Ret::from(kill(k, a[0], a[1] as i64)),
        _ => Ret::from(simple(k, n, a)),
    }
}

/// Calls that never block.
fn simple(k: &mut Kernel, n: usize, a: [u64; 5]) -> Result<isize, Error> {
    match n {
        KC_FORK => lifecycle::fork(k).map(|e| e.0 as isize),
        KC_EXEC => exec(k, a),
        KC_ALARM => {
            let cur = k.cur();
            cur.alarm_at = (a[0] != 0).then(|| crate::time::uptime_ns().saturating_add(a[0]));
            Ok(0)
        }
        KC_MAP_DEVICE => {
            let (phys, len, virt) = (a[0], a[1], a[2]);
            let len = check_map_device(&k.cur().privileges, phys, len, crate::arch::phys_addr_bits(), crate::mem::frame::overlaps_ram)?;
            space(k)?.map_device(virt, phys, len).map(|()| 0)
        }
        KC_ALLOC_DMA => alloc_dma(k, a[0], a[1]),
        KC_UPTIME => Ok(crate::time::uptime_ns() as isize),
        KC_GRANT_CREATE => {
            let grantee = endpoint(a[0])?;
            let range = UserRange::new(a[1], a[2])?;
            let rights = GrantRights::from_bits(usize::try_from(a[3]).map_err(|_| Error::INVAL)?)?;
            k.cur().grants.create(grantee, range.addr(), range.len(), rights).map(|id| id.raw() as isize)
        }
        KC_GRANT_REVOKE => k.cur().grants.revoke(GrantId::from_raw(usize::try_from(a[0]).map_err(|_| Error::INVAL)?)).map(|()| 0),
        KC_SAFECOPY_FROM => safecopy(k, a, false),
        KC_SAFECOPY_TO => safecopy(k, a, true),
        KC_IRQ_ACK => {
            let line = u8::try_from(a[0]).map_err(|_| Error::INVAL)?;
            if !k.cur().privileges.may_use_irq(line) {
                return Err(Error::PERM);
            }
            let owner = k.cur().endpoint;
            crate::irq::acknowledge(line, owner).map(|()| 0)
        }
        KC_SELF => Ok(k.cur().endpoint.0 as isize),
        KC_MAP_ANON => {
            if a[1] > MAX_MAP {
                return Err(Error::NOMEM);
            }
            space(k)?.map_zeroed(a[0], a[1], Rights { write: true, exec: false }).map(|()| 0)
        }
        KC_SPAWN => crate::boot::spawn_module(k, a[0]).map(|e| e.0 as isize),
        KC_WATCH_EXITS => {
            k.exit_watcher = Some(k.cur().endpoint);
            Ok(0)
        }
        KC_POWER_OFF => crate::power::off(a[0]),
        KC_SCHED_CTL => {
            let slot = k.resolve(endpoint(a[0])?)?;
            let priority = u8::try_from(a[1]).ok().filter(|&p| p < 16).ok_or(Error::INVAL)?;
            let tickets = u32::try_from(a[2]).ok().filter(|&t| t > 0).ok_or(Error::INVAL)?;
            let p = k.proc(slot)?;
            p.priority = priority;
            p.tickets = tickets;
            k.sched.set_params(slot, priority, tickets);
            Ok(0)
        }
        KC_CPU_TIME => {
            let slot = k.resolve(endpoint(a[0])?)?;
            Ok(k.proc(slot)?.cpu_ns() as isize)
        }
        KC_FORK_FOR => lifecycle::fork_for(k, endpoint(a[0])?).map(|e| e.0 as isize),
        KC_EXEC_FOR => exec_for(k, a),
        KC_BOOT_IMAGE => boot_image(k, a),
        KC_SIGNAL => crate::signal::deliver(k, endpoint(a[0])?, a[1], a[2], a[3]),
        KC_SIGRETURN => crate::signal::sigreturn(k),
        KC_PROC_INFO => proc_info(k, a[0], a[1]),
        KC_CONSOLE_CLAIM => {
            crate::serial::claim();
            Ok(0)
        }
        KC_SERVER_INFO => server_info(k, a[0], a[1]),
        KC_ADOPT => lifecycle::adopt(k, endpoint(a[0])?).map(|()| 0),
        _ => Err(Error::NOSYS),
    }
}

fn space(k: &mut Kernel) -> Result<&mut crate::mem::vspace::AddressSpace, Error> {
    k.cur().space.as_mut().ok_or(Error::FAULT)
}

fn kill(k: &mut Kernel, target: u64, status: i64) -> Result<isize, Error> {
    let slot = k.resolve(endpoint(target)?)?;
    if Some(slot) == k.current {
        lifecycle::exit_current(status);
    }
    lifecycle::exit(k, slot, status);
    Ok(0)
}

/// Copies an executable and its argument block out of the caller's memory.
fn image_and_args(k: &mut Kernel, image_ptr: u64, image_len: u64, args_ptr: u64, args_len: u64)
    -> Result<(Vec<u8>, Vec<u8>, String), Error> {
    if image_len > MAX_IMAGE || args_len > crate::proc::loader::MAX_ARGS as u64 {
        return Err(Error::INVAL);
    }
    let space = space(k)?;
    let mut image = zeroed_vec(image_len as usize)?;
    space.read(image_ptr, &mut image)?;
    let mut args = zeroed_vec(args_len as usize)?;
    space.read(args_ptr, &mut args)?;
    let name = args.split(|&b| b == 0 || b == b' ').next().and_then(|n| core::str::from_utf8(n).ok()).unwrap_or("?");
    let name = String::from(name);
    Ok((image, args, name))
}

/// A zeroed buffer, or NOMEM if the heap cannot hold it (never a panic).
fn zeroed_vec(len: usize) -> Result<Vec<u8>, Error> {
    let mut v = Vec::new();
    v.try_reserve_exact(len).map_err(|_| Error::NOMEM)?;
    v.resize(len, 0);
    Ok(v)
}

fn exec(k: &mut Kernel, a: [u64; 5]) -> Result<isize, Error> {
    let (image, args, name) = image_and_args(k, a[0], a[1], a[2], a[3])?;
    lifecycle::exec(k, &image, &args, &name)?;
    // The frame now holds the new image's entry state, including rax.
    Ok(0)
}

fn exec_for(k: &mut Kernel, a: [u64; 5]) -> Result<isize, Error> {
    let client = endpoint(a[0])?;
    let (image, args, name) = image_and_args(k, a[1], a[2], a[3], a[4])?;
    lifecycle::exec_for(k, client, &image, &args, &name).map(|()| 0)
}

fn boot_image(k: &mut Kernel, a: [u64; 5]) -> Result<isize, Error> {
    let (name_ptr, name_len, buf, buf_len) = (a[0], a[1], a[2], a[3]);
    if name_len > 64 {
        return Err(Error::INVAL);
    }
    let mut name = [0u8; 64];
    let name = &mut name[..name_len as usize];
    space(k)?.read(name_ptr, name)?;
    let name = core::str::from_utf8(name).map_err(|_| Error::INVAL)?;
    if name == "manifest" {
        return Err(Error::NOENT);
    }
    let image = crate::boot::image(name).ok_or(Error::NOENT)?;
    if buf_len >= image.len() as u64 {
        space(k)?.write(buf, image)?;
    }
    Ok(image.len() as isize)
}

fn proc_info(k: &mut Kernel, from: u64, out: u64) -> Result<isize, Error> {
    let start = usize::try_from(from).map_err(|_| Error::INVAL)?;
    let slot = (start..k.procs.len()).find(|&s| k.procs[s].is_some()).ok_or(Error::NOENT)?;
    let p = k.proc(slot)?;
    let mut info = ProcInfo {
        endpoint: p.endpoint.0,
        parent: p.parent.unwrap_or(Endpoint::NONE).0,
        cpu_ns: p.cpu_ns(),
        state: match p.activity {
            Activity::Active => 0,
            Activity::InIpc => 1,
            Activity::InWait { .. } => 2,
            Activity::Zombie { .. } => 3,
        },
        priv_id: u32::from(p.privileges.id),
        name: [0; 24],
    };
    let name = p.name.as_str().as_bytes();
    info.name[..name.len()].copy_from_slice(name);
    copy_out(k, out, &info)?;
    Ok(slot as isize + 1)
}

fn server_info(k: &mut Kernel, index: u64, out: u64) -> Result<isize, Error> {
    let index = usize::try_from(index).map_err(|_| Error::INVAL)?;
    let (info, count) = crate::boot::server_info(index).ok_or(Error::NOENT)?;
    copy_out(k, out, &info)?;
    Ok(count as isize)
}

/// ABI structs a kernel call copies out to the caller byte for byte.
///
/// # Safety
/// Implementors are `repr(C)`, made only of integers, with no padding, so
/// every byte of a value is initialised.
unsafe trait PlainOut: Copy {}

// SAFETY: repr(C): u32, u32, u64, u32, u32, [u8; 24]; no padding.
unsafe impl PlainOut for ProcInfo {}
// SAFETY: repr(C): [u8; 32] then seven u32; no padding.
unsafe impl PlainOut for ServerInfo {}

/// Copies `value` to `out` in the caller's memory.
fn copy_out<T: PlainOut>(k: &mut Kernel, out: u64, value: &T) -> Result<(), Error> {
    // SAFETY: `T: PlainOut` means all size_of::<T>() bytes are initialised
    // integers; the slice borrows `value` only for this call.
    let bytes = unsafe { core::slice::from_raw_parts(value as *const T as *const u8, core::mem::size_of::<T>()) };
    space(k)?.write(out, bytes)
}

fn alloc_dma(k: &mut Kernel, len: u64, virt: u64) -> Result<isize, Error> {
    if len == 0 || len > 16 << 20 {
        return Err(Error::INVAL);
    }
    let pages = len.div_ceil(4096) as usize;
    let phys = crate::mem::frame::alloc_contiguous(pages).ok_or(Error::NOMEM)?;
    let result = space(k)?.map_owned_frames(virt, phys, pages);
    if let Err(e) = result {
        for i in 0..pages as u64 {
            crate::mem::frame::free(phys + i * 4096);
        }
        return Err(e);
    }
    Ok(phys as isize)
}

/// `safecopy_{from,to}(owner, grant, offset, local, len)`.
fn safecopy(k: &mut Kernel, a: [u64; 5], to_owner: bool) -> Result<isize, Error> {
    let (owner, grant, offset, local, len) = (endpoint(a[0])?, GrantId::from_raw(usize::try_from(a[1]).map_err(|_| Error::INVAL)?), a[2], a[3], a[4]);
    let me = k.cur().endpoint;
    let owner_slot = k.resolve(owner)?;
    let need = if to_owner { GrantRights::WRITE } else { GrantRights::READ };
    let remote = k.proc(owner_slot)?.grants.check(grant, me, offset, len, need)?;
    let local = UserRange::new(local, len)?;
    if to_owner {
        space(k)?.check_readable(local.addr(), len as usize)?;
    } else {
        space(k)?.check_writable(local.addr(), len as usize)?;
    }
    let mut buf = [0u8; COPY_CHUNK];
    let mut done = 0u64;
    while done < len {
        let n = (len - done).min(COPY_CHUNK as u64) as usize;
        let chunk = &mut buf[..n];
        let (src_slot, src_va, dst_slot, dst_va) = if to_owner {
            (k.current.ok_or(Error::SRCH)?, local.addr() + done, owner_slot, remote + done)
        } else {
            (owner_slot, remote + done, k.current.ok_or(Error::SRCH)?, local.addr() + done)
        };
        k.proc(src_slot)?.space.as_ref().ok_or(Error::FAULT)?.read(src_va, chunk)?;
        k.proc(dst_slot)?.space.as_ref().ok_or(Error::FAULT)?.write(dst_va, chunk)?;
        done += n as u64;
    }
    Ok(len as isize)
}
