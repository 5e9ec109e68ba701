//! Links the program without debug information when it is built for the
//! machine: exec copies whole boot modules, so every byte of DWARF would
//! be copied on every exec. (Host unit-test builds keep theirs.)
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var("TARGET").is_ok_and(|t| t.ends_with("-none")) {
        println!("cargo:rustc-link-arg-bins=--strip-debug");
    }
}
