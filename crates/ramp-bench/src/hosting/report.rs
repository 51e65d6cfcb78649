//! The hosting benchmarks' Markdown sections, with the targets.

use std::path::Path;
use std::time::Duration;

use super::{DeployOutcome, MemoryOutcome, ServingOutcome, Settings};
use crate::verdict;

/// ramp's req/s over nginx's: the target, and the least acceptable.
const SERVING_TARGET: f64 = 1.0;
const SERVING_FLOOR: f64 = 0.8;
const FIRST_DEPLOY_TARGET: Duration = Duration::from_secs(5);
const FIRST_DEPLOY_CEILING: Duration = Duration::from_secs(10);
const REDEPLOY_TARGET: Duration = Duration::from_secs(2);
/// ramp's default `--site-cache-bytes`.
const DEFAULT_CACHE_BYTES: u64 = 256 * 1024 * 1024;

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1_000_000.0
}

pub fn print_serving(outcome: &ServingOutcome, settings: &Settings, ramp_bin: &Path) {
    println!();
    println!("### Amplify Hosting: small static files, ramp next to nginx");
    println!();
    println!("| file | server | req/s | p50 ms | p99 ms | p99.9 ms | errors | ramp / nginx |");
    println!("|---|---|---:|---:|---:|---:|---:|---:|");
    for row in &outcome.rows {
        let ratio = row.ramp.per_second() / row.nginx.per_second();
        let unlogged_ratio = row.ramp_unlogged.per_second() / row.nginx.per_second();
        for (server, o, share) in [
            (outcome.nginx_version.as_str(), &row.nginx, String::new()),
            ("ramp", &row.ramp, format!("{ratio:.2}×")),
            (
                "ramp, access log off",
                &row.ramp_unlogged,
                format!("{unlogged_ratio:.2}×"),
            ),
        ] {
            println!(
                "| {} ({} B) | {server} | {:.0} | {:.2} | {:.2} | {:.2} | {} | {share} |",
                row.file,
                row.bytes,
                o.per_second(),
                o.percentile_ms(0.50),
                o.percentile_ms(0.99),
                o.percentile_ms(0.999),
                o.errors
            );
        }
    }
    println!();
    for row in &outcome.rows {
        for (how, ramp) in [("", &row.ramp), (" (access log off, as nginx's)", &row.ramp_unlogged)] {
            let ratio = ramp.per_second() / row.nginx.per_second();
            println!(
                "{}: ramp{how} at {ratio:.2}× nginx's req/s (target ≥ {SERVING_TARGET:.1}×: {}; at least {SERVING_FLOOR:.1}×: {}).",
                row.file,
                verdict(ratio >= SERVING_TARGET),
                verdict(ratio >= SERVING_FLOOR)
            );
        }
    }
    println!();
    println!(
        "Closed loop, ramp-bench's generator: {} keep-alive HTTP/1.1 connections × 1 request in flight, {} s \
         warm-up + {} s measured per row, no Accept-Encoding (both send the file as it is). ramp: {} on a fresh \
         data dir, the files deployed through CreateDeployment/StartDeployment and requested with \
         `Host: main.{{appId}}.localhost`; nginx: worker_processes auto, sendfile, access_log off, \
         open_file_cache, keepalive_requests 10000000, the same files in a temporary directory.",
        settings.load.connections,
        settings.load.warmup.as_secs(),
        settings.load.duration.as_secs(),
        ramp_bin.display()
    );
}

pub fn print_deploy(outcome: &DeployOutcome, settings: &Settings) {
    let o = outcome;
    println!();
    println!("### Amplify Hosting: deploying a 10,000-file site");
    println!();
    println!(
        "{} files, {:.1} MB ({:.1} MB zipped), seed {}: StartDeployment → GetJob reports SUCCEED.",
        o.files,
        mb(o.bytes as u64),
        mb(o.zip_bytes as u64),
        settings.seed
    );
    println!();
    println!("| deploy | wall time | target |");
    println!("|---|---:|---|");
    println!(
        "| first (every blob new) | {:.2} s | < {} s ({}), at most {} s ({}) |",
        o.first.as_secs_f64(),
        FIRST_DEPLOY_TARGET.as_secs(),
        verdict(o.first < FIRST_DEPLOY_TARGET),
        FIRST_DEPLOY_CEILING.as_secs(),
        verdict(o.first <= FIRST_DEPLOY_CEILING)
    );
    println!(
        "| the same zip again | {:.2} s | < {} s ({}) |",
        o.again.as_secs_f64(),
        REDEPLOY_TARGET.as_secs(),
        verdict(o.again < REDEPLOY_TARGET)
    );
    println!();
    println!(
        "Default directory blob store under the data dir; the zip uploaded before StartDeployment (not timed); \
         GetJob polled every 10 ms."
    );
}

pub fn print_memory(outcome: &MemoryOutcome, settings: &Settings) {
    println!();
    println!("### Amplify Hosting: memory while serving 10,000 files");
    println!();
    println!(
        "| --site-cache-bytes | RSS after the deploy | peak RSS under load | RSS after | req/s | p99 ms | errors |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for row in &outcome.rows {
        let cache = match row.cache_bytes {
            Some(bytes) => format!("{:.0} MB", mb(bytes)),
            None => format!("default ({:.0} MB)", mb(DEFAULT_CACHE_BYTES)),
        };
        println!(
            "| {cache} | {:.1} MB | {:.1} MB | {:.1} MB | {:.0} | {:.2} | {} |",
            mb(row.rss_after_deploy),
            mb(row.rss_peak_under_load),
            mb(row.rss_after_load),
            row.outcome.per_second(),
            row.outcome.percentile_ms(0.99),
            row.outcome.errors
        );
    }
    println!();
    println!(
        "The deploy of the `deploy` part ({} files, {:.1} MB), every file requested in turn over {} connections \
         ({} s warm-up + {} s), ramp's VmRSS sampled every 100 ms.",
        outcome.files,
        mb(outcome.bytes as u64),
        settings.load.connections,
        settings.load.warmup.as_secs(),
        settings.load.duration.as_secs()
    );
}
