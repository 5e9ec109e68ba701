//! Unit tests of the page-table bookkeeping over [`FakeMem`], whose live
//! frame count shows exactly what each operation allocated and freed.

use super::fake::FakeMem;
use super::range::{user_flags, DEVICE_FLAGS};
use super::*;
use crate::usercopy::PAGE_SIZE;

mod model;

const P: PageTableFlags = PageTableFlags::PRESENT;
const U: PageTableFlags = PageTableFlags::USER_ACCESSIBLE;
const W: PageTableFlags = PageTableFlags::WRITABLE;
/// An unbacked physical address standing for device memory: any attempt of
/// the code under test to read, copy or free it panics in the fake.
const MMIO: u64 = 0xfee0_0000;

/// A fake memory with a kernel PML4 and a fresh user table; the memory's
/// live-frame count before the table was made.
fn setup() -> (FakeMem, UserPageTable, usize) {
    let mut mem = FakeMem::new();
    let baseline = mem.live();
    let kernel = mem.kernel_root();
    let pt = UserPageTable::new(&mut mem, kernel).unwrap();
    (mem, pt, baseline)
}

/// Every leaf as (va, frame, flags).
fn leaves(mem: &FakeMem, pt: &UserPageTable) -> Vec<(u64, u64, PageTableFlags)> {
    let mut all = Vec::new();
    pt.for_each_leaf(mem, |va, frame, flags| all.push((va, frame, flags)));
    all
}

fn kernel_half(mem: &FakeMem, root: u64) -> Vec<u64> {
    (256..512).map(|i| mem.read_u64(root + i * 8)).collect()
}

/// A fresh frame filled with a pattern from `seed`.
fn owned_frame(mem: &mut FakeMem, seed: u64) -> u64 {
    let frame = mem.alloc_zeroed().unwrap();
    mem.fill(frame, seed);
    frame
}

#[test]
fn new_table_shares_the_kernel_half() {
    let (mut mem, pt, baseline) = setup();
    assert_eq!(mem.live(), baseline + 1);
    assert_ne!(pt.root(), mem.kernel_root());
    assert_eq!(
        kernel_half(&mem, pt.root()),
        kernel_half(&mem, mem.kernel_root())
    );
    assert!((0..256).all(|i| mem.read_u64(pt.root() + i * 8) == 0));
    assert!(leaves(&mem, &pt).is_empty());
    pt.destroy(&mut mem);
    assert_eq!(mem.live(), baseline);
}

#[test]
fn new_table_out_of_memory() {
    let mut mem = FakeMem::new();
    mem.set_budget(Some(0));
    let kernel = mem.kernel_root();
    assert_eq!(UserPageTable::new(&mut mem, kernel), Err(Error::NOMEM));
    assert_eq!(mem.live(), 1);
}

#[test]
fn map_translate_unmap_every_flag_combination() {
    let (mut mem, mut pt, baseline) = setup();
    let optional = [
        PageTableFlags::WRITABLE,
        PageTableFlags::WRITE_THROUGH,
        PageTableFlags::NO_CACHE,
        PageTableFlags::ACCESSED,
        PageTableFlags::DIRTY,
        DEVICE,
        PageTableFlags::BIT_10,
        PageTableFlags::BIT_11,
        PageTableFlags::BIT_52,
        PageTableFlags::NO_EXECUTE,
    ];
    for combo in 0..1u64 << optional.len() {
        let mut flags = PageTableFlags::empty();
        for (bit, f) in optional.iter().enumerate() {
            if combo >> bit & 1 != 0 {
                flags |= *f;
            }
        }
        // Spread the pages over tables at every level.
        let va = USER_BASE + combo * 0x20_1000 + (combo % 3) * (1 << 39);
        let frame = 0x1234_5000 + combo * PAGE_SIZE;
        let want = flags | P | U;
        // PRESENT and USER are implied: passing them changes nothing.
        let passed = if combo % 2 == 0 { flags } else { flags | P | U };
        pt.map(&mut mem, va, frame, passed).unwrap();
        for offset in [0, 1, 0x7ff, 0xfff] {
            assert_eq!(
                pt.translate(&mem, va + offset),
                Some((frame + offset, want)),
                "flags {flags:?}"
            );
        }
        assert_eq!(pt.translate(&mem, va + PAGE_SIZE), None);
        assert_eq!(pt.unmap(&mut mem, va + 0x10), Some((frame, want)));
        assert_eq!(pt.translate(&mem, va), None);
        assert_eq!(pt.unmap(&mut mem, va), None);
    }
    pt.destroy(&mut mem);
    assert_eq!(mem.live(), baseline);
}

#[test]
fn map_refuses_bad_addresses_and_flags() {
    let (mut mem, mut pt, baseline) = setup();
    let f = owned_frame(&mut mem, 1);
    let g = owned_frame(&mut mem, 2);
    for va in [
        0,
        USER_END,
        USER_END + PAGE_SIZE,
        0x0000_8000_0000_0000,
        0xffff_8000_0000_0000,
        !0xfff,
    ] {
        assert_eq!(pt.map(&mut mem, va, f, W), Err(Error::FAULT), "va {va:#x}");
        assert_eq!(pt.translate(&mem, va), None);
        assert_eq!(pt.unmap(&mut mem, va), None);
    }
    assert_eq!(pt.map(&mut mem, 0x2001, f, W), Err(Error::INVAL));
    assert_eq!(pt.map(&mut mem, 0x2000, f + 8, W), Err(Error::INVAL));
    assert_eq!(pt.map(&mut mem, 0x2000, 1 << 52, W), Err(Error::INVAL));
    assert_eq!(
        pt.map(&mut mem, 0x2000, f, W | PageTableFlags::GLOBAL),
        Err(Error::INVAL)
    );
    assert_eq!(
        pt.map(&mut mem, 0x2000, f, PageTableFlags::HUGE_PAGE),
        Err(Error::INVAL)
    );
    let address_bits = PageTableFlags::from_bits_retain(0x7000);
    assert_eq!(pt.map(&mut mem, 0x2000, f, address_bits), Err(Error::INVAL));
    // Nothing was built for the refused requests.
    assert_eq!(mem.live(), baseline + 3);
    assert!(leaves(&mem, &pt).is_empty());
    // The extremes of user space are fine.
    pt.map(&mut mem, USER_BASE, f, W).unwrap();
    pt.map(&mut mem, USER_END - PAGE_SIZE, g, W).unwrap();
    assert_eq!(
        pt.translate(&mem, USER_END - 1),
        Some((g + 0xfff, W | P | U))
    );
    assert_eq!(pt.translate(&mem, USER_BASE - 1), None);
    assert_eq!(
        leaves(&mem, &pt),
        [
            (USER_BASE, f, W | P | U),
            (USER_END - PAGE_SIZE, g, W | P | U)
        ]
    );
    pt.destroy(&mut mem);
    assert_eq!(mem.live(), baseline);
}

#[test]
fn map_refuses_a_double_map() {
    let (mut mem, mut pt, baseline) = setup();
    let (a, b) = (owned_frame(&mut mem, 1), owned_frame(&mut mem, 2));
    pt.map(&mut mem, 0x40_0000, a, W).unwrap();
    let live = mem.live();
    assert_eq!(pt.map(&mut mem, 0x40_0000, b, P | U), Err(Error::BUSY));
    assert_eq!(pt.map(&mut mem, 0x40_0000, a, W), Err(Error::BUSY));
    assert_eq!(pt.translate(&mem, 0x40_0000), Some((a, W | P | U)));
    assert_eq!(mem.live(), live);
    // Neighbours share the tables.
    pt.map(&mut mem, 0x40_1000, b, P | U).unwrap();
    assert_eq!(mem.live(), live);
    pt.destroy(&mut mem);
    assert_eq!(mem.live(), baseline);
}

#[test]
fn translate_ignores_supervisor_leaves() {
    let (mut mem, mut pt, baseline) = setup();
    pt.map(&mut mem, 0x3000, 0x8000, W).unwrap();
    let leaf = pt.leaf_entry(&mem, 0x3000).unwrap();
    mem.write_u64(leaf, 0x8000 | (P | W).bits());
    assert_eq!(pt.translate(&mem, 0x3000), None);
    assert_eq!(pt.unmap(&mut mem, 0x3000), None);
    assert_eq!(pt.map(&mut mem, 0x3000, 0x9000, W), Err(Error::BUSY));
    mem.write_u64(leaf, 0);
    pt.destroy(&mut mem);
    assert_eq!(mem.live(), baseline);
}

#[test]
fn remembered_translation_follows_unmap_and_clear() {
    let (mut mem, mut pt, baseline) = setup();
    let (a, b) = (owned_frame(&mut mem, 1), owned_frame(&mut mem, 2));
    pt.map(&mut mem, 0x5000, a, W).unwrap();
    assert_eq!(pt.translate(&mem, 0x5008), Some((a + 8, W | P | U)));
    assert_eq!(pt.translate(&mem, 0x5010), Some((a + 0x10, W | P | U)));
    assert_eq!(pt.unmap(&mut mem, 0x5000), Some((a, W | P | U)));
    assert_eq!(pt.translate(&mem, 0x5008), None);
    pt.map(&mut mem, 0x5000, b, P | U).unwrap();
    assert_eq!(pt.translate(&mem, 0x5008), Some((b + 8, P | U)));
    assert_eq!(pt.single_page(&mem, 0x5008, 8, true), Err(Error::FAULT));
    let child = pt.fork(&mut mem).unwrap();
    let (copy, _) = child.translate(&mem, 0x5000).unwrap();
    assert_ne!(copy, b);
    child.destroy(&mut mem);
    pt.clear(&mut mem);
    assert_eq!(pt.translate(&mem, 0x5008), None);
    assert_eq!(pt.single_page(&mem, 0x5008, 8, false), Err(Error::FAULT));
    mem.free(a);
    pt.destroy(&mut mem);
    assert_eq!(mem.live(), baseline);
}

#[test]
fn map_out_of_memory_changes_nothing() {
    // Each case: pages mapped first, the page then mapped under a budget,
    // and the number of tables that page needs.
    let cases: [(&[u64], u64, usize); 4] = [
        (&[], 0x40_0000, 3),
        (&[0x40_0000], 0x4000_0000, 2),
        (&[0x40_0000], 0x60_0000, 1),
        (&[0x40_0000], 0x40_5000, 0),
    ];
    for (before, va, needed) in cases {
        for budget in 0..=needed {
            let (mut mem, mut pt, baseline) = setup();
            for &b in before {
                let frame = owned_frame(&mut mem, b);
                pt.map(&mut mem, b, frame, W).unwrap();
            }
            let frame = owned_frame(&mut mem, va);
            let live = mem.live();
            let snapshot = leaves(&mem, &pt);
            mem.set_budget(Some(budget));
            let result = pt.map(&mut mem, va, frame, W);
            mem.set_budget(None);
            if budget < needed {
                assert_eq!(result, Err(Error::NOMEM));
                assert_eq!(mem.live(), live, "va {va:#x} budget {budget}");
                assert_eq!(leaves(&mem, &pt), snapshot);
                assert_eq!(pt.translate(&mem, va), None);
                mem.free(frame);
            } else {
                assert_eq!(result, Ok(()));
                assert_eq!(mem.live(), live + needed);
                assert_eq!(pt.translate(&mem, va), Some((frame, W | P | U)));
            }
            pt.destroy(&mut mem);
            assert_eq!(mem.live(), baseline);
        }
    }
}

#[test]
fn for_each_leaf_visits_in_address_order() {
    let (mut mem, mut pt, baseline) = setup();
    let vas = [
        USER_END - PAGE_SIZE,
        0x1000,
        0x7f_0000_0000,
        0x2000,
        0x40_0000,
        3 << 39,
    ];
    let mut want = Vec::new();
    for (i, &va) in vas.iter().enumerate() {
        let frame = owned_frame(&mut mem, va);
        let flags = user_flags(i % 2 == 0, i % 3 == 0);
        pt.map(&mut mem, va, frame, flags).unwrap();
        want.push((va, frame, flags));
    }
    want.sort();
    assert_eq!(leaves(&mem, &pt), want);
    pt.destroy(&mut mem);
    assert_eq!(mem.live(), baseline);
}

#[test]
fn fork_copies_private_pages_and_shares_device_pages() {
    let (mut mem, mut pt, baseline) = setup();
    let kernel_before = mem.bytes(mem.kernel_root());
    let private = [0x1000, 0x2000, 0x40_0000, 0x7f_ffff_f000, 5 << 39];
    for (i, &va) in private.iter().enumerate() {
        let frame = owned_frame(&mut mem, va);
        pt.map(&mut mem, va, frame, user_flags(i % 2 == 0, i % 3 == 0))
            .unwrap();
    }
    pt.map_device(&mut mem, 0x1000_0000, MMIO, 3 * PAGE_SIZE)
        .unwrap();
    let live = mem.live();

    let mut child = pt.fork(&mut mem).unwrap();
    assert_eq!(
        kernel_half(&mem, child.root()),
        kernel_half(&mem, mem.kernel_root())
    );
    let parent_leaves = leaves(&mem, &pt);
    let child_leaves = leaves(&mem, &child);
    assert_eq!(parent_leaves.len(), private.len() + 3);
    assert_eq!(child_leaves.len(), parent_leaves.len());
    for (&(va, pf, pflags), &(cva, cf, cflags)) in parent_leaves.iter().zip(&child_leaves) {
        assert_eq!((va, pflags), (cva, cflags));
        if pflags.contains(DEVICE) {
            assert_eq!(cf, pf, "device page {va:#x} is shared");
        } else {
            assert_ne!(cf, pf, "private page {va:#x} is copied");
            assert_eq!(mem.bytes(cf), mem.bytes(pf));
        }
    }
    // The copies are independent.
    let (pf, _) = pt.translate(&mem, 0x2000).unwrap();
    let (cf, _) = child.translate(&mem, 0x2000).unwrap();
    mem.fill(pf, 99);
    assert_ne!(mem.bytes(cf), mem.bytes(pf));
    // The child owns as many tables and private frames as the parent.
    let owned = live - baseline;
    assert_eq!(mem.live(), live + owned);
    // Clearing the child leaves the parent intact.
    child.clear(&mut mem);
    assert!(leaves(&mem, &child).is_empty());
    assert_eq!(leaves(&mem, &pt), parent_leaves);
    child.destroy(&mut mem);
    assert_eq!(mem.live(), live);
    pt.destroy(&mut mem);
    assert_eq!(mem.live(), baseline);
    assert_eq!(mem.bytes(mem.kernel_root()), kernel_before);
}

#[test]
fn fork_out_of_memory_frees_the_partial_child() {
    let (mut mem, mut pt, baseline) = setup();
    for (i, va) in [0x1000u64, 0x2000, 0x40_0000, 0x8000_0000, 2 << 39]
        .into_iter()
        .enumerate()
    {
        let frame = owned_frame(&mut mem, i as u64);
        pt.map(&mut mem, va, frame, W).unwrap();
    }
    pt.map_device(&mut mem, 0x3000, MMIO, PAGE_SIZE).unwrap();
    let live = mem.live();
    let snapshot = leaves(&mem, &pt);
    // The child needs as many frames as the parent owns (its PML4, tables
    // and private pages); any fewer must fail cleanly at every point.
    let needed = live - baseline;
    for budget in 0..needed {
        mem.set_budget(Some(budget));
        assert_eq!(pt.fork(&mut mem), Err(Error::NOMEM), "budget {budget}");
        mem.set_budget(None);
        assert_eq!(mem.live(), live, "budget {budget}");
        assert_eq!(leaves(&mem, &pt), snapshot);
    }
    mem.set_budget(Some(needed));
    let child = pt.fork(&mut mem).unwrap();
    mem.set_budget(None);
    assert_eq!(mem.live(), live + needed);
    child.destroy(&mut mem);
    pt.destroy(&mut mem);
    assert_eq!(mem.live(), baseline);
}

#[test]
fn clear_frees_everything_owned_but_device_memory() {
    let (mut mem, mut pt, baseline) = setup();
    let kernel_before = mem.bytes(mem.kernel_root());
    // Device memory backed by frames of the fake, so freeing one would
    // show in the live count.
    let device = [mem.alloc_zeroed().unwrap(), mem.alloc_zeroed().unwrap()];
    let after_device = mem.live();
    for (i, &frame) in device.iter().enumerate() {
        pt.map(
            &mut mem,
            0x7000_0000 + i as u64 * PAGE_SIZE,
            frame,
            DEVICE_FLAGS,
        )
        .unwrap();
    }
    for i in 0..40u64 {
        let frame = owned_frame(&mut mem, i);
        pt.map(
            &mut mem,
            USER_BASE + i * 0x3_0000_1000 % (USER_END - USER_BASE),
            frame,
            W,
        )
        .unwrap();
    }
    pt.map_zeroed(&mut mem, 0x50_0000, 10 * PAGE_SIZE, W)
        .unwrap();
    assert!(mem.live() > after_device + 50);
    pt.clear(&mut mem);
    assert_eq!(mem.live(), after_device, "only the PML4 is left");
    assert!(leaves(&mem, &pt).is_empty());
    assert!(device.iter().all(|&f| mem.is_live(f)));
    assert_eq!(
        kernel_half(&mem, pt.root()),
        kernel_half(&mem, mem.kernel_root())
    );
    // The table is reusable after a clear.
    pt.map(&mut mem, 0x1000, device[0], DEVICE_FLAGS).unwrap();
    pt.clear(&mut mem);
    pt.clear(&mut mem);
    assert_eq!(mem.live(), after_device);
    pt.destroy(&mut mem);
    for f in device {
        mem.free(f);
    }
    assert_eq!(mem.live(), baseline);
    assert_eq!(mem.bytes(mem.kernel_root()), kernel_before);
}

#[test]
fn map_zeroed_fills_holes_and_keeps_mapped_pages() {
    let (mut mem, mut pt, baseline) = setup();
    let existing = owned_frame(&mut mem, 7);
    pt.map(&mut mem, 0x3000, existing, P | U).unwrap();
    // [0x1800, 0x4001) rounds out to pages 0x1000..0x5000.
    pt.map_zeroed(&mut mem, 0x1800, 0x2801, W).unwrap();
    assert_eq!(pt.translate(&mem, 0x3000), Some((existing, P | U)));
    for va in [0x1000, 0x2000, 0x4000] {
        let (frame, flags) = pt.translate(&mem, va).unwrap();
        assert_eq!(flags, W | P | U);
        assert!(mem.bytes(frame).iter().all(|&b| b == 0));
    }
    assert_eq!(pt.translate(&mem, 0x5000), None);
    assert_eq!(
        pt.map_zeroed(&mut mem, 0x1000, PAGE_SIZE, W | DEVICE),
        Err(Error::INVAL)
    );
    assert_eq!(pt.map_zeroed(&mut mem, 0, PAGE_SIZE, W), Err(Error::FAULT));
    assert_eq!(
        pt.map_zeroed(&mut mem, USER_END - PAGE_SIZE, PAGE_SIZE + 1, W),
        Err(Error::FAULT)
    );
    assert_eq!(
        pt.map_zeroed(&mut mem, u64::MAX - 10, 20, W),
        Err(Error::FAULT)
    );
    pt.map_zeroed(&mut mem, 0x9000, 0, W).unwrap();
    assert_eq!(pt.translate(&mem, 0x9000), None);
    pt.destroy(&mut mem);
    assert_eq!(mem.live(), baseline);
}

#[test]
fn map_zeroed_out_of_memory_leaks_nothing() {
    for budget in 0..12 {
        let (mut mem, mut pt, baseline) = setup();
        mem.set_budget(Some(budget));
        // Eight pages across a page-table boundary: 3 + 1 tables + 8 frames.
        let result = pt.map_zeroed(&mut mem, 0x1f_c000, 8 * PAGE_SIZE, W);
        mem.set_budget(None);
        assert_eq!(result, Err(Error::NOMEM));
        // Whatever was mapped is owned by the table and freed with it.
        let mapped = leaves(&mem, &pt).len();
        assert!(mapped < 8);
        pt.destroy(&mut mem);
        assert_eq!(mem.live(), baseline, "budget {budget}");
    }
}

#[test]
fn map_range_is_all_or_nothing() {
    let (mut mem, mut pt, baseline) = setup();
    let frame = owned_frame(&mut mem, 1);
    pt.map(&mut mem, 0x6000, frame, W).unwrap();
    let live = mem.live();
    // One page of the range is taken: nothing is mapped.
    assert_eq!(
        pt.map_range(&mut mem, 0x2000, MMIO, 5, DEVICE_FLAGS),
        Err(Error::BUSY)
    );
    assert_eq!(leaves(&mem, &pt).len(), 1);
    assert_eq!(mem.live(), live);
    // Out of tables midway (the range crosses into a new page table): the
    // pages mapped so far are unmapped again.
    mem.set_budget(Some(0));
    assert_eq!(
        pt.map_range(&mut mem, 0x1f_e000, MMIO, 4, DEVICE_FLAGS),
        Err(Error::NOMEM)
    );
    mem.set_budget(None);
    assert_eq!(leaves(&mem, &pt).len(), 1);
    assert_eq!(mem.live(), live);
    // Bad arguments.
    assert_eq!(
        pt.map_range(&mut mem, 0x2001, MMIO, 1, DEVICE_FLAGS),
        Err(Error::INVAL)
    );
    assert_eq!(
        pt.map_range(&mut mem, 0x2000, MMIO + 1, 1, DEVICE_FLAGS),
        Err(Error::INVAL)
    );
    assert_eq!(
        pt.map_range(&mut mem, 0x2000, !0xfff, 2, DEVICE_FLAGS),
        Err(Error::INVAL)
    );
    assert_eq!(
        pt.map_range(&mut mem, USER_END - PAGE_SIZE, MMIO, 2, DEVICE_FLAGS),
        Err(Error::FAULT)
    );
    assert_eq!(
        pt.map_range(&mut mem, 0x2000, MMIO, u64::MAX, DEVICE_FLAGS),
        Err(Error::FAULT)
    );
    assert_eq!(pt.map_device(&mut mem, 0x2000, MMIO, 0), Err(Error::INVAL));
    // The second frame lies beyond the 52-bit physical range: refused
    // after the first page was mapped, which is unmapped again.
    let last_frame = (1 << 52) - PAGE_SIZE;
    assert_eq!(
        pt.map_range(&mut mem, 0x2000, last_frame, 2, DEVICE_FLAGS),
        Err(Error::INVAL)
    );
    assert_eq!(pt.translate(&mem, 0x2000), None);
    assert_eq!(leaves(&mem, &pt).len(), 1);
    // A partial page of device memory maps the whole page.
    pt.map_device(&mut mem, 0x1000, MMIO, 10).unwrap();
    pt.map_range(&mut mem, 0x2000, MMIO + PAGE_SIZE, 4, DEVICE_FLAGS)
        .unwrap();
    for i in 0..5 {
        assert_eq!(
            pt.translate(&mem, 0x1000 + i * PAGE_SIZE),
            Some((MMIO + i * PAGE_SIZE, DEVICE_FLAGS))
        );
    }
    pt.destroy(&mut mem);
    assert_eq!(mem.live(), baseline);
}

#[test]
fn pieces_of_a_user_buffer() {
    let (mut mem, mut pt, baseline) = setup();
    let [a, b, c] = [1, 2, 3].map(|seed| owned_frame(&mut mem, seed));
    pt.map(&mut mem, 0x1000, a, W).unwrap();
    pt.map(&mut mem, 0x2000, c, W).unwrap();
    pt.map(&mut mem, 0x3000, b, P | U).unwrap();
    let pieces = |write: bool, va: u64, len: u64| {
        let mut got = Vec::new();
        let result = pt.for_each_piece(&mem, va, len, write, |pa, done, n| got.push((pa, done, n)));
        (result, got)
    };
    assert_eq!(
        pieces(false, 0x1ff0, 0x1020),
        (
            Ok(()),
            vec![(a + 0xff0, 0, 0x10), (c, 0x10, 0x1000), (b, 0x1010, 0x10)]
        )
    );
    assert_eq!(
        pieces(true, 0x1ff0, 0x1010),
        (Ok(()), vec![(a + 0xff0, 0, 0x10), (c, 0x10, 0x1000)])
    );
    // A read-only or missing page anywhere fails before any piece is given.
    assert_eq!(pieces(true, 0x1ff0, 0x1020), (Err(Error::FAULT), vec![]));
    assert_eq!(pieces(false, 0x3ff0, 0x20), (Err(Error::FAULT), vec![]));
    assert_eq!(pieces(false, 0xff0, 0x20), (Err(Error::FAULT), vec![]));
    assert_eq!(pieces(false, 0x1800, 0), (Ok(()), vec![]));
    assert_eq!(pieces(false, USER_END - 8, 16), (Err(Error::FAULT), vec![]));
    assert_eq!(pieces(false, 0x2010, 64), (Ok(()), vec![(c + 0x10, 0, 64)]));

    assert_eq!(pt.single_page(&mem, 0x2010, 64, true), Ok(Some(c + 0x10)));
    assert_eq!(pt.single_page(&mem, 0x3fc0, 64, false), Ok(Some(b + 0xfc0)));
    assert_eq!(pt.single_page(&mem, 0x3fc0, 64, true), Err(Error::FAULT));
    assert_eq!(pt.single_page(&mem, 0x2fe0, 64, false), Ok(None));
    assert_eq!(pt.single_page(&mem, 0x2fe0, 64, true), Err(Error::FAULT));
    assert_eq!(pt.single_page(&mem, 0x3fe0, 64, false), Err(Error::FAULT));
    assert_eq!(pt.single_page(&mem, 0x2000, 0, true), Ok(None));
    assert_eq!(pt.single_page(&mem, 0, 64, false), Err(Error::FAULT));
    assert_eq!(
        pt.single_page(&mem, u64::MAX - 8, 64, false),
        Err(Error::FAULT)
    );
    pt.destroy(&mut mem);
    assert_eq!(mem.live(), baseline);
}

#[test]
fn copies_never_reach_device_pages() {
    let (mut mem, mut pt, baseline) = setup();
    let ram = owned_frame(&mut mem, 4);
    pt.map(&mut mem, 0x1000, ram, W).unwrap();
    // Physical addresses the direct map cannot hold: 4 GiB, 2^47 (which
    // would wrap into the user half), 2^48, and the LAPIC's page.
    let devices = [0x1_0000_0000, 1 << 47, 1 << 48, 0xfee0_0000];
    for (i, &phys) in devices.iter().enumerate() {
        let va = 0x10_0000 + i as u64 * 0x1_0000;
        pt.map_device(&mut mem, va, phys, PAGE_SIZE).unwrap();
        // The page is there for the process itself...
        assert_eq!(pt.translate(&mem, va), Some((phys, DEVICE_FLAGS)));
        // ...but no walk the kernel copies through reports it.
        for write in [false, true] {
            assert_eq!(pt.single_page(&mem, va, 48, write), Err(Error::FAULT));
            assert_eq!(pt.single_page(&mem, va + 0xff0, 0x20, write), Err(Error::FAULT));
            let mut called = false;
            assert_eq!(
                pt.for_each_piece(&mem, va, 64, write, |_, _, _| called = true),
                Err(Error::FAULT)
            );
            assert!(!called, "no piece of a device page is handed out");
        }
        // A buffer that starts in RAM and runs into a device page fails
        // as a whole, before any piece is given.
        let below = owned_frame(&mut mem, i as u64 + 10);
        pt.map(&mut mem, va - PAGE_SIZE, below, W).unwrap();
        let mut pieces = 0;
        assert_eq!(
            pt.for_each_piece(&mem, va - 16, 32, false, |_, _, _| pieces += 1),
            Err(Error::FAULT)
        );
        assert_eq!(pieces, 0);
    }
    // RAM pages still work.
    assert_eq!(pt.single_page(&mem, 0x1010, 48, true), Ok(Some(ram + 0x10)));
    pt.destroy(&mut mem);
    assert_eq!(mem.live(), baseline);
}
