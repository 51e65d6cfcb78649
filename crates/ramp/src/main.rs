//! The `ramp` binary: `ramp serve` runs the server (DESIGN.md interface contract).

mod actions;
mod backends;
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
    about = "A self-hosted deployment server that speaks AWS AppConfig"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server.
    Serve(serve::ServeArgs),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    init_logging();
    let result = match cli.command {
        Command::Serve(args) => serve::run(args),
    };
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
