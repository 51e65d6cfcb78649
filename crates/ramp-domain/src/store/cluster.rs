//! What the nodes sharing a store coordinate through: server secrets, leases and the change feed.

use async_trait::async_trait;

use super::Result;

/// Who holds a lease, and until when (real time, epoch milliseconds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    pub holder: String,
    pub expires_at: ramp_clock::Timestamp,
}

/// A change committed by some process sharing the store, for processes that cache what they read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A deployment was started or saved.
    Deployment {
        application_id: String,
        environment_id: String,
        deployment_number: i64,
    },
    /// The feed was interrupted (a lost connection): changes may have been missed, so
    /// everything cached must be read again.
    Missed,
}

#[async_trait]
pub trait ClusterStore: Send + Sync + 'static {
    /// Returns the secret stored under `name`, storing `candidate` first if there is none, so
    /// every node and every restart signs with the same key.
    async fn secret(&self, name: &str, candidate: &[u8]) -> Result<Vec<u8>>;

    // ---- coordination of the nodes sharing this store ----
    /// Takes or renews the lease `name` for `holder` until `now + ttl_millis`, if it is free,
    /// expired at `now`, or already held by `holder`; returns whether `holder` now holds it.
    /// `now` is real time (never a scaled or manual ramp clock), so the clocks of nodes sharing
    /// a store must agree to within a fraction of the lease.
    async fn acquire_lease(
        &self,
        name: &str,
        holder: &str,
        now: ramp_clock::Timestamp,
        ttl_millis: i64,
    ) -> Result<bool>;
    /// Ends `holder`'s lease `name` at once (a clean shutdown hands over without waiting);
    /// does nothing when someone else holds it.
    async fn release_lease(&self, name: &str, holder: &str) -> Result<()>;
    async fn lease(&self, name: &str) -> Result<Option<Lease>>;

    /// The changes other processes sharing this store commit, from now on; `None` when the store
    /// belongs to this process alone (whose own callers already see every change).
    fn changes(&self) -> Option<tokio::sync::broadcast::Receiver<Change>> {
        None
    }
}
