//! Compiles the C half of the fork bomb (src/bomb.c, which calls the
//! historic `kern_fork`) with clang for the bare machine and links it in
//! (src/image.rs links every program without debug information).
use std::path::PathBuf;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src/bomb.c");
    println!("cargo:rerun-if-changed=../../rt/include/molt/kern_proc.h");
    if !std::env::var("TARGET").is_ok_and(|t| t.ends_with("-none")) {
        return;
    }
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("bomb.o");
    let status = Command::new(std::env::var("CLANG").unwrap_or_else(|_| "clang".into()))
        .args(["--target=x86_64-unknown-none", "-ffreestanding", "-fno-pic", "-fno-stack-protector", "-O2", "-Wall", "-Werror"])
        .args(["-I", "../../rt/include", "-c", "src/bomb.c", "-o"])
        .arg(&out)
        .status()
        .expect("clang runs (tests/setup.sh installs it)");
    assert!(status.success(), "compiling src/bomb.c failed");
    println!("cargo:rustc-link-arg-bins={}", out.display());
}
