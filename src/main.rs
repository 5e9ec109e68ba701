//! `molt`: the host-side tool. With no subcommand it builds the kernel,
//! the servers and the boot archive, and boots Molt in QEMU with the
//! serial console on this terminal (stdin to the guest, guest output to
//! stdout; a pipe works too). QEMU's exit status becomes ours: 0 when the
//! guest powers off.
use clap::{Parser, Subcommand};
use molt::{bench, image, qemu};
use std::path::PathBuf;

#[derive(Parser)]
#[command(name = "molt", version = concat!(env!("CARGO_PKG_VERSION"), " (", env!("MOLT_GIT_REV"), ")"),
    about = "Build, boot, benchmark and inspect Molt")]
struct Cli {
    /// Guest memory in MiB.
    #[arg(long, default_value_t = 256, global = true)]
    memory: u32,
    /// QEMU accelerator: tcg (default; the only meaningful one on machines
    /// with nested KVM) or kvm.
    #[arg(long, default_value = "tcg", global = true)]
    accel: String,
    /// Kernel command line (for example "log=debug sched=stride").
    #[arg(long, default_value = "", global = true)]
    append: String,
    /// Extra argument for QEMU (repeatable).
    #[arg(long = "qemu-arg", allow_hyphen_values = true, global = true)]
    qemu_args: Vec<String>,
    /// Boot manifest naming the servers to start and their privileges.
    #[arg(long, default_value = "boot/manifest.toml", global = true)]
    manifest: PathBuf,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Build the image and boot it (the default).
    Run,
    /// Build the kernel and the boot archive and print their paths.
    Build,
    /// Run benchmarks and print tables; JSON goes to target/bench/.
    Bench {
        /// Which suite: kernel (the default), servers, fs, net or all.
        #[arg(default_value = "kernel")]
        suite: String,
        /// Options passed to the fs or net suite.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Hosted file-system tools (the BSD VFS and FFS as a Linux process).
    #[command(disable_help_flag = true)]
    Fs {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Hosted network tools (the BSD TCP/IP stack as a Linux process).
    #[command(disable_help_flag = true)]
    Net {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
}

fn manifest_path(p: &PathBuf) -> PathBuf {
    if p.is_absolute() || p.exists() {
        p.clone()
    } else {
        image::workspace_root().join(p)
    }
}

fn run(cli: Cli) -> anyhow::Result<i32> {
    let opts = qemu::Options {
        memory_mib: cli.memory,
        accel: cli.accel.clone(),
        cmdline: cli.append.clone(),
        icount: false,
        extra: cli.qemu_args.clone(),
    };
    match cli.command.unwrap_or(Command::Run) {
        Command::Run => {
            let img = image::build(&manifest_path(&cli.manifest))?;
            qemu::run_interactive(&img, &opts)
        }
        Command::Build => {
            let img = image::build(&manifest_path(&cli.manifest))?;
            println!("kernel: {}\nboot archive: {}", img.kernel.display(), img.initrd.display());
            Ok(0)
        }
        Command::Bench { suite, args } => match suite.as_str() {
            "fs" => Ok(molt_vfs::bench_main(args)),
            "net" => Ok(molt_net::bench_main(args)),
            "fuzz" => bench::fuzz(&args, &opts),
            "all" => {
                let guest = bench::run("all", &opts)?;
                let fs = molt_vfs::bench_main(Vec::new());
                let net = molt_net::bench_main(Vec::new());
                Ok(guest.max(fs).max(net))
            }
            _ => bench::run(&suite, &opts),
        },
        Command::Fs { args } => Ok(molt_vfs::cli_main(args)),
        Command::Net { args } => Ok(molt_net::cli_main(args)),
    }
}

fn main() {
    let cli = Cli::parse();
    match run(cli) {
        Ok(status) => std::process::exit(status),
        Err(e) => {
            eprintln!("molt: {e:#}");
            std::process::exit(1);
        }
    }
}
