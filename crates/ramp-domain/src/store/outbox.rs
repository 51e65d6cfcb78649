//! The transactional outbox: messages written with a deployment transition and delivered
//! afterwards, at least once, by the node holding the outbox lease.

use async_trait::async_trait;
use ramp_clock::Timestamp;

use super::Result;

/// A stored outbox message: keyed by the deployment and revision whose write committed it.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxEntry {
    /// Increasing in commit order for the entries of one deployment.
    pub id: i64,
    pub application_id: String,
    pub environment_id: String,
    pub deployment_number: i64,
    /// The deployment's revision as that write stored it.
    pub revision: i64,
    pub topic: String,
    /// JSON, as the domain built it.
    pub payload: String,
    pub created_at: Timestamp,
    /// Failed deliveries so far.
    pub attempts: i64,
    /// Not before this time (ramp's clock); `None`: at once.
    pub next_attempt_at: Option<Timestamp>,
    pub last_error: Option<String>,
}

/// What `/_ramp/outbox` reports.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutboxStatus {
    /// Entries not delivered yet.
    pub pending: u64,
    /// When the oldest of them was committed.
    pub oldest_pending_at: Option<Timestamp>,
    /// Pending entries that failed at least once.
    pub failing: u64,
    /// Delivered entries kept until pruned.
    pub delivered: u64,
}

#[async_trait]
pub trait OutboxStore: Send + Sync + 'static {
    /// Undelivered entries due at `now` that come first among their deployment's undelivered
    /// entries (so a deployment's messages go out in commit order, one after the other),
    /// by id, at most `limit`.
    async fn outbox_due(&self, now: Timestamp, limit: usize) -> Result<Vec<OutboxEntry>>;
    /// When the next of those becomes due (`None`: nothing pending). An entry due at once
    /// reports `Timestamp::from_millis(0)`.
    async fn outbox_next_due(&self) -> Result<Option<Timestamp>>;
    /// Marks entries delivered at `at` (kept until pruned), in one write; entries delivered
    /// already are left as they are.
    async fn outbox_delivered(&self, ids: &[i64], at: Timestamp) -> Result<()>;
    /// Counts a failed delivery and sets when to try again.
    async fn outbox_retry_at(&self, id: i64, at: Timestamp, error: &str) -> Result<()>;
    /// Deletes entries delivered before `before`; how many.
    async fn outbox_prune(&self, before: Timestamp) -> Result<u64>;
    async fn outbox_status(&self) -> Result<OutboxStatus>;
    /// Every entry, delivered or not, by id (tests and tools).
    async fn outbox_entries(&self) -> Result<Vec<OutboxEntry>>;
}
