//! How late the engine applies milestones: the time between a milestone's due time and the
//! moment its write is durable, in real milliseconds (ramp-clock time divided by the clock's
//! scale). With a manual clock it is always 0; it matters for real and accelerated time.

use std::sync::Mutex;

use hdrhistogram::Histogram;
use ramp_clock::Timestamp;
use ramp_domain::deployment::DeploymentEvent;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LagStats {
    pub count: u64,
    pub p50_millis: u64,
    pub p99_millis: u64,
    pub max_millis: u64,
}

pub struct LagRecorder {
    histogram: Mutex<Histogram<u64>>,
}

impl Default for LagRecorder {
    fn default() -> Self {
        // 1 ms to 1 day at 3 significant digits: enough for any lag worth reporting.
        let histogram = Histogram::new_with_bounds(1, 24 * 3600 * 1000, 3).expect("constant bounds are valid");
        Self {
            histogram: Mutex::new(histogram),
        }
    }
}

impl LagRecorder {
    /// Records scheduled events that became durable at `now`.
    pub fn record(&self, events: &[DeploymentEvent], now: Timestamp, scale: f64) {
        let Ok(mut histogram) = self.histogram.lock() else {
            return;
        };
        for event in events {
            let late = (now.millis() - event.occurred_at.millis()).max(0) as f64 / scale.max(f64::MIN_POSITIVE);
            histogram.saturating_record(late as u64);
            metrics::histogram!("ramp_engine_lag_seconds").record(late / 1000.0);
        }
    }

    pub fn stats(&self) -> LagStats {
        let Ok(histogram) = self.histogram.lock() else {
            return LagStats::default();
        };
        LagStats {
            count: histogram.len(),
            p50_millis: histogram.value_at_quantile(0.50),
            p99_millis: histogram.value_at_quantile(0.99),
            max_millis: histogram.max(),
        }
    }
}
