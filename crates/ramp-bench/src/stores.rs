//! The `stores` part: the control-plane load of [`controlplane`] on SQLite and on PostgreSQL, one
//! fresh server each, in the same run and with the same settings, so the table compares the
//! stores and nothing else. The SQLite server runs first, then the PostgreSQL one on a new
//! schema; each is stopped before the next starts, so they never compete for the cores.

use std::path::Path;

use tokio::runtime::Runtime;

use crate::controlplane::{self, Operations};
use crate::load::{Outcome, Settings};
use crate::postgres;
use crate::server::RampProcess;

/// Both operations on both stores.
pub struct Comparison {
    pub sqlite: controlplane::Measured,
    pub postgres: controlplane::Measured,
    /// The database server, its version and durability settings, for the report.
    pub database: String,
}

impl Comparison {
    /// Every measured row with its name, for the error summary.
    pub fn rows(&self) -> Vec<(String, &Outcome)> {
        let mut rows = Vec::new();
        for (operation, sqlite, postgres) in self.pairs() {
            rows.push((format!("{operation} — SQLite"), sqlite));
            rows.push((format!("{operation} — PostgreSQL"), postgres));
        }
        rows
    }

    fn pairs(&self) -> Vec<(&'static str, &Outcome, &Outcome)> {
        let mut pairs = Vec::new();
        if let (Some(s), Some(p)) = (&self.sqlite.get, &self.postgres.get) {
            pairs.push(("GetApplication", s, p));
        }
        if let (Some(s), Some(p)) = (&self.sqlite.create, &self.postgres.create) {
            pairs.push(("CreateHostedConfigurationVersion (1 KiB, durable)", s, p));
        }
        pairs
    }
}

/// Measures GetApplication and CreateHostedConfigurationVersion on a fresh SQLite server, then
/// on a fresh PostgreSQL server (one node) in a new schema of `database_url`.
pub fn run(binary: &Path, database_url: &str, settings: Settings, generator: &Runtime) -> anyhow::Result<Comparison> {
    let both = Operations {
        get: true,
        create: true,
    };
    let sqlite = {
        let ramp = RampProcess::start(binary)?;
        eprintln!("stores: ramp on SQLite serving on {}", ramp.base_url());
        controlplane::measure(&ramp, both, settings, generator, "SQLite")?
    };
    let postgres = {
        let url = postgres::fresh_schema(database_url, generator)?;
        let ramp = RampProcess::start_with(binary, &postgres::serve_args(&url, "bench-pg"))?;
        eprintln!("stores: ramp on PostgreSQL serving on {}", ramp.base_url());
        controlplane::measure(&ramp, both, settings, generator, "PostgreSQL")?
    };
    Ok(Comparison {
        sqlite,
        postgres,
        database: postgres::describe(database_url, generator)?,
    })
}

/// The part's Markdown section.
pub fn print_report(comparison: &Comparison, settings: Settings, ramp_bin: &Path) {
    println!();
    println!("Control plane on each store (one node each, fresh, same load):");
    println!();
    println!(
        "| Operation — store | req/s | p50 ms | p99 ms | p99.9 ms | errors | PG / SQLite req/s | PG / SQLite p99 |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for (operation, sqlite, postgres) in comparison.pairs() {
        let row = |store: &str, o: &Outcome, ratios: Option<(f64, f64)>| {
            let (throughput, p99) = ratios.map_or(("—".to_owned(), "—".to_owned()), |(t, p)| {
                (format!("{t:.2}×"), format!("{p:.2}×"))
            });
            println!(
                "| {operation} — {store} | {:.0} | {:.2} | {:.2} | {:.2} | {} | {throughput} | {p99} |",
                o.per_second(),
                o.percentile_ms(0.50),
                o.percentile_ms(0.99),
                o.percentile_ms(0.999),
                o.errors,
            );
        };
        row("SQLite", sqlite, None);
        let ratio = |pg: f64, lite: f64| if lite > 0.0 { pg / lite } else { f64::NAN };
        row(
            "PostgreSQL",
            postgres,
            Some((
                ratio(postgres.per_second(), sqlite.per_second()),
                ratio(postgres.percentile_ms(0.99), sqlite.percentile_ms(0.99)),
            )),
        );
    }
    println!();
    println!(
        "The closed loop of the get and create parts ({} keep-alive connections × 1 request in flight, \
         {} s warm-up + {} s measured per row, requests signed once), GetApplication then \
         CreateHostedConfigurationVersion on each server; the ratios are PostgreSQL's figure over SQLite's. SQLite: `{} serve` on a \
         fresh data directory (WAL, synchronous=FULL, group commit). PostgreSQL: one `{} serve \
         --database-url …` node on a fresh schema of {}, every write one committed transaction; the \
         database server shares the machine's cores with ramp and the generator.",
        settings.connections,
        settings.warmup.as_secs(),
        settings.duration.as_secs(),
        ramp_bin.display(),
        ramp_bin.display(),
        comparison.database
    );
}
