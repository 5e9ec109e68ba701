//! Progress on work that takes more than a few seconds: benchmarks and
//! their runs, files and bytes copied, kill points of a crash test,
//! placements of a comparison. Drawn on standard error only when it is a
//! terminal and `CI` is unset, so pipes, logs and CI see nothing but the
//! command's own output. The bar is cleared when the work ends (or the
//! [`Progress`] is dropped), leaving the terminal as the command left it.
use std::borrow::Cow;
use std::ffi::OsStr;
use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

/// Whether progress may be drawn: standard error is a terminal and the
/// environment is not CI (`CI` unset, empty, `0` or `false`).
pub fn should_draw(stderr_is_terminal: bool, ci: Option<&OsStr>) -> bool {
    let under_ci = ci.is_some_and(|v| !v.is_empty() && v != "0" && v != "false");
    stderr_is_terminal && !under_ci
}

/// [`should_draw`] for this process.
pub fn enabled() -> bool {
    should_draw(std::io::stderr().is_terminal(), std::env::var_os("CI").as_deref())
}

const STEPS: &str = "{prefix} [{bar:30}] {pos}/{len} {wide_msg} ({elapsed})";
const TRANSFER: &str = "{prefix} [{bar:30}] {binary_bytes}/{binary_total_bytes} {wide_msg} ({elapsed})";
const COUNTER: &str = "{prefix} {spinner} {binary_bytes} {wide_msg} ({elapsed})";

/// One progress display. Every method is a no-op when progress is not drawn.
///
/// A command with steps (a crash test's kill points, a comparison's
/// placements) names each step as it starts and counts it when done:
///
/// ```
/// let progress = molt_cli::Progress::steps("crashtest", 3);
/// for kill_point in 0..3 {
///     progress.start(format!("kill point {kill_point}"));
///     // ... the step's work ...
///     progress.step_done();
/// }
/// drop(progress); // clears the line before the command prints its report
/// ```
pub struct Progress {
    bar: ProgressBar,
    files: AtomicU64,
}

impl Progress {
    /// A job of `total` steps (benchmarks of a suite, kill points):
    /// `bench fs [####    ] 3/15 vfs: stat 10k (12s)`.
    pub fn steps(what: &str, total: u64) -> Progress {
        Self::drawn(ProgressBar::new(total), STEPS, what)
    }

    /// Files and bytes copied, against a total of bytes when it is known:
    /// `import [####    ] 12.0 MiB/40.0 MiB 30 files (3s)`.
    pub fn transfer(what: &str, total_bytes: Option<u64>) -> Progress {
        let progress = match total_bytes {
            Some(total) => Self::drawn(ProgressBar::new(total), TRANSFER, what),
            None => Self::drawn(ProgressBar::new_spinner(), COUNTER, what),
        };
        progress.bar.set_message("0 files");
        progress
    }

    fn drawn(bar: ProgressBar, template: &str, what: &str) -> Progress {
        Self::drawn_if(enabled(), bar, template, what)
    }

    fn drawn_if(draw: bool, bar: ProgressBar, template: &str, what: &str) -> Progress {
        if !draw {
            return Progress { bar: ProgressBar::hidden(), files: AtomicU64::new(0) };
        }
        let style = ProgressStyle::with_template(template).expect("the templates above are valid").progress_chars("#>-");
        let bar = bar.with_style(style).with_prefix(what.to_string());
        // The clock moves even while one long step (a QEMU boot) runs.
        bar.enable_steady_tick(Duration::from_millis(250));
        Progress { bar, files: AtomicU64::new(0) }
    }

    /// Names the step that starts now.
    pub fn start(&self, step: impl Into<Cow<'static, str>>) {
        self.bar.set_message(step);
    }

    /// Counts one step as done.
    pub fn step_done(&self) {
        self.bar.inc(1);
    }

    /// Counts `n` more bytes copied.
    pub fn add_bytes(&self, n: u64) {
        self.bar.inc(n);
    }

    /// Counts one more file (or directory, or link) copied.
    pub fn add_file(&self) {
        let n = self.files.fetch_add(1, Ordering::Relaxed) + 1;
        if !self.bar.is_hidden() {
            self.bar.set_message(format!("{n} files"));
        }
    }

    /// Writes a line to standard error above the bar (or plainly, when
    /// none is drawn), so messages and the bar do not overwrite each other.
    pub fn note(&self, line: &str) {
        if self.bar.is_hidden() {
            eprintln!("{line}");
        } else {
            self.bar.suspend(|| eprintln!("{line}"));
        }
    }

    /// Whether anything is drawn (false in a pipe or under CI).
    pub fn is_drawn(&self) -> bool {
        !self.bar.is_hidden()
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drawn_only_on_a_terminal_outside_ci() {
        assert!(should_draw(true, None));
        assert!(!should_draw(false, None));
        assert!(!should_draw(true, Some(OsStr::new("true"))));
        assert!(!should_draw(true, Some(OsStr::new("1"))));
        assert!(should_draw(true, Some(OsStr::new(""))));
        assert!(should_draw(true, Some(OsStr::new("false"))));
        assert!(should_draw(true, Some(OsStr::new("0"))));
    }

    #[test]
    fn a_display_that_is_not_drawn_is_hidden_whatever_it_is_told() {
        let p = Progress::drawn_if(false, ProgressBar::new(3), "{pos}", "test");
        p.start("one");
        p.step_done();
        p.add_file();
        assert!(!p.is_drawn());
        assert_eq!(p.files.load(Ordering::Relaxed), 1);
    }

    #[test]
    fn every_template_is_valid() {
        for template in [STEPS, TRANSFER, COUNTER] {
            assert!(ProgressStyle::with_template(template).is_ok(), "{template}");
        }
    }
}
