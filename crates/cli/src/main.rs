//! `qyzmet`: the platform's one binary. Each subcommand is a thin shell over a crate.

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

mod cmd;

/// mimalloc, not glibc's malloc: measured faster for the platform's many small allocations
/// across threads (README, figures).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "qyzmet",
    version,
    about = "Electronic government services run from their regulations"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check an IIN, BIN or RNN and print what it encodes.
    Id {
        #[command(subcommand)]
        command: cmd::id::IdCommand,
    },
    /// The Kazakh working-day calendar.
    Calendar {
        /// Folder of per-year calendar files.
        #[arg(long, default_value = "calendar", global = true)]
        dir: PathBuf,
        #[command(subcommand)]
        command: cmd::calendar::CalendarCommand,
    },
    /// Regulations: check, list and show the service definitions.
    Regulations {
        #[command(subcommand)]
        command: cmd::regulations::RegulationsCommand,
    },
    /// The test national certification authority (NCA).
    Pki {
        /// The NCA's folder.
        #[arg(long, default_value = "data/nca", global = true)]
        dir: PathBuf,
        #[command(subcommand)]
        command: cmd::pki::PkiCommand,
    },
    /// Sign a file with a PKCS#12 key file: CMS (CAdES-BES), attached or detached.
    Sign(cmd::signature::SignArgs),
    /// Verify a CMS signature and print the validation report (exit 0 only when it passed).
    Verify(cmd::signature::VerifyArgs),
    /// The gateway (ШЭП): offline checks of its message log.
    Gateway {
        #[command(subcommand)]
        command: cmd::gateway::GatewayCommand,
    },
    /// Start the platform: load and check the regulations and the calendar, and say what runs.
    Serve(cmd::serve::ServeArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Id { command } => cmd::id::run(command),
        Command::Calendar { dir, command } => cmd::calendar::run(&dir, command),
        Command::Regulations { command } => cmd::regulations::run(command),
        Command::Pki { dir, command } => cmd::pki::run(&dir, command),
        Command::Sign(args) => cmd::signature::sign(args),
        Command::Verify(args) => cmd::signature::verify(args),
        Command::Gateway { command } => cmd::gateway::run(command),
        Command::Serve(args) => cmd::serve::run(args),
    }
}
