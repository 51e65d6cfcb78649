//! The two ways the data-plane load is driven, on the same generator runtime and connections as
//! the ceiling: a closed loop for the maximum throughput, an open loop for latency at a set rate.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;

use super::Settings;
use super::chains::Chains;
use super::measured::{Answer, Measured};
use crate::load::{self, HttpClient, Template};

/// What the generator drives: ramp's data plane, or the ceiling's one endpoint.
#[derive(Clone)]
pub(super) enum Target {
    /// Connection `k` calls node `k mod n`: each connection is bound to one node, and the
    /// connections are split evenly between the nodes.
    DataPlane(Arc<Chains>),
    // Boxed: an HTTP client is large, and targets are cloned per connection.
    Ceiling(Box<HttpClient>, Arc<Template>),
}

impl Target {
    async fn call(&self, connection: usize) -> (Instant, Answer, bool) {
        match self {
            Self::DataPlane(chains) => chains.call(connection % chains.node_count()).await,
            Self::Ceiling(client, template) => {
                let sent = Instant::now();
                (sent, ceiling_call(client, template).await, false)
            }
        }
    }
}

async fn ceiling_call(client: &HttpClient, template: &Template) -> Answer {
    match load::send_once(client, template).await {
        Ok((status, _)) if status.is_success() => Answer::Ok { configuration: false },
        Ok((status, body)) => Answer::Failed(format!("{status}: {}", String::from_utf8_lossy(&body))),
        Err(e) => Answer::Failed(format!("{e:#}")),
    }
}

/// Operating point 1: `connections` loops, each sending its next call when the last answers.
pub(super) async fn closed_loop(target: &Target, settings: &Settings) -> anyhow::Result<Measured> {
    let measure_from = Instant::now() + settings.warmup;
    let measure_until = measure_from + settings.duration;
    let loops: Vec<_> = (0..settings.connections)
        .map(|k| {
            let target = target.clone();
            tokio::spawn(async move {
                let mut part = Measured::new(measure_until - measure_from, None)?;
                while Instant::now() < measure_until {
                    let (sent, answer, waited) = target.call(k).await;
                    let done = Instant::now();
                    if matches!(answer, Answer::TooEarly) {
                        // Counted whenever it happens, warm-up included: it should never.
                        part.too_early += 1;
                        continue;
                    }
                    if done < measure_from || done > measure_until {
                        continue;
                    }
                    part.pool_waits += u64::from(waited);
                    let failed = matches!(answer, Answer::Failed(_));
                    part.record(answer, done - sent, None);
                    if failed {
                        // A refused connection fails in microseconds: do not spin on it.
                        tokio::time::sleep(Duration::from_millis(1)).await;
                    }
                }
                anyhow::Ok(part)
            })
        })
        .collect();
    let mut measured = Measured::new(settings.duration, None)?;
    for handle in loops {
        measured.merge(handle.await.context("a load task panicked")??)?;
    }
    Ok(measured)
}

/// Operating point 2: calls at `rate` per second whatever the answers do, on `connections`
/// workers. Worker `k` owns calls `k`, `k + connections`, `k + 2 × connections`, …, call `i`
/// being due at `i / rate` seconds (so together they release one call every `1 / rate`). A
/// worker still busy when its next call is due sends it as soon as it is free, and that call's
/// latency counts from its due time: the wait is the server's doing (no coordinated omission).
/// A worker that is free sleeps until the due time; tokio's timer wakes it up to a millisecond
/// late, and the primary latency counts from that wake-up, the second figure from the due time.
pub(super) async fn open_loop(target: &Target, settings: &Settings, rate: f64) -> anyhow::Result<Measured> {
    // A few milliseconds for the workers to be spawned before the first call is due.
    let began = Instant::now() + Duration::from_millis(5);
    let measure_from = began + settings.warmup;
    let measure_until = measure_from + settings.duration;
    let connections = settings.connections;
    let workers: Vec<_> = (0..connections)
        .map(|k| {
            let target = target.clone();
            tokio::spawn(async move {
                let mut part = Measured::new(measure_until - measure_from, Some(rate))?;
                for i in (k..).step_by(connections) {
                    let scheduled = began + Duration::from_secs_f64(i as f64 / rate);
                    if scheduled >= measure_until {
                        break;
                    }
                    let released = if Instant::now() < scheduled {
                        tokio::time::sleep_until(scheduled.into()).await;
                        Instant::now()
                    } else {
                        scheduled
                    };
                    // "Request too early" leaves the call unserved: retry it with the next session.
                    let (answer, waited) = loop {
                        let (_, answer, waited) = target.call(k).await;
                        if matches!(answer, Answer::TooEarly) && Instant::now() < measure_until {
                            part.too_early += 1;
                            continue;
                        }
                        break (answer, waited);
                    };
                    let done = Instant::now();
                    if done < measure_from || done > measure_until {
                        continue;
                    }
                    part.pool_waits += u64::from(waited);
                    part.record(answer, done - released, Some(done - scheduled));
                }
                anyhow::Ok(part)
            })
        })
        .collect();
    let mut measured = Measured::new(settings.duration, Some(rate))?;
    for handle in workers {
        measured.merge(handle.await.context("a load task panicked")??)?;
    }
    Ok(measured)
}
