//! `molt`: the host-side tool. With no subcommand it builds the kernel,
//! the servers and the boot archive and boots Molt in QEMU with the serial
//! console on this terminal.
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "molt", version, about = "Build, boot, benchmark and inspect Molt")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
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

fn main() {
    let cli = Cli::parse();
    let status = match cli.command {
        Some(Command::Fs { args }) => molt_vfs::cli_main(args),
        Some(Command::Net { args }) => molt_net::cli_main(args),
        None => 0,
    };
    std::process::exit(status);
}
