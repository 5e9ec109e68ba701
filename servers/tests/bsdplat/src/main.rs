//! bsdplat: the shims' server platform and the common BSD C (subr_prf's
//! printf, kern_clock, malloc, tsleep/wakeup, timeout) running in a Molt
//! user process. Each check prints `bsdplat: NAME ok` or
//! `bsdplat: NAME FAILED: why`; at the end the program prints
//! `BSDPLAT PASS` (or `BSDPLAT FAIL`) and leaves QEMU through
//! isa-debug-exit with [`PASS`] or [`FAIL`] (tests/bsdplat_qemu.rs).
//!
//! The worker check is the concurrency property of the server platform:
//! while two requests sleep in tsleep (one until a wakeup, one until its
//! timeout) a third is served to the end, and a callout fired by a kernel
//! alarm wakes a fourth. The IPC check does the same with real clients:
//! this program again, started twice as `bsdplat-client`.
#![no_std]
#![no_main]
#![forbid(unsafe_op_in_unsafe_fn)]
#![deny(clippy::undocumented_unsafe_blocks)]

extern crate alloc;

mod clients;
mod events;
mod workers;

use alloc::format;
use alloc::string::String;
use core::ffi::c_int;

use molt_rt::{kcall, outln};
use molt_shims::bsd;
use molt_shims::platform::{self, InitError, PLATFORM_VERSION};

molt_rt::entry!(main);

/// isa-debug-exit values (the same as ktest's).
const PASS: u32 = 0x10;
const FAIL: u32 = 0x11;

fn main(args: &molt_rt::Args) -> i32 {
    if args.name() == "bsdplat-client" {
        return clients::client_main();
    }
    let mut failed = false;
    let mut report = |name: &str, result: Result<(), String>| match result {
        Ok(()) => outln!("bsdplat: {} ok", name),
        Err(why) => {
            failed = true;
            outln!("bsdplat: {} FAILED: {}", name, why);
        }
    };
    // The platform first: nothing else works without it.
    let init = platform::init(&platform::server::SERVER);
    report("init", init.map_err(|e| format!("{e}")));
    report("version", version());
    report("printf", printf());
    report("malloc", malloc());
    report("clock", clock());
    report("workers", workers::sleep_wakeup_timeout_callout());
    report("many workers", workers::many_sleepers(50));
    report("timed wait", workers::timed_monitor_wait());
    report("ipc clients", clients::sleeping_request_does_not_block_others());
    report("service", clients::serves_as_an_rs_service());
    report("io backends", io_backends());
    let _ = kcall::power_off(if failed {
        outln!("BSDPLAT FAIL");
        FAIL
    } else {
        outln!("BSDPLAT PASS");
        PASS
    });
    i32::from(failed)
}

/// The installed platform is the server one; another cannot replace it;
/// a platform of another interface version is refused with a clear message.
fn version() -> Result<(), String> {
    if platform::name() != "server" {
        return Err(format!("platform is {:?}", platform::name()));
    }
    if platform::init(&platform::server::SERVER) != Err(InitError::AlreadyInitialised) {
        return Err("a second init was not refused".into());
    }
    match platform::check_version(PLATFORM_VERSION + 1) {
        Err(e @ InitError::VersionMismatch { .. }) => {
            outln!("bsdplat: a platform of version {} is refused: {}", PLATFORM_VERSION + 1, e);
            Ok(())
        }
        other => Err(format!("version {} accepted: {other:?}", PLATFORM_VERSION + 1)),
    }
}

/// The kernel printf (C, subr_prf.c) reaches the console server; snprintf
/// formats like it.
fn printf() -> Result<(), String> {
    molt_shims::with_giant(|| {
        // SAFETY: the arguments match the format.
        unsafe { bsd::printf(c"bsdplat: printf %d %s 0x%x\n".as_ptr(), 42 as c_int, c"through the console".as_ptr(), 0xbeef as c_int) };
    });
    let mut buf = [0u8; 32];
    // SAFETY: buf has 32 bytes; the arguments match the format.
    let n = unsafe { bsd::snprintf(buf.as_mut_ptr().cast(), 32, c"%5d|%-3x|".as_ptr(), -42 as c_int, 10 as c_int) };
    let text = core::str::from_utf8(&buf[..n.max(0) as usize]).unwrap_or("?");
    if text == "  -42|a  |" {
        Ok(())
    } else {
        Err(format!("snprintf gave {text:?}"))
    }
}

/// malloc charges its type and free credits it back; freed blocks are
/// reused, so a second round of the same allocations maps no new memory.
fn malloc() -> Result<(), String> {
    let before = molt_shims::kmemstats(bsd::M_TEMP as usize);
    let round = || {
        molt_shims::with_giant(|| {
            let mut blocks = [core::ptr::null_mut(); 64];
            for (i, b) in blocks.iter_mut().enumerate() {
                // SAFETY: plain allocations through the C entry point.
                *b = unsafe { bsd::malloc((16 << (i % 9)) as _, bsd::M_TEMP as c_int, bsd::M_WAITOK as c_int) };
                // SAFETY: *b is a fresh block of at least 16 bytes.
                unsafe { bsd::bzero(*b, 16) };
            }
            let during = molt_shims::kmemstats(bsd::M_TEMP as usize);
            for b in blocks {
                // SAFETY: b is a live M_TEMP block, freed once.
                unsafe { bsd::free(b, bsd::M_TEMP as c_int) };
            }
            during
        })
    };
    let during = round();
    let mapped = platform::server::heap::mapped();
    round();
    let after = molt_shims::kmemstats(bsd::M_TEMP as usize);
    if during.ks_inuse != before.ks_inuse + 64 || during.ks_calls != before.ks_calls + 64 {
        return Err(format!("in use {} calls {} during, {} {} before", during.ks_inuse, during.ks_calls, before.ks_inuse, before.ks_calls));
    }
    if after.ks_inuse != before.ks_inuse || after.ks_memuse != before.ks_memuse {
        return Err(format!("not credited back: in use {} memuse {}", after.ks_inuse, after.ks_memuse));
    }
    if platform::server::heap::mapped() != mapped {
        return Err("the second round mapped more memory: freed blocks not reused".into());
    }
    outln!("bsdplat: malloc: {} calls, at most {} bytes of M_TEMP, heap {} KiB", after.ks_calls, after.ks_maxused, mapped >> 10);
    Ok(())
}

/// kern_clock.c's variables follow the server's clock: `hz`, `ticks`
/// from uptime, `time` from the fixed epoch plus uptime; `hzto` counts
/// ticks to a time one second ahead.
fn clock() -> Result<(), String> {
    let (hz, ticks, now, to) = molt_shims::with_giant(|| {
        // SAFETY: the C clock variables are read with giant held (their
        // only writer is the giant holder); `time` is volatile in C.
        unsafe {
            let now = core::ptr::read_volatile(core::ptr::addr_of!(bsd::time));
            let mut later = now;
            later.tv_sec += 1;
            (bsd::hz, core::ptr::read_volatile(core::ptr::addr_of!(bsd::ticks)), now, bsd::hzto(&mut later))
        }
    });
    let uptime_ticks = molt_rt::kcall::uptime_ns() / (1_000_000_000 / molt_shims::clock::HZ);
    let epoch_s = (platform::virtual_clock::EPOCH_NS / 1_000_000_000) as i64;
    if hz != 100 || !(uptime_ticks.saturating_sub(2)..=uptime_ticks).contains(&(ticks as u64)) {
        return Err(format!("hz {hz}, ticks {ticks}, uptime {uptime_ticks} ticks"));
    }
    if now.tv_sec < epoch_s || !(99..=101).contains(&to) {
        return Err(format!("time {}.{:06}, hzto(+1 s) = {to}", now.tv_sec, now.tv_usec));
    }
    Ok(())
}

/// Without a registered backend, block and packet I/O fail with ENXIO.
fn io_backends() -> Result<(), String> {
    let enxio = bsd::ENXIO as c_int;
    match (platform::blk_open("sd0", true), platform::pkt_open("vionet0")) {
        (Err(a), Err(b)) if a == enxio && b == enxio => Ok(()),
        other => Err(format!("expected ENXIO twice, got {other:?}")),
    }
}
