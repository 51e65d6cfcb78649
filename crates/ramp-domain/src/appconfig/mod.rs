//! The AppConfig control plane: one method per operation, grouped by resource. Each method
//! validates what the wire layer cannot know (references, forms, quotas, business rules), then
//! makes one atomic store call.

mod applications;
mod configuration_profiles;
mod deletion_protection;
mod deployment_strategies;
mod deployments;
mod environments;
mod extension_associations;
mod extension_points;
mod extensions;
mod hosted_versions;
mod settings;
mod tags;

use std::sync::Arc;

use ramp_clock::{SharedClock, Timestamp};

pub use configuration_profiles::{NewConfigurationProfile, ProfileUpdate};
pub use deletion_protection::{DeletionProtectionCheck, blocks_deletion, protection_cutoff};
pub use deployment_strategies::{NewDeploymentStrategy, StrategyUpdate, predefined_strategies};
pub use deployments::StartDeploymentRequest;
pub use environments::{EnvironmentUpdate, NewEnvironment};
pub use extension_associations::NewExtensionAssociation;
pub use extensions::{ExtensionUpdate, NewExtension};
pub use hosted_versions::NewHostedVersionRequest;
pub use settings::SettingsUpdate;

use crate::deployment::StepTiming;
use crate::extensions::NoInvoker;
use crate::extensions::runner::{ActionRunner, Timeouts};
use crate::page::PageTokens;
use crate::store::{self, Store};
use crate::transition::Transitions;
use crate::{Result, ids};

/// Limits from spec/appconfig.md §2.4, each configurable.
#[derive(Debug, Clone)]
pub struct Quotas {
    pub applications: u64,
    pub environments_per_application: u64,
    pub configuration_profiles_per_application: u64,
    pub deployment_strategies: u64,
    /// Largest hosted configuration version, in bytes (AppConfig: 1 MB).
    pub hosted_configuration_bytes: u64,
    /// All hosted configuration content of a region, in bytes (AppConfig: 1 GB).
    pub hosted_storage_bytes: u64,
}

impl Default for Quotas {
    fn default() -> Self {
        Self {
            applications: 100,
            environments_per_application: 20,
            configuration_profiles_per_application: 100,
            deployment_strategies: 20,
            hosted_configuration_bytes: 1024 * 1024,
            hosted_storage_bytes: 1024 * 1024 * 1024,
        }
    }
}

/// Tags per resource (model `TagMap` max 50).
const MAX_TAGS: usize = 50;

/// The AppConfig service over a store and a clock.
pub struct AppConfig {
    store: Arc<dyn Store>,
    clock: SharedClock,
    quotas: Quotas,
    pages: PageTokens,
    step_timing: StepTiming,
    transitions: Arc<Transitions>,
    actions: Arc<ActionRunner>,
}

impl AppConfig {
    /// Builds the service. The page-token key comes from the store, so tokens survive restarts
    /// and every node of a cluster accepts the others' tokens.
    pub async fn new(store: Arc<dyn Store>, clock: SharedClock, quotas: Quotas) -> Result<Self> {
        let key = store.secret("page-token-key", &ids::new_secret()).await?;
        Ok(Self {
            clock,
            quotas,
            pages: PageTokens::new(key),
            step_timing: StepTiming::default(),
            transitions: Arc::new(Transitions::new(store.clone())),
            actions: Arc::new(ActionRunner::new(Arc::new(NoInvoker), Timeouts::default())),
            store,
        })
    }

    /// The writer of deployment transitions this service starts and stops deployments through;
    /// the engine shares it, and node-local subscribers (the data plane) subscribe to it.
    pub fn transitions(&self) -> Arc<Transitions> {
        self.transitions.clone()
    }

    /// Runs extension actions and LAMBDA validators through `actions` (without it, every
    /// invocation fails saying that no invoker was configured).
    pub fn with_actions(mut self, actions: Arc<ActionRunner>) -> Self {
        self.actions = actions;
        self
    }

    /// How deployments started from now on space their steps (`--step-timing`).
    pub fn with_step_timing(mut self, step_timing: StepTiming) -> Self {
        self.step_timing = step_timing;
        self
    }

    /// How deployments started now space their steps.
    pub fn step_timing(&self) -> StepTiming {
        self.step_timing
    }

    fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// One page of list `list`: resolves `MaxResults`/`NextToken`, asks the store for one item
    /// more than the page holds (that one only says whether there is more), and issues the next
    /// token.
    async fn paged<T, F, Fut>(
        &self,
        list: &str,
        max_results: Option<i64>,
        next_token: Option<&str>,
        fetch: F,
    ) -> Result<(Vec<T>, Option<String>)>
    where
        F: FnOnce(store::Slice) -> Fut,
        Fut: Future<Output = store::Result<Vec<store::Listed<T>>>>,
    {
        let slice = self.pages.slice(list, max_results, next_token)?;
        let listed = fetch(store::Slice {
            limit: slice.limit + 1,
            ..slice
        })
        .await?;
        Ok(self.pages.page(list, listed, slice.limit))
    }
}
