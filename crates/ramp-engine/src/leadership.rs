//! Which node drives the deployments when several share one store: the holder of one lease.
//!
//! The lease is what keeps a node from doing work another node is doing; it is not what keeps
//! a transition from happening twice. That is the compare-and-set on each deployment's
//! revision: a node that lost its lease without knowing (paused, partitioned) can at most fail
//! a write, never repeat one. So the lease only needs to be right about liveness: a dead
//! leader's lease expires after [`LEASE_TTL_MILLIS`], and a follower trying every
//! [`RENEW_EVERY`] takes over within `LEASE_TTL_MILLIS + RENEW_EVERY` (8 s) of the last renewal.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use ramp_clock::SharedClock;
use ramp_domain::store::{self, Lease, Store};

/// The name of the engine's lease in the store.
pub const LEASE_NAME: &str = "deployment-engine";
/// How long a lease lasts without renewal.
pub const LEASE_TTL_MILLIS: i64 = 6_000;
/// How often the leader renews and a follower tries to take over.
pub const RENEW_EVERY: Duration = Duration::from_secs(2);

/// This node's claim on the engine lease.
pub struct Leadership {
    /// The lease's name: [`LEASE_NAME`] for the engine, another for other singleton work.
    name: &'static str,
    node: String,
    /// Real time, never scaled or manual: leases expire in the same seconds on every node.
    clock: SharedClock,
    leading: AtomicBool,
}

/// What `/_ramp/engine` reports about leadership.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeadershipStatus {
    pub node: String,
    pub leading: bool,
    pub lease: Option<Lease>,
}

impl Leadership {
    /// `node` names this process uniquely among those sharing the store; `clock` reads real time.
    pub fn new(node: impl Into<String>, clock: SharedClock) -> Self {
        Self::of(LEASE_NAME, node, clock)
    }

    /// The claim on lease `name` (same timing as the engine's).
    pub fn of(name: &'static str, node: impl Into<String>, clock: SharedClock) -> Self {
        Self {
            name,
            node: node.into(),
            clock,
            leading: AtomicBool::new(false),
        }
    }

    /// Takes or renews the lease; whether this node leads now. A store failure counts as not
    /// leading: better to pause than to drive on a lease that may have been lost.
    pub async fn hold(&self, store: &dyn Store) -> bool {
        let leading = match store
            .acquire_lease(self.name, &self.node, self.clock.now(), LEASE_TTL_MILLIS)
            .await
        {
            Ok(leading) => leading,
            Err(e) => {
                tracing::warn!(lease = self.name, "cannot renew the lease: {e}");
                false
            }
        };
        let was = self.leading.swap(leading, Ordering::SeqCst);
        if leading && !was {
            tracing::info!(node = %self.node, lease = self.name, "this node now holds the lease");
        } else if was && !leading {
            tracing::warn!(node = %self.node, lease = self.name, "this node no longer holds the lease");
        }
        leading
    }

    /// Hands the lease over at once (clean shutdown). Released whatever this node last
    /// believed: a renewal that failed may still have left the lease in its name.
    pub async fn release(&self, store: &dyn Store) {
        self.leading.store(false, Ordering::SeqCst);
        if let Err(e) = store.release_lease(self.name, &self.node).await {
            tracing::warn!(lease = self.name, "cannot release the lease: {e}");
        }
    }

    pub async fn status(&self, store: &dyn Store) -> store::Result<LeadershipStatus> {
        Ok(LeadershipStatus {
            node: self.node.clone(),
            leading: self.leading.load(Ordering::SeqCst),
            lease: store.lease(self.name).await?,
        })
    }
}
