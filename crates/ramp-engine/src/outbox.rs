//! Delivery of the transactional outbox: the [`Deliverer`] hands every entry to every registered
//! [`OutboxHandler`], at least once, in commit order per deployment.
//!
//! * **Who delivers.** One node at a time: with several nodes, the holder of the `outbox` lease
//!   ([`LEASE_NAME`], same timing as the engine's). Entries carry no claim of their own: the
//!   lease is the claim, so the entries a dying deliverer was working on are simply still
//!   pending when the next holder looks, and go again (at least once).
//! * **When.** At once after a transition of this node or, through `Engine::follow`, of
//!   another (the deliverer subscribes to the node's transitions), when a retry comes due, and
//!   at each lease renewal.
//! * **Order.** The store hands out only the first undelivered entry of each deployment; the
//!   next one becomes due once that one is delivered.
//! * **Retries.** An entry is marked delivered only when every handler returned `Ok`; after a
//!   failure it goes again after `BACKOFF_BASE · 2^(attempts)`, capped at `BACKOFF_MAX`. These
//!   times are read from the clock the deliverer is given: ramp's clock in `ramp serve` (the one
//!   every stored time uses, so `--time-scale` shortens them and a manual clock steps them in
//!   tests), whose frozen manual mode therefore retries only when the clock is moved.
//! * **Retention.** Delivered entries are deleted `RETENTION` after delivery (pruned at most
//!   once per `PRUNE_EVERY`).

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;
use ramp_clock::{SharedClock, Timestamp};
use ramp_domain::outbox::OutboxHandler;
use ramp_domain::store::{self, OutboxEntry, OutboxStatus, Store};
use ramp_domain::transition::{Transition, TransitionSubscriber};
use tokio::sync::Notify;

use crate::leadership::Leadership;
use crate::rounds::{Rounds, Wait};

/// The name of the deliverer's lease in the store.
pub const LEASE_NAME: &str = "outbox";
/// The first retry's delay; each further failure doubles it.
pub const BACKOFF_BASE: Duration = Duration::from_secs(1);
/// The longest delay between two attempts.
pub const BACKOFF_MAX: Duration = Duration::from_secs(10 * 60);
/// How long delivered entries are kept.
pub const RETENTION: Duration = Duration::from_secs(7 * 24 * 60 * 60);
/// How often delivered entries are pruned at most.
const PRUNE_EVERY: Duration = Duration::from_secs(60 * 60);
/// Entries read per round.
const BATCH: usize = 256;
/// Entries (of different deployments) delivered at the same time.
const CONCURRENCY: usize = 64;

/// The delay before attempt `attempts + 1`, after `attempts` failures (`attempts ≥ 1`).
pub fn backoff(attempts: i64) -> Duration {
    let doublings = u32::try_from(attempts.saturating_sub(1).clamp(0, 20)).unwrap_or(20);
    BACKOFF_BASE
        .saturating_mul(2u32.saturating_pow(doublings))
        .min(BACKOFF_MAX)
}

/// What one round of delivery did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryReport {
    pub delivered: usize,
    pub failed: usize,
}

pub struct Deliverer {
    store: Arc<dyn Store>,
    clock: SharedClock,
    handlers: Vec<Arc<dyn OutboxHandler>>,
    leadership: Option<Leadership>,
    wake: Arc<Notify>,
    last_prune: Mutex<Option<Timestamp>>,
}

impl Deliverer {
    /// Delivers `store`'s outbox with backoff times from `clock`.
    pub fn new(store: Arc<dyn Store>, clock: SharedClock) -> Self {
        Self {
            store,
            clock,
            handlers: Vec::new(),
            leadership: None,
            wake: Arc::new(Notify::new()),
            last_prune: Mutex::new(None),
        }
    }

    /// Adds a handler every entry must be taken by.
    pub fn with_handler(mut self, handler: Arc<dyn OutboxHandler>) -> Self {
        self.handlers.push(handler);
        self
    }

    /// Shares the outbox with other nodes: the loop delivers only while `node` holds the
    /// `outbox` lease (`real` reads real time, as every lease does).
    pub fn with_lease(mut self, node: impl Into<String>, real: SharedClock) -> Self {
        self.leadership = Some(Leadership::of(LEASE_NAME, node, real));
        self
    }

    /// Wakes the loop on every transition of the node (subscribe it to the node's transitions).
    pub fn subscriber(&self) -> Arc<dyn TransitionSubscriber> {
        Arc::new(Wake(self.wake.clone()))
    }

    /// Delivers everything due now, each deployment's entries in order; whether this node leads
    /// is the caller's business (`run` asks the lease first).
    pub async fn deliver_due(&self) -> store::Result<DeliveryReport> {
        let mut report = DeliveryReport::default();
        loop {
            let now = self.clock.now();
            let due = self.store.outbox_due(now, BATCH).await?;
            // The store hands out at most one entry per deployment, so the batch's entries may
            // go out side by side without breaking any deployment's order: one slow target
            // does not hold up every other deployment's notifications.
            // (Made into a list first: a stream mapping over borrowed entries would not be
            // `Send` for every lifetime, which the task running the deliverer needs.)
            let deliveries: Vec<_> = due.iter().map(|entry| self.deliver(entry)).collect();
            let outcomes: Vec<store::Result<bool>> =
                futures::stream::iter(deliveries).buffered(CONCURRENCY).collect().await;
            let mut delivered = Vec::new();
            for (entry, outcome) in due.iter().zip(outcomes) {
                if outcome? {
                    delivered.push(entry.id);
                } else {
                    report.failed += 1;
                }
            }
            // One write for the round (a crash before it only means the round goes again).
            if !delivered.is_empty() {
                self.store.outbox_delivered(&delivered, self.clock.now()).await?;
            }
            report.delivered += delivered.len();
            // A delivered entry may have uncovered the next of its deployment; a failed one is
            // rescheduled into the future, so a round that delivered nothing is the last.
            if delivered.is_empty() {
                return Ok(report);
            }
        }
    }

    /// Hands `entry` to every handler; whether all took it. Else schedules the next attempt.
    async fn deliver(&self, entry: &OutboxEntry) -> store::Result<bool> {
        for handler in &self.handlers {
            if let Err(error) = handler.handle(entry).await {
                let attempts = entry.attempts + 1;
                let delay = i64::try_from(backoff(attempts).as_millis()).unwrap_or(i64::MAX);
                let at = Timestamp::from_millis(self.clock.now().millis().saturating_add(delay));
                tracing::warn!(entry = entry.id, attempts, retry_at = %at.to_iso8601(), "outbox delivery failed: {error}");
                self.store.outbox_retry_at(entry.id, at, &error).await?;
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Deletes entries delivered more than [`RETENTION`] ago, at most once per `PRUNE_EVERY`.
    async fn prune(&self) -> store::Result<()> {
        let now = self.clock.now();
        let every = i64::try_from(PRUNE_EVERY.as_millis()).unwrap_or(i64::MAX);
        {
            let last = self
                .last_prune
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if last.is_some_and(|at| now.millis() - at.millis() < every) {
                return Ok(());
            }
        }
        let retention = i64::try_from(RETENTION.as_millis()).unwrap_or(i64::MAX);
        let pruned = self
            .store
            .outbox_prune(Timestamp::from_millis(now.millis().saturating_sub(retention)))
            .await?;
        if pruned > 0 {
            tracing::debug!(pruned, "pruned delivered outbox entries");
        }
        *self
            .last_prune
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(now);
        Ok(())
    }

    /// Runs until `shutdown` resolves: deliver, then sleep until the next retry is due, a
    /// transition wakes it or (with a lease) the next renewal.
    pub async fn run(self: Arc<Self>, shutdown: impl Future<Output = ()>) {
        let rounds = Rounds {
            store: self.store.as_ref(),
            clock: self.clock.as_ref(),
            leadership: self.leadership.as_ref(),
            wake: &self.wake,
        };
        rounds.run(shutdown, || self.round()).await;
    }

    async fn round(&self) -> Wait {
        let started = self.clock.now();
        if let Err(e) = self.deliver_due().await {
            tracing::warn!("outbox delivery stopped: {e}");
            return Wait::Retry;
        }
        if let Err(e) = self.prune().await {
            tracing::warn!("cannot prune the outbox: {e}");
        }
        match self.store.outbox_next_due().await {
            Ok(Some(due)) if due <= started => Wait::Retry,
            Ok(Some(due)) => Wait::Until(due),
            Ok(None) => Wait::Forever,
            Err(e) => {
                tracing::warn!("cannot read the outbox: {e}");
                Wait::Retry
            }
        }
    }

    /// Pending entries, the oldest's commit time, failing and delivered counts.
    pub async fn status(&self) -> store::Result<OutboxStatus> {
        self.store.outbox_status().await
    }
}

struct Wake(Arc<Notify>);

#[async_trait::async_trait]
impl TransitionSubscriber for Wake {
    async fn heard(&self, _transition: &Transition) {
        self.0.notify_one();
    }

    async fn missed(&self) {
        self.0.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_one_second_up_to_ten_minutes() {
        assert_eq!(backoff(1), Duration::from_secs(1));
        assert_eq!(backoff(2), Duration::from_secs(2));
        assert_eq!(backoff(5), Duration::from_secs(16));
        assert_eq!(backoff(11), BACKOFF_MAX);
        assert_eq!(backoff(1_000), BACKOFF_MAX);
    }
}
