//! What building and booting Molt needs from the host, checked before the
//! work starts, so a missing piece is named with the command that installs
//! it instead of surfacing as a compiler's or the OS's error.
//!
//! The checks only look (at PATH and at the active toolchain's sysroot);
//! they install nothing. `tests/setup.sh` installs everything listed here.

use crate::image::TARGET;
use anyhow::{bail, Result};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

/// One missing piece and how to get it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Missing {
    /// What is missing, as a user would name it.
    pub what: String,
    /// The command that installs it.
    pub fix: String,
}

/// What a command needs: the kernel build needs the bare-metal target and
/// the tools the build scripts run; booting also needs QEMU.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    Build,
    Boot,
}

/// A host program a build script or `molt` runs, and its Debian package.
struct Tool {
    program: &'static str,
    package: &'static str,
    used_for: &'static str,
}

const BUILD_TOOLS: &[Tool] = &[
    Tool { program: "clang", package: "clang", used_for: "compiles the C parts for the bare machine" },
    Tool { program: "objcopy", package: "binutils", used_for: "prefixes the BSD objects' symbols" },
];

const BOOT_TOOLS: &[Tool] =
    &[Tool { program: "qemu-system-x86_64", package: "qemu-system-x86", used_for: "boots the image" }];

/// Finds `program` in the directories of a PATH-style list.
pub fn find_in_path(program: &str, path: &OsStr) -> Option<PathBuf> {
    std::env::split_paths(path).map(|dir| dir.join(program)).find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    p.metadata().is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Whether the sysroot at `sysroot` holds the standard library (`core`) for
/// `target`: what `rustup target add` installs.
pub fn sysroot_has_target(sysroot: &Path, target: &str) -> bool {
    let lib = sysroot.join("lib/rustlib").join(target).join("lib");
    std::fs::read_dir(lib).is_ok_and(|entries| {
        entries.flatten().any(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.starts_with("libcore-") && name.ends_with(".rlib")
        })
    })
}

/// The sysroot of the rustc that cargo will use here (the toolchain file
/// picks it), or None if rustc cannot be run.
fn active_sysroot() -> Option<PathBuf> {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let out = Command::new(rustc).current_dir(crate::image::workspace_root()).args(["--print", "sysroot"]).output().ok()?;
    out.status.success().then(|| PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
}

/// Everything `need` requires that this machine lacks, looking at `path`
/// for programs and at `sysroot` for the target.
pub fn missing(need: Need, path: &OsStr, sysroot: Option<&Path>) -> Vec<Missing> {
    let mut out = Vec::new();
    match sysroot {
        None => out.push(Missing {
            what: "rustc (the Rust toolchain named in rust-toolchain.toml)".into(),
            fix: "curl https://sh.rustup.rs -sSf | sh, then ./tests/setup.sh".into(),
        }),
        Some(s) if !sysroot_has_target(s, TARGET) => out.push(Missing {
            what: format!("the Rust target {TARGET} (the kernel and every Molt program are built for it)"),
            fix: format!("rustup target add {TARGET}   (or ./tests/setup.sh, which installs everything)"),
        }),
        Some(_) => {}
    }
    let tools = BUILD_TOOLS.iter().chain(if need == Need::Boot { BOOT_TOOLS } else { &[] });
    for t in tools {
        if find_in_path(t.program, path).is_none() {
            out.push(Missing {
                what: format!("{} ({}; not on PATH)", t.program, t.used_for),
                fix: format!("apt-get install {}   (or ./tests/setup.sh)", t.package),
            });
        }
    }
    out
}

/// Fails with one line per missing piece, each with its fix.
pub fn check(need: Need) -> Result<()> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let gaps = missing(need, &path, active_sysroot().as_deref());
    if gaps.is_empty() {
        return Ok(());
    }
    let lines: Vec<String> = gaps.iter().map(|m| format!("  missing {}\n    install: {}", m.what, m.fix)).collect();
    bail!("this machine cannot build Molt yet:\n{}", lines.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(tag: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("molt-prereq-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    fn fake_program(dir: &Path, name: &str) {
        use std::os::unix::fs::PermissionsExt;
        let p = dir.join(name);
        std::fs::write(&p, "#!/bin/sh\n").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }

    #[test]
    fn names_each_missing_tool_with_its_package() {
        let bin = temp_dir("bin");
        fake_program(&bin, "clang");
        let sysroot = temp_dir("sysroot-ok");
        let lib = sysroot.join("lib/rustlib").join(TARGET).join("lib");
        std::fs::create_dir_all(&lib).unwrap();
        std::fs::write(lib.join("libcore-0123abcd.rlib"), b"").unwrap();

        let build = missing(Need::Build, bin.as_os_str(), Some(&sysroot));
        assert_eq!(build.len(), 1, "{build:?}");
        assert!(build[0].what.starts_with("objcopy") && build[0].fix.contains("apt-get install binutils"));

        let boot = missing(Need::Boot, bin.as_os_str(), Some(&sysroot));
        assert_eq!(boot.len(), 2, "{boot:?}");
        assert!(boot[1].what.starts_with("qemu-system-x86_64") && boot[1].fix.contains("qemu-system-x86"));

        fake_program(&bin, "objcopy");
        fake_program(&bin, "qemu-system-x86_64");
        assert!(missing(Need::Boot, bin.as_os_str(), Some(&sysroot)).is_empty());
    }

    #[test]
    fn a_sysroot_without_core_for_the_target_is_reported() {
        let bin = temp_dir("bin2");
        for p in ["clang", "objcopy"] {
            fake_program(&bin, p);
        }
        let sysroot = temp_dir("sysroot-empty");
        std::fs::create_dir_all(sysroot.join("lib/rustlib/x86_64-unknown-linux-gnu/lib")).unwrap();
        let gaps = missing(Need::Build, bin.as_os_str(), Some(&sysroot));
        assert_eq!(gaps.len(), 1);
        assert!(gaps[0].fix.starts_with(&format!("rustup target add {TARGET}")));
        assert!(!missing(Need::Build, bin.as_os_str(), None).is_empty());
    }

    #[test]
    fn a_non_executable_file_is_not_a_program() {
        let bin = temp_dir("bin3");
        std::fs::write(bin.join("clang"), b"").unwrap();
        assert!(find_in_path("clang", bin.as_os_str()).is_none());
    }
}
