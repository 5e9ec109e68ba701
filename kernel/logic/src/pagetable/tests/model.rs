//! A randomized differential test: the same random operations on a
//! [`UserPageTable`] and on a plain model (a map from page to frame and
//! flags, plus the set of intermediate tables that must exist), compared
//! after every step, down to the fake memory's live-frame count. Memory
//! budgets are drawn at random, so `NOMEM` strikes at every point.

use super::*;
use crate::testrng::Rng;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Default)]
struct Model {
    pages: BTreeMap<u64, (u64, PageTableFlags)>,
    /// Intermediate tables: (level, va >> bits that level covers), level 3
    /// being a PDPT and 1 a page table.
    tables: BTreeSet<(u32, u64)>,
}

impl Model {
    fn table_keys(va: u64) -> [(u32, u64); 3] {
        [1, 2, 3].map(|level| (level, va >> (12 + 9 * level)))
    }

    /// Intermediate tables a new mapping at `va` must allocate.
    fn missing_tables(&self, va: u64) -> usize {
        Model::table_keys(va)
            .iter()
            .filter(|k| !self.tables.contains(k))
            .count()
    }

    fn insert(&mut self, va: u64, frame: u64, flags: PageTableFlags) {
        self.pages.insert(va, (frame, flags));
        self.tables.extend(Model::table_keys(va));
    }

    /// Frames the table owns: PML4, tables, private pages.
    fn owned_frames(&self) -> usize {
        let private = self
            .pages
            .values()
            .filter(|(_, f)| !f.contains(DEVICE))
            .count();
        1 + self.tables.len() + private
    }
}

fn valid(va: u64) -> bool {
    (USER_BASE..USER_END).contains(&va)
}

/// A page address, clustered around table boundaries, now and then outside
/// user space.
fn random_page(rng: &mut Rng) -> u64 {
    const REGIONS: [u64; 6] = [
        USER_BASE,
        0x40_0000,
        0x1f_8000,      // crosses a page-table boundary
        0x7f_ffff_8000, // crosses a PML4-entry boundary
        3 << 39,
        USER_END - 16 * PAGE_SIZE,
    ];
    if rng.below(25) == 0 {
        let bad = [
            0,
            USER_END,
            USER_END + rng.below(1 << 20) * PAGE_SIZE,
            0xffff_8000_0000_0000 + rng.below(64) * PAGE_SIZE,
        ];
        return bad[rng.below(4) as usize];
    }
    REGIONS[rng.below(REGIONS.len() as u64) as usize] + rng.below(16) * PAGE_SIZE
}

fn random_flags(rng: &mut Rng) -> PageTableFlags {
    let extras = [
        PageTableFlags::WRITE_THROUGH,
        PageTableFlags::NO_CACHE,
        PageTableFlags::ACCESSED,
        PageTableFlags::DIRTY,
        PageTableFlags::BIT_10,
        PageTableFlags::BIT_11,
        PageTableFlags::BIT_52,
    ];
    let mut flags = user_flags(rng.below(2) == 0, rng.below(2) == 0);
    for f in extras {
        if rng.below(4) == 0 {
            flags |= f;
        }
    }
    flags
}

/// No limit most of the time, otherwise room for a few frames.
fn random_budget(rng: &mut Rng) -> Option<usize> {
    (rng.below(3) == 0).then(|| rng.below(5) as usize)
}

/// Drives one random session; see the module comment.
struct Session {
    rng: Rng,
    mem: FakeMem,
    pt: UserPageTable,
    model: Model,
    /// How often each interesting outcome happened, to check coverage.
    seen: BTreeMap<String, usize>,
}

impl Session {
    fn saw(&mut self, what: &str, outcome: Result<(), Error>) {
        let key = format!("{what} {}", outcome.err().map_or("ok", Error::name));
        *self.seen.entry(key).or_default() += 1;
    }

    fn map_owned(&mut self) {
        let va = random_page(&mut self.rng);
        let flags = random_flags(&mut self.rng);
        let frame = owned_frame(&mut self.mem, va);
        let budget = random_budget(&mut self.rng);
        let want = if !valid(va) {
            Err(Error::FAULT)
        } else if self.model.pages.contains_key(&va) {
            Err(Error::BUSY)
        } else if budget.is_some_and(|b| b < self.model.missing_tables(va)) {
            Err(Error::NOMEM)
        } else {
            Ok(())
        };
        self.mem.set_budget(budget);
        let got = self.pt.map(&mut self.mem, va, frame, flags);
        self.mem.set_budget(None);
        assert_eq!(got, want, "map {va:#x}");
        self.saw("map", got);
        if got.is_ok() {
            self.model.insert(va, frame, flags | P | U);
        } else {
            self.mem.free(frame);
        }
    }

    fn map_device(&mut self) {
        let va = random_page(&mut self.rng);
        let pages = 1 + self.rng.below(3);
        let phys = MMIO + self.rng.below(64) * PAGE_SIZE;
        let budget = random_budget(&mut self.rng);
        let span: Vec<u64> = (0..pages).map(|i| va.wrapping_add(i * PAGE_SIZE)).collect();
        // Pages are mapped in order, each with all its missing tables or
        // none; on NOMEM the pages are unmapped again but the tables stay.
        let mut tables = self.model.tables.clone();
        let want = if !span.iter().all(|&p| valid(p)) {
            Err(Error::FAULT)
        } else if span.iter().any(|p| self.model.pages.contains_key(p)) {
            Err(Error::BUSY)
        } else {
            let mut left = budget;
            let mut outcome = Ok(());
            for &page in &span {
                let missing: Vec<_> = Model::table_keys(page)
                    .into_iter()
                    .filter(|k| !tables.contains(k))
                    .collect();
                if let Some(l) = left {
                    if l < missing.len() {
                        outcome = Err(Error::NOMEM);
                        break;
                    }
                    left = Some(l - missing.len());
                }
                tables.extend(missing);
            }
            outcome
        };
        self.mem.set_budget(budget);
        let got = self
            .pt
            .map_device(&mut self.mem, va, phys, pages * PAGE_SIZE);
        self.mem.set_budget(None);
        assert_eq!(got, want, "map_device {va:#x} x{pages}");
        self.saw("map_device", got);
        self.model.tables = tables;
        if got.is_ok() {
            for (i, &page) in span.iter().enumerate() {
                self.model
                    .insert(page, phys + i as u64 * PAGE_SIZE, DEVICE_FLAGS);
            }
        }
    }

    fn map_zeroed(&mut self) {
        let va = random_page(&mut self.rng) + self.rng.below(PAGE_SIZE);
        let len = self.rng.below(3 * PAGE_SIZE);
        let flags = random_flags(&mut self.rng);
        let budget = random_budget(&mut self.rng);
        self.mem.set_budget(budget);
        let got = self.pt.map_zeroed(&mut self.mem, va, len, flags);
        self.mem.set_budget(None);
        self.saw("map_zeroed", got);
        let in_range = va
            .checked_add(len)
            .is_some_and(|end| valid(va) && end <= USER_END);
        if !in_range {
            assert_eq!(got, Err(Error::FAULT));
            return;
        }
        let mut page = va & !0xfff;
        while page < va + len {
            match (
                self.model.pages.get(&page),
                self.pt.translate(&self.mem, page),
            ) {
                (Some(&old), now) => assert_eq!(now, Some(old), "map_zeroed kept {page:#x}"),
                (None, Some((frame, got_flags))) => {
                    assert_eq!(got_flags, flags | P | U);
                    assert!(self.mem.bytes(frame).iter().all(|&b| b == 0));
                    self.model.insert(page, frame, got_flags);
                }
                (None, None) => assert_eq!(got, Err(Error::NOMEM), "map_zeroed skipped {page:#x}"),
            }
            page += PAGE_SIZE;
        }
    }

    fn unmap(&mut self) {
        let va = match self
            .model
            .pages
            .keys()
            .nth(self.rng.below(self.model.pages.len() as u64 + 1) as usize)
        {
            Some(&va) if self.rng.below(4) != 0 => va,
            _ => random_page(&mut self.rng),
        };
        let got = self.pt.unmap(&mut self.mem, va + self.rng.below(PAGE_SIZE));
        let want = self.model.pages.remove(&va);
        assert_eq!(got, want, "unmap {va:#x}");
        self.saw("unmap", got.map(drop).ok_or(Error::FAULT));
        if let Some((frame, flags)) = got {
            if !flags.contains(DEVICE) {
                self.mem.free(frame);
            }
        }
    }

    fn translate(&mut self) {
        let va = random_page(&mut self.rng);
        let offset = self.rng.below(PAGE_SIZE);
        let want = self
            .model
            .pages
            .get(&va)
            .map(|&(frame, flags)| (frame + offset, flags));
        assert_eq!(
            self.pt.translate(&self.mem, va + offset),
            want,
            "translate {va:#x}"
        );
    }

    fn fork(&mut self) {
        let budget = random_budget(&mut self.rng).map(|b| b * self.model.owned_frames() / 4);
        let live = self.mem.live();
        self.mem.set_budget(budget);
        let got = self.pt.fork(&mut self.mem);
        self.mem.set_budget(None);
        self.saw("fork", got.as_ref().map(drop).map_err(|e| *e));
        match got {
            Err(e) => {
                assert_eq!(e, Error::NOMEM);
                assert!(budget.is_some_and(|b| b < self.model.owned_frames()));
                assert_eq!(self.mem.live(), live);
            }
            Ok(child) => {
                assert!(budget.is_none_or(|b| b >= self.model.owned_frames()));
                assert_eq!(self.mem.live(), live + self.model.owned_frames());
                assert_eq!(
                    kernel_half(&self.mem, child.root()),
                    kernel_half(&self.mem, self.mem.kernel_root())
                );
                let copied = leaves(&self.mem, &child);
                assert_eq!(copied.len(), self.model.pages.len());
                for ((va, frame, flags), (&mva, &(mframe, mflags))) in
                    copied.into_iter().zip(&self.model.pages)
                {
                    assert_eq!((va, flags), (mva, mflags));
                    if flags.contains(DEVICE) {
                        assert_eq!(frame, mframe);
                    } else {
                        assert_ne!(frame, mframe);
                        assert_eq!(self.mem.bytes(frame), self.mem.bytes(mframe));
                    }
                }
                child.destroy(&mut self.mem);
                assert_eq!(self.mem.live(), live);
            }
        }
    }

    fn clear(&mut self) {
        self.pt.clear(&mut self.mem);
        self.model = Model::default();
    }

    fn check_all(&self) {
        let want: Vec<_> = self
            .model
            .pages
            .iter()
            .map(|(&va, &(frame, flags))| (va, frame, flags))
            .collect();
        assert_eq!(leaves(&self.mem, &self.pt), want);
    }
}

fn run(seed: u64, steps: usize) {
    let (mem, pt, baseline) = setup();
    let kernel_before = mem.bytes(mem.kernel_root());
    let mut s = Session {
        rng: Rng::new(seed),
        mem,
        pt,
        model: Model::default(),
        seen: BTreeMap::new(),
    };
    for step in 0..steps {
        match s.rng.below(100) {
            0..35 => s.map_owned(),
            35..42 => s.map_device(),
            42..50 => s.map_zeroed(),
            50..68 => s.unmap(),
            68..90 => s.translate(),
            90..93 => s.fork(),
            93..94 => s.clear(),
            _ => s.check_all(),
        }
        assert_eq!(
            s.mem.live(),
            baseline + s.model.owned_frames(),
            "seed {seed} step {step}"
        );
    }
    s.check_all();
    s.pt.destroy(&mut s.mem);
    assert_eq!(s.mem.live(), baseline);
    assert_eq!(s.mem.bytes(s.mem.kernel_root()), kernel_before);
    let wanted = [
        "map ok",
        "map BUSY",
        "map FAULT",
        "map NOMEM",
        "map_device ok",
        "map_device BUSY",
        "map_device FAULT",
        "map_device NOMEM",
        "map_zeroed ok",
        "map_zeroed FAULT",
        "map_zeroed NOMEM",
        "unmap ok",
        "unmap FAULT",
        "fork ok",
        "fork NOMEM",
    ];
    for outcome in wanted {
        assert!(
            s.seen.contains_key(outcome),
            "seed {seed} never saw {outcome}: {:?}",
            s.seen
        );
    }
}

#[test]
fn random_operations_match_the_model() {
    for seed in 1..=6 {
        run(seed, 5000);
    }
}
