//! Links the program without debug information: exec copies whole boot
//! modules, so every byte of DWARF would be copied on every exec.
fn main() {
    println!("cargo:rustc-link-arg-bins=--strip-debug");
}
