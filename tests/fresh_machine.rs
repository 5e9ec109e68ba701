//! The README's first command on a machine whose Rust toolchain lacks the
//! bare-metal target, as a new user's machine does when its toolchain came
//! with the image (rustup adds a toolchain file's targets only when it
//! installs the toolchain itself).
//!
//! The machine's own toolchain is never touched: the test gives rustup a
//! private home holding a hard-linked copy of the active toolchain (with
//! rustup's bookkeeping files copied, since rustup rewrites them in place),
//! removes `x86_64-unknown-none` from that copy with rustup, and then checks
//! that `molt build` names the missing target with its fix, that
//! `tests/setup.sh` installs it (one line saying so), and that `molt build`
//! then builds the kernel and the boot archive.
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const TARGET: &str = "x86_64-unknown-none";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"))
}

/// The sysroot of the toolchain this workspace uses (links resolved).
fn active_sysroot() -> PathBuf {
    let out = run(Command::new("rustc").current_dir(root()).args(["--print", "sysroot"]));
    let sysroot = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    sysroot.canonicalize().unwrap_or(sysroot)
}

/// Replaces each regular file directly in `dir` by a copy of its own.
fn break_hard_links(dir: &Path) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if entry.file_type().unwrap().is_file() {
            let bytes = std::fs::read(&path).unwrap();
            let fresh = path.with_extension("molt-copy");
            std::fs::write(&fresh, bytes).unwrap();
            std::fs::rename(&fresh, &path).unwrap();
        }
    }
}

/// The machine's own record of its toolchain's installed pieces, to check
/// that the test left it alone.
fn machine_bookkeeping() -> Vec<(PathBuf, Vec<u8>)> {
    let rustlib = active_sysroot().join("lib/rustlib");
    let mut files: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(&rustlib)
        .unwrap()
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| (e.path(), std::fs::read(e.path()).unwrap()))
        .collect();
    files.sort();
    files
}

/// A rustup home of our own, with the active toolchain copied in by hard
/// links (cheap; removing files from the copy leaves the original alone).
struct PrivateRustup {
    home: PathBuf,
    toolchain: String,
}

impl PrivateRustup {
    fn new(scratch: &Path) -> PrivateRustup {
        let out = run(Command::new("rustup").current_dir(root()).args(["show", "active-toolchain"]));
        assert!(out.status.success(), "rustup show active-toolchain: {}", text(&out));
        let toolchain = String::from_utf8_lossy(&out.stdout).split_whitespace().next().expect("a toolchain name").to_string();
        let sysroot = active_sysroot();

        let home = scratch.join("rustup");
        std::fs::create_dir_all(home.join("toolchains")).unwrap();
        let copy_root = home.join("toolchains").join(&toolchain);
        let copy = run(Command::new("cp").arg("-al").arg(&sysroot).arg(&copy_root));
        assert!(copy.status.success(), "cp -al {}: {}", sysroot.display(), text(&copy));
        // rustup rewrites its bookkeeping files (which components and
        // targets are installed) in place: those must be copies of their
        // own, or editing the copy would edit the machine's toolchain.
        break_hard_links(&copy_root.join("lib/rustlib"));
        std::fs::write(home.join("settings.toml"), format!("version = \"12\"\ndefault_toolchain = \"{toolchain}\"\nprofile = \"minimal\"\nauto_self_update = \"disable\"\n")).unwrap();
        PrivateRustup { home, toolchain }
    }

    /// A command that runs with this rustup home and no toolchain chosen by
    /// the cargo that runs the tests.
    fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut c = Command::new(program);
        c.current_dir(root())
            .env("RUSTUP_HOME", &self.home)
            .env_remove("RUSTUP_TOOLCHAIN")
            .env_remove("CARGO")
            .env_remove("RUSTC")
            .env_remove("RUSTDOC")
            .env_remove("CARGO_TARGET_DIR");
        c
    }

    fn installed_targets(&self) -> String {
        let o = run(self.command("rustup").args(["target", "list", "--installed", "--toolchain", &self.toolchain]));
        assert!(o.status.success(), "{}", text(&o));
        String::from_utf8_lossy(&o.stdout).into_owned()
    }
}

#[test]
fn setup_installs_the_missing_target_and_molt_then_builds() {
    let scratch = std::env::temp_dir().join(format!("molt-fresh-machine-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).unwrap();
    let machine_before = machine_bookkeeping();
    let rustup = PrivateRustup::new(&scratch);

    if rustup.installed_targets().lines().any(|l| l == TARGET) {
        let o = run(rustup.command("rustup").args(["target", "remove", "--toolchain", &rustup.toolchain, TARGET]));
        assert!(o.status.success(), "rustup target remove: {}", text(&o));
    }
    assert!(!rustup.installed_targets().lines().any(|l| l == TARGET), "the private toolchain still has {TARGET}");

    // Before setup: molt names the target and the command that installs it.
    let target_dir = scratch.join("target");
    let molt = env!("CARGO_BIN_EXE_molt");
    let o = run(rustup.command(molt).arg("build").env("CARGO_TARGET_DIR", &target_dir));
    assert_eq!(o.status.code(), Some(1), "molt build without the target: {}", text(&o));
    let said = text(&o);
    assert!(said.contains(&format!("missing the Rust target {TARGET}")), "{said}");
    assert!(said.contains(&format!("rustup target add {TARGET}")), "{said}");
    assert!(!said.contains("E0463"), "rustc's own error leaked through: {said}");

    // setup.sh installs it and says so in one line; a second run finds it.
    let o = run(rustup.command("bash").arg(root().join("tests/setup.sh")));
    assert!(o.status.success(), "tests/setup.sh: {}", text(&o));
    assert!(text(&o).contains(&format!("setup: rust target {TARGET}: installed")), "{}", text(&o));
    assert!(rustup.installed_targets().lines().any(|l| l == TARGET), "setup.sh left {TARGET} uninstalled");
    let o = run(rustup.command("bash").arg(root().join("tests/setup.sh")));
    assert!(text(&o).contains(&format!("setup: rust target {TARGET}: found")), "{}", text(&o));
    for component in ["rustfmt", "clippy"] {
        assert!(text(&o).contains(&format!("setup: rust component {component}: ")), "{}", text(&o));
    }

    // And the build the README's first command starts with now succeeds.
    let o = run(rustup.command(molt).arg("build").env("CARGO_TARGET_DIR", &target_dir));
    assert!(o.status.success(), "molt build after setup: {}", text(&o));
    assert!(text(&o).contains("boot archive:"), "{}", text(&o));
    assert!(machine_bookkeeping() == machine_before, "the test changed the machine's own toolchain records");
    let _ = std::fs::remove_dir_all(&scratch);
}
