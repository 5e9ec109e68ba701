//! The exported kernel services, called the way the C code calls them
//! (through the bindgen declarations, so through the prefixed symbols).
use core::ffi::{c_int, c_void};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use molt_shims::bsd;

#[test]
fn malloc_charges_and_credits_its_type() {
    let before = molt_shims::kmemstats(bsd::M_TEMP as usize);
    let p = molt_shims::with_giant(|| {
        // SAFETY: plain allocation through the C entry point.
        unsafe { bsd::malloc(1000, bsd::M_TEMP as c_int, bsd::M_WAITOK as c_int) }
    });
    assert!(!p.is_null());
    let during = molt_shims::kmemstats(bsd::M_TEMP as usize);
    assert_eq!(during.ks_calls, before.ks_calls + 1);
    assert!(during.ks_memuse >= before.ks_memuse + 1000 || during.ks_inuse > before.ks_inuse);
    assert!(during.ks_maxused >= 1000);
    // SAFETY: p is a live M_TEMP block of 1000 bytes.
    unsafe {
        bsd::bzero(p, 1000);
        bsd::free(p, bsd::M_TEMP as c_int);
    }
}

#[test]
fn memory_and_string_routines() {
    let mut a = *b"hello, world\0";
    let b = *b"hello, there\0";
    // SAFETY: both buffers are 13 bytes and NUL-terminated.
    unsafe {
        assert_eq!(bsd::strlen(a.as_ptr().cast()), 12);
        assert_ne!(bsd::bcmp(a.as_ptr().cast(), b.as_ptr().cast(), 12), 0);
        assert_eq!(bsd::bcmp(a.as_ptr().cast(), b.as_ptr().cast(), 7), 0);
        assert!(bsd::strcmp(a.as_ptr().cast(), b.as_ptr().cast()) > 0);
        // Overlapping bcopy behaves like memmove.
        bsd::bcopy(a.as_ptr().cast(), a.as_mut_ptr().add(1).cast(), 5);
    }
    assert_eq!(&a[..7], b"hhello ");
}

#[test]
fn uiomove_reads_and_writes_through_iovecs() {
    let mut src = *b"0123456789";
    let mut out1 = [0u8; 4];
    let mut out2 = [0u8; 6];
    let mut iov = [
        bsd::iovec { iov_base: out1.as_mut_ptr().cast(), iov_len: 4 },
        bsd::iovec { iov_base: out2.as_mut_ptr().cast(), iov_len: 6 },
    ];
    let mut uio = bsd::uio {
        uio_iov: iov.as_mut_ptr(),
        uio_iovcnt: 2,
        uio_offset: 100,
        uio_resid: 10,
        uio_segflg: bsd::UIO_USERSPACE,
        uio_rw: bsd::UIO_READ,
        uio_procp: core::ptr::null_mut(),
    };
    let error = molt_shims::with_giant(|| {
        // SAFETY: src is 10 bytes; the uio describes 10 writable bytes.
        unsafe { bsd::uiomove(src.as_mut_ptr().cast(), 10, &mut uio) }
    });
    assert_eq!(error, 0);
    assert_eq!(&out1, b"0123");
    assert_eq!(&out2, b"456789");
    assert_eq!(uio.uio_resid, 0);
    assert_eq!(uio.uio_offset, 110);
}

#[test]
fn copyin_refuses_the_null_page() {
    let mut k = [0u8; 8];
    // SAFETY: k is 8 writable bytes; the user address is bogus on purpose.
    let e = unsafe { bsd::copyin(8 as *const c_void, k.as_mut_ptr().cast(), 8) };
    assert_eq!(e, bsd::EFAULT as c_int);
    let mut done = 0u32;
    let s = b"abc\0";
    // SAFETY: s is a NUL-terminated string; k has 8 bytes.
    let e = unsafe { bsd::copyinstr(s.as_ptr() as *mut c_void, k.as_mut_ptr().cast(), 8, &mut done) };
    assert_eq!((e, done, &k[..4]), (0, 4, &b"abc\0"[..]));
    // SAFETY: as above, with a too-small destination.
    let e = unsafe { bsd::copyinstr(s.as_ptr() as *mut c_void, k.as_mut_ptr().cast(), 2, &mut done) };
    assert_eq!(e, bsd::ENAMETOOLONG as c_int);
}

#[test]
fn snprintf_formats_like_the_kernel_printf() {
    let mut buf = [0u8; 64];
    // SAFETY: buf has 64 bytes; the arguments match the format.
    let n = unsafe {
        bsd::snprintf(buf.as_mut_ptr().cast(), 64, c"%s=%5d|%-3x|%08lx|%c".as_ptr(), c"ino".as_ptr(), -42 as c_int,
            10 as c_int, 0xbeef as core::ffi::c_long, b'z' as c_int)
    };
    let s = core::ffi::CStr::from_bytes_until_nul(&buf).unwrap().to_str().unwrap();
    assert_eq!(s, "ino=  -42|a  |0000beef|z");
    assert_eq!(n as usize, s.len());
}

#[test]
fn credentials_copy_on_write() {
    molt_shims::with_giant(|| {
        // SAFETY: credentials made and released through the C entry points.
        unsafe {
            let cr = bsd::crget();
            (*cr).cr_uid = 1000;
            (*cr).cr_ref += 1; // crhold(cr)
            let mine = bsd::crcopy(cr);
            assert_ne!(mine, cr, "a shared ucred is copied before writing");
            assert_eq!((*mine).cr_uid, 1000);
            assert_eq!((*cr).cr_ref, 1);
            assert_ne!(bsd::suser(mine, core::ptr::null_mut()), 0);
            (*mine).cr_uid = 0;
            assert_eq!(bsd::suser(mine, core::ptr::null_mut()), 0);
            bsd::crfree(mine);
            bsd::crfree(cr);
        }
    });
}

#[test]
fn spl_levels_nest_and_restore() {
    molt_shims::with_giant(|| {
        let s0 = bsd_spl(bsd::splbio);
        let s1 = bsd_spl(bsd::splnet);
        assert_eq!(molt_shims::spl_current(), molt_shims::spl_level::BIO, "splnet below bio does not lower");
        let s2 = bsd_spl(bsd::splhigh);
        assert_eq!(molt_shims::spl_current(), molt_shims::spl_level::HIGH);
        // SAFETY: restoring levels returned by the spl calls.
        unsafe {
            bsd::splx(s2);
            bsd::splx(s1);
            bsd::splx(s0);
        }
        assert_eq!(molt_shims::spl_current(), s0);
    });
}

fn bsd_spl(f: unsafe extern "C" fn() -> c_int) -> c_int {
    // SAFETY: the spl functions take no arguments.
    unsafe { f() }
}

static CHANNEL: u8 = 0;

#[test]
fn tsleep_releases_giant_until_wakeup() {
    let chan = &CHANNEL as *const u8 as *mut c_void as usize;
    let stage = Arc::new(AtomicUsize::new(0));
    let s2 = stage.clone();
    let sleeper = std::thread::spawn(move || {
        molt_shims::with_giant(|| {
            s2.store(1, Ordering::SeqCst);
            // SAFETY: sleeping on a static's address, no timeout.
            let e = unsafe { bsd::tsleep(chan as *mut c_void, bsd::PRIBIO as c_int, c"test".as_ptr(), 0) };
            assert_eq!(e, 0);
            assert!(molt_shims::holding_giant());
            s2.store(3, Ordering::SeqCst);
        })
    });
    while stage.load(Ordering::SeqCst) == 0 {
        std::thread::yield_now();
    }
    // The sleeper holds giant until it sleeps; taking giant here proves
    // tsleep released it. Wake it repeatedly until it has run.
    loop {
        molt_shims::with_giant(|| {
            // SAFETY: waking the channel the sleeper uses.
            unsafe { bsd::wakeup(chan as *mut c_void) }
        });
        if stage.load(Ordering::SeqCst) == 3 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    sleeper.join().unwrap();
}

static REAL_FIRED: AtomicUsize = AtomicUsize::new(0);

extern "C" fn count_real(_arg: *mut c_void) {
    REAL_FIRED.fetch_add(1, Ordering::SeqCst);
}

#[test]
fn callouts_fire_under_the_real_clock() {
    molt_shims::with_giant(|| {
        // SAFETY: a Rust callback with a null argument, 2 ticks from now.
        unsafe { bsd::timeout(Some(count_real), core::ptr::null_mut(), 2) }
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while REAL_FIRED.load(Ordering::SeqCst) == 0 {
        assert!(std::time::Instant::now() < deadline, "the softclock thread never ran the callout");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    // The kernel's `time` follows the host clock.
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let t = molt_shims::with_giant(|| {
        // SAFETY: reading the C clock variable with giant held.
        unsafe { core::ptr::read_volatile(core::ptr::addr_of!(bsd::time)) }
    });
    assert!((t.tv_sec - now).abs() <= 2, "time {} vs host {now}", t.tv_sec);
}
