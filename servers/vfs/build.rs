//! Builds the BSD VFS and FFS for this crate: generates vnode_if.h/.c from
//! bsd/sys/kern/vnode_if.src, compiles bsd/sys/kern (the VFS part),
//! bsd/sys/ufs and bsd/sys/miscfs with the shims' flags and symbol prefix,
//! and generates the Rust view of the VFS headers.
use std::path::PathBuf;

#[path = "build/vnode_if.rs"]
mod vnode_if;

fn main() {
    let sys = molt_shims_build::bsd_sys_dir();
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    let include = out.join("include");
    std::fs::create_dir_all(include.join("sys")).unwrap();

    let src_path = sys.join("kern/vnode_if.src");
    let src = std::fs::read_to_string(&src_path).expect("vnode_if.src");
    let ops = vnode_if::parse(&src);
    std::fs::write(include.join("sys/vnode_if.h"), vnode_if::header(&ops)).unwrap();
    std::fs::write(out.join("vnode_if.c"), vnode_if::source(&ops)).unwrap();
    println!("cargo:rerun-if-changed={}", src_path.display());
    println!("cargo:rerun-if-changed=build/vnode_if.rs");

    let kern = sys.join("kern");
    let mut sources: Vec<PathBuf> = molt_shims_build::c_files(&kern)
        .into_iter()
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            name.starts_with("vfs_") || name == "kern_descrip.c" || name == "sys_generic.c"
        })
        .collect();
    sources.extend(molt_shims_build::c_files(&sys.join("ufs/ufs")));
    sources.extend(molt_shims_build::c_files(&sys.join("ufs/ffs")));
    sources.extend(molt_shims_build::c_files(&sys.join("miscfs/specfs")));
    sources.push(out.join("vnode_if.c"));
    let mut cc = molt_shims_build::bsd_cc();
    cc.include(&include);
    for dir in ["sys", "ufs/ufs", "ufs/ffs", "miscfs/specfs"] {
        println!("cargo:rerun-if-changed={}", sys.join(dir).display());
    }
    molt_shims_build::compile_prefixed(cc, "molt_bsd_vfs", &sources);

    let header = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/bsd_vfs.h");
    molt_shims_build::subsystem_bindings(&header, "bsd_vfs.rs", |b| {
        b.clang_arg(format!("-I{}", include.display()))
            .allowlist_file(format!("{}/.*", sys.display()))
            .allowlist_file(format!("{}/.*", include.display()))
    });
}
