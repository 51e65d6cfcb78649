//! Environments: round trip and the per-application quota and parent check.

use ramp_domain::entities::{Environment, EnvironmentState, Monitor, Tags};
use ramp_domain::store::{Conflict, Error, ResourceKind};

use super::{ALL, PLENTY, Store, app, app_arn, at, env, env_arn};

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
        Err(Error::Conflict(Conflict::AlreadyExists(ResourceKind::Environment)))
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
    // Name, description and monitors change; state and last access are not the update's to set.
    let expected = Environment {
        state: e.state,
        last_accessed_at: e.last_accessed_at,
        ..updated.clone()
    };
    assert_eq!(store.environment("a", "e1").await.expect("get"), Some(expected));

    let listed = store.environments("a", ALL).await.expect("list");
    assert_eq!(listed.len(), 1);
    store
        .delete_environment("a", "e1", &env_arn(r, "a", "e1"), None)
        .await
        .expect("delete");
    assert_eq!(store.environment("a", "e1").await.expect("get"), None);

    let missing = ResourceKind::Environment;
    assert_eq!(
        store.update_environment(&env("a", "e1")).await,
        Err(Error::NotFound(missing))
    );
    assert_eq!(
        store.delete_environment("a", "e1", &env_arn(r, "a", "e1"), None).await,
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

/// Retrievals mark an environment and a profile; a mark never moves back.
pub async fn record_access_moves_forward(store: &dyn Store) {
    super::app_with_environments(store, "us-east-1", "acc1", &["e1"]).await;
    store
        .create_configuration_profile(
            &super::profile("acc1", "p"),
            &super::profile_arn("us-east-1", "acc1", "p"),
            &Tags::new(),
            PLENTY,
        )
        .await
        .expect("profile");
    store.record_access("acc1", "e1", "p", at(5_000)).await.expect("record");
    store
        .record_access("acc1", "e1", "p", at(3_000))
        .await
        .expect("record an older access");
    let env = store
        .environment("acc1", "e1")
        .await
        .expect("read")
        .expect("environment");
    let profile = store
        .configuration_profile("acc1", "p")
        .await
        .expect("read")
        .expect("profile");
    assert_eq!(env.last_accessed_at, Some(at(5_000)));
    assert_eq!(profile.last_accessed_at, Some(at(5_000)));
    store
        .record_access("acc1", "missing", "p", at(9_000))
        .await
        .expect("missing rows are ignored");
}
