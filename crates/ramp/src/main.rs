//! The `ramp` binary: `ramp serve` runs the server (DESIGN.md interface contract).

mod actions;
mod backends;
mod cli;
mod config_file;
mod logging;
mod serve;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

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
    ///
    /// Every flag can also be set by its `RAMP_*` environment variable, or by its long name in
    /// the TOML file given with --config (flags win over variables, variables over the file).
    Serve(serve::ServeArgs),
    /// The deploy CLI: deploy, status, stop, revert, alarm, strategy, site (README "Deploy CLI").
    #[command(flatten)]
    Cli(cli::Command),
}

fn main() -> std::process::ExitCode {
    let cli = parse_command_line();
    let args = match cli.command {
        Command::Serve(args) => args,
        // A client of a server: no server logs, its own one-line errors and exit codes.
        Command::Cli(command) => return cli::run(command),
    };
    // `serve` starts its logging itself, once its settings (`--log-format`) are known.
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

impl Command {
    fn config_file(&self) -> Option<&std::path::Path> {
        match self {
            Self::Serve(args) => args.config_file(),
            Self::Cli(_) => None,
        }
    }
}

/// The command line, with `ramp serve --config FILE`'s settings read in (`config_file`).
fn parse_command_line() -> Cli {
    let first = Cli::parse();
    let Some(config) = first.command.config_file() else {
        return first;
    };
    let mut command = Cli::command();
    let expanded = command
        .find_subcommand("serve")
        .ok_or_else(|| anyhow::anyhow!("no serve command"))
        .and_then(|serve| config_file::expand(std::env::args_os().collect(), serve, Some(config)));
    let expanded = match expanded {
        Ok(expanded) => expanded,
        Err(e) => {
            eprintln!("ramp: {e:#}");
            std::process::exit(2);
        }
    };
    command
        .try_get_matches_from_mut(expanded)
        .and_then(|matches| Cli::from_arg_matches(&matches))
        .unwrap_or_else(|e| e.exit())
}
