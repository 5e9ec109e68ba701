//! Exit statuses of every `molt` command, and the help text that
//! documents them. Usage errors (2) come from clap's own error exit.

/// The command did what it was asked.
pub const SUCCESS: i32 = 0;
/// The command ran and failed; the message names what failed.
pub const FAILURE: i32 = 1;
/// The command line was wrong (clap exits with this status too).
pub const USAGE: i32 = 2;

/// The standard exit statuses in words, as a literal so that
/// [`after_help!`](crate::after_help) can `concat!` it.
#[macro_export]
macro_rules! exit_statuses {
    () => {
        "0 success; 1 failure (the message names what failed and what to do); \
2 usage error (a wrong or missing argument)."
    };
}

/// The exit-status paragraph of the help pages.
#[macro_export]
macro_rules! exit_status_text {
    () => {
        concat!("Exit status: ", $crate::exit_statuses!())
    };
}

/// The text after a command's `--help`: its examples, then its exit
/// statuses (the standard ones unless `exit:` gives the command's own).
///
/// ```
/// const HELP: &str = molt_cli::after_help!("molt fs newfs disk.img 64M");
/// assert!(HELP.contains("  molt fs newfs disk.img 64M\n"));
/// assert!(HELP.contains("2 usage error"));
/// ```
#[macro_export]
macro_rules! after_help {
    ($($example:literal),+ ; exit: $exit:expr) => {
        concat!("Examples:\n", $("  ", $example, "\n",)+ "\n", $exit)
    };
    ($($example:literal),+ $(,)?) => {
        $crate::after_help!($($example),+ ; exit: $crate::exit_status_text!())
    };
}

#[cfg(test)]
mod tests {
    #[test]
    fn after_help_lists_examples_then_the_exit_statuses() {
        let text = after_help!("molt a", "molt b");
        assert_eq!(text.lines().take(3).collect::<Vec<_>>(), ["Examples:", "  molt a", "  molt b"]);
        assert!(text.ends_with(exit_status_text!()));
    }

    #[test]
    fn a_command_can_document_its_own_exit_statuses() {
        let text = after_help!("molt fs check disk.img"; exit: "Exit status: 8 cannot check.");
        assert!(text.ends_with("\n\nExit status: 8 cannot check."));
        assert!(!text.contains("usage error"));
    }
}
