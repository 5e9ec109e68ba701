//! The command line of `molt`, declared once with clap: `molt --help`,
//! every subcommand's `--help`, the shell completions and the man pages
//! are all generated from these definitions. The `fs` and `net`
//! subcommands are declared next to their code (molt-vfs, molt-net).
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use molt_cli::{after_help, exit_statuses};

use crate::bench::Suite;
use crate::{image, qemu};

/// The status paragraph of `molt --help` and `molt run --help`.
macro_rules! run_exit_status {
    () => {
        concat!(
            "Exit status: run (and molt with no command) passes on QEMU's, 0 when the guest powers off; \
every other command: ",
            exit_statuses!()
        )
    };
}

#[derive(Parser, Debug)]
#[command(name = "molt", version = concat!(env!("CARGO_PKG_VERSION"), " (", env!("MOLT_GIT_REV"), ")"),
    about = "Build, boot, benchmark and inspect Molt",
    long_about = "Build, boot, benchmark and inspect Molt, a Rust microkernel for x86_64 that runs \
4.4BSD subsystems as servers. With no command, molt builds the image and boots it in QEMU \
with the serial console on this terminal.",
    after_help = after_help!("molt", "molt --append 'log=debug sched=stride'", "molt fs newfs disk.img 64M",
        "molt bench fs"; exit: run_exit_status!()))]
pub struct Cli {
    /// Options for the default command (run); run, build and bench take
    /// them after their name too.
    #[command(flatten)]
    pub qemu: QemuArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Options of the commands that build an image and boot it in QEMU.
#[derive(Args, Debug, Clone, Default)]
#[command(next_help_heading = "Image and QEMU options")]
pub struct QemuArgs {
    /// Guest memory in MiB (default 256).
    #[arg(long, value_name = "MIB")]
    pub memory: Option<u32>,
    /// QEMU accelerator: tcg (the default; the only meaningful one on
    /// machines with nested KVM) or kvm.
    #[arg(long)]
    pub accel: Option<String>,
    /// Kernel command line (for example "log=debug sched=stride").
    #[arg(long, value_name = "WORDS")]
    pub append: Option<String>,
    /// Extra argument for QEMU (repeatable).
    #[arg(long = "qemu-arg", value_name = "ARG", allow_hyphen_values = true)]
    pub qemu_args: Vec<String>,
    /// Boot manifest naming the servers to start and their privileges
    /// (default boot/manifest.toml).
    #[arg(long, value_name = "FILE")]
    pub manifest: Option<PathBuf>,
}

impl QemuArgs {
    /// These options, with the ones given before the command name
    /// (`molt --memory 512 bench`) filling what these leave out.
    pub fn or(self, outer: QemuArgs) -> QemuArgs {
        QemuArgs {
            memory: self.memory.or(outer.memory),
            accel: self.accel.or(outer.accel),
            append: self.append.or(outer.append),
            qemu_args: [outer.qemu_args, self.qemu_args].concat(),
            manifest: self.manifest.or(outer.manifest),
        }
    }

    /// How to run QEMU, defaults filled in.
    pub fn options(&self) -> qemu::Options {
        qemu::Options {
            memory_mib: self.memory.unwrap_or(256),
            accel: self.accel.clone().unwrap_or_else(|| "tcg".into()),
            cmdline: self.append.clone().unwrap_or_default(),
            icount: false,
            extra: self.qemu_args.clone(),
        }
    }

    /// The boot manifest, relative to the workspace unless it names a file here.
    pub fn manifest(&self) -> PathBuf {
        let p = self.manifest.clone().unwrap_or_else(|| PathBuf::from("boot/manifest.toml"));
        if p.is_absolute() || p.exists() {
            p
        } else {
            image::workspace_root().join(p)
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Build the image and boot it in QEMU, serial console on this terminal (the default).
    #[command(after_help = after_help!("molt run", "molt run --memory 512 --append log=debug";
        exit: run_exit_status!()))]
    Run {
        #[command(flatten)]
        qemu: QemuArgs,
    },
    /// Build the kernel and the boot archive and print their paths.
    #[command(after_help = after_help!("molt build", "molt build --manifest boot/ktest.toml"))]
    Build {
        #[command(flatten)]
        qemu: QemuArgs,
    },
    /// Run a benchmark suite: print its table and write target/bench/SUITE.json.
    #[command(after_help = after_help!("molt bench", "molt bench fs", "molt bench net --mib 16 --rr 500", "molt bench fuzz --seeds 10 --calls 1000000", "molt bench all"))]
    Bench {
        /// The suite to run.
        #[arg(value_enum, default_value_t = Suite::Kernel)]
        suite: Suite,
        #[command(flatten)]
        net: molt_net::bench::BenchArgs,
        #[command(flatten)]
        fuzz: crate::bench::FuzzArgs,
        #[command(flatten)]
        qemu: QemuArgs,
    },
    /// Hosted file-system tools: the BSD VFS and FFS in a Linux process.
    #[command(subcommand, after_help = after_help!("molt fs newfs disk.img 64M", "molt fs import disk.img ./tree",
        "molt fs ls disk.img", "molt fs check disk.img"))]
    Fs(molt_vfs::cli::FsCommand),
    /// Hosted network tools: the BSD TCP/IP stack in a Linux process.
    #[command(subcommand, after_help = after_help!("molt net serve --tap tap0 --addr 10.0.0.2/24"))]
    Net(molt_net::cli::NetCommand),
    /// Print a shell completion script for molt to standard output.
    #[command(after_help = after_help!("molt completions bash > ~/.local/share/bash-completion/completions/molt",
        "molt completions zsh > ~/.zfunc/_molt", "molt completions fish > ~/.config/fish/completions/molt.fish"))]
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
    /// Write molt's man page to standard output, or every page (molt.1,
    /// molt-fs.1, molt-fs-newfs.1, ...) to a directory.
    #[command(after_help = after_help!("molt man | man -l -", "molt man --dir target/man"))]
    Man {
        /// Write one page per command into this directory instead.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}
