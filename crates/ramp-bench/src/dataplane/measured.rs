//! What one operating point of the data-plane load measured, and how one call can end.

use std::time::Duration;

use hdrhistogram::Histogram;

use crate::load;

/// How one GetLatestConfiguration (or ceiling) call ended.
pub(super) enum Answer {
    Ok { configuration: bool },
    TooEarly,
    Failed(String),
}

/// What one operating point measured over its window.
pub struct Measured {
    /// 200 answers inside the window.
    pub ok: u64,
    /// 200 answers that carried the configuration (a session's first poll); the rest are empty.
    pub with_configuration: u64,
    /// Anything else but "Request too early", and transport failures.
    pub errors: u64,
    pub first_error: Option<String>,
    /// "Request too early" answers (the token stays good; retried later).
    pub too_early: u64,
    /// Times a call waited because the pool's front session was not due yet (or none was free).
    pub pool_waits: u64,
    /// Closed loop: send → answer. Open loop: release → answer. Microseconds.
    pub latency: Histogram<u64>,
    /// Open loop only: scheduled instant → answer, microseconds.
    pub from_schedule: Option<Histogram<u64>>,
    pub window: Duration,
    /// Open loop only: the rate calls were released at.
    pub target_rate: Option<f64>,
    /// ramp's (or, for the ceiling, none) and the generator process's CPU time in the window
    /// plus its warm-up, with the wall time they were read over.
    pub server_cpu: Option<Duration>,
    pub generator_cpu: Duration,
    pub cpu_wall: Duration,
}

impl Measured {
    pub(super) fn new(window: Duration, target_rate: Option<f64>) -> anyhow::Result<Self> {
        Ok(Self {
            ok: 0,
            with_configuration: 0,
            errors: 0,
            first_error: None,
            too_early: 0,
            pool_waits: 0,
            latency: load::new_histogram()?,
            from_schedule: match target_rate {
                Some(_) => Some(load::new_histogram()?),
                None => None,
            },
            window,
            target_rate,
            server_cpu: None,
            generator_cpu: Duration::ZERO,
            cpu_wall: Duration::ZERO,
        })
    }

    pub(super) fn merge(&mut self, part: Self) -> anyhow::Result<()> {
        self.ok += part.ok;
        self.with_configuration += part.with_configuration;
        self.errors += part.errors;
        self.first_error = self.first_error.take().or(part.first_error);
        self.too_early += part.too_early;
        self.pool_waits += part.pool_waits;
        self.latency.add(&part.latency)?;
        if let (Some(mine), Some(theirs)) = (self.from_schedule.as_mut(), part.from_schedule.as_ref()) {
            mine.add(theirs)?;
        }
        Ok(())
    }

    pub fn per_second(&self) -> f64 {
        self.ok as f64 / self.window.as_secs_f64()
    }

    pub fn percentile_ms(&self, quantile: f64) -> f64 {
        self.latency.value_at_quantile(quantile) as f64 / 1000.0
    }

    pub fn scheduled_percentile_ms(&self, quantile: f64) -> Option<f64> {
        self.from_schedule
            .as_ref()
            .map(|h| h.value_at_quantile(quantile) as f64 / 1000.0)
    }

    pub(super) fn record(&mut self, answer: Answer, latency: Duration, from_schedule: Option<Duration>) {
        let micros = |d: Duration| u64::try_from(d.as_micros()).unwrap_or(u64::MAX).max(1);
        match answer {
            Answer::Ok { configuration } => {
                self.ok += 1;
                self.with_configuration += u64::from(configuration);
                self.latency.saturating_record(micros(latency));
                if let (Some(h), Some(d)) = (self.from_schedule.as_mut(), from_schedule) {
                    h.saturating_record(micros(d));
                }
            }
            Answer::TooEarly => self.too_early += 1,
            Answer::Failed(message) => {
                self.errors += 1;
                self.first_error.get_or_insert(message);
            }
        }
    }
}
