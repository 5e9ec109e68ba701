//! The argument block a program starts with: `NAME\0REST`, where REST is
//! the kernel command line for boot servers, or the arguments exec gave.

/// The program's arguments.
pub struct Args {
    bytes: &'static [u8],
}

impl Args {
    /// Wraps the block the kernel placed on our stack.
    ///
    /// # Safety
    /// `ptr` is null or points to `len` bytes that stay valid and unchanged
    /// for the program's life (what the kernel passes to `_start`).
    pub unsafe fn from_start(ptr: *const u8, len: usize) -> Args {
        let bytes = if ptr.is_null() || len == 0 {
            &[][..]
        } else {
            // SAFETY: the caller's promise: the kernel copied `len` bytes to
            // `ptr` at the top of our stack, above anything the program
            // will ever pop.
            unsafe { core::slice::from_raw_parts(ptr, len) }
        };
        Args { bytes }
    }

    /// The program's (or boot server's) name.
    pub fn name(&self) -> &str {
        let end = self.bytes.iter().position(|&b| b == 0).unwrap_or(self.bytes.len());
        core::str::from_utf8(&self.bytes[..end]).unwrap_or("")
    }

    /// Everything after the name.
    pub fn rest(&self) -> &str {
        match self.bytes.iter().position(|&b| b == 0) {
            Some(i) => core::str::from_utf8(&self.bytes[i + 1..]).unwrap_or(""),
            None => "",
        }
    }

    /// The value of `key=value` in the rest, or `Some("")` for bare `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.rest().split_ascii_whitespace().find_map(|w| match w.split_once('=') {
            Some((k, v)) if k == key => Some(v),
            None if w == key => Some(""),
            _ => None,
        })
    }
}
