//! molt-cli: what every `molt` command shares, so that the host tool speaks
//! one language whichever crate implements a command (the root package,
//! `molt-vfs` for `molt fs`, `molt-net` for `molt net`):
//!
//! - sizes are written the same way everywhere ([`parse_size`]: 64M, 1G);
//! - exit statuses mean the same everywhere (0 success, 1 failure, 2 usage
//!   error; [`status`]), and every help page says so ([`after_help!`]);
//! - long work shows progress on a terminal and nothing in a pipe or under
//!   CI ([`Progress`]).
//!
//! The command definitions themselves are clap derives next to the code
//! they run; this crate has no clap dependency, only the pieces they share.
#![forbid(unsafe_code)]

pub mod progress;
pub mod size;
pub mod status;

pub use progress::Progress;
pub use size::parse_size;
