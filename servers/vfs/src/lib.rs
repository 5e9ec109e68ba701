//! The vfs subsystem server crate.

/// Entry point of `molt vfs ...`; returns the process exit status.
pub fn cli_main(args: Vec<String>) -> i32 {
    eprintln!("molt vfs: {:?}: ENOSYS: not built yet", args);
    2
}
