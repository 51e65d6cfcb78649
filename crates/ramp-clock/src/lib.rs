//! Time for ramp. Every timestamp ramp stores or returns comes from a [`Clock`]
//! (DESIGN.md "clock"), so tests can freeze and advance time instead of sleeping.
//!
//! * [`SystemClock`] — wall time, optionally running `scale` times faster than real time
//!   from the moment the server starts (`--time-scale`).
//! * [`ManualClock`] — frozen until [`ManualClock::advance`] moves it (`--manual-clock`).

mod timestamp;

pub use timestamp::Timestamp;

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use tokio::sync::watch;

/// A source of wall-clock time and of timers keyed to that wall time.
pub trait Clock: Send + Sync + 'static {
    /// The current time.
    fn now(&self) -> Timestamp;

    /// Subscribes to jumps of a manual clock. A system clock never jumps, so it returns `None`;
    /// code that waits for a due time combines this with a real timer (see [`sleep_until`]).
    fn jumps(&self) -> Option<watch::Receiver<Timestamp>> {
        None
    }

    /// How much faster than real time this clock runs (1.0 for a plain system clock).
    fn scale(&self) -> f64 {
        1.0
    }
}

/// A shared clock handle.
pub type SharedClock = Arc<dyn Clock>;

/// Waits until `clock` reads at least `due`. With a manual clock this wakes when the clock is
/// advanced past `due`; with a system clock it sleeps the (scaled) remaining time.
pub async fn sleep_until(clock: &dyn Clock, due: Timestamp) {
    let mut jumps = clock.jumps();
    loop {
        let now = clock.now();
        if now >= due {
            return;
        }
        match jumps.as_mut() {
            Some(rx) => {
                if rx.changed().await.is_err() {
                    // The manual clock was dropped: nothing will ever move time again.
                    std::future::pending::<()>().await;
                }
            }
            None => {
                let real_ms = (due.millis() - now.millis()) as f64 / clock.scale();
                tokio::time::sleep(Duration::from_millis(real_ms.ceil().max(1.0) as u64)).await;
            }
        }
    }
}

/// Wall time, running `scale` times faster than real time from the instant it was made.
#[derive(Debug)]
pub struct SystemClock {
    scale: f64,
    origin_wall: Timestamp,
    origin_instant: std::time::Instant,
}

impl SystemClock {
    /// A clock that reads real wall time.
    pub fn new() -> Self {
        Self::scaled(1.0)
    }

    /// A clock that starts at the real wall time and then runs `scale` times faster.
    pub fn scaled(scale: f64) -> Self {
        Self::scaled_since(real_wall_time(), scale)
    }

    /// A clock that has run `scale` times faster than real time since the real wall time
    /// `origin`. Processes sharing one origin (and synchronized wall clocks) read the same time.
    pub fn scaled_since(origin: Timestamp, scale: f64) -> Self {
        let scale = if scale.is_finite() && scale > 0.0 { scale } else { 1.0 };
        // Fractions of a millisecond count: at ×1000 one real millisecond is a ramp second,
        // and two nodes must not disagree by that much.
        let elapsed_real = (real_wall_millis_f64() - origin.millis() as f64).max(0.0);
        Self {
            scale,
            origin_wall: Timestamp::from_millis(origin.millis() + (elapsed_real * scale) as i64),
            origin_instant: std::time::Instant::now(),
        }
    }

    /// The real wall time now: a clock's origin, or the time of a lease.
    pub fn real_now() -> Timestamp {
        real_wall_time()
    }
}

impl Default for SystemClock {
    fn default() -> Self {
        Self::new()
    }
}

fn real_wall_time() -> Timestamp {
    Timestamp::from_millis(real_wall_millis_f64() as i64)
}

#[allow(clippy::disallowed_methods)] // the one place that reads the system's wall clock
fn real_wall_millis_f64() -> f64 {
    let since_epoch = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    since_epoch.as_secs_f64() * 1000.0
}

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        if self.scale == 1.0 {
            return real_wall_time();
        }
        let elapsed = self.origin_instant.elapsed().as_secs_f64() * 1000.0 * self.scale;
        Timestamp::from_millis(self.origin_wall.millis() + elapsed as i64)
    }

    fn scale(&self) -> f64 {
        self.scale
    }
}

/// A clock that only moves when told to.
#[derive(Debug)]
pub struct ManualClock {
    now: AtomicI64,
    jumps: watch::Sender<Timestamp>,
}

impl ManualClock {
    /// A frozen clock reading `start`.
    pub fn new(start: Timestamp) -> Self {
        let (jumps, _) = watch::channel(start);
        Self {
            now: AtomicI64::new(start.millis()),
            jumps,
        }
    }

    /// A frozen clock reading the current wall time.
    pub fn starting_now() -> Self {
        Self::new(real_wall_time())
    }

    /// Moves the clock forward by `by` and wakes everything waiting on it. Returns the new time.
    pub fn advance(&self, by: Duration) -> Timestamp {
        let step = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        let now = Timestamp::from_millis(self.now.fetch_add(step, Ordering::SeqCst).saturating_add(step));
        self.jumps.send_replace(now);
        now
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        Timestamp::from_millis(self.now.load(Ordering::SeqCst))
    }

    fn jumps(&self) -> Option<watch::Receiver<Timestamp>> {
        Some(self.jumps.subscribe())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_moves_only_when_advanced() {
        let clock = ManualClock::new(Timestamp::from_millis(1_000));
        assert_eq!(clock.now().millis(), 1_000);
        clock.advance(Duration::from_secs(90));
        assert_eq!(clock.now().millis(), 91_000);
    }

    #[tokio::test]
    async fn sleep_until_wakes_when_manual_clock_passes_due_time() {
        let clock = Arc::new(ManualClock::new(Timestamp::from_millis(0)));
        let waiter = {
            let clock = clock.clone();
            tokio::spawn(async move { sleep_until(clock.as_ref(), Timestamp::from_millis(5_000)).await })
        };
        tokio::task::yield_now().await;
        clock.advance(Duration::from_secs(4));
        tokio::task::yield_now().await;
        assert!(!waiter.is_finished());
        clock.advance(Duration::from_secs(1));
        tokio::time::timeout(Duration::from_secs(5), waiter)
            .await
            .unwrap()
            .unwrap();
    }

    #[test]
    fn scaled_clock_runs_faster() {
        let clock = SystemClock::scaled(1000.0);
        let start = clock.now();
        std::thread::sleep(Duration::from_millis(20));
        assert!(clock.now().millis() - start.millis() >= 10_000);
    }

    #[test]
    fn clocks_scaled_since_one_origin_agree() {
        // An origin one real second ago, as another node would have stored it.
        let origin = Timestamp::from_millis(SystemClock::real_now().millis() - 1_000);
        let real = std::time::Instant::now();
        let first = SystemClock::scaled_since(origin, 60.0);
        let second = SystemClock::scaled_since(origin, 60.0);
        let (a, b) = (first.now(), second.now());
        let real_ms = real.elapsed().as_secs_f64() * 1000.0;
        assert!(a.millis() >= origin.millis() + 60_000, "a second at x60 is a minute");
        // Both clocks read the same scaled time, give or take the real time this test took (each
        // clock's origin and reading happen at slightly different real instants), times 60, plus
        // a few milliseconds of rounding. A fixed bound would fail whenever the machine pauses
        // the test for more than its 60th part (1 s at x60 is 17 ms of real time).
        let allowed = (real_ms * 60.0).ceil() as i64 + 5;
        assert!(
            (a.millis() - b.millis()).abs() <= allowed,
            "{a:?} vs {b:?}: more than {allowed} ms apart after {real_ms:.3} real ms"
        );
    }
}
