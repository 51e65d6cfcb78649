//! The data-plane scenario's Markdown section.

use std::path::Path;
use std::time::Duration;

use super::{HALF_RATE_P99_TARGET, MIN_MEASURED_CALLS, Measured, Outcome, SHARE_OF_CEILING_TARGET};

/// The scenario's Markdown section. `ceiling` is the closed-loop ceiling's req/s, if measured.
pub fn print_report(outcome: &Outcome, ceiling: Option<f64>, ramp_bin: &Path) {
    let o = outcome;
    let s = &o.settings;
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let pct = |d: Duration, wall: Duration| 100.0 * d.as_secs_f64() / wall.as_secs_f64().max(f64::MIN_POSITIVE);
    let share = ceiling.map(|c| o.max.per_second() / c);
    let half_p99 = Duration::from_secs_f64(o.half.percentile_ms(0.99) / 1000.0);

    println!();
    println!(
        "Data plane: GetLatestConfiguration with chained tokens ({} sessions polling every 15 s of \
         `--time-scale {}` = {:.0} ms real; {} connections):",
        s.sessions,
        s.time_scale,
        s.real_interval().as_secs_f64() * 1000.0,
        s.connections
    );
    println!();
    println!(
        "| Operating point | req/s | p50 ms | p99 ms | p99.9 ms | p99 from schedule ms | errors | too early | % of ceiling | ramp CPU | generator CPU |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let row = |name: String, m: &Measured| {
        let of_ceiling = ceiling.map_or("n/a".to_owned(), |c| format!("{:.0} %", 100.0 * m.per_second() / c));
        let server = m
            .server_cpu
            .map_or("—".to_owned(), |cpu| format!("{:.0} %", pct(cpu, m.cpu_wall)));
        let generator = if m.cpu_wall.is_zero() {
            "—".to_owned()
        } else {
            format!("{:.0} %", pct(m.generator_cpu, m.cpu_wall))
        };
        println!(
            "| {name} | {:.0} | {:.2} | {:.2} | {:.2} | {} | {} | {} | {of_ceiling} | {server} | {generator} |",
            m.per_second(),
            m.percentile_ms(0.50),
            m.percentile_ms(0.99),
            m.percentile_ms(0.999),
            m.scheduled_percentile_ms(0.99)
                .map_or("—".to_owned(), |v| format!("{v:.2}")),
            m.errors,
            m.too_early,
        );
    };
    row("GetLatestConfiguration, max (closed loop)".to_owned(), &o.max);
    let rate = o.half.target_rate.unwrap_or(0.0);
    row(
        format!("GetLatestConfiguration at {rate:.0}/s (½ max, open loop)"),
        &o.half,
    );
    if let Some(c) = &o.ceiling_half {
        row(format!("ceiling at {rate:.0}/s (same open loop)"), c);
    }
    println!();
    if let Some(share) = share {
        println!(
            "GetLatestConfiguration: {:.0} % of the ceiling (target ≥ {:.0} %: {}).",
            100.0 * share,
            100.0 * SHARE_OF_CEILING_TARGET,
            crate::verdict(share >= SHARE_OF_CEILING_TARGET)
        );
    }
    println!(
        "GetLatestConfiguration at half the maximum rate: p99 {:.2} ms (target < {} ms: {}).",
        o.half.percentile_ms(0.99),
        HALF_RATE_P99_TARGET.as_millis(),
        crate::verdict(half_p99 < HALF_RATE_P99_TARGET)
    );
    println!(
        "Measured calls: {} at max + {} at half rate (target ≥ {MIN_MEASURED_CALLS} in the measured phase: {}); \
         {} successful chained calls in all, warm-ups included, over {} chains (calls per chain: min {}, \
         mean {:.0}, max {}); configuration bodies in the measured windows: {} (a session's first poll), \
         the rest empty 200s; pool waits: {} + {}; sessions lost: {}; an already-used token replayed: {}.",
        o.max.ok,
        o.half.ok,
        crate::verdict(o.max.ok >= MIN_MEASURED_CALLS),
        o.chains.chained_calls,
        s.sessions,
        o.chains.chain_lengths.0,
        o.chains.chain_lengths.1,
        o.chains.chain_lengths.2,
        o.max.with_configuration + o.half.with_configuration,
        o.max.pool_waits,
        o.half.pool_waits,
        o.chains.lost_sessions,
        o.reused_token_answer
    );
    println!();
    println!(
        "Each call sends the token of its session's previous answer; the pool hands out the session \
         due first. Max: closed loop, one call in flight per connection, {} s warm-up + {} s measured, \
         latency send → answer. Half rate: open loop at half the max just measured, on the same {} \
         connections, each call due at a fixed instant; latency from the send, or from the due instant \
         when the connection was still busy then (so queueing counts), and, in the next column, always \
         from the due instant (adds tokio's up-to-1 ms timer lag). Signatures: {}. CPU: utime+stime from \
         /proc over warm-up + window, in % of one core ({cores} cores; the generator's figure is this \
         whole process, on a tokio runtime with the same worker threads as every row).",
        s.warmup.as_secs(),
        s.duration.as_secs(),
        s.connections,
        match o.chains.sign_micros {
            Some(micros) =>
                format!("SigV4 per request with the token in the canonical query, {micros:.1} µs each on the generator"),
            None => "SigV4 computed once and reused (ramp runs open: it parses the header, it does not verify it; \
                     `--dataplane-sign-each-request` signs every call)"
                .to_owned(),
        }
    );
    println!();
    println!(
        "ramp ran as: `{} serve --listen 127.0.0.1:0 --data-dir <tmp> {}`",
        ramp_bin.display(),
        o.serve_args.join(" ")
    );
}
