//! `MOLT_BSD_OVERRIDE`: a user's own copy of a bsd/ source file, written
//! the way historic code is (an implicit-int K&R definition, which our own
//! -Werror build refuses), builds in place of ours, is reported, and the
//! subsystem's tests pass with it.
//!
//! The file is a copy of our tcp_output.c with one K&R function added; the
//! build runs in a scratch target directory so the workspace's own build is
//! left alone.
use std::path::PathBuf;
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn a_substituted_historic_style_file_builds_is_reported_and_passes() {
    let scratch = std::env::temp_dir().join(format!("molt-bsd-override-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    let tree = scratch.join("sys");
    std::fs::create_dir_all(tree.join("netinet")).unwrap();
    let ours = std::fs::read_to_string(root().join("bsd/sys/netinet/tcp_output.c")).unwrap();
    // K&R: no return type (implicit int), parameter types after the list.
    let historic = format!("{ours}\nmolt_override_probe(x)\n\tint x;\n{{\n\treturn x + 1;\n}}\n");
    std::fs::write(tree.join("netinet/tcp_output.c"), historic).unwrap();

    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(root())
        .args(["test", "--release", "-p", "molt-net", "--test", "wire_basic", "--test", "socket_api"])
        .env("MOLT_BSD_OVERRIDE", &tree)
        .env("CARGO_TARGET_DIR", scratch.join("target"))
        .output()
        .expect("cargo runs");
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "molt-net with the override failed:\n{said}");
    let report = format!("MOLT_BSD_OVERRIDE: building {} in place of bsd/sys/netinet/tcp_output.c", tree.join("netinet/tcp_output.c").display());
    assert!(said.contains(&report), "the substitution was not reported:\n{said}");
    assert!(said.contains("test result: ok. 7 passed") && said.contains("test result: ok. 9 passed"), "{said}");

    // The same file without the override flags is refused by our -Werror
    // build: the relaxed flags are what let it through.
    let strict = Command::new("cc")
        .args(["-std=gnu11", "-ffreestanding", "-nostdinc", "-fno-builtin", "-D_KERNEL", "-DMOLT_HOSTED", "-Wall", "-Werror", "-fsyntax-only"])
        .arg(format!("-I{}", root().join("bsd/sys").display()))
        .arg(tree.join("netinet/tcp_output.c"))
        .output()
        .expect("cc runs");
    assert!(!strict.status.success(), "the K&R probe should fail our strict flags");
    let _ = std::fs::remove_dir_all(&scratch);
}
