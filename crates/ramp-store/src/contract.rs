//! The store contract: what every [`Store`] implementation must do, as async functions that
//! panic on a violation. Each function expects a fresh, empty store.
//!
//! Another implementation runs the whole suite with [`store_contract_tests!`](crate::store_contract_tests):
//!
//! ```ignore
//! ramp_store::store_contract_tests!(PgStore::connect_fresh().await.expect("store"));
//! ```

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::Poll;

use bytes::Bytes;
use ramp_clock::Timestamp;
use ramp_domain::entities::{
    AccountSettings, Application, ConfigurationProfile, DeploymentStrategy, Environment, EnvironmentState,
    FEATURE_FLAGS_TYPE, GrowthType, HOSTED_LOCATION, Monitor, NewHostedVersion, Tags, Validator, ValidatorType,
};
pub use ramp_domain::store::Store;
use ramp_domain::store::{Error, LabelFilter, ResourceKind, Slice};

/// Generates one `#[tokio::test(flavor = "multi_thread")]` per contract function, each on a
/// fresh store made by evaluating `$make` (inside the async test, so it may `.await`). The
/// calling crate needs `tokio` with the `macros` and `rt-multi-thread` features.
#[macro_export]
macro_rules! store_contract_tests {
    ($make:expr) => {
        $crate::store_contract_tests!(@tests $make;
            applications_round_trip,
            application_quota,
            application_not_found,
            environments_round_trip,
            environment_quota_and_parent,
            configuration_profiles_round_trip,
            configuration_profile_quota_and_parent,
            delete_application_refused_with_children,
            delete_profile_refused_with_hosted_versions,
            pagination_in_creation_order,
            hosted_version_round_trip,
            hosted_version_numbering,
            hosted_version_expected_latest,
            hosted_version_labels,
            hosted_version_total_bytes_quota,
            hosted_version_not_found,
            hosted_versions_newest_first,
            deployment_strategies_round_trip,
            tags_add_replace_remove_max,
            tags_removed_on_delete,
            account_settings_per_region,
            secret_keeps_first_value,
            concurrent_writes_fail_alone,
        );
        #[tokio::test(flavor = "multi_thread")]
        async fn parallel_hosted_versions() {
            let store: ::std::sync::Arc<dyn $crate::contract::Store> = ::std::sync::Arc::new($make);
            $crate::contract::parallel_hosted_versions(store).await;
        }
    };
    (@tests $make:expr; $($name:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread")]
            async fn $name() {
                let store = $make;
                $crate::contract::$name(&store).await;
            }
        )*
    };
}

// ---- fixtures ----

const ACCOUNT: &str = "111122223333";
const PLENTY: u64 = 1_000_000;
const ALL: Slice = Slice {
    after: None,
    limit: 1000,
};

fn at(n: i64) -> Timestamp {
    Timestamp::from_millis(1_700_000_000_000 + n)
}

fn app(region: &str, id: &str) -> Application {
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

fn env(application_id: &str, id: &str) -> Environment {
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

// ---- applications ----

pub async fn applications_round_trip(store: &dyn Store) {
    let r = "eu-west-1";
    let a = app(r, "a1");
    store
        .create_application(&a, &app_arn(r, "a1"), &Tags::new(), PLENTY)
        .await
        .expect("create");
    assert_eq!(store.application(r, "a1").await.expect("get"), Some(a.clone()));
    assert_eq!(store.application("us-east-1", "a1").await.expect("other region"), None);
    assert_eq!(store.application(r, "nope").await.expect("missing"), None);

    let mut b = app(r, "a1");
    b.created_at = at(99);
    assert!(matches!(
        store
            .create_application(&b, &app_arn(r, "a1"), &Tags::new(), PLENTY)
            .await,
        Err(Error::Conflict(_))
    ));

    let updated = Application {
        name: "renamed".to_owned(),
        description: None,
        ..a.clone()
    };
    store.update_application(&updated).await.expect("update");
    assert_eq!(store.application(r, "a1").await.expect("get"), Some(updated.clone()));

    let listed = store.applications(r, ALL).await.expect("list");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].item, updated);

    store
        .delete_application(r, "a1", &app_arn(r, "a1"))
        .await
        .expect("delete");
    assert_eq!(store.application(r, "a1").await.expect("get"), None);
    assert!(store.applications(r, ALL).await.expect("list").is_empty());
}

pub async fn application_quota(store: &dyn Store) {
    let r = "quota-1";
    for id in ["q1", "q2", "q3"] {
        store
            .create_application(&app(r, id), &app_arn(r, id), &Tags::new(), 3)
            .await
            .expect("under quota");
    }
    assert_eq!(
        store
            .create_application(&app(r, "q4"), &app_arn(r, "q4"), &Tags::new(), 3)
            .await,
        Err(Error::QuotaExceeded)
    );
    assert_eq!(store.application(r, "q4").await.expect("get"), None);
    // Quotas are per region.
    store
        .create_application(&app("quota-2", "q5"), &app_arn("quota-2", "q5"), &Tags::new(), 3)
        .await
        .expect("other");
    // Deleting frees a slot.
    store
        .delete_application(r, "q1", &app_arn(r, "q1"))
        .await
        .expect("delete");
    store
        .create_application(&app(r, "q4"), &app_arn(r, "q4"), &Tags::new(), 3)
        .await
        .expect("freed slot");
    assert_eq!(store.applications(r, ALL).await.expect("list").len(), 3);
    assert_eq!(
        store
            .create_application(&app(r, "q6"), &app_arn(r, "q6"), &Tags::new(), 0)
            .await,
        Err(Error::QuotaExceeded),
        "a zero quota admits nothing"
    );
}

pub async fn application_not_found(store: &dyn Store) {
    let r = "eu-north-1";
    let missing = ResourceKind::Application;
    assert_eq!(
        store.update_application(&app(r, "ghost")).await,
        Err(Error::NotFound(missing))
    );
    assert_eq!(
        store.delete_application(r, "ghost", &app_arn(r, "ghost")).await,
        Err(Error::NotFound(missing))
    );

    store
        .create_application(&app(r, "real"), &app_arn(r, "real"), &Tags::new(), PLENTY)
        .await
        .expect("create");
    // The same id seen from another region does not exist.
    assert_eq!(
        store.update_application(&app("elsewhere", "real")).await,
        Err(Error::NotFound(missing))
    );
    assert_eq!(
        store
            .delete_application("elsewhere", "real", &app_arn("elsewhere", "real"))
            .await,
        Err(Error::NotFound(missing))
    );
    assert!(store.application(r, "real").await.expect("still there").is_some());
}

// ---- environments ----

pub async fn environments_round_trip(store: &dyn Store) {
    let r = "eu-west-2";
    store
        .create_application(&app(r, "a"), &app_arn(r, "a"), &Tags::new(), PLENTY)
        .await
        .expect("app");
    let mut e = env("a", "e1");
    e.description = Some("first".to_owned());
    e.monitors = vec![
        Monitor {
            alarm_arn: "arn:aws:cloudwatch:eu-west-2:1:alarm:x".to_owned(),
            alarm_role_arn: None,
        },
        Monitor {
            alarm_arn: "arn:aws:cloudwatch:eu-west-2:1:alarm:y".to_owned(),
            alarm_role_arn: Some("arn:aws:iam::1:role/r".to_owned()),
        },
    ];
    store
        .create_environment(&e, &env_arn(r, "a", "e1"), &Tags::new(), PLENTY)
        .await
        .expect("create");
    assert_eq!(store.environment("a", "e1").await.expect("get"), Some(e.clone()));
    assert_eq!(store.environment("other", "e1").await.expect("other app"), None);
    assert!(matches!(
        store
            .create_environment(&e, &env_arn(r, "a", "e1"), &Tags::new(), PLENTY)
            .await,
        Err(Error::Conflict(_))
    ));

    let updated = Environment {
        name: "renamed".to_owned(),
        description: None,
        state: EnvironmentState::Deploying,
        monitors: vec![Monitor {
            alarm_arn: "arn:z".to_owned(),
            alarm_role_arn: None,
        }],
        last_accessed_at: Some(at(500)),
        ..e.clone()
    };
    store.update_environment(&updated).await.expect("update");
    assert_eq!(store.environment("a", "e1").await.expect("get"), Some(updated.clone()));
    for state in [
        EnvironmentState::RollingBack,
        EnvironmentState::RolledBack,
        EnvironmentState::Reverted,
    ] {
        let changed = Environment {
            state,
            ..updated.clone()
        };
        store.update_environment(&changed).await.expect("update state");
        assert_eq!(
            store.environment("a", "e1").await.expect("get").map(|e| e.state),
            Some(state)
        );
    }

    let listed = store.environments("a", ALL).await.expect("list");
    assert_eq!(listed.len(), 1);
    store
        .delete_environment("a", "e1", &env_arn(r, "a", "e1"))
        .await
        .expect("delete");
    assert_eq!(store.environment("a", "e1").await.expect("get"), None);

    let missing = ResourceKind::Environment;
    assert_eq!(
        store.update_environment(&env("a", "e1")).await,
        Err(Error::NotFound(missing))
    );
    assert_eq!(
        store.delete_environment("a", "e1", &env_arn(r, "a", "e1")).await,
        Err(Error::NotFound(missing))
    );
}

pub async fn environment_quota_and_parent(store: &dyn Store) {
    let r = "eu-west-3";
    assert_eq!(
        store
            .create_environment(&env("ghost", "e"), &env_arn(r, "ghost", "e"), &Tags::new(), PLENTY)
            .await,
        Err(Error::NotFound(ResourceKind::Application))
    );
    for id in ["a", "b"] {
        store
            .create_application(&app(r, id), &app_arn(r, id), &Tags::new(), PLENTY)
            .await
            .expect("app");
    }
    for id in ["e1", "e2"] {
        store
            .create_environment(&env("a", id), &env_arn(r, "a", id), &Tags::new(), 2)
            .await
            .expect("under quota");
    }
    assert_eq!(
        store
            .create_environment(&env("a", "e3"), &env_arn(r, "a", "e3"), &Tags::new(), 2)
            .await,
        Err(Error::QuotaExceeded)
    );
    // The quota is per application.
    store
        .create_environment(&env("b", "e3"), &env_arn(r, "b", "e3"), &Tags::new(), 2)
        .await
        .expect("other app");
    assert_eq!(store.environments("a", ALL).await.expect("list").len(), 2);
}

// ---- configuration profiles ----

pub async fn configuration_profiles_round_trip(store: &dyn Store) {
    let r = "ap-south-1";
    store
        .create_application(&app(r, "a"), &app_arn(r, "a"), &Tags::new(), PLENTY)
        .await
        .expect("app");
    let flags = ConfigurationProfile {
        description: Some("flags".to_owned()),
        retrieval_role_arn: Some("arn:aws:iam::1:role/get".to_owned()),
        validators: vec![
            Validator {
                validator_type: ValidatorType::JsonSchema,
                content: r#"{"type":"object"}"#.to_owned(),
            },
            Validator {
                validator_type: ValidatorType::Lambda,
                content: "arn:aws:lambda:x".to_owned(),
            },
        ],
        profile_type: Some(FEATURE_FLAGS_TYPE.to_owned()),
        kms_key_identifier: Some("alias/mine".to_owned()),
        last_accessed_at: Some(at(7)),
        ..profile("a", "flags")
    };
    let untyped = profile("a", "untyped");
    let freeform = ConfigurationProfile {
        profile_type: Some("AWS.Freeform".to_owned()),
        ..profile("a", "free")
    };
    for p in [&flags, &untyped, &freeform] {
        store
            .create_configuration_profile(p, &profile_arn(r, "a", &p.id), &Tags::new(), PLENTY)
            .await
            .expect("create");
    }
    assert_eq!(
        store.configuration_profile("a", "flags").await.expect("get"),
        Some(flags.clone())
    );
    assert_eq!(
        store.configuration_profile("a", "untyped").await.expect("get"),
        Some(untyped.clone())
    );
    assert_eq!(
        store.configuration_profile("b", "flags").await.expect("other app"),
        None
    );
    assert!(matches!(
        store
            .create_configuration_profile(&untyped, &profile_arn(r, "a", "untyped"), &Tags::new(), PLENTY)
            .await,
        Err(Error::Conflict(_))
    ));

    let all: Vec<String> = store
        .configuration_profiles("a", None, ALL)
        .await
        .expect("list")
        .into_iter()
        .map(|l| l.item.id)
        .collect();
    assert_eq!(all, ["flags", "untyped", "free"]);
    let only_flags = store
        .configuration_profiles("a", Some(FEATURE_FLAGS_TYPE), ALL)
        .await
        .expect("list flags");
    assert_eq!(only_flags.len(), 1);
    assert_eq!(only_flags[0].item, flags);
    let free = store
        .configuration_profiles("a", Some("AWS.Freeform"), ALL)
        .await
        .expect("list freeform");
    assert_eq!(free.iter().map(|l| l.item.id.as_str()).collect::<Vec<_>>(), ["free"]);

    let updated = ConfigurationProfile {
        name: "renamed".to_owned(),
        description: None,
        retrieval_role_arn: None,
        validators: vec![],
        kms_key_identifier: None,
        last_accessed_at: Some(at(8)),
        ..flags.clone()
    };
    store.update_configuration_profile(&updated).await.expect("update");
    assert_eq!(
        store.configuration_profile("a", "flags").await.expect("get"),
        Some(updated)
    );

    store
        .delete_configuration_profile("a", "flags", &profile_arn(r, "a", "flags"))
        .await
        .expect("delete");
    assert_eq!(store.configuration_profile("a", "flags").await.expect("get"), None);
    let missing = ResourceKind::ConfigurationProfile;
    assert_eq!(
        store.update_configuration_profile(&flags).await,
        Err(Error::NotFound(missing))
    );
    assert_eq!(
        store
            .delete_configuration_profile("a", "flags", &profile_arn(r, "a", "flags"))
            .await,
        Err(Error::NotFound(missing))
    );
}

pub async fn configuration_profile_quota_and_parent(store: &dyn Store) {
    let r = "ap-south-2";
    assert_eq!(
        store
            .create_configuration_profile(&profile("ghost", "p"), &profile_arn(r, "ghost", "p"), &Tags::new(), 9)
            .await,
        Err(Error::NotFound(ResourceKind::Application))
    );
    for id in ["a", "b"] {
        store
            .create_application(&app(r, id), &app_arn(r, id), &Tags::new(), PLENTY)
            .await
            .expect("app");
    }
    for id in ["p1", "p2", "p3"] {
        store
            .create_configuration_profile(&profile("a", id), &profile_arn(r, "a", id), &Tags::new(), 3)
            .await
            .expect("under quota");
    }
    assert_eq!(
        store
            .create_configuration_profile(&profile("a", "p4"), &profile_arn(r, "a", "p4"), &Tags::new(), 3)
            .await,
        Err(Error::QuotaExceeded)
    );
    store
        .create_configuration_profile(&profile("b", "p4"), &profile_arn(r, "b", "p4"), &Tags::new(), 3)
        .await
        .expect("quota is per application");
}

pub async fn delete_application_refused_with_children(store: &dyn Store) {
    let r = "sa-east-1";
    store
        .create_application(&app(r, "a"), &app_arn(r, "a"), &Tags::new(), PLENTY)
        .await
        .expect("app");
    store
        .create_environment(&env("a", "e"), &env_arn(r, "a", "e"), &Tags::new(), PLENTY)
        .await
        .expect("env");
    store
        .create_configuration_profile(&profile("a", "p"), &profile_arn(r, "a", "p"), &Tags::new(), PLENTY)
        .await
        .expect("profile");
    assert_eq!(
        store.delete_application(r, "a", &app_arn(r, "a")).await,
        Err(Error::HasChildren(ResourceKind::Environment))
    );
    store
        .delete_environment("a", "e", &env_arn(r, "a", "e"))
        .await
        .expect("delete env");
    assert_eq!(
        store.delete_application(r, "a", &app_arn(r, "a")).await,
        Err(Error::HasChildren(ResourceKind::ConfigurationProfile))
    );
    assert!(
        store.application(r, "a").await.expect("get").is_some(),
        "a refused delete changes nothing"
    );
    store
        .delete_configuration_profile("a", "p", &profile_arn(r, "a", "p"))
        .await
        .expect("delete profile");
    store
        .delete_application(r, "a", &app_arn(r, "a"))
        .await
        .expect("delete app");
    assert_eq!(store.application(r, "a").await.expect("get"), None);
}

pub async fn delete_profile_refused_with_hosted_versions(store: &dyn Store) {
    let r = "ca-central-1";
    app_with_profile(store, r, "a").await;
    let n = create_version(store, r, "a", None, b"{}").await;
    assert_eq!(
        store
            .delete_configuration_profile("a", "p", &profile_arn(r, "a", "p"))
            .await,
        Err(Error::HasChildren(ResourceKind::HostedConfigurationVersion))
    );
    assert!(store.configuration_profile("a", "p").await.expect("get").is_some());
    store.delete_hosted_version("a", "p", n).await.expect("delete version");
    store
        .delete_configuration_profile("a", "p", &profile_arn(r, "a", "p"))
        .await
        .expect("delete profile");
}

// ---- pagination ----

pub async fn pagination_in_creation_order(store: &dyn Store) {
    let r = "me-south-1";
    // Ids deliberately out of alphabetical order: lists follow creation, not ids.
    let ids = ["c", "a", "e", "b", "d"];
    for id in ids {
        store
            .create_application(&app(r, id), &app_arn(r, id), &Tags::new(), PLENTY)
            .await
            .expect("app");
        store
            .create_application(&app("me-other", &format!("x{id}")), "arn:x", &Tags::new(), PLENTY)
            .await
            .expect("x");
        store
            .create_environment(&env("c", id), &env_arn(r, "c", id), &Tags::new(), PLENTY)
            .await
            .expect("env");
        store
            .create_configuration_profile(&profile("c", id), &profile_arn(r, "c", id), &Tags::new(), PLENTY)
            .await
            .expect("profile");
        store
            .create_deployment_strategy(&strategy(r, id), &strategy_arn(r, id), &Tags::new(), PLENTY)
            .await
            .expect("s");
    }

    // Walks every list two at a time and checks order, cursors and the end.
    let mut after = None;
    let mut seen = Vec::new();
    let mut cursors = Vec::new();
    loop {
        let got = store.applications(r, page(after, 2)).await.expect("page");
        assert!(got.len() <= 2);
        if got.is_empty() {
            break;
        }
        after = got.last().map(|l| l.cursor);
        cursors.extend(got.iter().map(|l| l.cursor));
        seen.extend(got.into_iter().map(|l| l.item.id));
    }
    assert_eq!(seen, ids);
    assert!(cursors.windows(2).all(|w| w[0] < w[1]), "cursors increase: {cursors:?}");
    // The same cursor gives the same page again (cursors are stable).
    let first = store.applications(r, page(None, 2)).await.expect("page");
    let again = store
        .applications(r, page(Some(first[0].cursor), 2))
        .await
        .expect("page");
    assert_eq!(again.iter().map(|l| l.item.id.as_str()).collect::<Vec<_>>(), ["a", "e"]);
    // Deleting an item does not shift the others.
    store
        .delete_application(r, "e", &app_arn(r, "e"))
        .await
        .expect("delete");
    let after_delete = store
        .applications(r, page(Some(first[1].cursor), 2))
        .await
        .expect("page");
    assert_eq!(
        after_delete.iter().map(|l| l.item.id.as_str()).collect::<Vec<_>>(),
        ["b", "d"]
    );

    let envs = store.environments("c", page(None, 3)).await.expect("envs");
    assert_eq!(
        envs.iter().map(|l| l.item.id.as_str()).collect::<Vec<_>>(),
        ["c", "a", "e"]
    );
    let envs = store
        .environments("c", page(Some(envs[2].cursor), 3))
        .await
        .expect("envs");
    assert_eq!(envs.iter().map(|l| l.item.id.as_str()).collect::<Vec<_>>(), ["b", "d"]);

    let profiles = store
        .configuration_profiles("c", None, page(None, 4))
        .await
        .expect("profiles");
    assert_eq!(
        profiles.iter().map(|l| l.item.id.as_str()).collect::<Vec<_>>(),
        ["c", "a", "e", "b"]
    );
    let profiles = store
        .configuration_profiles("c", None, page(Some(profiles[3].cursor), 4))
        .await
        .expect("profiles");
    assert_eq!(profiles.iter().map(|l| l.item.id.as_str()).collect::<Vec<_>>(), ["d"]);

    let strategies = store.deployment_strategies(r, page(None, 1)).await.expect("strategies");
    assert_eq!(strategies.iter().map(|l| l.item.id.as_str()).collect::<Vec<_>>(), ["c"]);
    let strategies = store
        .deployment_strategies(r, page(Some(strategies[0].cursor), 10))
        .await
        .expect("strategies");
    assert_eq!(
        strategies.iter().map(|l| l.item.id.as_str()).collect::<Vec<_>>(),
        ["a", "e", "b", "d"]
    );
}

// ---- hosted configuration versions ----

pub async fn hosted_version_round_trip(store: &dyn Store) {
    let r = "us-west-2";
    app_with_profile(store, r, "a").await;
    let new = NewHostedVersion {
        description: Some("binary".to_owned()),
        content_type: "application/octet-stream".to_owned(),
        version_label: Some("v1".to_owned()),
        ..version("a", "p", None, &[0, 255, 1, 0, 2])
    };
    let info = store
        .create_hosted_version(r, &new, None, PLENTY)
        .await
        .expect("create");
    assert_eq!(info.version_number, 1);
    assert_eq!(info.application_id, "a");
    assert_eq!(info.configuration_profile_id, "p");
    assert_eq!(info.description, new.description);
    assert_eq!(info.content_type, new.content_type);
    assert_eq!(info.version_label, new.version_label);
    assert_eq!(info.created_at, new.created_at);

    let got = store.hosted_version("a", "p", 1).await.expect("get").expect("exists");
    assert_eq!(got.info, info);
    assert_eq!(got.content, new.content);
    assert_eq!(
        store.latest_hosted_version("a", "p").await.expect("latest"),
        Some(got.clone())
    );
    assert_eq!(
        store.hosted_version_by_label("a", "p", "v1").await.expect("by label"),
        Some(got.clone())
    );
    let listed = store.hosted_versions("a", "p", None, ALL).await.expect("list");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].item, info);

    // Empty content is content too.
    let empty = store
        .create_hosted_version(r, &version("a", "p", None, b""), None, PLENTY)
        .await
        .expect("empty");
    let got = store
        .hosted_version("a", "p", empty.version_number)
        .await
        .expect("get")
        .expect("exists");
    assert!(got.content.is_empty());
}

pub async fn hosted_version_numbering(store: &dyn Store) {
    let r = "us-east-2";
    app_with_profile(store, r, "a").await;
    let mut numbers = Vec::new();
    for _ in 0..3 {
        numbers.push(create_version(store, r, "a", None, b"x").await);
    }
    assert_eq!(numbers, [1, 2, 3]);
    store.delete_hosted_version("a", "p", 3).await.expect("delete 3");
    assert_eq!(
        create_version(store, r, "a", None, b"x").await,
        4,
        "numbers are never reused"
    );
    store.delete_hosted_version("a", "p", 4).await.expect("delete 4");
    store.delete_hosted_version("a", "p", 2).await.expect("delete 2");
    store.delete_hosted_version("a", "p", 1).await.expect("delete 1");
    assert_eq!(store.latest_hosted_version("a", "p").await.expect("latest"), None);
    assert_eq!(
        create_version(store, r, "a", None, b"x").await,
        5,
        "not even after deleting all"
    );
    assert_eq!(
        store
            .latest_hosted_version("a", "p")
            .await
            .expect("latest")
            .map(|v| v.info.version_number),
        Some(5)
    );

    // Numbering is per profile.
    store
        .create_configuration_profile(&profile("a", "q"), &profile_arn(r, "a", "q"), &Tags::new(), PLENTY)
        .await
        .expect("profile q");
    let q = store
        .create_hosted_version(r, &version("a", "q", None, b"y"), None, PLENTY)
        .await
        .expect("q1");
    assert_eq!(q.version_number, 1);
}

pub async fn hosted_version_expected_latest(store: &dyn Store) {
    let r = "us-west-1";
    app_with_profile(store, r, "a").await;
    let create = |expected: Option<i64>| {
        let v = version("a", "p", None, b"{}");
        async move {
            store
                .create_hosted_version(r, &v, expected, PLENTY)
                .await
                .map(|i| i.version_number)
        }
    };
    // With no version, the latest number counts as 0.
    assert!(matches!(create(Some(1)).await, Err(Error::Conflict(_))));
    assert_eq!(create(Some(0)).await, Ok(1));
    assert_eq!(create(Some(1)).await, Ok(2));
    assert!(
        matches!(create(Some(1)).await, Err(Error::Conflict(_))),
        "stale expectation"
    );
    assert!(
        matches!(create(Some(3)).await, Err(Error::Conflict(_))),
        "future expectation"
    );
    assert_eq!(create(None).await, Ok(3));
    // It compares with the highest existing number, not the counter.
    store.delete_hosted_version("a", "p", 3).await.expect("delete 3");
    assert!(matches!(create(Some(3)).await, Err(Error::Conflict(_))));
    assert_eq!(create(Some(2)).await, Ok(4));
    // A failed precondition consumed no number.
    assert_eq!(version_numbers(store, "a", None, ALL).await, [4, 2, 1]);
}

pub async fn hosted_version_labels(store: &dyn Store) {
    let r = "af-south-1";
    app_with_profile(store, r, "a").await;
    for label in [
        Some("v1"),
        Some("v1.1"),
        None,
        Some("v2"),
        Some("beta"),
        Some("a_1"),
        Some("ab1"),
    ] {
        create_version(store, r, "a", label, b"{}").await;
    }
    assert!(matches!(
        store
            .create_hosted_version(r, &version("a", "p", Some("v2"), b"{}"), None, PLENTY)
            .await,
        Err(Error::Conflict(_))
    ));
    assert_eq!(
        create_version(store, r, "a", Some("v3"), b"{}").await,
        8,
        "a refused label consumed no number"
    );

    let exact = |s: &str| LabelFilter::Exact(s.to_owned());
    let prefix = |s: &str| LabelFilter::Prefix(s.to_owned());
    assert_eq!(version_numbers(store, "a", Some(&exact("v1")), ALL).await, [1]);
    assert_eq!(
        version_numbers(store, "a", Some(&exact("nope")), ALL).await,
        Vec::<i64>::new()
    );
    assert_eq!(version_numbers(store, "a", Some(&prefix("v1")), ALL).await, [2, 1]);
    assert_eq!(version_numbers(store, "a", Some(&prefix("v")), ALL).await, [8, 4, 2, 1]);
    assert_eq!(
        version_numbers(store, "a", Some(&prefix("v")), page(Some(4), 2)).await,
        [2, 1]
    );
    assert_eq!(
        version_numbers(store, "a", Some(&prefix("a_")), ALL).await,
        [6],
        "no LIKE wildcards"
    );
    assert_eq!(
        version_numbers(store, "a", Some(&prefix("v1.1x")), ALL).await,
        Vec::<i64>::new()
    );

    let by_label = store
        .hosted_version_by_label("a", "p", "v2")
        .await
        .expect("by label")
        .expect("exists");
    assert_eq!(by_label.info.version_number, 4);
    assert_eq!(
        store.hosted_version_by_label("a", "p", "nope").await.expect("by label"),
        None
    );

    // Labels are unique per profile: another profile may reuse one, and a deleted one is free.
    store
        .create_configuration_profile(&profile("a", "q"), &profile_arn(r, "a", "q"), &Tags::new(), PLENTY)
        .await
        .expect("profile q");
    store
        .create_hosted_version(r, &version("a", "q", Some("v2"), b"{}"), None, PLENTY)
        .await
        .expect("other profile");
    store.delete_hosted_version("a", "p", 4).await.expect("delete v2");
    assert_eq!(create_version(store, r, "a", Some("v2"), b"{}").await, 9);
}

pub async fn hosted_version_total_bytes_quota(store: &dyn Store) {
    let r = "il-central-1";
    app_with_profile(store, r, "a").await;
    app_with_profile(store, r, "b").await;
    let create = |app_id: &'static str, content: &'static [u8]| {
        let v = version(app_id, "p", None, content);
        async move {
            store
                .create_hosted_version(r, &v, None, 10)
                .await
                .map(|i| i.version_number)
        }
    };
    assert_eq!(create("a", b"123456").await, Ok(1));
    assert_eq!(create("a", b"12345").await, Err(Error::QuotaExceeded));
    assert_eq!(create("a", b"1234").await, Ok(2), "exactly the limit fits");
    assert_eq!(
        create("b", b"1").await,
        Err(Error::QuotaExceeded),
        "the total is per region"
    );
    store.delete_hosted_version("a", "p", 1).await.expect("delete");
    assert_eq!(create("b", b"123456").await, Ok(1), "deleting frees bytes");
    assert_eq!(create("a", b"1").await, Err(Error::QuotaExceeded));

    // Another region has its own total.
    app_with_profile(store, "il-other", "c").await;
    let v = version("c", "p", None, b"1234567890");
    assert_eq!(
        store
            .create_hosted_version("il-other", &v, None, 10)
            .await
            .map(|i| i.version_number),
        Ok(1)
    );
}

pub async fn hosted_version_not_found(store: &dyn Store) {
    let r = "ap-east-1";
    assert_eq!(
        store
            .create_hosted_version(r, &version("ghost", "p", None, b"{}"), None, PLENTY)
            .await,
        Err(Error::NotFound(ResourceKind::Application))
    );
    store
        .create_application(&app(r, "a"), &app_arn(r, "a"), &Tags::new(), PLENTY)
        .await
        .expect("app");
    assert_eq!(
        store
            .create_hosted_version(r, &version("a", "p", None, b"{}"), None, PLENTY)
            .await,
        Err(Error::NotFound(ResourceKind::ConfigurationProfile))
    );
    store
        .create_configuration_profile(&profile("a", "p"), &profile_arn(r, "a", "p"), &Tags::new(), PLENTY)
        .await
        .expect("profile");
    assert_eq!(
        store
            .create_hosted_version("elsewhere", &version("a", "p", None, b"{}"), None, PLENTY)
            .await,
        Err(Error::NotFound(ResourceKind::Application)),
        "the application is not in that region"
    );
    assert_eq!(store.hosted_version("a", "p", 1).await.expect("get"), None);
    assert_eq!(store.latest_hosted_version("a", "p").await.expect("latest"), None);
    assert!(
        store
            .hosted_versions("a", "p", None, ALL)
            .await
            .expect("list")
            .is_empty()
    );
    assert_eq!(
        store.delete_hosted_version("a", "p", 1).await,
        Err(Error::NotFound(ResourceKind::HostedConfigurationVersion))
    );
    assert_eq!(create_version(store, r, "a", None, b"{}").await, 1);
    assert_eq!(store.hosted_version("a", "p", 2).await.expect("get"), None);
    assert_eq!(store.hosted_version("a", "other", 1).await.expect("get"), None);
}

pub async fn hosted_versions_newest_first(store: &dyn Store) {
    let r = "ap-northeast-1";
    app_with_profile(store, r, "a").await;
    for _ in 0..5 {
        create_version(store, r, "a", None, b"{}").await;
    }
    assert_eq!(version_numbers(store, "a", None, ALL).await, [5, 4, 3, 2, 1]);
    assert_eq!(version_numbers(store, "a", None, page(None, 2)).await, [5, 4]);
    assert_eq!(version_numbers(store, "a", None, page(Some(4), 2)).await, [3, 2]);
    assert_eq!(version_numbers(store, "a", None, page(Some(2), 2)).await, [1]);
    assert_eq!(
        version_numbers(store, "a", None, page(Some(1), 2)).await,
        Vec::<i64>::new()
    );
    store.delete_hosted_version("a", "p", 3).await.expect("delete");
    assert_eq!(version_numbers(store, "a", None, page(Some(4), 2)).await, [2, 1]);
}

// ---- deployment strategies ----

pub async fn deployment_strategies_round_trip(store: &dyn Store) {
    let r = "eu-central-1";
    let s = DeploymentStrategy {
        description: Some("exp".to_owned()),
        growth_type: GrowthType::Exponential,
        growth_factor: 12.5,
        replicate_to: "SSM_DOCUMENT".to_owned(),
        ..strategy(r, "s1")
    };
    store
        .create_deployment_strategy(&s, &strategy_arn(r, "s1"), &Tags::new(), 2)
        .await
        .expect("create");
    assert_eq!(store.deployment_strategy(r, "s1").await.expect("get"), Some(s.clone()));
    assert_eq!(
        store
            .deployment_strategy("elsewhere", "s1")
            .await
            .expect("other region"),
        None
    );
    assert!(matches!(
        store
            .create_deployment_strategy(&s, &strategy_arn(r, "s1"), &Tags::new(), 2)
            .await,
        Err(Error::Conflict(_))
    ));
    store
        .create_deployment_strategy(&strategy(r, "s2"), &strategy_arn(r, "s2"), &Tags::new(), 2)
        .await
        .expect("s2");
    assert_eq!(
        store
            .create_deployment_strategy(&strategy(r, "s3"), &strategy_arn(r, "s3"), &Tags::new(), 2)
            .await,
        Err(Error::QuotaExceeded)
    );

    let updated = DeploymentStrategy {
        name: "renamed".to_owned(),
        description: None,
        deployment_duration_in_minutes: 30,
        growth_type: GrowthType::Linear,
        growth_factor: 50.0,
        final_bake_time_in_minutes: 0,
        ..s.clone()
    };
    store.update_deployment_strategy(&updated).await.expect("update");
    assert_eq!(
        store.deployment_strategy(r, "s1").await.expect("get"),
        Some(updated.clone())
    );
    let listed = store.deployment_strategies(r, ALL).await.expect("list");
    assert_eq!(
        listed.iter().map(|l| l.item.id.as_str()).collect::<Vec<_>>(),
        ["s1", "s2"]
    );
    assert_eq!(listed[0].item, updated);

    store
        .delete_deployment_strategy(r, "s1", &strategy_arn(r, "s1"))
        .await
        .expect("delete");
    assert_eq!(store.deployment_strategy(r, "s1").await.expect("get"), None);
    let missing = ResourceKind::DeploymentStrategy;
    assert_eq!(
        store.update_deployment_strategy(&s).await,
        Err(Error::NotFound(missing))
    );
    assert_eq!(
        store.delete_deployment_strategy(r, "s1", &strategy_arn(r, "s1")).await,
        Err(Error::NotFound(missing))
    );
    assert_eq!(
        store
            .delete_deployment_strategy("elsewhere", "s2", &strategy_arn(r, "s2"))
            .await,
        Err(Error::NotFound(missing))
    );
}

// ---- tags ----

pub async fn tags_add_replace_remove_max(store: &dyn Store) {
    let r = "us-gov-west-1";
    let arn = app_arn(r, "a");
    store
        .create_application(&app(r, "a"), &arn, &tags(&[("a", "1"), ("b", "2")]), PLENTY)
        .await
        .expect("app");
    assert_eq!(store.tags(&arn).await.expect("tags"), tags(&[("a", "1"), ("b", "2")]));
    assert!(store.tags("arn:unknown").await.expect("no tags").is_empty());

    store
        .tag(&arn, &tags(&[("b", "3"), ("c", "4")]), 3)
        .await
        .expect("add and replace");
    assert_eq!(
        store.tags(&arn).await.expect("tags"),
        tags(&[("a", "1"), ("b", "3"), ("c", "4")])
    );
    assert_eq!(
        store.tag(&arn, &tags(&[("d", "5"), ("a", "changed")]), 3).await,
        Err(Error::QuotaExceeded)
    );
    assert_eq!(
        store.tags(&arn).await.expect("tags"),
        tags(&[("a", "1"), ("b", "3"), ("c", "4")]),
        "a refused tag call changes nothing"
    );
    store
        .tag(&arn, &tags(&[("a", "9")]), 3)
        .await
        .expect("replacing at the limit is fine");

    store
        .untag(&arn, &["a".to_owned(), "missing".to_owned()])
        .await
        .expect("untag");
    assert_eq!(store.tags(&arn).await.expect("tags"), tags(&[("b", "3"), ("c", "4")]));
    store.untag(&arn, &[]).await.expect("untag nothing");
    store
        .tag("arn:other", &tags(&[("x", "y")]), 1)
        .await
        .expect("tags of another resource");
    assert_eq!(store.tags(&arn).await.expect("tags").len(), 2);
}

pub async fn tags_removed_on_delete(store: &dyn Store) {
    let r = "cn-north-1";
    let t = tags(&[("team", "ramp")]);
    let (abc, abcd) = (app_arn(r, "abc"), app_arn(r, "abcd"));
    store
        .create_application(&app(r, "abc"), &abc, &t, PLENTY)
        .await
        .expect("abc");
    store
        .create_application(&app(r, "abcd"), &abcd, &t, PLENTY)
        .await
        .expect("abcd");
    store
        .create_environment(&env("abc", "e"), &env_arn(r, "abc", "e"), &t, PLENTY)
        .await
        .expect("env");
    store
        .create_configuration_profile(&profile("abc", "p"), &profile_arn(r, "abc", "p"), &t, PLENTY)
        .await
        .expect("p");
    store
        .create_deployment_strategy(&strategy(r, "s"), &strategy_arn(r, "s"), &t, PLENTY)
        .await
        .expect("strategy");
    for arn in [
        &abc,
        &abcd,
        &env_arn(r, "abc", "e"),
        &profile_arn(r, "abc", "p"),
        &strategy_arn(r, "s"),
    ] {
        assert_eq!(store.tags(arn).await.expect("tags"), t, "{arn} tagged at creation");
    }

    store
        .delete_environment("abc", "e", &env_arn(r, "abc", "e"))
        .await
        .expect("delete env");
    assert!(store.tags(&env_arn(r, "abc", "e")).await.expect("tags").is_empty());
    store
        .delete_configuration_profile("abc", "p", &profile_arn(r, "abc", "p"))
        .await
        .expect("delete profile");
    assert!(store.tags(&profile_arn(r, "abc", "p")).await.expect("tags").is_empty());
    store
        .delete_deployment_strategy(r, "s", &strategy_arn(r, "s"))
        .await
        .expect("delete strategy");
    assert!(store.tags(&strategy_arn(r, "s")).await.expect("tags").is_empty());

    // Tags left under the application's ARN go with it; a sibling sharing a name prefix stays.
    let stray = format!("{abc}/environment/stray");
    store.tag(&stray, &t, 50).await.expect("stray tag");
    store.delete_application(r, "abc", &abc).await.expect("delete app");
    assert!(store.tags(&abc).await.expect("tags").is_empty());
    assert!(store.tags(&stray).await.expect("tags").is_empty());
    assert_eq!(store.tags(&abcd).await.expect("tags"), t);
}

// ---- account settings and secrets ----

pub async fn account_settings_per_region(store: &dyn Store) {
    assert_eq!(store.account_settings("r1").await.expect("get"), None);
    let on = AccountSettings {
        deletion_protection_enabled: true,
        protection_period_in_minutes: 30,
    };
    store.put_account_settings("r1", &on).await.expect("put");
    assert_eq!(store.account_settings("r1").await.expect("get"), Some(on));
    assert_eq!(store.account_settings("r2").await.expect("get"), None);
    let off = AccountSettings::default();
    store.put_account_settings("r1", &off).await.expect("overwrite");
    assert_eq!(store.account_settings("r1").await.expect("get"), Some(off));
}

pub async fn secret_keeps_first_value(store: &dyn Store) {
    assert_eq!(store.secret("signing", b"first").await.expect("secret"), b"first");
    assert_eq!(store.secret("signing", b"second").await.expect("secret"), b"first");
    assert_eq!(store.secret("other", &[0, 1, 2]).await.expect("secret"), [0, 1, 2]);
    // Racing first calls agree on one value.
    let candidates: Vec<Vec<u8>> = (0u8..10).map(|i| vec![i; 4]).collect();
    let answers = join_all(candidates.iter().map(|c| store.secret("raced", c)).collect()).await;
    let answers: Vec<Vec<u8>> = answers.into_iter().map(|a| a.expect("secret")).collect();
    assert!(answers.windows(2).all(|w| w[0] == w[1]), "one winner: {answers:?}");
    assert!(candidates.contains(&answers[0]));
}

// ---- concurrency ----

/// Writes queued together commit together, but one failing write undoes only itself.
pub async fn concurrent_writes_fail_alone(store: &dyn Store) {
    let r = "eu-south-1";
    app_with_profile(store, r, "a").await;
    let versions: Vec<NewHostedVersion> = (0..20)
        .map(|i| version("a", "p", if i % 2 == 0 { Some("same") } else { None }, b"{}"))
        .collect();
    let results = join_all(
        versions
            .iter()
            .map(|v| store.create_hosted_version(r, v, None, PLENTY))
            .collect(),
    )
    .await;
    let conflicts = results.iter().filter(|r| matches!(r, Err(Error::Conflict(_)))).count();
    let mut numbers: Vec<i64> = results
        .iter()
        .filter_map(|r| r.as_ref().ok().map(|i| i.version_number))
        .collect();
    numbers.sort_unstable();
    assert_eq!(
        conflicts, 9,
        "all but one of the ten same-label writes conflict: {results:?}"
    );
    assert_eq!(
        numbers,
        (1..=11).collect::<Vec<_>>(),
        "failed writes consumed no number"
    );
    let labelled = store
        .hosted_version_by_label("a", "p", "same")
        .await
        .expect("by label")
        .expect("one won");
    assert!(numbers.contains(&labelled.info.version_number));

    let apps: Vec<(Application, String)> = ["x", "y", "x", "z"]
        .iter()
        .map(|id| (app(r, id), app_arn(r, id)))
        .collect();
    let none = Tags::new();
    let results = join_all(
        apps.iter()
            .map(|(a, arn)| store.create_application(a, arn, &none, PLENTY))
            .collect(),
    )
    .await;
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 3, "{results:?}");
    let duplicate = [&results[0], &results[2]];
    assert_eq!(
        duplicate
            .iter()
            .filter(|r| matches!(r, Err(Error::Conflict(_))))
            .count(),
        1,
        "{results:?}"
    );
    assert_eq!(store.applications(r, ALL).await.expect("list").len(), 4);
}

/// 50 writers racing on one profile get 50 distinct consecutive numbers.
pub async fn parallel_hosted_versions(store: Arc<dyn Store>) {
    let r = "us-east-1";
    app_with_profile(&*store, r, "a").await;
    let mut tasks = Vec::new();
    for i in 0..50u8 {
        let store = Arc::clone(&store);
        tasks.push(tokio::spawn(async move {
            let v = version("a", "p", None, &[i]);
            store.create_hosted_version(r, &v, None, PLENTY).await
        }));
    }
    let mut numbers = Vec::new();
    for task in tasks {
        numbers.push(task.await.expect("task").expect("create").version_number);
    }
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=50).collect::<Vec<i64>>());
    assert_eq!(
        version_numbers(&*store, "a", None, ALL).await,
        (1..=50).rev().collect::<Vec<i64>>()
    );
    let latest = store
        .latest_hosted_version("a", "p")
        .await
        .expect("latest")
        .expect("exists");
    assert_eq!(latest.info.version_number, 50);
}
