//! Shell completions and man pages, generated from the clap definitions in
//! [`crate::args`] so that they never disagree with `--help`.
use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use clap::CommandFactory;

use crate::args::Cli;

/// Writes the completion script for `shell` to `out`.
pub fn completions(shell: clap_complete::Shell, out: &mut dyn Write) {
    clap_complete::generate(shell, &mut Cli::command(), "molt", out);
}

/// Writes the man page of `molt` itself (roff) to `out`.
pub fn man_page(out: &mut dyn Write) -> Result<()> {
    clap_mangen::Man::new(Cli::command()).render(out).context("writing the man page")
}

/// Writes one man page per command (molt.1, molt-fs.1, molt-fs-newfs.1,
/// ...) into `dir`, made if needed.
pub fn man_pages(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("{}: cannot make the directory", dir.display()))?;
    clap_mangen::generate_to(Cli::command(), dir).with_context(|| format!("{}: cannot write the man pages", dir.display()))
}
