//! Compiles the common C of bsd/sys/kern that every subsystem needs
//! (formatted output, uiomove, the clock variables, proc0, posting
//! signals, selrecord/selwakeup) and generates the Rust view of the common
//! headers (`molt_shims::bsd`).
use std::path::PathBuf;

fn main() {
    let sys = molt_shims_build::bsd_sys_dir();
    let kern = sys.join("kern");
    let sources: Vec<PathBuf> = ["subr_prf.c", "kern_subr.c", "kern_clock.c", "kern_proc.c", "kern_sig.c", "sys_select.c"]
        .iter()
        .map(|f| kern.join(f))
        .collect();
    molt_shims_build::compile_prefixed(molt_shims_build::bsd_cc(), "molt_bsd_common", &sources);

    let header = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/bsd_common.h");
    let sys_dir = sys.join("sys").display().to_string();
    let bindings = molt_shims_build::bindgen_builder()
        .header(header.display().to_string())
        .allowlist_file(format!("{sys_dir}/.*"))
        .generate()
        .expect("bindgen runs on the common headers");
    molt_shims_build::write_bindings(bindings, "bsd_common.rs");
    println!("cargo:rerun-if-changed={}", header.display());
    println!("cargo:rerun-if-changed={sys_dir}");
}
