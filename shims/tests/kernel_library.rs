//! The small kernel library Lite2's files call, beyond the services:
//! hashinit, scanc/skpc/strcat, insque/remque, the sysctl helpers, posting
//! signals, selrecord/selwakeup and the switch-table answers, through the
//! prefixed C entry points.
use core::ffi::{c_int, c_void};
use molt_shims::bsd;

fn g<R>(f: impl FnOnce() -> R) -> R {
    molt_shims::with_giant(f)
}

#[test]
fn hashinit_makes_a_power_of_two_table_of_empty_lists() {
    let mut mask: u64 = 0;
    // SAFETY: mask is writable; the table is freed below with its type.
    let table = g(|| unsafe { bsd::hashinit(100, bsd::M_TEMP as c_int, &mut mask as *mut u64 as *mut _) });
    assert!(!table.is_null());
    assert_eq!(mask, 63, "64 heads for 100 elements (the largest 2^n <= 100)");
    // SAFETY: 64 list heads, one pointer each: all empty.
    let heads = unsafe { std::slice::from_raw_parts(table as *const *const c_void, 64) };
    assert!(heads.iter().all(|h| h.is_null()));
    // SAFETY: allocated by hashinit with M_TEMP.
    g(|| unsafe { bsd::free(table, bsd::M_TEMP as c_int) });
}

#[test]
fn scanc_skpc_and_strcat() {
    let mut table = [0u8; 256];
    table[5] = 0x4;
    let mut bytes = [0u8, 0, 5, 0, 9];
    // SAFETY: both buffers are as long as the sizes passed.
    unsafe {
        assert_eq!(bsd::scanc(5, bytes.as_mut_ptr(), table.as_mut_ptr(), 0x4), 3, "three bytes left from the 5");
        assert_eq!(bsd::scanc(5, bytes.as_mut_ptr(), table.as_mut_ptr(), 0x1), 0, "no byte matches");
        assert_eq!(bsd::skpc(0, 5, bytes.as_mut_ptr().cast()), 3, "two zeros skipped");
        assert_eq!(bsd::skpc(7, 0, bytes.as_mut_ptr().cast()), 0);
    }
    let mut s = *b"ab\0\0\0\0";
    // SAFETY: s has room for "abcd\0".
    let r = unsafe { bsd::strcat(s.as_mut_ptr().cast(), c"cd".as_ptr()) };
    assert_eq!(r.cast::<u8>(), s.as_mut_ptr());
    assert_eq!(&s[..5], b"abcd\0");
}

#[repr(C)]
struct Elem {
    next: *mut Elem,
    prev: *mut Elem,
}

#[test]
fn insque_and_remque_keep_a_circular_queue() {
    let mut head = Elem { next: std::ptr::null_mut(), prev: std::ptr::null_mut() };
    let h: *mut Elem = &mut head;
    head.next = h;
    head.prev = h;
    let (mut a, mut b) = (Elem { next: h, prev: h }, Elem { next: h, prev: h });
    let (pa, pb): (*mut Elem, *mut Elem) = (&mut a, &mut b);
    // SAFETY: every pointer names a live Elem of this frame.
    unsafe {
        bsd::_insque(pa.cast(), h.cast());
        bsd::_insque(pb.cast(), pa.cast());
        assert_eq!(((*h).next, (*pa).next, (*pb).next), (pa, pb, h));
        assert_eq!(((*h).prev, (*pb).prev, (*pa).prev), (pb, pa, h));
        bsd::_remque(pa.cast());
        assert_eq!(((*h).next, (*pb).prev, (*pb).next), (pb, h, h));
    }
}

#[test]
fn sysctl_helpers_answer_read_and_write() {
    let mut var: c_int = 7;
    let mut old: c_int = 0;
    let mut len: usize = 4;
    let new: c_int = 42;
    g(|| {
        // SAFETY: every buffer is valid for the size passed.
        unsafe {
            let p = |x: &mut c_int| x as *mut c_int as *mut c_void;
            let e = bsd::sysctl_int(p(&mut old), &mut len, &new as *const c_int as *mut c_void, 4, &mut var);
            assert_eq!((e, old, var, len), (0, 7, 42, 4));
            let mut small = 2usize;
            assert_eq!(bsd::sysctl_int(p(&mut old), &mut small, std::ptr::null_mut(), 0, &mut var), bsd::ENOMEM as c_int);
            assert_eq!(bsd::sysctl_int(std::ptr::null_mut(), &mut len, &new as *const c_int as *mut c_void, 2, &mut var), bsd::EINVAL as c_int);
            assert_eq!(bsd::sysctl_rdint(p(&mut old), &mut len, p(&mut var), 5), bsd::EPERM as c_int);
            assert_eq!((bsd::sysctl_rdint(p(&mut old), &mut len, std::ptr::null_mut(), 5), old), (0, 5));
            let mut name = *b"molt\0\0\0\0";
            let mut out = [0u8; 8];
            let mut n = 8usize;
            let e = bsd::sysctl_string(out.as_mut_ptr().cast(), &mut n, c"bsd".as_ptr() as *mut c_void, 3, name.as_mut_ptr().cast(), 8);
            assert_eq!((e, n, &out[..5], &name[..4]), (0, 5, &b"molt\0"[..], &b"bsd\0"[..]));
            assert_eq!(bsd::sysctl_string(out.as_mut_ptr().cast(), &mut n, c"toolong!".as_ptr() as *mut c_void, 8, name.as_mut_ptr().cast(), 8), bsd::EINVAL as c_int);
            // a bad user address is EFAULT, not a crash
            let mut n = 4usize;
            assert_eq!(bsd::sysctl_rdint(8 as *mut c_void, &mut n, std::ptr::null_mut(), 1), bsd::EFAULT as c_int);
        }
    });
}

#[test]
fn signals_are_recorded_and_selectors_woken() {
    g(|| {
        // SAFETY: curproc is this thread's proc while giant is held.
        unsafe {
            let p = bsd::curproc;
            let pid = (*p).p_pid;
            (*p).p_pid = 4242;
            (*p).p_siglist = 0;
            assert_eq!(bsd::pfind(4242), p);
            assert!(bsd::pfind(4243).is_null());
            bsd::psignal(p, bsd::SIGURG as c_int);
            bsd::psignal(p, 0); // not a signal: ignored
            assert_eq!((*p).p_siglist, 1 << (bsd::SIGURG - 1));
            let mut si = bsd::selinfo::default();
            bsd::selrecord(p, &mut si);
            assert_eq!(si.si_pid, (*p).p_pid);
            let mut other = *p;
            other.p_pid = 4243;
            bsd::selrecord(&mut other, &mut si);
            assert_eq!((si.si_pid, si.si_flags), (4242, bsd::SI_COLL as i16), "a second selector collides");
            let collisions = bsd::nselcoll;
            bsd::selwakeup(&mut si);
            assert_eq!((si.si_pid, si.si_flags, bsd::nselcoll), (0, 0, collisions + 1), "woken: the record is cleared");
            (*p).p_pid = pid;
            assert_eq!((bsd::nullop(), bsd::enodev(), bsd::eopnotsupp()), (0, bsd::ENODEV as c_int, bsd::EOPNOTSUPP as c_int));
        }
    });
}

#[test]
fn mono_time_follows_the_monotonic_clock() {
    let read = || {
        g(|| {
            // SAFETY: mono_time is written only by the giant holder; we hold giant.
            let t = unsafe { std::ptr::read_volatile(std::ptr::addr_of!(bsd::mono_time)) };
            t.tv_sec as i64 * 1_000_000 + t.tv_usec as i64
        })
    };
    let first = read();
    std::thread::sleep(std::time::Duration::from_millis(30));
    let second = read();
    assert!(second - first >= 20_000, "mono_time moved {} us in 30 ms", second - first);
}

#[test]
fn lockmgr_grants_shares_and_exclusives_by_the_rules() {
    let lk = |l: &mut bsd::lock, flags: u32, p: *mut bsd::proc_| {
        // SAFETY: l is a lock initialised by lockinit; no interlock is passed.
        unsafe { bsd::lockmgr(l, flags, std::ptr::null_mut(), p) }
    };
    g(|| {
        // SAFETY: curproc is this thread's proc while giant is held; `other`
        // is a copy standing for a second process (only its pid is read).
        unsafe {
            let me = bsd::curproc;
            let mut other = *me;
            other.p_pid = (*me).p_pid + 1;
            let you: *mut bsd::proc_ = &mut other;
            let mut l = bsd::lock::default();
            bsd::lockinit(&mut l, bsd::PINOD as c_int, c"test".as_ptr() as *mut _, 0, 0);
            let (sh, ex, rel, nw) = (bsd::LK_SHARED, bsd::LK_EXCLUSIVE, bsd::LK_RELEASE, bsd::LK_NOWAIT);

            assert_eq!(lk(&mut l, ex, me), 0);
            assert_eq!(bsd::lockstatus(&mut l), ex as c_int);
            assert_eq!(lk(&mut l, sh | nw, you), bsd::EBUSY as c_int, "a share while another holds it exclusively");
            assert_eq!(lk(&mut l, ex | nw, you), bsd::EBUSY as c_int);
            assert_eq!(lk(&mut l, ex, me), bsd::EDEADLK as c_int, "recursion without LK_CANRECURSE");
            assert_eq!(lk(&mut l, ex | bsd::LK_CANRECURSE, me), 0);
            assert_eq!(lk(&mut l, rel, you), bsd::EPERM as c_int, "only the holder releases");
            assert_eq!((lk(&mut l, rel, me), lk(&mut l, rel, me)), (0, 0));
            assert_eq!(bsd::lockstatus(&mut l), 0);

            assert_eq!((lk(&mut l, sh, me), lk(&mut l, sh, you)), (0, 0));
            assert_eq!((bsd::lockstatus(&mut l), l.lk_sharecount), (sh as c_int, 2));
            assert_eq!(lk(&mut l, ex | nw, you), bsd::EBUSY as c_int, "exclusive while shared");
            assert_eq!(lk(&mut l, rel, you), 0);
            assert_eq!(lk(&mut l, bsd::LK_UPGRADE, me), 0, "the last sharer upgrades");
            assert_eq!((bsd::lockstatus(&mut l), l.lk_lockholder), (ex as c_int, (*me).p_pid));
            assert_eq!(lk(&mut l, bsd::LK_DOWNGRADE, me), 0);
            assert_eq!((bsd::lockstatus(&mut l), l.lk_sharecount), (sh as c_int, 1));
            assert_eq!(lk(&mut l, rel, me), 0);
            assert_eq!(lk(&mut l, rel, me), bsd::EPERM as c_int, "nothing left to release");

            assert_eq!(lk(&mut l, bsd::LK_DRAIN, me), 0);
            assert_eq!(lk(&mut l, sh, me), bsd::ENOENT as c_int, "a drained lock is retired");
            assert_eq!(lk(&mut l, 0x0f, me), bsd::ENOENT as c_int);
            let mut fresh = bsd::lock::default();
            bsd::lockinit(&mut fresh, 0, c"t".as_ptr() as *mut _, 0, 0);
            assert_eq!(lk(&mut fresh, 0x0f, me), bsd::EINVAL as c_int, "an unknown request");
        }
    });
}

#[test]
fn lockmgr_sleeps_until_the_holder_lets_go() {
    struct Shared(*mut bsd::lock);
    // SAFETY: the lock is only touched with the giant lock held.
    unsafe impl Send for Shared {}
    let l = Box::into_raw(Box::new(bsd::lock::default()));
    g(|| {
        // SAFETY: l is a fresh lock; curproc is ours while giant is held.
        unsafe {
            bsd::lockinit(l, bsd::PINOD as c_int, c"lktest".as_ptr() as *mut _, 0, 0);
            assert_eq!(bsd::lockmgr(l, bsd::LK_EXCLUSIVE, std::ptr::null_mut(), bsd::curproc), 0);
        }
    });
    let shared = Shared(l);
    let waiter = std::thread::spawn(move || {
        let shared = shared;
        // SAFETY: as above; this thread has a proc (and pid) of its own.
        g(|| unsafe { bsd::lockmgr(shared.0, bsd::LK_SHARED, std::ptr::null_mut(), bsd::curproc) })
    });
    // the waiter must be asleep on the lock before we let go
    let asleep = (0..500).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(2));
        // SAFETY: read under giant.
        g(|| unsafe { (*l).lk_waitcount }) == 1
    });
    assert!(asleep, "the shared request did not wait for the exclusive holder");
    // SAFETY: we hold it exclusively.
    assert_eq!(g(|| unsafe { bsd::lockmgr(l, bsd::LK_RELEASE, std::ptr::null_mut(), bsd::curproc) }), 0);
    assert_eq!(waiter.join().unwrap(), 0, "the waiter got its shared lock once we let go");
    // SAFETY: read under giant; the waiter's share is still held.
    assert_eq!(g(|| unsafe { ((*l).lk_sharecount, bsd::lockstatus(l)) }), (1, bsd::LK_SHARED as c_int));
    // SAFETY: no one uses the lock any more.
    drop(unsafe { Box::from_raw(l) });
}
