//! What deployments keep of extensions: the invocations recorded after their transitions
//! (upserted by id, in first-recorded order, deleted with the environment) and the extensions
//! a deployment applies (stored at its start, read back by every read of it).

use std::collections::BTreeMap;

use ramp_domain::deployment::{Deployment, DeploymentEvent, DeploymentEventType, DeploymentState, TriggeredBy};
use ramp_domain::entities::Tags;
use ramp_domain::extensions::{Action, ActionInvocation, ActionPoint, AppliedExtension, RecordedInvocation};

use super::{ALL, Store, app_with_environments, at, content, deployment, env, env_arn, finish, start};

fn invocation(id: &str, error: Option<&str>) -> ActionInvocation {
    ActionInvocation {
        extension_identifier: "x1".to_owned(),
        action_name: Some("notify".to_owned()),
        uri: Some("arn:aws:sns:us-east-1:111122223333:topic".to_owned()),
        role_arn: None,
        error_message: error.map(str::to_owned),
        error_code: error.map(|_| "InvocationFailed".to_owned()),
        invocation_id: id.to_owned(),
    }
}

fn recorded(d: &Deployment, event_index: i64, invocation: ActionInvocation) -> RecordedInvocation {
    RecordedInvocation {
        application_id: d.application_id.clone(),
        environment_id: d.environment_id.clone(),
        deployment_number: d.deployment_number,
        event_index,
        invocation,
    }
}

pub async fn invocations_upserted_in_first_recorded_order(store: &dyn Store) {
    let r = "us-east-1";
    app_with_environments(store, r, "a", &["e1", "e2"]).await;
    let d = start(store, r, "a", "e1").await;
    let other = start(store, r, "a", "e2").await;
    let (i1, i2, i3) = (invocation("i1", None), invocation("i2", None), invocation("i3", None));
    store
        .record_invocations(&[recorded(&d, 0, i1.clone()), recorded(&d, 0, i2.clone())])
        .await
        .expect("record");
    let failed = invocation("i1", Some("timed out"));
    store
        .record_invocations(&[recorded(&d, 1, i3.clone()), recorded(&d, 1, failed.clone())])
        .await
        .expect("record again");
    store.record_invocations(&[]).await.expect("record nothing");
    assert_eq!(
        store
            .invocations("a", "e1", d.deployment_number)
            .await
            .expect("invocations"),
        [recorded(&d, 1, failed), recorded(&d, 0, i2), recorded(&d, 1, i3)],
        "a retry replaces the invocation where it was first recorded"
    );
    assert!(
        store
            .invocations("a", "e2", other.deployment_number)
            .await
            .expect("other")
            .is_empty()
    );
    assert!(
        store
            .invocations("a", "e1", 9)
            .await
            .expect("no such deployment")
            .is_empty()
    );
}

pub async fn invocations_deleted_with_the_environment(store: &dyn Store) {
    let r = "eu-west-1";
    app_with_environments(store, r, "a", &["e"]).await;
    let d = start(store, r, "a", "e").await;
    store
        .record_invocations(&[recorded(&d, 0, invocation("i1", None))])
        .await
        .expect("record");
    finish(store, &d).await;
    store
        .delete_environment("a", "e", &env_arn(r, "a", "e"), None)
        .await
        .expect("delete the environment");
    assert!(
        store
            .invocations("a", "e", d.deployment_number)
            .await
            .expect("invocations")
            .is_empty()
    );

    store
        .create_environment(&env("a", "e"), &env_arn(r, "a", "e"), &Tags::new(), super::PLENTY)
        .await
        .expect("the same environment again");
    let again = start(store, r, "a", "e").await;
    assert_eq!(again.deployment_number, d.deployment_number, "numbering starts over");
    assert!(
        store
            .invocations("a", "e", again.deployment_number)
            .await
            .expect("invocations")
            .is_empty(),
        "nothing of the deleted deployment is left"
    );
    store
        .record_invocations(&[recorded(&d, 0, invocation("late", None))])
        .await
        .expect("a recording for a deployment that is gone is dropped");
}

pub async fn applied_extensions_round_trip(store: &dyn Store) {
    let r = "ap-east-1";
    app_with_environments(store, r, "a", &["e"]).await;
    let applied = vec![AppliedExtension {
        extension_id: "x1".to_owned(),
        extension_association_id: "assoc".to_owned(),
        version_number: 2,
        parameters: BTreeMap::from([("topic".to_owned(), "t".to_owned())]),
        extension_arn: "arn:aws:appconfig:ap-east-1:111122223333:extension/x1/2".to_owned(),
        association_arn: "arn:aws:appconfig:ap-east-1:111122223333:extensionassociation/assoc".to_owned(),
        actions: BTreeMap::from([(
            ActionPoint::OnDeploymentStart,
            vec![Action {
                name: Some("start".to_owned()),
                description: None,
                uri: Some("arn:aws:lambda:ap-east-1:111122223333:function:f".to_owned()),
                role_arn: None,
            }],
        )]),
    }];
    let mut new = Deployment {
        applied_extensions: applied.clone(),
        ..deployment("a", "e")
    };
    new.event_log[0].action_invocations = vec![invocation("pre", Some("refused"))];
    let stored = store
        .start_deployment(&new, &content(b"{}"), &env_arn(r, "a", "e"), &Tags::new())
        .await
        .expect("start");
    assert_eq!(stored.applied_extensions, applied);
    let read = store
        .deployment("a", "e", stored.deployment_number)
        .await
        .expect("get")
        .expect("exists");
    assert_eq!(read, stored, "applied extensions and the event's invocations read back");
    let listed = store.deployments("a", "e", ALL).await.expect("list");
    assert_eq!(listed[0].item, stored);
    assert_eq!(
        store.in_progress_deployments().await.expect("in progress"),
        std::slice::from_ref(&stored)
    );
    assert_eq!(
        store.due_deployments(at(10), 10).await.expect("due"),
        std::slice::from_ref(&stored)
    );

    let baking = Deployment {
        state: DeploymentState::Baking,
        event_log: [
            stored.event_log.clone(),
            vec![DeploymentEvent {
                event_type: DeploymentEventType::BakeTimeStarted,
                triggered_by: TriggeredBy::Appconfig,
                description: "bake".to_owned(),
                occurred_at: at(40),
                action_invocations: Vec::new(),
            }],
        ]
        .concat(),
        ..stored.clone()
    };
    let updated = store.update_deployment(&baking, None).await.expect("update");
    let read = store
        .deployment("a", "e", stored.deployment_number)
        .await
        .expect("get")
        .expect("exists");
    assert_eq!(read, updated);
    assert_eq!(read.applied_extensions, applied, "an update keeps them");
}
