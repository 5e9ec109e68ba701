//! Build-script helper for every crate that compiles bsd/ C code.
//!
//! One place decides how BSD C is compiled and how its symbols meet the
//! Rust side, so the vfs and net subsystems (and later the server and kernel
//! placements) cannot drift apart:
//!
//! * [`Placement`] is the target switch: one source tree, several builds.
//!   It is read from the build script's environment (`TARGET`, the crate's
//!   `kernel` feature): hosted for a host target, server for
//!   `x86_64-unknown-none`, kernel for `x86_64-unknown-none` with the
//!   `kernel` feature (the monolithic build, a later issue).
//! * [`bsd_cc`] returns a `cc::Build` with the freestanding flags
//!   (`-ffreestanding -nostdinc -fno-builtin`, include path `bsd/sys`,
//!   `-D_KERNEL`, warnings as errors) and no libc in sight, plus the
//!   placement's own: position-independent for hosted; for Molt no red
//!   zone, no SSE/x87 (`-mgeneral-regs-only`), static, and the code model
//!   of the Rust code it links with (`small` for user programs, as
//!   src/image.rs builds them; `kernel` for the kernel).
//! * [`compile_prefixed`] compiles the sources into a static archive and
//!   renames every symbol in it to `bsd_<name>` (what rump does with
//!   `rumpns_`), so BSD names such as `malloc`, `printf`, `time` or `bcopy`
//!   never collide with the host C library of a hosted process.
//! * [`bindgen_builder`] returns a `bindgen::Builder` that sees the same
//!   headers with the same defines, and whose extern items link to the
//!   prefixed names.
//! * [`subsystem_bindings`] generates a subsystem crate's own bindings,
//!   leaving out every item that the common headers already define (those
//!   come from `molt_shims::bsd`).
//! * [`historic`]: `MOLT_BSD_OVERRIDE` substitutes a user's historic
//!   sources for ours in every one of these builds.
#![forbid(unsafe_code)]

pub mod historic;

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The prefix given to every symbol of compiled bsd/ code.
pub const SYMBOL_PREFIX: &str = "bsd_";

/// The repository's `bsd/sys` directory (the C include root).
pub fn bsd_sys_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bsd/sys").canonicalize().expect("bsd/sys exists")
}

/// Where the C being built will run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placement {
    /// A Linux process (tests, tools).
    Hosted,
    /// A Molt user-space server (ring 3, `x86_64-unknown-none`).
    Server,
    /// The Molt kernel (ring 0, `x86_64-unknown-none`, the monolithic build).
    Kernel,
}

impl Placement {
    /// The placement of the crate whose build script is running.
    pub fn from_env() -> Placement {
        let target = env::var("TARGET").unwrap_or_default();
        if !target.ends_with("-none") {
            Placement::Hosted
        } else if env::var_os("CARGO_FEATURE_KERNEL").is_some() {
            Placement::Kernel
        } else {
            Placement::Server
        }
    }

    /// The define the C sees (`MOLT_HOSTED`, `MOLT_SERVER`, `MOLT_KERNEL`).
    pub fn define(self) -> &'static str {
        match self {
            Placement::Hosted => "-DMOLT_HOSTED",
            Placement::Server => "-DMOLT_SERVER",
            Placement::Kernel => "-DMOLT_KERNEL",
        }
    }

    /// Code-generation flags of this placement.
    fn codegen(self) -> &'static [&'static str] {
        const MOLT: [&str; 4] = ["-mno-red-zone", "-mgeneral-regs-only", "-fno-pic", "-fno-pie"];
        match self {
            Placement::Hosted => &["-fPIC"],
            Placement::Server => &[MOLT[0], MOLT[1], MOLT[2], MOLT[3], "-mcmodel=small"],
            Placement::Kernel => &[MOLT[0], MOLT[1], MOLT[2], MOLT[3], "-mcmodel=kernel"],
        }
    }
}

/// The flags every bsd/ translation unit of this build is compiled with.
pub fn cflags() -> Vec<String> {
    cflags_for(Placement::from_env())
}

/// The flags for bsd/ C code built for `placement`.
pub fn cflags_for(placement: Placement) -> Vec<String> {
    let sys = bsd_sys_dir();
    let mut flags: Vec<String> = vec![
        "-std=gnu11".into(),
        "-ffreestanding".into(),
        "-nostdinc".into(),
        "-fno-builtin".into(),
        "-fno-stack-protector".into(),
        "-fno-strict-aliasing".into(),
        "-fno-common".into(),
        "-D_KERNEL".into(),
        placement.define().into(),
        format!("-I{}", sys.display()),
    ];
    flags.extend(placement.codegen().iter().map(|f| f.to_string()));
    flags
}

/// A `cc::Build` configured for freestanding bsd/ C code of this build's
/// placement.
pub fn bsd_cc() -> cc::Build {
    let placement = Placement::from_env();
    let mut b = cc::Build::new();
    b.compiler("cc");
    b.pic(placement == Placement::Hosted);
    for f in cflags_for(placement) {
        b.flag(&f);
    }
    b.warnings(true).extra_warnings(true).warnings_into_errors(true);
    b.flag("-Wno-unused-parameter");
    b.flag("-Wno-sign-compare");
    b.flag("-Wno-missing-field-initializers");
    b
}

/// Compiles `sources` into `lib<name>.a`, prefixes every symbol with
/// [`SYMBOL_PREFIX`], and tells cargo to link it (bundled into the rlib).
/// Sources that the `MOLT_BSD_OVERRIDE` tree replaces are compiled from
/// there, with the flags for historic code (see [`historic`]).
pub fn compile_prefixed(mut build: cc::Build, name: &str, sources: &[PathBuf]) {
    let sys = bsd_sys_dir();
    let (ours, replaced) = historic::substitute(sources, &sys, historic::override_root().as_deref());
    if !replaced.is_empty() {
        let mut old = build.clone();
        historic::relax_for_historic_code(&mut old);
        for s in &replaced {
            let rel = s.ours.strip_prefix(&sys).unwrap_or(&s.ours);
            println!("cargo:warning={}: building {} in place of bsd/sys/{}", historic::OVERRIDE_ENV, s.theirs.display(), rel.display());
            println!("cargo:rerun-if-changed={}", s.theirs.display());
            old.file(&s.theirs);
        }
        old.cargo_metadata(false);
        build.objects(old.compile_intermediates());
    }
    for s in &ours {
        println!("cargo:rerun-if-changed={}", s.display());
        build.file(s);
    }
    build.cargo_metadata(false);
    build.compile(name);
    let out = PathBuf::from(env::var("OUT_DIR").unwrap());
    let archive = out.join(format!("lib{name}.a"));
    let status = Command::new("objcopy")
        .arg(format!("--prefix-symbols={SYMBOL_PREFIX}"))
        .arg(&archive)
        .status()
        .expect("objcopy runs");
    assert!(status.success(), "objcopy --prefix-symbols failed on {}", archive.display());
    println!("cargo:rustc-link-search=native={}", out.display());
    println!("cargo:rustc-link-lib=static={name}");
    println!("cargo:rerun-if-changed={}", bsd_sys_dir().join("sys").display());
}

/// Every `.c` file directly inside `dir` (sorted).
pub fn c_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "c"))
        .collect();
    v.sort();
    v
}

#[derive(Debug)]
struct PrefixedLinkNames;

impl bindgen::callbacks::ParseCallbacks for PrefixedLinkNames {
    fn generated_link_name_override(&self, item: bindgen::callbacks::ItemInfo<'_>) -> Option<String> {
        Some(format!("{SYMBOL_PREFIX}{}", item.name))
    }
}

/// Tells bindgen that the common types a subsystem's bindings leave out
/// (they come from `molt_shims::bsd`) are plain C data: Copy, Debug and
/// Default, so the subsystem's structs that contain them derive the same.
#[derive(Debug)]
struct CommonTypesArePlainData;

impl bindgen::callbacks::ParseCallbacks for CommonTypesArePlainData {
    fn blocklisted_type_implements_trait(
        &self,
        _name: &str,
        derive: bindgen::callbacks::DeriveTrait,
    ) -> Option<bindgen::callbacks::ImplementsTrait> {
        use bindgen::callbacks::{DeriveTrait, ImplementsTrait};
        match derive {
            DeriveTrait::Copy | DeriveTrait::Debug | DeriveTrait::Default => Some(ImplementsTrait::Yes),
            _ => Some(ImplementsTrait::No),
        }
    }
}

/// A `bindgen::Builder` for bsd/ headers: same flags as the C build, link
/// names prefixed, `core` types only, and layout tests left out (the C
/// compiler is the authority on layout).
pub fn bindgen_builder() -> bindgen::Builder {
    let mut b = bindgen::Builder::default()
        .use_core()
        .layout_tests(false)
        .derive_default(true)
        .generate_comments(false)
        .prepend_enum_name(false)
        .wrap_unsafe_ops(true)
        .parse_callbacks(Box::new(PrefixedLinkNames));
    for f in cflags() {
        if f.starts_with("-D") || f.starts_with("-I") || f == "-nostdinc" || f == "-ffreestanding" {
            b = b.clang_arg(f);
        }
    }
    b
}

/// The headers whose items `molt_shims::bsd` already provides. A subsystem
/// crate's bindings leave them out and `use molt_shims::bsd::*` instead.
pub const COMMON_HEADERS: &[&str] = &[
    "sys/cdefs.h", "sys/types.h", "sys/param.h", "sys/systm.h", "sys/malloc.h", "sys/queue.h",
    "sys/errno.h", "sys/time.h", "sys/kernel.h", "sys/proc.h", "sys/ucred.h", "sys/uio.h",
    "sys/callout.h", "sys/stdarg.h", "sys/libkern.h", "sys/molt_shims.h", "sys/syslog.h",
    "sys/resource.h", "sys/resourcevar.h", "sys/signal.h", "sys/select.h", "sys/sysctl.h", "sys/lock.h", "machine/limits.h",
];

/// Generates `OUT_DIR/<out_name>` with the Rust view of `header` (a file that
/// includes the subsystem's headers), without the items of [`COMMON_HEADERS`].
pub fn subsystem_bindings(header: &Path, out_name: &str, configure: impl FnOnce(bindgen::Builder) -> bindgen::Builder) {
    let sys = bsd_sys_dir();
    let mut b = bindgen_builder().header(header.display().to_string());
    for h in COMMON_HEADERS {
        let path = sys.join(h).display().to_string();
        b = b.blocklist_file(regex_escape(&path));
    }
    b = b.raw_line("#[allow(unused_imports)] use molt_shims::bsd::*;").parse_callbacks(Box::new(CommonTypesArePlainData));
    let b = configure(b);
    write_bindings(b.generate().expect("bindgen runs"), out_name);
    println!("cargo:rerun-if-changed={}", header.display());
}

/// Writes bindings to `OUT_DIR/<out_name>`, giving extern statics their
/// prefixed link names (bindgen's link-name callback covers functions only).
pub fn write_bindings(bindings: bindgen::Bindings, out_name: &str) {
    let mut text = String::new();
    for line in bindings.to_string().lines() {
        let t = line.trim_start();
        let rest = t.strip_prefix("pub static mut ").or_else(|| t.strip_prefix("pub static "));
        if let Some(name) = rest.and_then(|r| r.split(':').next()) {
            let indent = &line[..line.len() - t.len()];
            text.push_str(&format!("{indent}#[link_name = \"{SYMBOL_PREFIX}{name}\"]\n"));
        }
        text.push_str(line);
        text.push('\n');
    }
    let out = PathBuf::from(env::var("OUT_DIR").unwrap()).join(out_name);
    std::fs::write(&out, text).expect("bindings written");
}

fn regex_escape(s: &str) -> String {
    let mut r = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            r.push('\\');
        }
        r.push(c);
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_placement_gets_its_code_generation_flags() {
        let hosted = cflags_for(Placement::Hosted);
        assert!(hosted.contains(&"-fPIC".to_string()) && hosted.contains(&"-DMOLT_HOSTED".to_string()));
        let server = cflags_for(Placement::Server);
        for f in ["-mno-red-zone", "-mgeneral-regs-only", "-mcmodel=small", "-fno-pic", "-DMOLT_SERVER", "-ffreestanding"] {
            assert!(server.contains(&f.to_string()), "server build lacks {f}");
        }
        assert!(!server.iter().any(|f| f == "-fPIC"), "user programs are linked static");
        assert!(cflags_for(Placement::Kernel).contains(&"-mcmodel=kernel".to_string()));
    }
}
