//! `molt-net-node`: a hosted stack process, the tests' way to run
//! `molt net node ...` (or `molt net serve ...`, when the first argument is
//! `serve`) without the whole molt tool.
#![forbid(unsafe_code)]

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) != Some("serve") {
        args.insert(0, "node".into());
    }
    std::process::exit(molt_net::cli_main(args));
}
