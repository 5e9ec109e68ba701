//! Building with a user's own historic sources: `MOLT_BSD_OVERRIDE`.
//!
//! Set `MOLT_BSD_OVERRIDE=/path/to/sys` (a tree laid out like 4.4BSD-Lite2's
//! `sys/`) and every build that compiles bsd/ C (hosted, server, kernel)
//! takes each `.c` file present there in place of ours with the same path
//! below `bsd/sys`: `sys/ufs/ufs/ufs_lookup.c` replaces
//! `bsd/sys/ufs/ufs/ufs_lookup.c`. Only source files are substituted; the
//! headers stay ours, since they are the interface the historic file is
//! being tried against. Files of the override tree that have no
//! counterpart here are not built.
//!
//! Substituted files are compiled with the same freestanding flags but
//! without `-Werror` and with the warnings that K&R-era code sets off
//! legally (implicit `int`, old-style definitions, unprototyped calls,
//! tentative definitions shared between files) turned off. Each
//! substitution is reported as a cargo warning, so it shows in the build
//! output.

use std::path::{Path, PathBuf};

/// The environment variable naming the override tree.
pub const OVERRIDE_ENV: &str = "MOLT_BSD_OVERRIDE";

/// One of our sources and the historic file that replaces it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Substitution {
    /// Ours, below `bsd/sys`.
    pub ours: PathBuf,
    /// Theirs, below the override tree.
    pub theirs: PathBuf,
}

/// The override tree, if `MOLT_BSD_OVERRIDE` names one (tells cargo to
/// rerun the build script when it changes).
pub fn override_root() -> Option<PathBuf> {
    println!("cargo:rerun-if-env-changed={OVERRIDE_ENV}");
    let root = PathBuf::from(std::env::var_os(OVERRIDE_ENV).filter(|v| !v.is_empty())?);
    assert!(root.is_dir(), "{OVERRIDE_ENV}={} is not a directory", root.display());
    Some(root)
}

/// Splits `sources` (files below `sys_dir`) into those we build as they are
/// and those that `root` replaces.
pub fn substitute(sources: &[PathBuf], sys_dir: &Path, root: Option<&Path>) -> (Vec<PathBuf>, Vec<Substitution>) {
    let mut kept = Vec::new();
    let mut replaced = Vec::new();
    for ours in sources {
        let theirs = root.zip(ours.strip_prefix(sys_dir).ok()).map(|(r, rel)| r.join(rel)).filter(|p| p.is_file());
        match theirs {
            Some(theirs) => replaced.push(Substitution { ours: ours.clone(), theirs }),
            None => kept.push(ours.clone()),
        }
    }
    (kept, replaced)
}

/// Relaxes a build for K&R-era code: warnings stay visible but are not
/// errors, and the ones such code triggers by design are off.
pub fn relax_for_historic_code(build: &mut cc::Build) {
    build.warnings_into_errors(false);
    for flag in [
        "-Wno-implicit-int",
        "-Wno-implicit-function-declaration",
        "-Wno-old-style-declaration",
        "-Wno-old-style-definition",
        "-Wno-int-conversion",
        "-Wno-incompatible-pointer-types",
        "-Wno-return-type",
        "-Wno-parentheses",
        "-Wno-unused",
        "-fcommon",
    ] {
        build.flag_if_supported(flag);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_files_present_in_the_override_tree_are_replaced() {
        let base = std::env::temp_dir().join(format!("molt-historic-{}", std::process::id()));
        let sys = base.join("bsd/sys");
        let theirs = base.join("lite2/sys");
        for d in [sys.join("netinet"), sys.join("kern"), theirs.join("netinet"), theirs.join("extra")] {
            std::fs::create_dir_all(d).unwrap();
        }
        let ours = vec![sys.join("netinet/tcp_output.c"), sys.join("kern/uipc_mbuf.c")];
        for p in &ours {
            std::fs::write(p, "").unwrap();
        }
        std::fs::write(theirs.join("netinet/tcp_output.c"), "").unwrap();
        std::fs::write(theirs.join("extra/unrelated.c"), "").unwrap();

        let (kept, replaced) = substitute(&ours, &sys, Some(&theirs));
        assert_eq!(kept, vec![sys.join("kern/uipc_mbuf.c")]);
        assert_eq!(replaced, vec![Substitution { ours: ours[0].clone(), theirs: theirs.join("netinet/tcp_output.c") }]);

        let (kept, replaced) = substitute(&ours, &sys, None);
        assert_eq!(kept, ours);
        assert!(replaced.is_empty());
        let _ = std::fs::remove_dir_all(&base);
    }
}
