//! Pure kernel logic, free of hardware: it builds for `x86_64-unknown-none`
//! inside the kernel and for the host, where its unit tests run.
#![cfg_attr(not(any(test, feature = "std")), no_std)]
#![forbid(unsafe_code)]
