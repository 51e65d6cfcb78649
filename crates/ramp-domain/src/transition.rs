//! Deployment transitions: every write of a deployment (StartDeployment, StopDeployment's
//! rollback or revert, the engine's steps, bake, completion and alarm rollbacks) is one
//! [`Transition`], made here and nowhere else, so that the write, its outbox messages and the
//! news of it to this node's [`TransitionSubscriber`]s always go together.
//!
//! Subscribers are node-local caches and wake-ups (the data plane's snapshot, the engine's
//! loop, the outbox deliverer): they hear this node's transitions at once, and other nodes'
//! through the store's change feed (`Engine::follow`) as [`Origin::Remote`] transitions, of
//! which only the stored `after` is known. Effects that must happen once per transition, whichever
//! node made it, go through the outbox instead (`crate::outbox`).

use std::sync::{Arc, RwLock};

use ramp_clock::Timestamp;

use crate::deployment::{DeployedContent, Deployment, DeploymentEvent};
use crate::entities::Tags;
use crate::outbox;
use crate::rollout;
use crate::store::{self, DeploymentWrite, Precondition, Store};

/// Where a transition was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// A client's request on this node (StartDeployment, StopDeployment).
    Request,
    /// This node's engine (steps, bake, completion, alarm rollbacks).
    Engine,
    /// Another node; heard through the change feed.
    Remote,
}

/// One committed change of one deployment.
#[derive(Debug, Clone, PartialEq)]
pub struct Transition {
    /// As it was before; `None` when the transition started it, and for [`Origin::Remote`]
    /// transitions (the feed names the deployment, the store gives its latest state).
    pub before: Option<Deployment>,
    /// As stored.
    pub after: Deployment,
    pub origin: Origin,
}

impl Transition {
    /// The events the transition added (all of them at a start; unknown, so empty, for a
    /// remote transition).
    pub fn events_added(&self) -> &[DeploymentEvent] {
        match (&self.before, self.origin) {
            (_, Origin::Remote) => &[],
            (None, _) => &self.after.event_log,
            (Some(before), _) => self.after.event_log.get(before.event_log.len()..).unwrap_or_default(),
        }
    }
}

/// Hears every transition of this node as soon as it is durable, and other nodes' through the
/// change feed.
#[async_trait::async_trait]
pub trait TransitionSubscriber: Send + Sync {
    async fn heard(&self, transition: &Transition);

    /// Transitions may have been missed (another node's feed was interrupted): whatever the
    /// subscriber derived from deployments must be read afresh.
    async fn missed(&self) {}
}

/// The one writer of deployment transitions and the node's list of subscribers. AppConfig and
/// the engine share one (the binary wires it); each write commits the deployment with its
/// outbox messages (`outbox::messages`), then tells the subscribers.
pub struct Transitions {
    store: Arc<dyn Store>,
    subscribers: RwLock<Vec<Arc<dyn TransitionSubscriber>>>,
}

impl Transitions {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self {
            store,
            subscribers: RwLock::new(Vec::new()),
        }
    }

    pub fn subscribe(&self, subscriber: Arc<dyn TransitionSubscriber>) {
        self.subscribers
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(subscriber);
    }

    fn subscribers(&self) -> Vec<Arc<dyn TransitionSubscriber>> {
        self.subscribers
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Starts `deployment` (see `AppConfigStore::start_deployment_with`) at `at`.
    pub async fn start(
        &self,
        deployment: &Deployment,
        content: &DeployedContent,
        environment_arn: &str,
        tags: &Tags,
        at: Timestamp,
    ) -> store::Result<Transition> {
        let write = DeploymentWrite {
            outbox: outbox::messages(None, deployment, at),
            precondition: Precondition::None,
        };
        let after = self
            .store
            .start_deployment_with(deployment, content, environment_arn, tags, &write)
            .await?;
        let transition = Transition {
            before: None,
            after,
            origin: Origin::Request,
        };
        self.publish(&transition).await;
        Ok(transition)
    }

    /// Writes `after` over `before` with compare-and-set on `before.revision`, setting the
    /// environment's state as `rollout` says, under `precondition`.
    pub async fn update(
        &self,
        before: &Deployment,
        after: &Deployment,
        precondition: Precondition,
        origin: Origin,
        at: Timestamp,
    ) -> store::Result<Transition> {
        let write = DeploymentWrite {
            outbox: outbox::messages(Some(before), after, at),
            precondition,
        };
        let environment_state = Some(rollout::environment_state(after.state));
        let stored = self
            .store
            .update_deployment_with(after, environment_state, &write)
            .await?;
        let transition = Transition {
            before: Some(before.clone()),
            after: stored,
            origin,
        };
        self.publish(&transition).await;
        Ok(transition)
    }

    /// Tells every subscriber about `transition` (this node's, or another's from the feed).
    pub async fn publish(&self, transition: &Transition) {
        for subscriber in self.subscribers() {
            subscriber.heard(transition).await;
        }
    }

    /// Tells every subscriber that transitions may have been missed.
    pub async fn missed(&self) {
        for subscriber in self.subscribers() {
            subscriber.missed().await;
        }
    }
}
