//! Environments: round trip and the per-application quota and parent check.

use ramp_domain::entities::{Environment, EnvironmentState, Monitor, Tags};
use ramp_domain::store::{Error, ResourceKind};

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
