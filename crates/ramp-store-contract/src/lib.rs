//! The store contract: what every implementation of ramp's store traits ([`Store`]) must do, as
//! async functions that panic on a violation. Each function expects a fresh, empty store.
//!
//! Every `pub async fn NAME(store: &dyn Store)` (or `store: Arc<dyn Store>`, for a test that
//! shares the store with tasks it spawns) in a module of this crate is a contract test: `build.rs`
//! finds them and generates [`store_contract_tests!`], which a backend calls once in its tests
//! to get one `#[tokio::test]` per contract function, named `contract::NAME`:
//!
//! ```ignore
//! ramp_store_contract::store_contract_tests!(SqliteStore::open_in_memory().expect("open a temporary store"));
//! ```
//!
//! The fixtures below (`app`, `env`, `deployment`, `content`, `a_started_deployment`,
//! `in_progress_predicate_matches`) are for the backends' own tests too.

use std::future::Future;
use std::pin::Pin;
use std::task::Poll;

use bytes::Bytes;
use ramp_clock::Timestamp;
use ramp_domain::deployment::{
    DeployedContent, Deployment, DeploymentEvent, DeploymentEventType, DeploymentState, StepTiming, StrategySnapshot,
    TriggeredBy,
};
use ramp_domain::entities::{
    Application, ConfigurationProfile, DeploymentStrategy, Environment, EnvironmentState, GrowthType, HOSTED_LOCATION,
    NewHostedVersion, Tags,
};
pub use ramp_domain::store::Store;
use ramp_domain::store::{LabelFilter, Slice, TaggedResource};

pub mod alarms;
pub mod amplify;
pub mod amplify_jobs;
pub mod amplify_serving;
pub mod applications;
pub mod concurrency;
pub mod configuration_profiles;
pub mod deletion_protection;
pub mod deployment_strategies;
pub mod deployments;
pub mod environments;
pub mod extension_associations;
pub mod extension_invocations;
pub mod extensions;
pub mod hosted_versions;
pub mod leases;
pub mod outbox;
pub mod pagination;
pub mod settings;
pub mod tags;

include!(concat!(env!("OUT_DIR"), "/suite.rs"));

/// Checks a store's SQL predicate for "deployment in progress" (`state IN ('…', …)`) against
/// the domain's `DeploymentState::is_in_progress`, and that `schema` creates its partial index
/// with exactly that predicate (else the planner cannot use the index).
pub fn in_progress_predicate_matches(predicate: &str, schema: &str) {
    let listed: Vec<&str> = predicate.split('\'').skip(1).step_by(2).collect();
    let all = [
        DeploymentState::Baking,
        DeploymentState::Validating,
        DeploymentState::Deploying,
        DeploymentState::Complete,
        DeploymentState::RollingBack,
        DeploymentState::RolledBack,
        DeploymentState::Reverted,
    ];
    for state in all {
        assert_eq!(
            listed.contains(&state.as_str()),
            state.is_in_progress(),
            "{state:?} in {predicate}"
        );
    }
    assert!(
        schema.contains(&format!("WHERE {predicate}")),
        "the partial index repeats the predicate exactly"
    );
}

// ---- fixtures shared by the resource files ----

const ACCOUNT: &str = "111122223333";
const PLENTY: u64 = 1_000_000;
const ALL: Slice = Slice {
    after: None,
    limit: 1000,
};

fn at(n: i64) -> Timestamp {
    Timestamp::from_millis(1_700_000_000_000 + n)
}

/// An application `id` in `region` (a fixture for other stores' own tests too).
pub fn app(region: &str, id: &str) -> Application {
    Application {
        id: id.to_owned(),
        region: region.to_owned(),
        name: format!("app {id}"),
        description: Some(format!("the {id} application")),
        created_at: at(1),
    }
}

fn app_arn(region: &str, id: &str) -> String {
    format!("arn:aws:appconfig:{region}:{ACCOUNT}:application/{id}")
}

/// An environment `id` of `application_id`, ready for deployment.
pub fn env(application_id: &str, id: &str) -> Environment {
    Environment {
        application_id: application_id.to_owned(),
        id: id.to_owned(),
        name: format!("env {id}"),
        description: None,
        state: EnvironmentState::ReadyForDeployment,
        monitors: Vec::new(),
        created_at: at(2),
        last_accessed_at: None,
    }
}

/// Application `id` of `region`, as a tag write names it.
fn app_resource(region: &str, id: &str) -> TaggedResource {
    TaggedResource::Application {
        region: region.to_owned(),
        id: id.to_owned(),
    }
}

fn env_arn(region: &str, application_id: &str, id: &str) -> String {
    format!("{}/environment/{id}", app_arn(region, application_id))
}

fn profile(application_id: &str, id: &str) -> ConfigurationProfile {
    ConfigurationProfile {
        application_id: application_id.to_owned(),
        id: id.to_owned(),
        name: format!("profile {id}"),
        description: None,
        location_uri: HOSTED_LOCATION.to_owned(),
        retrieval_role_arn: None,
        validators: Vec::new(),
        profile_type: None,
        kms_key_identifier: None,
        created_at: at(3),
        last_accessed_at: None,
    }
}

fn profile_arn(region: &str, application_id: &str, id: &str) -> String {
    format!("{}/configurationprofile/{id}", app_arn(region, application_id))
}

fn strategy(region: &str, id: &str) -> DeploymentStrategy {
    DeploymentStrategy {
        id: id.to_owned(),
        region: region.to_owned(),
        name: format!("strategy {id}"),
        description: None,
        deployment_duration_in_minutes: 10,
        growth_type: GrowthType::Linear,
        growth_factor: 25.0,
        final_bake_time_in_minutes: 5,
        replicate_to: "NONE".to_owned(),
        created_at: at(4),
    }
}

fn strategy_arn(region: &str, id: &str) -> String {
    format!("arn:aws:appconfig:{region}:{ACCOUNT}:deploymentstrategy/{id}")
}

fn version(application_id: &str, profile_id: &str, label: Option<&str>, content: &[u8]) -> NewHostedVersion {
    NewHostedVersion {
        application_id: application_id.to_owned(),
        configuration_profile_id: profile_id.to_owned(),
        description: None,
        content_type: "application/json".to_owned(),
        version_label: label.map(str::to_owned),
        content: Bytes::copy_from_slice(content),
        created_at: at(5),
    }
}

fn tags(pairs: &[(&str, &str)]) -> Tags {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

fn page(after: Option<i64>, limit: usize) -> Slice {
    Slice { after, limit }
}

/// An application with one hosted profile `p` in `region`.
async fn app_with_profile(store: &dyn Store, region: &str, app_id: &str) {
    store
        .create_application(&app(region, app_id), &app_arn(region, app_id), &Tags::new(), PLENTY)
        .await
        .expect("app");
    store
        .create_configuration_profile(
            &profile(app_id, "p"),
            &profile_arn(region, app_id, "p"),
            &Tags::new(),
            PLENTY,
        )
        .await
        .expect("profile");
}

async fn create_version(store: &dyn Store, region: &str, app_id: &str, label: Option<&str>, content: &[u8]) -> i64 {
    store
        .create_hosted_version(region, &version(app_id, "p", label, content), None, PLENTY)
        .await
        .expect("create hosted version")
        .version_number
}

async fn version_numbers(store: &dyn Store, app_id: &str, label: Option<&LabelFilter>, slice: Slice) -> Vec<i64> {
    let listed = store
        .hosted_versions(app_id, "p", label, slice)
        .await
        .expect("list hosted versions");
    for l in &listed {
        assert_eq!(
            l.cursor, l.item.version_number,
            "a hosted version's cursor is its number"
        );
    }
    listed.into_iter().map(|l| l.item.version_number).collect()
}

fn deployment_arn(region: &str, application_id: &str, environment_id: &str, number: i64) -> String {
    format!(
        "{}/deployment/{number}",
        env_arn(region, application_id, environment_id)
    )
}

/// A valid deployment just started in `application_id`/`environment_id` (number 0: the store
/// assigns it), due at once.
pub fn deployment(application_id: &str, environment_id: &str) -> Deployment {
    Deployment {
        application_id: application_id.to_owned(),
        environment_id: environment_id.to_owned(),
        deployment_number: 0,
        configuration_profile_id: "p".to_owned(),
        deployment_strategy_id: "AppConfig.Linear50PercentEvery30Seconds".to_owned(),
        configuration_name: "profile p".to_owned(),
        configuration_location_uri: HOSTED_LOCATION.to_owned(),
        configuration_version: "1".to_owned(),
        hosted_version_number: 1,
        version_label: None,
        description: None,
        strategy: StrategySnapshot {
            deployment_duration_in_minutes: 1,
            growth_type: GrowthType::Linear,
            growth_factor: 50.0,
            final_bake_time_in_minutes: 1,
        },
        step_timing: StepTiming::Observed,
        state: DeploymentState::Deploying,
        percentage_complete: 0.0,
        started_at: at(10),
        completed_at: None,
        event_log: vec![DeploymentEvent {
            event_type: DeploymentEventType::DeploymentStarted,
            triggered_by: TriggeredBy::User,
            description: "Deployment started".to_owned(),
            occurred_at: at(10),
            action_invocations: Vec::new(),
        }],
        kms_key_identifier: None,
        monitors: Vec::new(),
        next_due_at: Some(at(10)),
        revision: 0,
        applied_extensions: Vec::new(),
    }
}

/// JSON content `bytes`, as a deployment delivers it.
pub fn content(bytes: &[u8]) -> DeployedContent {
    DeployedContent {
        content: Bytes::copy_from_slice(bytes),
        content_type: "application/json".to_owned(),
    }
}

/// An application with environments `environment_ids` in `region`.
async fn app_with_environments(store: &dyn Store, region: &str, app_id: &str, environment_ids: &[&str]) {
    store
        .create_application(&app(region, app_id), &app_arn(region, app_id), &Tags::new(), PLENTY)
        .await
        .expect("app");
    for id in environment_ids {
        store
            .create_environment(&env(app_id, id), &env_arn(region, app_id, id), &Tags::new(), PLENTY)
            .await
            .expect("environment");
    }
}

/// A deployment in progress (LINEAR 50 % over one minute, one minute of bake) of hosted
/// profile `p`, delivering `{}`, started at `at(10)` and due at once, in a new application `a1`
/// (us-east-1) and environment `e1`: a fixture for crates that drive deployments over a store
/// (the engine's tests).
pub async fn a_started_deployment(store: &dyn Store) -> Deployment {
    app_with_profile(store, "us-east-1", "a1").await;
    store
        .create_environment(
            &env("a1", "e1"),
            &env_arn("us-east-1", "a1", "e1"),
            &Tags::new(),
            PLENTY,
        )
        .await
        .expect("environment");
    start(store, "us-east-1", "a1", "e1").await
}

/// Starts `deployment(app_id, environment_id)`; the stored deployment.
async fn start(store: &dyn Store, region: &str, app_id: &str, environment_id: &str) -> Deployment {
    store
        .start_deployment(
            &deployment(app_id, environment_id),
            &content(b"{}"),
            &env_arn(region, app_id, environment_id),
            &Tags::new(),
        )
        .await
        .expect("start deployment")
}

/// Completes `d` (no longer due) and makes its environment ready again; the stored deployment.
async fn finish(store: &dyn Store, d: &Deployment) -> Deployment {
    let done = Deployment {
        state: DeploymentState::Complete,
        percentage_complete: 100.0,
        completed_at: Some(at(100)),
        next_due_at: None,
        ..d.clone()
    };
    store
        .update_deployment(&done, Some(EnvironmentState::ReadyForDeployment))
        .await
        .expect("finish deployment")
}

/// Polls all `futures` concurrently on the current task (so their writes queue together).
async fn join_all<F: Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut futures: Vec<Pin<Box<F>>> = futures.into_iter().map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = futures.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (future, output) in futures.iter_mut().zip(outputs.iter_mut()) {
            if output.is_none() {
                match future.as_mut().poll(cx) {
                    Poll::Ready(value) => *output = Some(value),
                    Poll::Pending => pending = true,
                }
            }
        }
        if pending { Poll::Pending } else { Poll::Ready(()) }
    })
    .await;
    outputs
        .into_iter()
        .map(|o| o.expect("every future completed"))
        .collect()
}

#[cfg(test)]
mod self_check {
    use super::TESTS;

    /// Every public function of a contract module is a test the macro runs: one whose signature
    /// `build.rs` does not recognize would otherwise silently never run.
    #[test]
    fn every_public_function_is_a_test() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut public = Vec::new();
        for entry in std::fs::read_dir(&src).expect("read src/") {
            let path = entry.expect("an entry").path();
            let module = path.file_stem().and_then(|s| s.to_str()).expect("a name").to_owned();
            if module == "lib" {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("read");
            for piece in text.split("pub ").skip(1) {
                let piece = piece.trim_start_matches("async ");
                if let Some(rest) = piece.strip_prefix("fn ") {
                    let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                    public.push(format!("{module}::{name}"));
                }
            }
        }
        public.sort();
        let mut listed: Vec<String> = TESTS.iter().map(|t| (*t).to_owned()).collect();
        listed.sort();
        assert_eq!(
            public, listed,
            "every `pub fn` of a contract module must be a contract test"
        );
        assert!(TESTS.len() >= 41, "the scan found the suite: {TESTS:?}");
    }
}
