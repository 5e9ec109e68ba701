//! Compiles the common C of bsd/sys/kern and bsd/sys/libkern that every
//! subsystem needs (formatted output, uiomove, hashinit, the clock
//! variables, lockmgr, proc0, posting signals, sleep, the sysctl helpers,
//! selrecord/selwakeup, the switch-table stock answers, scanc/skpc/strcat,
//! insque/remque) and generates the Rust view of the common headers
//! (`molt_shims::bsd`).
use std::path::PathBuf;

fn main() {
    let sys = molt_shims_build::bsd_sys_dir();
    let kern = sys.join("kern");
    let common = [
        "subr_prf.c",
        "subr_xxx.c",
        "kern_subr.c",
        "kern_clock.c",
        "kern_lock.c",
        "kern_proc.c",
        "kern_sig.c",
        "kern_synch.c",
        "kern_sysctl.c",
        "sys_select.c",
    ];
    let mut sources: Vec<PathBuf> = common.iter().map(|f| kern.join(f)).collect();
    sources.extend(molt_shims_build::c_files(&sys.join("libkern")));
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
    println!("cargo:rerun-if-changed={}", sys.join("libkern").display());
}
