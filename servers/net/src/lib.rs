//! The net subsystem server crate.

/// Entry point of `molt net ...`; returns the process exit status.
pub fn cli_main(args: Vec<String>) -> i32 {
    eprintln!("molt net: {:?}: ENOSYS: not built yet", args);
    2
}
