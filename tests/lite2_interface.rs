//! The kernel interfaces Lite2's subsystem files call, as Lite2's headers
//! declare them (tests/lite2/interface.c): the declarations compile against
//! ours, and every symbol named there, and every one the calls in that file
//! need, is defined by what this build links into a BSD subsystem: the
//! common C archive of molt-shims, the network archive of molt-net, and
//! the services molt-shims implements in Rust (all prefixed `bsd_`).
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The newest file of `dir` whose name starts with `prefix` and ends with `suffix`.
fn newest(dir: &Path, prefix: &str, suffix: &str) -> Option<PathBuf> {
    std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with(prefix) && n.to_string_lossy().ends_with(suffix)))
        .max_by_key(|p| p.metadata().and_then(|m| m.modified()).ok())
}

/// The newest `lib<name>.a` that a build script of `package` wrote.
fn archive(profile_dir: &Path, package: &str, name: &str) -> PathBuf {
    let build = profile_dir.join("build");
    std::fs::read_dir(&build)
        .unwrap_or_else(|e| panic!("{}: {e}", build.display()))
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(&format!("{package}-")))
        .map(|e| e.path().join("out").join(format!("lib{name}.a")))
        .filter(|p| p.is_file())
        .max_by_key(|p| p.metadata().and_then(|m| m.modified()).ok())
        .unwrap_or_else(|| panic!("no lib{name}.a under {}", build.display()))
}

fn nm(args: &[&str], file: &Path) -> Vec<String> {
    // (an rlib's metadata member makes nm complain; its objects are read)
    let out = Command::new("nm").args(args).arg(file).output().expect("nm runs");
    assert!(out.status.success() || !out.stdout.is_empty(), "nm {}: {}", file.display(), String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).lines().filter_map(|l| l.split_whitespace().last().map(str::to_string)).collect()
}

#[test]
fn lite2_declarations_compile_and_every_symbol_is_defined() {
    let probe = root().join("tests/lite2/interface.c");
    let scratch = std::env::temp_dir().join(format!("molt-lite2-interface-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).unwrap();
    let object = scratch.join("interface.o");
    let cc = Command::new("cc")
        .args(["-std=gnu11", "-ffreestanding", "-nostdinc", "-fno-builtin", "-fno-common", "-D_KERNEL", "-DMOLT_HOSTED"])
        .args(["-Wall", "-Werror", "-Wno-unused-parameter", "-c", "-o"])
        .arg(&object)
        .arg(format!("-I{}", root().join("bsd/sys").display()))
        .arg(&probe)
        .output()
        .expect("cc runs");
    assert!(cc.status.success(), "Lite2's declarations do not match ours:\n{}", String::from_utf8_lossy(&cc.stderr));

    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().and_then(Path::parent).expect("target/<profile>/deps/<test>");
    let mut defined = HashSet::new();
    let rust_services = newest(&profile_dir.join("deps"), "libmolt_shims-", ".rlib").expect("molt-shims' rlib");
    let archives = [archive(profile_dir, "molt-shims", "molt_bsd_common"), archive(profile_dir, "molt-net", "molt_bsd_net"), rust_services];
    for file in &archives {
        for s in nm(&["--defined-only"], file) {
            if let Some(bare) = s.strip_prefix("bsd_") {
                defined.insert(bare.to_string());
            }
        }
    }

    let text = std::fs::read_to_string(&probe).unwrap();
    let named: Vec<&str> =
        text.lines().filter_map(|l| l.split("LITE2_SYMBOLS:").nth(1)).flat_map(str::split_whitespace).collect();
    assert!(named.len() >= 50, "only {} symbols named", named.len());
    let missing: Vec<&&str> = named.iter().filter(|s| !defined.contains(**s)).collect();
    assert!(missing.is_empty(), "named in interface.c but not defined: {missing:?}");

    let needed = nm(&["--undefined-only"], &object);
    let unresolved: Vec<&String> = needed.iter().filter(|s| !defined.contains(*s)).collect();
    assert!(unresolved.is_empty(), "called in interface.c but not defined: {unresolved:?}");
    let _ = std::fs::remove_dir_all(&scratch);
}
