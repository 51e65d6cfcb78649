//! The storage port: atomic domain operations that ramp's rules need, each one transaction.
//! SQLite (default) and PostgreSQL implement it; callers never see SQL (DESIGN.md "Storage").
//!
//! Rules that need atomicity live here as parameters (quota limits, the expected latest version
//! number) so that every implementation enforces them inside its transaction rather than with a
//! racy read-then-write in the caller.

mod access_log;
mod amplify;
mod appconfig;
mod cluster;
mod extensions;
mod outbox;
mod tags;
mod write;

pub use access_log::AccessLogBatch;
pub use amplify::AmplifyStore;
pub use appconfig::{ALARM_HISTORY_KEPT, AppConfigStore};
pub use cluster::{Change, ClusterStore, Lease};
pub use extensions::{ExtensionRef, ExtensionStore, next_extension_version};
pub use outbox::{OutboxEntry, OutboxStatus, OutboxStore};
pub use tags::{TagStore, TaggedResource};
pub use write::{DeploymentWrite, Precondition, Refusal};

/// What kind of resource a store error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResourceKind {
    Application,
    Environment,
    ConfigurationProfile,
    HostedConfigurationVersion,
    DeploymentStrategy,
    Deployment,
    /// The content a deployment delivers, stored beside it.
    DeployedContent,
    AmplifyApp,
    AmplifyBranch,
    AmplifyJob,
    AmplifyDomainAssociation,
    AmplifyWebhook,
    AmplifyBackendEnvironment,
    Extension,
    ExtensionAssociation,
}

/// Which precondition of a write failed, with the facts the domain needs to word it: the store
/// says *what* conflicted, the domain (`crate::error`) says it to the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conflict {
    /// `Latest-Version-Number` was `expected` but the profile's latest version is `actual` (0
    /// for none).
    LatestVersion { expected: i64, actual: i64 },
    /// Another version of the profile carries `label`.
    LabelTaken { label: String },
    /// A row with this key exists already.
    AlreadyExists(ResourceKind),
    /// Deployment `number` of environment `environment_id` is in progress.
    DeploymentInProgress { environment_id: String, number: i64 },
    /// Deployment `number` is no longer at `revision`: someone else saved it meanwhile. The only
    /// conflict a caller may resolve by reading again and retrying.
    RevisionChanged { number: i64, revision: i64 },
    /// Amplify job `number` of the branch is not finished (one unfinished job per branch,
    /// spec/amplify.md §7.3).
    JobUnfinished { number: i64 },
    /// Amplify job `number` is the one its branch serves.
    JobActive { number: i64 },
    /// The Amplify job has left `Created`: it takes no more uploads.
    JobNotCreated { number: i64 },
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum Error {
    #[error("{0:?} not found")]
    NotFound(ResourceKind),
    /// A count quota passed as a parameter would be exceeded.
    #[error("quota exceeded")]
    QuotaExceeded,
    /// A precondition of the write failed: which one, in [`Conflict`].
    #[error("conflict: {0:?}")]
    Conflict(Conflict),
    /// A delete was refused because children of this kind still exist.
    #[error("{0:?} still exist")]
    HasChildren(ResourceKind),
    /// A delete was refused because the resource was used to retrieve configuration after the
    /// deletion-protection cutoff passed with the delete.
    #[error("deletion protected: used after the cutoff")]
    DeletionProtected,
    /// The store itself failed (I/O, corruption, a bug): a 500 for the client.
    #[error("storage failure: {0}")]
    Unavailable(String),
    /// A write's precondition (`store::Precondition`) did not hold; nothing was written.
    #[error("refused: {0:?}")]
    Refused(Refusal),
}

impl Error {
    /// Whether this is a compare-and-set race on a deployment's revision: the one error a
    /// caller resolves by reading again and deciding anew.
    pub fn is_revision_race(&self) -> bool {
        matches!(self, Self::Conflict(Conflict::RevisionChanged { .. }))
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// An item of a list with the position to continue after (an opaque, stable key).
#[derive(Debug, Clone, PartialEq)]
pub struct Listed<T> {
    pub cursor: i64,
    pub item: T,
}

/// A page request in store terms: items after `after` (exclusive), at most `limit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slice {
    pub after: Option<i64>,
    pub limit: usize,
}

/// Filter on hosted version labels: exact, or by prefix (`label*`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LabelFilter {
    Exact(String),
    Prefix(String),
}

/// Everything ramp keeps, by concern: one store per service ramp hosts, the tags every service
/// shares, and what the nodes coordinate through. A backend implements each trait; callers hold
/// `Arc<dyn Store>` and upcast to the one concern they need.
pub trait Store: AppConfigStore + ExtensionStore + AmplifyStore + TagStore + ClusterStore + OutboxStore {}

impl<T: AppConfigStore + ExtensionStore + AmplifyStore + TagStore + ClusterStore + OutboxStore> Store for T {}
