//! `molt`: the host-side tool. With no subcommand it builds the kernel,
//! the servers and the boot archive, and boots Molt in QEMU with the
//! serial console on this terminal (stdin to the guest, guest output to
//! stdout; a pipe works too). QEMU's exit status becomes ours: 0 when the
//! guest powers off. The command line is declared in `molt::args`.
use clap::Parser;
use molt::args::{Cli, Command, QemuArgs};
use molt::prereq::{self, Need};
use molt::{bench, image, manual, qemu};

fn run(cli: Cli) -> anyhow::Result<i32> {
    let outer = cli.qemu;
    match cli.command.unwrap_or(Command::Run { qemu: QemuArgs::default() }) {
        Command::Run { qemu } => {
            let q = qemu.or(outer);
            prereq::check(Need::Boot)?;
            let img = image::build(&q.manifest())?;
            qemu::run_interactive(&img, &q.options())
        }
        Command::Build { qemu } => {
            let img = image::build(&qemu.or(outer).manifest())?;
            println!("kernel: {}\nboot archive: {}", img.kernel.display(), img.initrd.display());
            Ok(0)
        }
        Command::Bench { suite, net, fuzz, qemu } => bench::run(suite, &net, &fuzz, &qemu.or(outer).options()),
        Command::Fs(command) => Ok(molt_vfs::cli::run(command)),
        Command::Net(command) => Ok(molt_net::cli::run(command)),
        Command::Completions { shell } => {
            manual::completions(shell, &mut std::io::stdout());
            Ok(0)
        }
        Command::Man { dir: None } => manual::man_page(&mut std::io::stdout()).map(|()| 0),
        Command::Man { dir: Some(dir) } => manual::man_pages(&dir).map(|()| 0),
    }
}

fn main() {
    // Usage errors exit with 2, --help and --version with 0 (clap's own).
    let cli = Cli::parse();
    match run(cli) {
        Ok(status) => std::process::exit(status),
        Err(e) => {
            eprintln!("molt: {e:#}");
            std::process::exit(molt_cli::status::FAILURE);
        }
    }
}
