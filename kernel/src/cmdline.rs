//! The kernel command line (`-append`): space-separated `key=value` words.

/// Longest command line kept; the rest is ignored.
pub const MAX_CMDLINE: usize = 512;

pub struct Cmdline {
    bytes: [u8; MAX_CMDLINE],
    len: usize,
}

impl Cmdline {
    pub const fn empty() -> Cmdline {
        Cmdline { bytes: [0; MAX_CMDLINE], len: 0 }
    }

    /// Keeps a copy of the bytes up to the first NUL, if they are UTF-8.
    pub fn from_bytes(raw: &[u8]) -> Cmdline {
        let mut c = Cmdline::empty();
        let end = raw.iter().position(|&b| b == 0).unwrap_or(raw.len()).min(MAX_CMDLINE);
        if core::str::from_utf8(&raw[..end]).is_ok() {
            c.bytes[..end].copy_from_slice(&raw[..end]);
            c.len = end;
        }
        c
    }

    pub fn as_str(&self) -> &str {
        core::str::from_utf8(&self.bytes[..self.len]).unwrap_or("")
    }

    /// The value of `key=value`, or `Some("")` for a bare `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.as_str().split_ascii_whitespace().find_map(|word| match word.split_once('=') {
            Some((k, v)) if k == key => Some(v),
            None if word == key => Some(""),
            _ => None,
        })
    }
}
