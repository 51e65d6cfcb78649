//! The loop that runs AT_DEPLOYMENT_TICK actions (`ramp_domain::extensions::Ticks`) beside the
//! engine: on one node at a time (the holder of the [`LEASE_NAME`] lease), every
//! `TICK_INTERVAL` of ramp's clock, woken when a deployment starts so its first tick is
//! scheduled. It is apart from the engine's loop so that a slow tick target (up to its 3 s
//! timeout) never delays a rollout's steps.

use std::future::Future;
use std::sync::Arc;

use ramp_clock::SharedClock;
use ramp_domain::extensions::{ActionPoint, Ticks};
use ramp_domain::store::Store;
use ramp_domain::transition::{Origin, Transition, TransitionSubscriber};
use tokio::sync::Notify;

use crate::leadership::Leadership;
use crate::rounds::{Rounds, Wait};

/// The name of the tick loop's lease in the store.
pub const LEASE_NAME: &str = "extension-ticks";

pub struct TickLoop {
    ticks: Arc<Ticks>,
    store: Arc<dyn Store>,
    clock: SharedClock,
    leadership: Option<Leadership>,
    wake: Arc<Notify>,
}

impl TickLoop {
    pub fn new(ticks: Arc<Ticks>, store: Arc<dyn Store>, clock: SharedClock) -> Self {
        Self {
            ticks,
            store,
            clock,
            leadership: None,
            wake: Arc::new(Notify::new()),
        }
    }

    /// Ticks only while `node` holds the lease (`real` reads real time, as every lease does).
    pub fn with_lease(mut self, node: impl Into<String>, real: SharedClock) -> Self {
        self.leadership = Some(Leadership::of(LEASE_NAME, node, real));
        self
    }

    /// Wakes the loop on every transition of the node (subscribe it to the node's transitions).
    pub fn subscriber(&self) -> Arc<dyn TransitionSubscriber> {
        Arc::new(Wake {
            ticks: self.ticks.clone(),
            notify: self.wake.clone(),
        })
    }

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
        match self.ticks.round().await {
            Ok(report) => match report.next_at {
                Some(at) => Wait::Until(at),
                None => Wait::Forever,
            },
            Err(e) => {
                tracing::warn!("extension ticks stopped: {e}");
                Wait::Retry
            }
        }
    }
}

struct Wake {
    ticks: Arc<Ticks>,
    notify: Arc<Notify>,
}

#[async_trait::async_trait]
impl TransitionSubscriber for Wake {
    async fn heard(&self, transition: &Transition) {
        // Only a start adds a deployment to tick, and only one with tick actions; other nodes'
        // starts are found by a later round (`Ticks::round` reads every few rounds).
        let ticks = transition
            .after
            .applied_extensions
            .iter()
            .any(|a| a.actions.contains_key(&ActionPoint::AtDeploymentTick));
        if ticks && transition.before.is_none() && transition.origin != Origin::Remote {
            self.ticks.mark_stale();
            self.notify.notify_one();
        }
    }

    async fn missed(&self) {
        self.ticks.mark_stale();
        self.notify.notify_one();
    }
}
