//! `molt-net-node`: a hosted stack process driven on stdin; the tests'
//! way to run `molt net node` without the whole molt tool.
#![forbid(unsafe_code)]

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    args.insert(0, "node".into());
    std::process::exit(molt_net::cli_main(args));
}
