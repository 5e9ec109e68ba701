//! The mbuf routines, black-box: chains are built from byte strings with
//! m_devget, changed with m_adj, m_pullup, m_prepend, m_copym, m_split,
//! m_cat and m_copyback, and read back with m_copydata; mbuf and cluster
//! counts must return to where they started (one test: the counts are
//! process-wide).
use molt_net::bsd;
use molt_net::stack;

/// Calls into the mbuf code hold the giant lock.
fn g<R>(f: impl FnOnce() -> R) -> R {
    molt_shims::with_giant(f)
}

fn chain(data: &[u8]) -> *mut bsd::mbuf {
    // SAFETY: data is valid for its length; m_devget copies it.
    let m = g(|| unsafe { bsd::m_devget(data.as_ptr() as *mut _, data.len() as i32, 0, std::ptr::null_mut(), None) });
    assert!(!m.is_null());
    m
}

fn bytes(m: *mut bsd::mbuf) -> Vec<u8> {
    // SAFETY: m is a live chain; the buffer holds m_length bytes.
    g(|| unsafe {
        let n = bsd::m_length(m) as usize;
        let mut v = vec![0u8; n];
        bsd::m_copydata(m, 0, n as i32, v.as_mut_ptr().cast());
        v
    })
}

fn free(m: *mut bsd::mbuf) {
    // SAFETY: m is a live chain, freed once.
    g(|| unsafe { bsd::m_freem(m) });
}

fn in_use() -> (u64, u64) {
    let s = stack::stats();
    (s.mbufs_in_use(), s.clusters_in_use())
}

fn data(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i * 7 + 3) as u8).collect()
}

#[test]
fn mbuf_chain_operations_keep_the_bytes_and_leak_nothing() {
    stack::init();
    let base = in_use();
    // m_devget is for packets: never asked for 0 bytes (Lite2's contract)
    for &n in &[1usize, 50, 200, 1500, 5000, 20000] {
        let d = data(n);
        let m = chain(&d);
        assert_eq!(bytes(m), d, "devget/copydata {n}");

        // m_adj from the head and from the tail
        let m = {
            // SAFETY: live chain; m_adj trims in place.
            g(|| unsafe { bsd::m_adj(m, (n / 3) as i32) });
            assert_eq!(bytes(m), d[n / 3..]);
            g(|| unsafe { bsd::m_adj(m, -((n / 4) as i32)) });
            assert_eq!(bytes(m), d[n / 3..n - n / 4]);
            m
        };
        free(m);

        // m_prepend in front of a chain
        let m = chain(&d);
        // SAFETY: live chain; m_prepend returns the new head (or frees it).
        let m = g(|| unsafe { bsd::m_prepend(m, 20, bsd::M_DONTWAIT as i32) });
        assert!(!m.is_null());
        // SAFETY: the first 20 bytes are writable after m_prepend.
        g(|| unsafe { bsd::m_copyback(m, 0, 20, [9u8; 20].as_ptr() as *mut _) });
        let mut want = vec![9u8; 20];
        want.extend_from_slice(&d);
        assert_eq!(bytes(m), want, "prepend {n}");

        // m_pullup makes the head contiguous without changing the bytes
        let k = (want.len().min(100)) as i32;
        // SAFETY: live chain; m_pullup returns it (or frees it on failure).
        let m = g(|| unsafe { bsd::m_pullup(m, k) });
        assert!(!m.is_null());
        assert_eq!(bytes(m), want, "pullup {n}");

        // m_copym shares the data; both copies read the same
        let (off, len) = (want.len() / 5, want.len() / 2);
        // SAFETY: off + len lies within the chain.
        let c = g(|| unsafe { bsd::m_copym(m, off as i32, len as i32, bsd::M_DONTWAIT as i32) });
        assert!(len == 0 || !c.is_null());
        if !c.is_null() {
            assert_eq!(bytes(c), want[off..off + len], "copym {n}");
        }

        // m_split cuts the chain in two
        let at = want.len() * 2 / 3;
        // SAFETY: live chain; the tail is returned as a new chain.
        let tail = g(|| unsafe { bsd::m_split(m, at as i32, bsd::M_DONTWAIT as i32) });
        if !tail.is_null() {
            assert_eq!(bytes(m), want[..at], "split head {n}");
            assert_eq!(bytes(tail), want[at..], "split tail {n}");
            // and m_cat joins them again
            // SAFETY: both are live chains; tail is consumed.
            g(|| unsafe { bsd::m_cat(m, tail) });
            assert_eq!(bytes(m), want, "cat {n}");
        }
        if !c.is_null() {
            free(c);
        }
        free(m);
    }
    // asking m_pullup for more than the chain holds fails, and frees it
    let m = chain(&data(30));
    // SAFETY: live chain; on failure m_pullup frees it and returns NULL.
    let r = g(|| unsafe { bsd::m_pullup(m, 60) });
    assert!(r.is_null());
    assert_eq!(in_use(), base, "mbufs and clusters back at baseline");
}
