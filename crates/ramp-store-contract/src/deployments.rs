//! Deployments: round trip with content and tags, numbering per environment, one in progress
//! per environment (also under racing starts), compare-and-set updates, the engine's due queue,
//! newest-first pages, and deletion with the environment.

use std::sync::Arc;

use ramp_domain::deployment::{
    Deployment, DeploymentEvent, DeploymentEventType, DeploymentState, StepTiming, StrategySnapshot, TriggeredBy,
};
use ramp_domain::entities::{EnvironmentState, GrowthType, Monitor, Tags};
use ramp_domain::store::{Conflict, Error, ResourceKind, TaggedResource};

use super::{
    ALL, PLENTY, Store, app_with_environments, at, content, deployment, deployment_arn, env, env_arn, finish, page,
    start, tags,
};

const IN_PROGRESS: [DeploymentState; 4] = [
    DeploymentState::Deploying,
    DeploymentState::Baking,
    DeploymentState::Validating,
    DeploymentState::RollingBack,
];
const FINISHED: [DeploymentState; 3] = [
    DeploymentState::Complete,
    DeploymentState::RolledBack,
    DeploymentState::Reverted,
];

async fn numbers(store: &dyn Store, app_id: &str, environment_id: &str) -> Vec<i64> {
    let listed = store
        .deployments(app_id, environment_id, ALL)
        .await
        .expect("list deployments");
    for l in &listed {
        assert_eq!(
            l.cursor, l.item.deployment_number,
            "a deployment's cursor is its number"
        );
    }
    listed.into_iter().map(|l| l.item.deployment_number).collect()
}

async fn env_state(store: &dyn Store, app_id: &str, environment_id: &str) -> EnvironmentState {
    store
        .environment(app_id, environment_id)
        .await
        .expect("get environment")
        .expect("environment exists")
        .state
}

/// Updates `d` to `state` (due again unless finished); the stored deployment.
async fn set_state(store: &dyn Store, d: &Deployment, state: DeploymentState) -> Deployment {
    let changed = Deployment {
        state,
        next_due_at: if state.is_in_progress() { d.next_due_at } else { None },
        ..d.clone()
    };
    store.update_deployment(&changed, None).await.expect("update state")
}

pub async fn deployment_round_trip(store: &dyn Store) {
    let r = "us-east-1";
    app_with_environments(store, r, "a", &["e"]).await;
    let rich = Deployment {
        deployment_number: 42, // ignored: the store numbers deployments
        configuration_version: "v-label".to_owned(),
        hosted_version_number: 7,
        version_label: Some("v-label".to_owned()),
        description: Some("a rich one".to_owned()),
        strategy: StrategySnapshot {
            deployment_duration_in_minutes: 20,
            growth_type: GrowthType::Exponential,
            growth_factor: 2.5,
            final_bake_time_in_minutes: 3,
        },
        step_timing: StepTiming::Documented,
        percentage_complete: 12.345,
        completed_at: Some(at(99)),
        event_log: vec![
            DeploymentEvent {
                event_type: DeploymentEventType::DeploymentStarted,
                triggered_by: TriggeredBy::User,
                description: "started".to_owned(),
                occurred_at: at(10),
                action_invocations: Vec::new(),
            },
            DeploymentEvent {
                event_type: DeploymentEventType::PercentageUpdated,
                triggered_by: TriggeredBy::Appconfig,
                description: "Configuration deployment updated to 12.35%".to_owned(),
                occurred_at: at(20),
                action_invocations: Vec::new(),
            },
        ],
        kms_key_identifier: Some("alias/k".to_owned()),
        monitors: vec![Monitor {
            alarm_arn: "arn:aws:cloudwatch:us-east-1:1:alarm:x".to_owned(),
            alarm_role_arn: Some("arn:aws:iam::1:role/r".to_owned()),
        }],
        next_due_at: Some(at(30)),
        revision: 0,
        ..deployment("a", "e")
    };
    let bytes: Vec<u8> = vec![0, 255, 1, 0, 2, b'{', b'}'];
    let t = tags(&[("team", "ramp"), ("kind", "deployment")]);
    let stored = store
        .start_deployment(&rich, &content(&bytes), &env_arn(r, "a", "e"), &t)
        .await
        .expect("start");
    assert_eq!(
        stored,
        Deployment {
            deployment_number: 1,
            ..rich.clone()
        },
        "stored as given, with the assigned number"
    );
    assert_eq!(store.deployment("a", "e", 1).await.expect("get"), Some(stored.clone()));
    let listed = store.deployments("a", "e", ALL).await.expect("list");
    assert_eq!(listed.len(), 1);
    assert_eq!((listed[0].cursor, &listed[0].item), (1, &stored));

    let got = store
        .deployed_content("a", "e", 1)
        .await
        .expect("content")
        .expect("stored");
    assert_eq!(&got.content[..], &bytes[..], "content bytes are exact");
    assert_eq!(got.content_type, "application/json");
    assert_eq!(store.tags(&deployment_arn(r, "a", "e", 1)).await.expect("tags"), t);
    assert!(store.tags(&env_arn(r, "a", "e")).await.expect("env tags").is_empty());
    assert_eq!(env_state(store, "a", "e").await, EnvironmentState::Deploying);

    // Absent things are None, not errors.
    assert_eq!(store.deployment("a", "e", 2).await.expect("get"), None);
    assert_eq!(store.deployment("a", "other", 1).await.expect("get"), None);
    assert_eq!(store.deployment("other", "e", 1).await.expect("get"), None);
    assert_eq!(store.deployed_content("a", "e", 2).await.expect("content"), None);
    assert!(store.deployments("a", "other", ALL).await.expect("list").is_empty());

    // Empty content is content too.
    finish(store, &stored).await;
    let empty = store
        .start_deployment(
            &deployment("a", "e"),
            &content(b""),
            &env_arn(r, "a", "e"),
            &Tags::new(),
        )
        .await
        .expect("start with empty content");
    let got = store
        .deployed_content("a", "e", empty.deployment_number)
        .await
        .expect("content")
        .expect("stored");
    assert!(got.content.is_empty());
}

pub async fn deployments_numbered_per_environment(store: &dyn Store) {
    let r = "us-east-2";
    app_with_environments(store, r, "a", &["e1", "e2"]).await;
    app_with_environments(store, r, "b", &["e1"]).await;
    let mut assigned = Vec::new();
    for _ in 0..3 {
        let d = start(store, r, "a", "e1").await;
        assigned.push(d.deployment_number);
        let done = finish(store, &d).await;
        assert_eq!(done.state, DeploymentState::Complete);
    }
    assert_eq!(assigned, [1, 2, 3]);
    assert_eq!(start(store, r, "a", "e2").await.deployment_number, 1, "per environment");
    assert_eq!(
        start(store, r, "b", "e1").await.deployment_number,
        1,
        "per application too (same environment id)"
    );
    assert_eq!(numbers(store, "a", "e1").await, [3, 2, 1]);
    assert_eq!(numbers(store, "a", "e2").await, [1]);
    assert_eq!(numbers(store, "b", "e1").await, [1]);
}

pub async fn start_deployment_conflicts_while_in_progress(store: &dyn Store) {
    let r = "us-west-1";
    app_with_environments(store, r, "a", &["e", "other"]).await;
    let first = start(store, r, "a", "e").await;
    assert_eq!(first.deployment_number, 1);

    let mut current = first;
    for state in IN_PROGRESS {
        current = set_state(store, &current, state).await;
        let refused = store
            .start_deployment(
                &deployment("a", "e"),
                &content(b"second"),
                &env_arn(r, "a", "e"),
                &tags(&[("k", "v")]),
            )
            .await;
        match refused {
            Err(Error::Conflict(Conflict::DeploymentInProgress { environment_id, number })) => {
                assert_eq!((environment_id.as_str(), number), ("e", 1), "names deployment 1 of e");
            }
            other => panic!("starting while {state:?} must conflict, got {other:?}"),
        }
        // Nothing was written.
        assert_eq!(numbers(store, "a", "e").await, [1]);
        assert_eq!(store.deployment("a", "e", 2).await.expect("get"), None);
        assert_eq!(store.deployed_content("a", "e", 2).await.expect("content"), None);
        assert!(
            store
                .tags(&deployment_arn(r, "a", "e", 2))
                .await
                .expect("tags")
                .is_empty()
        );
    }
    // Another environment is not blocked.
    assert_eq!(start(store, r, "a", "other").await.deployment_number, 1);

    // Any finished state lets the next one start, numbered right after (refusals used no number).
    for (expected, state) in (2..).zip(FINISHED) {
        set_state(store, &current, state).await;
        store
            .update_environment(&env("a", "e"))
            .await
            .expect("environment ready again");
        current = start(store, r, "a", "e").await;
        assert_eq!(current.deployment_number, expected, "after {state:?}");
        assert_eq!(env_state(store, "a", "e").await, EnvironmentState::Deploying);
    }
}

pub async fn start_deployment_needs_environment(store: &dyn Store) {
    let r = "eu-west-1";
    for (app_id, environment_id) in [("ghost", "e"), ("a", "ghost")] {
        if app_id == "a" {
            app_with_environments(store, r, "a", &["e"]).await;
        }
        assert_eq!(
            store
                .start_deployment(
                    &deployment(app_id, environment_id),
                    &content(b"{}"),
                    &env_arn(r, app_id, environment_id),
                    &tags(&[("k", "v")]),
                )
                .await,
            Err(Error::NotFound(ResourceKind::Environment))
        );
        assert!(
            store
                .tags(&deployment_arn(r, app_id, environment_id, 1))
                .await
                .expect("tags")
                .is_empty()
        );
    }
    assert!(store.deployments("a", "ghost", ALL).await.expect("list").is_empty());
    assert_eq!(start(store, r, "a", "e").await.deployment_number, 1);
}

/// 20 starts racing on one environment: exactly one wins, the others conflict.
pub async fn parallel_start_deployments(store: Arc<dyn Store>) {
    let r = "eu-central-1";
    app_with_environments(&*store, r, "a", &["e"]).await;
    let mut tasks = Vec::new();
    for i in 0..20u8 {
        let store = Arc::clone(&store);
        tasks.push(tokio::spawn(async move {
            store
                .start_deployment(
                    &deployment("a", "e"),
                    &content(&[i]),
                    &env_arn(r, "a", "e"),
                    &Tags::new(),
                )
                .await
        }));
    }
    let mut won = Vec::new();
    let mut conflicts = 0;
    for task in tasks {
        match task.await.expect("task") {
            Ok(d) => won.push(d.deployment_number),
            Err(Error::Conflict(Conflict::DeploymentInProgress { number: 1, .. })) => conflicts += 1,
            Err(e) => panic!("a racing start fails only with Conflict, got {e:?}"),
        }
    }
    assert_eq!(won, [1], "exactly one start wins, numbered 1");
    assert_eq!(conflicts, 19);
    assert_eq!(numbers(&*store, "a", "e").await, [1]);
    let d = store.deployment("a", "e", 1).await.expect("get").expect("stored");
    finish(&*store, &d).await;
    assert_eq!(
        start(&*store, r, "a", "e").await.deployment_number,
        2,
        "the losers used no number"
    );
}

pub async fn deployment_update_compare_and_set(store: &dyn Store) {
    let r = "ap-south-1";
    app_with_environments(store, r, "a", &["e"]).await;
    let d = start(store, r, "a", "e").await;
    assert_eq!(d.revision, 0, "the revision is stored as given");

    let step = Deployment {
        percentage_complete: 50.0,
        state: DeploymentState::Baking,
        event_log: [
            d.event_log.clone(),
            vec![DeploymentEvent {
                event_type: DeploymentEventType::BakeTimeStarted,
                triggered_by: TriggeredBy::Appconfig,
                description: "bake".to_owned(),
                occurred_at: at(40),
                action_invocations: Vec::new(),
            }],
        ]
        .concat(),
        next_due_at: Some(at(70)),
        ..d.clone()
    };
    let stored = store.update_deployment(&step, None).await.expect("update");
    assert_eq!(
        stored,
        Deployment {
            revision: 1,
            ..step.clone()
        }
    );
    assert_eq!(store.deployment("a", "e", 1).await.expect("get"), Some(stored.clone()));
    assert_eq!(
        env_state(store, "a", "e").await,
        EnvironmentState::Deploying,
        "no environment state given: unchanged"
    );

    // A writer that read revision 0 lost the race.
    let stale = Deployment {
        state: DeploymentState::Complete,
        next_due_at: None,
        ..d.clone()
    };
    assert!(matches!(
        store
            .update_deployment(&stale, Some(EnvironmentState::ReadyForDeployment))
            .await,
        Err(Error::Conflict(Conflict::RevisionChanged { number: 1, revision })) if revision == d.revision
    ));
    assert_eq!(
        store.deployment("a", "e", 1).await.expect("get"),
        Some(stored.clone()),
        "a stale update changes nothing"
    );
    assert_eq!(env_state(store, "a", "e").await, EnvironmentState::Deploying);

    // The environment's state changes with the deployment.
    let rolling = Deployment {
        state: DeploymentState::RollingBack,
        ..stored.clone()
    };
    let rolling = store
        .update_deployment(&rolling, Some(EnvironmentState::RollingBack))
        .await
        .expect("update with environment state");
    assert_eq!(rolling.revision, 2);
    assert_eq!(env_state(store, "a", "e").await, EnvironmentState::RollingBack);
    let rolled = Deployment {
        state: DeploymentState::RolledBack,
        next_due_at: None,
        completed_at: Some(at(90)),
        ..rolling.clone()
    };
    let rolled = store
        .update_deployment(&rolled, Some(EnvironmentState::RolledBack))
        .await
        .expect("roll back");
    assert_eq!(rolled.revision, 3);
    assert_eq!(store.deployment("a", "e", 1).await.expect("get"), Some(rolled.clone()));
    assert_eq!(env_state(store, "a", "e").await, EnvironmentState::RolledBack);

    // Missing deployments are not found, whatever the revision.
    for missing in [
        Deployment {
            deployment_number: 2,
            ..rolled.clone()
        },
        Deployment {
            environment_id: "ghost".to_owned(),
            ..rolled.clone()
        },
    ] {
        assert_eq!(
            store.update_deployment(&missing, None).await,
            Err(Error::NotFound(ResourceKind::Deployment))
        );
    }
}

pub async fn deployments_due_in_order(store: &dyn Store) {
    let r = "ap-southeast-1";
    assert_eq!(store.next_due_at().await.expect("next due"), None, "nothing stored");
    assert!(store.due_deployments(at(1_000_000), 10).await.expect("due").is_empty());
    app_with_environments(store, r, "a", &["e1", "e2", "e3", "e4"]).await;
    app_with_environments(store, r, "b", &["e1"]).await;

    // Due times: a/e1 50, a/e2 20, a/e3 50, b/e1 20 (key order breaks ties), a/e4 finished.
    let mut due_at = Vec::new();
    for (app_id, environment_id, due) in [("a", "e1", 50), ("a", "e2", 20), ("a", "e3", 50), ("b", "e1", 20)] {
        let d = start(store, r, app_id, environment_id).await;
        let d = store
            .update_deployment(
                &Deployment {
                    next_due_at: Some(at(due)),
                    ..d
                },
                None,
            )
            .await
            .expect("set due time");
        due_at.push(d);
    }
    let finished = start(store, r, "a", "e4").await;
    finish(store, &finished).await;

    let keys = |list: Vec<Deployment>| -> Vec<(String, String, i64)> {
        list.into_iter()
            .map(|d| {
                (
                    d.application_id,
                    d.environment_id,
                    d.next_due_at.map_or(-1, |t| t.millis() - at(0).millis()),
                )
            })
            .collect()
    };
    let k = |a: &str, e: &str, due: i64| (a.to_owned(), e.to_owned(), due);
    assert_eq!(store.next_due_at().await.expect("next due"), Some(at(20)));
    assert!(store.due_deployments(at(19), 10).await.expect("due").is_empty());
    assert_eq!(
        keys(store.due_deployments(at(20), 10).await.expect("due")),
        [k("a", "e2", 20), k("b", "e1", 20)],
        "due exactly now counts"
    );
    assert_eq!(
        keys(store.due_deployments(at(1_000), 10).await.expect("due")),
        [k("a", "e2", 20), k("b", "e1", 20), k("a", "e1", 50), k("a", "e3", 50)],
        "earliest first, finished deployments never"
    );
    assert_eq!(
        keys(store.due_deployments(at(1_000), 3).await.expect("due")),
        [k("a", "e2", 20), k("b", "e1", 20), k("a", "e1", 50)],
        "at most limit"
    );
    assert!(store.due_deployments(at(1_000), 0).await.expect("due").is_empty());
    let full = store.due_deployments(at(1_000), 1).await.expect("due");
    assert_eq!(full, [due_at[1].clone()], "whole deployments");

    // Finishing the earliest ones moves the next due time.
    finish(store, &due_at[1]).await;
    finish(store, &due_at[3]).await;
    assert_eq!(store.next_due_at().await.expect("next due"), Some(at(50)));
    finish(store, &due_at[0]).await;
    finish(store, &due_at[2]).await;
    assert_eq!(store.next_due_at().await.expect("next due"), None);
    assert!(store.due_deployments(at(1_000), 10).await.expect("due").is_empty());
}

pub async fn deployments_in_progress(store: &dyn Store) {
    let r = "ap-northeast-1";
    assert!(store.in_progress_deployments().await.expect("in progress").is_empty());
    app_with_environments(store, r, "a", &["e1", "e2", "e3", "e4", "e5"]).await;
    let mut expected = Vec::new();
    for (environment_id, state) in ["e1", "e2", "e3", "e4"].into_iter().zip(IN_PROGRESS) {
        let d = start(store, r, "a", environment_id).await;
        expected.push(set_state(store, &d, state).await);
    }
    // A finished deployment, then one in progress, in the same environment.
    let old = start(store, r, "a", "e5").await;
    finish(store, &old).await;
    let new = start(store, r, "a", "e5").await;
    expected.push(new);

    let mut listed = store.in_progress_deployments().await.expect("in progress");
    listed.sort_by(|x, y| (&x.environment_id, x.deployment_number).cmp(&(&y.environment_id, y.deployment_number)));
    assert_eq!(listed, expected);

    for d in &expected {
        let current = store
            .deployment("a", &d.environment_id, d.deployment_number)
            .await
            .expect("get")
            .expect("exists");
        finish(store, &current).await;
    }
    assert!(store.in_progress_deployments().await.expect("in progress").is_empty());
}

pub async fn deployments_counted_by_state(store: &dyn Store) {
    let r = "ap-northeast-1";
    assert!(store.deployment_counts().await.expect("counts").is_empty());
    app_with_environments(store, r, "a", &["e1", "e2"]).await;
    let first = start(store, r, "a", "e1").await;
    finish(store, &first).await;
    start(store, r, "a", "e1").await;
    start(store, r, "a", "e2").await;
    let mut counts = store.deployment_counts().await.expect("counts");
    counts.sort_by_key(|(state, _)| state.as_str());
    let finished = store
        .deployment("a", "e1", first.deployment_number)
        .await
        .expect("get")
        .expect("exists")
        .state;
    let mut expected = vec![(finished, 1), (DeploymentState::Deploying, 2)];
    expected.sort_by_key(|(state, _)| state.as_str());
    assert_eq!(counts, expected);
}

pub async fn deployments_newest_first(store: &dyn Store) {
    let r = "sa-east-1";
    app_with_environments(store, r, "a", &["e", "quiet"]).await;
    for _ in 0..5 {
        let d = start(store, r, "a", "e").await;
        finish(store, &d).await;
    }
    assert_eq!(numbers(store, "a", "e").await, [5, 4, 3, 2, 1]);
    let pages = [
        (None, 2, vec![5, 4]),
        (Some(4), 2, vec![3, 2]),
        (Some(2), 2, vec![1]),
        (Some(1), 2, vec![]),
        (Some(100), 1, vec![5]),
        (None, 0, vec![]),
    ];
    for (after, limit, expected) in pages {
        let got: Vec<i64> = store
            .deployments("a", "e", page(after, limit))
            .await
            .expect("page")
            .into_iter()
            .map(|l| l.cursor)
            .collect();
        assert_eq!(got, expected, "after {after:?}, limit {limit}");
    }
    assert!(store.deployments("a", "quiet", ALL).await.expect("list").is_empty());
}

pub async fn delete_environment_with_deployments(store: &dyn Store) {
    let r = "ca-central-1";
    app_with_environments(store, r, "a", &["e", "keep"]).await;
    let arn = env_arn(r, "a", "e");
    store
        .tag(
            &TaggedResource::Environment {
                region: r.to_owned(),
                application_id: "a".to_owned(),
                id: "e".to_owned(),
            },
            &arn,
            &tags(&[("env", "tag")]),
            50,
        )
        .await
        .expect("environment tags");
    let t = tags(&[("k", "v")]);
    let first = store
        .start_deployment(&deployment("a", "e"), &content(b"one"), &arn, &t)
        .await
        .expect("start 1");
    finish(store, &first).await;
    let second = store
        .start_deployment(&deployment("a", "e"), &content(b"two"), &arn, &t)
        .await
        .expect("start 2");
    let kept = store
        .start_deployment(
            &deployment("a", "keep"),
            &content(b"kept"),
            &env_arn(r, "a", "keep"),
            &t,
        )
        .await
        .expect("start in the other environment");

    match store.delete_environment("a", "e", &arn, None).await {
        Err(Error::Conflict(Conflict::DeploymentInProgress { environment_id, number })) => {
            assert_eq!((environment_id.as_str(), number), ("e", 2), "names deployment 2 of e");
        }
        other => panic!("deleting an environment with a deployment in progress must conflict: {other:?}"),
    }
    assert!(
        store.environment("a", "e").await.expect("get").is_some(),
        "nothing deleted"
    );
    assert_eq!(numbers(store, "a", "e").await, [2, 1]);
    assert_eq!(store.tags(&deployment_arn(r, "a", "e", 1)).await.expect("tags"), t);

    finish(store, &second).await;
    store.delete_environment("a", "e", &arn, None).await.expect("delete");
    assert_eq!(store.environment("a", "e").await.expect("get"), None);
    for n in [1, 2] {
        assert_eq!(store.deployment("a", "e", n).await.expect("get"), None);
        assert_eq!(store.deployed_content("a", "e", n).await.expect("content"), None);
        assert!(
            store
                .tags(&deployment_arn(r, "a", "e", n))
                .await
                .expect("tags")
                .is_empty()
        );
    }
    assert!(store.tags(&arn).await.expect("tags").is_empty());
    assert!(store.deployments("a", "e", ALL).await.expect("list").is_empty());
    assert_eq!(
        store.delete_environment("a", "e", &arn, None).await,
        Err(Error::NotFound(ResourceKind::Environment))
    );

    // The other environment keeps its deployment.
    assert_eq!(store.deployment("a", "keep", 1).await.expect("get"), Some(kept.clone()));
    assert_eq!(
        store.deployed_content("a", "keep", 1).await.expect("content"),
        Some(content(b"kept"))
    );
    assert_eq!(store.tags(&deployment_arn(r, "a", "keep", 1)).await.expect("tags"), t);
    assert_eq!(store.in_progress_deployments().await.expect("in progress"), [kept]);

    // An environment created again under the same id starts afresh.
    store
        .create_environment(&env("a", "e"), &arn, &Tags::new(), PLENTY)
        .await
        .expect("recreate");
    assert!(store.deployments("a", "e", ALL).await.expect("list").is_empty());
    assert_eq!(start(store, r, "a", "e").await.deployment_number, 1);
}
