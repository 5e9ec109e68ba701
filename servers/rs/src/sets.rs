//! Small fixed-capacity sets of endpoints and table indexes, so rs
//! needs no heap.
use molt_abi::Endpoint;

const CAP: usize = 256;

pub struct Set {
    items: [u32; CAP],
    len: usize,
}

impl Set {
    pub fn contains(&self, ep: Endpoint) -> bool {
        self.items[..self.len].contains(&ep.0)
    }

    pub fn iter(&self) -> impl Iterator<Item = Endpoint> + '_ {
        self.items[..self.len].iter().map(|&e| Endpoint(e))
    }
}

impl FromIterator<Endpoint> for Set {
    fn from_iter<I: IntoIterator<Item = Endpoint>>(iter: I) -> Set {
        let mut s = Set { items: [0; CAP], len: 0 };
        for e in iter.into_iter().take(CAP) {
            s.items[s.len] = e.0;
            s.len += 1;
        }
        s
    }
}

pub struct Indexes {
    items: [usize; 64],
    len: usize,
}

impl Indexes {
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.items[..self.len].iter().copied()
    }
}

impl FromIterator<usize> for Indexes {
    fn from_iter<I: IntoIterator<Item = usize>>(iter: I) -> Indexes {
        let mut s = Indexes { items: [0; 64], len: 0 };
        for i in iter.into_iter().take(64) {
            s.items[s.len] = i;
            s.len += 1;
        }
        s
    }
}

/// Every endpoint the kernel's process table holds that is not a zombie.
pub fn live_endpoints() -> Set {
    let mut index = 0;
    let mut s = Set { items: [0; CAP], len: 0 };
    while let Ok((info, next)) = molt_rt::kcall::proc_info(index) {
        if info.state != 3 && s.len < CAP {
            s.items[s.len] = info.endpoint;
            s.len += 1;
        }
        index = next;
    }
    s
}
