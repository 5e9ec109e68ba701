//! `molt-net-node`: a hosted stack process, the tests' way to run
//! `molt net node ...` (or `molt net serve ...`, when the first argument is
//! `serve`) without the whole molt tool.
#![forbid(unsafe_code)]

fn main() {
    std::process::exit(molt_net::cli::node_program_main(std::env::args().skip(1).collect()));
}
