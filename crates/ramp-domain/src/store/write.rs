//! What a deployment write carries besides the deployment: the outbox messages committed in its
//! transaction and a precondition checked there.

use crate::outbox::OutboxMessage;

/// Extras of one `start_deployment_with`/`update_deployment_with` call, applied in the same
/// transaction as the deployment (SQLite: the same write job; PostgreSQL: the same
/// transaction): the outbox rows exist exactly when the deployment write does.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DeploymentWrite {
    /// Stored in the outbox keyed by the deployment as stored (its number and new revision).
    pub outbox: Vec<OutboxMessage>,
    pub precondition: Precondition,
}

/// A rule the store checks inside the write's transaction, after taking the environment's lock.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Precondition {
    #[default]
    None,
    /// No deployment of the same configuration profile was started in the environment after
    /// this one (a revert must not undo a later deployment, spec/appconfig.md §15 "Revert").
    NoLaterDeploymentOfProfile,
}

/// Why a store refused a write whose precondition did not hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Deployment `later` of the same profile came after the one being written.
    LaterDeploymentOfProfile { later: i64 },
}
