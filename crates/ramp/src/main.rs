//! The `ramp` binary: `ramp serve` runs the server (DESIGN.md interface contract).

mod actions;
mod backends;
mod cli;
mod serve;

use clap::{Parser, Subcommand};

/// mimalloc rather than glibc's malloc: every request allocates and frees a few dozen small
/// buffers across two or more worker threads, which glibc's arenas serve slowly (the data-plane
/// benchmark showed malloc and free at ~12 % of ramp's CPU; README "Benchmarks").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "ramp",
    version,
    about = "A self-hosted deployment server that speaks AWS AppConfig",
    after_long_help = cli::EXIT_CODES
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

// Parsed once at start-up: the size of the biggest variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand)]
enum Command {
    /// Run the server.
    Serve(serve::ServeArgs),
    /// The deploy CLI: deploy, status, stop, revert, alarm, strategy, site (README "Deploy CLI").
    #[command(flatten)]
    Cli(cli::Command),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let args = match cli.command {
        Command::Serve(args) => args,
        // A client of a server: no server logs, its own one-line errors and exit codes.
        Command::Cli(command) => return cli::run(command),
    };
    init_logging();
    let result = serve::run(args);
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e:#}");
            eprintln!("ramp: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// `RUST_LOG` when set, else info for ramp and warnings for its dependencies.
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,ramp=info,ramp_server=info,ramp_store=info"));
    use std::io::IsTerminal;
    let ansi = std::io::stderr().is_terminal();
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(ansi)
        .with_writer(std::io::stderr)
        .init();
}
