//! Builds a bootable Molt: the kernel ELF and the boot archive (`-initrd`)
//! holding the compiled boot manifest and every module it names.
//!
//! The kernel and the user programs are built for `x86_64-unknown-none` by
//! nested cargo invocations with their own target directories, because
//! they need different code models: the kernel lives in the top 2 GiB
//! (`code-model=kernel`), user programs at 4 MiB (`code-model=small`). Both
//! are linked statically with the linker scripts in boot/.

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The bare-metal target everything in the image is built for.
pub const TARGET: &str = "x86_64-unknown-none";

/// A built image, ready for QEMU.
#[derive(Clone, Debug)]
pub struct Image {
    pub kernel: PathBuf,
    pub initrd: PathBuf,
}

/// The workspace root (where Cargo.toml and boot/ are).
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The workspace's target directory.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| workspace_root().join("target"))
}

fn cargo_build(packages: &[&str], target_subdir: &str, rustflags: &str) -> Result<PathBuf> {
    let root = workspace_root();
    let target_dir = target_dir().join(target_subdir);
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.current_dir(&root)
        .args(["build", "--release", "--quiet", "--target", TARGET, "--target-dir"])
        .arg(&target_dir)
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_RUSTFLAGS")
        .env("RUSTFLAGS", rustflags);
    for p in packages {
        cmd.args(["-p", p]);
    }
    let status = cmd.status().with_context(|| "running cargo")?;
    if !status.success() {
        bail!("building {} failed", packages.join(", "));
    }
    Ok(target_dir.join(TARGET).join("release"))
}

/// Builds the kernel ELF.
pub fn build_kernel() -> Result<PathBuf> {
    let ld = workspace_root().join("boot/kernel.ld");
    let flags = format!("-C code-model=kernel -C relocation-model=static -C link-arg=-T{}", ld.display());
    Ok(cargo_build(&["molt-kernel"], "kernel", &flags)?.join("molt-kernel"))
}

/// Builds user programs (each a package whose binary has the same name),
/// linked without debug information: exec copies whole boot modules, so
/// every byte of DWARF would be copied on every exec (host unit-test
/// builds of the same crates keep theirs).
pub fn build_user(programs: &[&str]) -> Result<PathBuf> {
    let ld = workspace_root().join("boot/user.ld");
    let flags =
        format!("-C code-model=small -C relocation-model=static -C link-arg=-T{} -C link-arg=--strip-debug", ld.display());
    cargo_build(programs, "user", &flags)
}

/// Builds everything the manifest at `manifest_path` names and writes the
/// boot archive next to the kernel.
pub fn build(manifest_path: &Path) -> Result<Image> {
    crate::prereq::check(crate::prereq::Need::Build)?;
    let text = std::fs::read_to_string(manifest_path)
        .with_context(|| format!("reading {}", manifest_path.display()))?;
    let compiled = molt_kernel_logic::manifest::compile_manifest(&text)
        .map_err(|e| anyhow::anyhow!("{}: {e:?}", manifest_path.display()))?;
    let parsed = molt_kernel_logic::manifest::Manifest::parse(&compiled)
        .map_err(|e| anyhow::anyhow!("{}: {e:?}", manifest_path.display()))?;
    let mut modules: Vec<String> = parsed.servers().map(|s| s.module.to_string()).collect();
    modules.sort();
    modules.dedup();
    let kernel = build_kernel()?;
    let names: Vec<&str> = modules.iter().map(String::as_str).collect();
    let user_dir = build_user(&names)?;
    let mut blobs = vec![("manifest".to_string(), compiled)];
    for m in &modules {
        let path = user_dir.join(m);
        blobs.push((m.clone(), std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?));
    }
    let entries: Vec<(&str, &[u8])> = blobs.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
    let archive = molt_kernel_logic::bootfs::write_archive(&entries)
        .map_err(|e| anyhow::anyhow!("writing the boot archive: {e:?}"))?;
    let stem = manifest_path.file_stem().and_then(|s| s.to_str()).unwrap_or("boot");
    let initrd = target_dir().join(format!("molt-{stem}.bootfs"));
    std::fs::write(&initrd, archive).with_context(|| format!("writing {}", initrd.display()))?;
    Ok(Image { kernel, initrd })
}
