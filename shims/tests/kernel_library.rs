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
