//! Error codes. A system call returns a non-negative value on success and
//! `-(code)` on failure; servers put the same codes in reply messages.

macro_rules! errors {
    ($( $(#[$doc:meta])* $name:ident = $code:literal, $text:literal; )*) => {
        /// Every error the kernel and the servers report.
        #[derive(Clone, Copy, PartialEq, Eq, Debug)]
        #[repr(u32)]
        pub enum Error { $( $(#[$doc])* $name = $code, )* }

        impl Error {
            /// Every error, in code order.
            pub const ALL: &'static [Error] = &[$(Error::$name),*];

            /// Decodes a positive error code.
            pub const fn from_code(code: u32) -> Option<Error> {
                match code { $( $code => Some(Error::$name), )* _ => None }
            }

            /// The symbolic name, as C sees it without the `E_` prefix.
            pub const fn name(self) -> &'static str {
                match self { $( Error::$name => stringify!($name), )* }
            }

            /// One line saying what went wrong.
            pub const fn text(self) -> &'static str {
                match self { $( Error::$name => $text, )* }
            }
        }
    };
}

errors! {
    /// An argument is out of range or malformed.
    INVAL = 1, "invalid argument";
    /// The caller's privilege record does not allow this.
    PERM = 2, "operation not permitted by the caller's privileges";
    /// A user pointer or length does not lie in the caller's memory.
    FAULT = 3, "bad address";
    /// The destination endpoint is dead, or belongs to an earlier generation.
    DEADSRCDST = 4, "endpoint is dead or stale";
    /// Blocking would close a cycle of processes waiting to send.
    DEADLK = 5, "send would deadlock";
    /// Out of memory or table slots.
    NOMEM = 6, "out of memory";
    /// No such system call or kernel call.
    NOSYS = 7, "no such call";
    /// A non-blocking operation would have had to block.
    AGAIN = 8, "resource temporarily unavailable";
    /// No such process.
    SRCH = 9, "no such process";
    /// The grant does not exist, was revoked, or names someone else.
    BADGRANT = 10, "bad or revoked grant";
    /// The copy lies outside the granted range or needs rights it lacks.
    GRANTRANGE = 11, "copy outside the grant or without the right";
    /// The caller has no children to wait for.
    CHILD = 12, "no child processes";
    /// The executable image is malformed.
    NOEXEC = 13, "bad executable image";
    /// The receiver is not waiting for a reply from the caller.
    NOTWAITING = 14, "peer is not waiting for this reply";
    /// A name service lookup failed.
    NOENT = 15, "no such name";
    /// The resource is in use.
    BUSY = 16, "resource busy";
    /// A blocking call was interrupted by a signal.
    INTR = 17, "interrupted by a signal";
}

impl Error {
    /// The value a system call returns for this error.
    pub const fn to_ret(self) -> isize {
        -(self as u32 as isize)
    }

    /// Splits a system-call return value into success or error.
    pub fn from_ret(ret: isize) -> Result<usize, Error> {
        if ret >= 0 {
            Ok(ret as usize)
        } else {
            let code = ret.unsigned_abs();
            Err(u32::try_from(code).ok().and_then(Error::from_code).unwrap_or(Error::INVAL))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_through_return_values() {
        for &e in Error::ALL {
            assert_eq!(Error::from_ret(e.to_ret()), Err(e));
        }
        assert_eq!(Error::from_ret(42), Ok(42));
        assert_eq!(Error::from_ret(isize::MIN), Err(Error::INVAL));
    }
}
