//! Runs the file-system benchmark without the root binary:
//! `cargo run --release -p molt-vfs --example bench_fs`
//! (the same as `cargo run --release -- bench fs`).
fn main() {
    std::process::exit(molt_vfs::bench_main());
}
