//! Device memory and the kernel's copies (issue 18): `map_device` maps
//! only ranges the manifest grants (ktest's are in boot/ktest.toml), never
//! past the CPU's physical address width; and no kernel copy to or from
//! user memory (proc_info, debug_write, IPC buffers, boot_image, wait's
//! status, safecopy) ever goes through a device page, whatever physical
//! address it maps: such a copy fails with FAULT and the kernel carries on.

use crate::{check, Verdict};
use molt_abi::kcall::{KC_BOOT_IMAGE, KC_GRANT_CREATE, KC_MAP_DEVICE, KC_PROC_INFO, KC_SAFECOPY_FROM, KC_SAFECOPY_TO, KC_WAIT};
use molt_abi::message::IPC_MSG_PING;
use molt_abi::syscall::{SYS_CALL, SYS_DEBUG_WRITE, SYS_RECEIVE_NB, SYS_SEND};
use molt_abi::{Endpoint, Error};
use molt_rt::raw::syscall;
use molt_rt::{ipc, kcall};

pub const ALL: &[crate::Scenario] = &[("device", device_memory)];

const LAPIC: u64 = 0xfee0_0000;
const IOAPIC: u64 = 0xfec0_0000;
/// Where this scenario maps device pages: one 64 KiB slot per case.
const AT: u64 = 0x2000_0000;

fn raw(n: usize, a: [u64; 5]) -> isize {
    kcall::raw(n as u64, a)
}

fn map(phys: u64, len: u64, virt: u64) -> isize {
    raw(KC_MAP_DEVICE, [phys, len, virt, 0, 0])
}

/// The CPU's physical address width, as the kernel reads it.
fn phys_bits() -> u32 {
    // SAFETY: cpuid only reads identification registers, in any ring.
    #[allow(unused_unsafe)]
    unsafe {
        if core::arch::x86_64::__cpuid(0x8000_0000).eax >= 0x8000_0008 {
            core::arch::x86_64::__cpuid(0x8000_0008).eax & 0xff
        } else {
            36
        }
    }
}

/// Every way the kernel copies to or from user memory, aimed at `va`,
/// must fail with FAULT.
fn copies_refused(va: u64, peer: Endpoint) -> Verdict {
    let fault = Error::FAULT.to_ret();
    check!(raw(KC_PROC_INFO, [0, va, 0, 0, 0]) == fault, "proc_info wrote into a device page");
    check!(raw(KC_PROC_INFO, [0, va + 4096 - 16, 0, 0, 0]) == fault, "proc_info ran into a device page");
    check!(syscall(SYS_DEBUG_WRITE, va, 48, 0, 0, 0, 0) == fault, "debug_write read a device page");
    check!(syscall(SYS_SEND, peer.0.into(), va, 0, 0, 0, 0) == fault, "send took its message from a device page");
    check!(syscall(SYS_CALL, peer.0.into(), va, 0, 0, 0, 0) == fault, "call used a device page");
    check!(syscall(SYS_RECEIVE_NB, Endpoint::ANY.0.into(), va, 0, 0, 0, 0) == fault, "receive into a device page");
    let name = b"ktest";
    check!(raw(KC_BOOT_IMAGE, [name.as_ptr() as u64, 5, va, 4 << 20, 0]) == fault, "boot_image wrote into a device page");
    check!(raw(KC_WAIT, [Endpoint::ANY.0.into(), va, 0, 0, 0]) == fault, "wait's status went to a device page");
    Ok(())
}

/// The peer: a forked child that tries safecopy between its own RAM and
/// the parent's grant of a device page, then exits with what it saw.
fn safecopy_peer(parent: Endpoint) -> i64 {
    let mut m = molt_abi::Message::default();
    if ipc::receive(parent, &mut m).is_err() {
        return 1;
    }
    let (grant, va) = (m.payload[0], m.payload[1]);
    let mut buf = [0u8; 64];
    // Copy from the parent's device grant into our RAM, and from our RAM
    // into it: both must fail cleanly.
    let from = raw(KC_SAFECOPY_FROM, [parent.0.into(), grant, 0, buf.as_mut_ptr() as u64, 64]);
    let to = raw(KC_SAFECOPY_TO, [parent.0.into(), grant, 0, buf.as_ptr() as u64, 64]);
    // Our own device page (inherited by fork) as the local end.
    let local = raw(KC_SAFECOPY_FROM, [parent.0.into(), m.payload[2], 0, va, 64]);
    let ok = |r: isize| r == Error::FAULT.to_ret() || r == Error::GRANTRANGE.to_ret() || r == Error::BADGRANT.to_ret();
    let _ = ipc::reply(parent, &molt_abi::Message::default());
    if ok(from) && ok(to) && local == Error::FAULT.to_ret() {
        0
    } else {
        2
    }
}

fn device_memory() -> Verdict {
    let bits = phys_bits();
    molt_rt::println!("device: the CPU has {} physical address bits", bits);
    // Refused before anything is mapped: outside the grants, RAM,
    // malformed ranges.
    check!(map(LAPIC + 0x1000, 4096, AT) == Error::PERM.to_ret(), "an ungranted page next to the LAPIC mapped");
    check!(map(0x1_0000_4000, 4096, AT) == Error::PERM.to_ret(), "a page past the 4 GiB grant mapped");
    check!(map(0x1_0000_0000, 0x5000, AT) == Error::PERM.to_ret(), "a range running past its grant mapped");
    check!(map(0x20_0000, 4096, AT) == Error::PERM.to_ret(), "RAM mapped as a device");
    check!(map(IOAPIC + 8, 8, AT) == Error::INVAL.to_ret(), "an unaligned device range mapped");
    check!(map(IOAPIC, 0, AT) == Error::INVAL.to_ret(), "an empty device range mapped");
    check!(map(!0xfff_u64, 0x2000, AT) == Error::INVAL.to_ret(), "a wrapping device range mapped");
    check!(map(IOAPIC, u64::MAX, AT) == Error::INVAL.to_ret(), "a wrapping length mapped");
    check!(map(1 << 52, 4096, AT) == Error::INVAL.to_ret(), "a page past 2^52 mapped");

    // The one-call reproducer: map 4 GiB, then proc_info into it.
    check!(map(0x1_0000_0000, 4096, AT) == 0, "the granted page at 4 GiB did not map");
    let peer = crate::scenarios::fork_child(safecopy_peer)?;
    copies_refused(AT, peer)?;
    // The peer copies against a grant of the device page, and against its
    // own (inherited) device page.
    let g = raw(KC_GRANT_CREATE, [peer.0.into(), AT, 64, 3, 0]);
    let own = [0u8; 64];
    let g2 = raw(KC_GRANT_CREATE, [peer.0.into(), own.as_ptr() as u64, 64, 3, 0]);
    check!(g2 >= 0, "grant_create of RAM");
    let mut m = molt_abi::Message::new(IPC_MSG_PING, [if g >= 0 { g as u64 } else { 0 }, AT, g2 as u64, 0, 0, 0, 0]);
    check!(ipc::call(peer, &mut m).is_ok(), "call to the safecopy peer");
    let (_, status) = kcall::wait(peer).map_err(|_| "wait for the safecopy peer")?;
    check!(status == 0, "safecopy went through a device page");

    // The LAPIC: its registers must be exactly as before the copies.
    check!(map(LAPIC, 4096, AT + 0x1_0000) == 0, "the granted LAPIC page did not map");
    let lapic = AT + 0x1_0000;
    // SAFETY: lapic maps the LAPIC's register page (uncached); reading the
    // ID (0x20) and version (0x30) registers has no side effect.
    let read = |off: u64| unsafe { core::ptr::read_volatile((lapic + off) as *const u32) };
    let (id, version) = (read(0x20), read(0x30));
    let peer = crate::scenarios::fork_child(|_| 0)?;
    copies_refused(lapic, peer)?;
    let _ = kcall::wait(peer);
    check!(read(0x20) == id && read(0x30) == version, "a copy changed the LAPIC's registers");
    check!(version & 0xff != 0 && version != u32::MAX, "the LAPIC page does not read as the LAPIC");

    // 2^47 (the direct map would wrap into the user half, to address 0)
    // and 2^48 (non-canonical): granted, but past the CPU's width on
    // QEMU's CPU; if a CPU has the bits, the copies are refused instead.
    for (i, phys) in [1u64 << 47, 1 << 48].into_iter().enumerate() {
        let va = AT + 0x2_0000 + i as u64 * 0x1_0000;
        let r = map(phys, 4096, va);
        if phys + 4096 > 1 << bits {
            check!(r == Error::INVAL.to_ret(), "a page past the physical address width mapped");
        } else {
            check!(r == 0, "a granted page within the width did not map");
            let peer = crate::scenarios::fork_child(|_| 0)?;
            copies_refused(va, peer)?;
            let _ = kcall::wait(peer);
        }
    }
    // The kernel is fine: timer, IPC.
    let t0 = kcall::uptime_ns();
    let server = crate::scenarios::fork_child(crate::scenarios::echo_server)?;
    let mut m = molt_abi::Message::new(IPC_MSG_PING, [5; 7]);
    check!(ipc::call(server, &mut m).is_ok() && m.payload == crate::scenarios::transform([5; 7]), "IPC after the device copies");
    crate::scenarios::quit(server);
    check!(kcall::uptime_ns() > t0, "the clock stopped");
    Ok(())
}
