//! The `molt` command line as a whole: every command's `--help`, usage
//! errors (exit status 2), failures (1) with messages that name the thing,
//! shell completions, man pages, and progress drawn only on a terminal.
use std::path::PathBuf;
use std::process::{Command, Output};

use clap::CommandFactory;
use molt::args::Cli;

fn molt(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_molt")).args(args).output().expect("molt runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn scratch(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("molt-cli-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Every command path below `cmd` (`["fs", "newfs"]`, ...) with its command.
fn command_paths(cmd: &clap::Command, prefix: Vec<String>, out: &mut Vec<(Vec<String>, clap::Command)>) {
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        let mut path = prefix.clone();
        path.push(sub.get_name().to_string());
        out.push((path.clone(), sub.clone()));
        command_paths(sub, path, out);
    }
}

/// How `--help` shows each of the command's own arguments: `<IMAGE>`,
/// `[PATH]` or `--repair`.
fn argument_names(cmd: &clap::Command) -> Vec<String> {
    cmd.get_arguments()
        .filter(|a| !a.is_hide_set() && a.get_id() != "help" && a.get_id() != "version")
        .map(|a| match a.get_long() {
            Some(long) => format!("--{long}"),
            None => {
                let name = a.get_value_names().and_then(|v| v.first()).map(|n| n.to_string());
                let name = name.unwrap_or_else(|| a.get_id().as_str().to_uppercase());
                if a.is_required_set() { format!("<{name}>") } else { format!("[{name}]") }
            }
        })
        .collect()
}

#[test]
fn every_command_has_help_with_what_it_does_its_arguments_an_example_and_the_exit_statuses() {
    let mut paths = Vec::new();
    command_paths(&Cli::command(), Vec::new(), &mut paths);
    let names: Vec<String> = paths.iter().map(|(p, _)| p.join(" ")).collect();
    for want in ["run", "build", "bench", "fs newfs", "fs import", "fs export", "fs ls", "fs cat", "fs check", "fs mount",
        "net serve", "net node", "completions", "man"]
    {
        assert!(names.iter().any(|n| n == want), "molt {want} is declared: {names:?}");
    }
    for (path, cmd) in paths {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let o = molt(&args);
        let help = text(&o.stdout);
        let shown = format!("molt {}", path.join(" "));
        assert_eq!(o.status.code(), Some(0), "{shown} --help: {}", text(&o.stderr));
        let about = cmd.get_about().map(|a| a.to_string()).unwrap_or_default();
        assert!(!about.is_empty() && help.contains(&about), "{shown} --help says what it does:\n{help}");
        assert!(help.contains("Examples:\n  molt "), "{shown} --help has an example:\n{help}");
        assert!(help.contains("Exit status"), "{shown} --help gives the exit statuses:\n{help}");
        for name in argument_names(&cmd) {
            assert!(help.contains(&name), "{shown} --help names {name}:\n{help}");
        }
    }
}

#[test]
fn the_top_level_help_lists_every_command_and_the_exit_statuses() {
    let o = molt(&["--help"]);
    assert_eq!(o.status.code(), Some(0));
    let help = text(&o.stdout);
    for want in ["run", "build", "bench", "fs", "net", "completions", "man", "2 usage error", "QEMU's"] {
        assert!(help.contains(want), "molt --help shows {want}:\n{help}");
    }
}

#[test]
fn usage_errors_exit_with_2_and_say_what_is_accepted() {
    let o = molt(&["fs", "newfs", "x.img", "64X"]);
    assert_eq!(o.status.code(), Some(2));
    let e = text(&o.stderr);
    assert!(e.contains("'64X'") && e.contains("K, M, G or T") && e.contains("64M or 1G"), "{e}");

    let o = molt(&["bench", "nonesuch"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("[possible values: kernel, servers, fs, net, all, fuzz]"), "{}", text(&o.stderr));

    for args in [&["fs", "cat", "x.img"][..], &["fs", "frobnicate"], &["net", "serve", "--addr", "10.0.0.2/24"], &["completions", "tcsh"]] {
        let o = molt(args);
        assert_eq!(o.status.code(), Some(2), "molt {args:?}: {}", text(&o.stderr));
        assert!(text(&o.stderr).starts_with("error: "), "molt {args:?}: {}", text(&o.stderr));
    }
    let o = molt(&["net", "serve", "--tap", "tap0", "--addr", "10.0.0.2/33"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("prefix must be 1..30"), "{}", text(&o.stderr));
}

#[test]
fn a_tap_device_that_does_not_exist_is_named_with_how_to_make_it() {
    let o = molt(&["net", "serve", "--tap", "moltnosuch0", "--addr", "10.9.9.2/24"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        text(&o.stderr),
        "molt net: cannot open moltnosuch0: no such network device; \
         make it as root with `ip tuntap add dev moltnosuch0 mode tap && ip link set moltnosuch0 up`\n"
    );
}

#[test]
fn completions_are_generated_for_bash_zsh_and_fish() {
    for (shell, marker) in [("bash", "_molt()"), ("zsh", "#compdef molt"), ("fish", "complete -c molt")] {
        let o = molt(&["completions", shell]);
        assert_eq!(o.status.code(), Some(0), "{shell}");
        let script = text(&o.stdout);
        assert!(script.contains(marker), "{shell} script has {marker}");
        for word in ["newfs", "serve", "--repair", "kernel"] {
            assert!(script.contains(word), "{shell} script completes {word}");
        }
    }
    let bash = molt(&["completions", "bash"]).stdout;
    let check = Command::new("bash").arg("-n").stdin(std::process::Stdio::piped()).spawn().and_then(|mut c| {
        use std::io::Write;
        c.stdin.take().unwrap().write_all(&bash)?;
        c.wait()
    });
    assert!(check.unwrap().success(), "bash parses its completion script");
}

#[test]
fn the_man_page_comes_from_the_same_definitions() {
    let o = molt(&["man"]);
    assert_eq!(o.status.code(), Some(0));
    let page = text(&o.stdout);
    assert!(page.starts_with(".ie \\n(.g .ds Aq") || page.contains(".TH molt 1"), "{page}");
    for want in [".SH NAME", ".SH SYNOPSIS", "Build, boot, benchmark and inspect Molt", "completions", "\\-\\-memory"] {
        assert!(page.contains(want), "the man page has {want}");
    }
    let d = scratch("man");
    let o = molt(&["man", "--dir", d.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    for page in ["molt.1", "molt-fs.1", "molt-fs-newfs.1", "molt-net-serve.1", "molt-bench.1"] {
        assert!(d.join(page).is_file(), "molt man --dir writes {page}");
    }
    let newfs = std::fs::read_to_string(d.join("molt-fs-newfs.1")).unwrap();
    assert!(newfs.contains("SIZE") && newfs.contains("molt fs newfs disk.img 64M"), "{newfs}");
    let _ = std::fs::remove_dir_all(&d);
}

/// A tree worth a progress bar: a few files, one of them 8 MiB (and
/// linked twice, so the bar's total counts it once).
fn tree_and_image(d: &std::path::Path) -> (PathBuf, PathBuf) {
    let src = d.join("src");
    std::fs::create_dir_all(src.join("sub")).unwrap();
    std::fs::write(src.join("big"), vec![7u8; 8 << 20]).unwrap();
    std::fs::hard_link(src.join("big"), src.join("big-again")).unwrap();
    for i in 0..20 {
        std::fs::write(src.join(format!("sub/f{i}")), format!("file {i}\n")).unwrap();
    }
    let img = d.join("p.img");
    assert!(molt(&["fs", "newfs", img.to_str().unwrap(), "32M"]).status.success());
    (src, img)
}

#[test]
fn progress_is_absent_in_a_pipe_and_drawn_on_a_terminal() {
    let d = scratch("progress");
    let (src, img) = tree_and_image(&d);
    let o = molt(&["fs", "import", img.to_str().unwrap(), src.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(text(&o.stderr), format!("{}: imported 23 entries\n", img.display()), "nothing but the summary in a pipe");
    assert!(o.stdout.is_empty());

    // The same command on a pseudo-terminal (script(1)), outside CI.
    let img2 = d.join("q.img");
    assert!(molt(&["fs", "newfs", img2.to_str().unwrap(), "32M"]).status.success());
    let line = format!("{} fs import {} {}", env!("CARGO_BIN_EXE_molt"), img2.display(), src.display());
    let o = Command::new("script").args(["-qec", &line, "/dev/null"]).env_remove("CI").output().expect("script(1) runs");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
    let shown = text(&o.stdout);
    assert!(shown.contains("import ["), "a bar is drawn on a terminal:\n{shown:?}");
    assert!(shown.contains("/8.00 MiB"), "its total is the bytes to copy:\n{shown:?}");
    assert!(shown.contains("imported 23 entries"), "{shown:?}");

    // Under CI even a terminal shows none.
    let img3 = d.join("r.img");
    assert!(molt(&["fs", "newfs", img3.to_str().unwrap(), "32M"]).status.success());
    let line = format!("{} fs import {} {}", env!("CARGO_BIN_EXE_molt"), img3.display(), src.display());
    let o = Command::new("script").args(["-qec", &line, "/dev/null"]).env("CI", "true").output().expect("script(1) runs");
    assert!(!text(&o.stdout).contains("import ["), "{:?}", text(&o.stdout));
    let _ = std::fs::remove_dir_all(&d);
}
