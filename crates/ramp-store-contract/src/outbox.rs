//! The transactional outbox: messages committed with their deployment write and only with it
//! (a refused start or update leaves none), keyed by the deployment as stored; due entries in
//! commit order, one at a time per deployment; delivery, retries with their schedule, status
//! and pruning; and the revert precondition decided inside the write.

use ramp_clock::Timestamp;
use ramp_domain::deployment::{Deployment, DeploymentState};
use ramp_domain::entities::{EnvironmentState, Tags};
use ramp_domain::outbox::OutboxMessage;
use ramp_domain::store::{DeploymentWrite, Error, OutboxStatus, Precondition, Refusal, ResourceKind};

use super::{Store, app_with_environments, at, content, deployment, env_arn, finish, start};

fn message(text: &str, created: i64) -> DeploymentWrite {
    DeploymentWrite {
        outbox: vec![OutboxMessage {
            topic: "test".to_owned(),
            payload: format!("{{\"m\":\"{text}\"}}"),
            created_at: at(created),
        }],
        precondition: Precondition::None,
    }
}

async fn start_with(
    store: &dyn Store,
    region: &str,
    app: &str,
    env: &str,
    write: &DeploymentWrite,
) -> Result<Deployment, Error> {
    store
        .start_deployment_with(
            &deployment(app, env),
            &content(b"{}"),
            &env_arn(region, app, env),
            &Tags::new(),
            write,
        )
        .await
}

fn payloads(entries: &[ramp_domain::store::OutboxEntry]) -> Vec<String> {
    entries.iter().map(|e| e.payload.clone()).collect()
}

pub async fn outbox_written_with_the_deployment_only(store: &dyn Store) {
    let r = "eu-north-1";
    app_with_environments(store, r, "a", &["e"]).await;
    let d = start_with(store, r, "a", "e", &message("start", 10))
        .await
        .expect("start");
    let entries = store.outbox_entries().await.expect("entries");
    assert_eq!(entries.len(), 1);
    let e = &entries[0];
    assert_eq!(
        (
            e.application_id.as_str(),
            e.environment_id.as_str(),
            e.deployment_number,
            e.revision
        ),
        ("a", "e", d.deployment_number, 0),
        "keyed by the deployment as stored (the store numbers it)"
    );
    assert_eq!((e.topic.as_str(), e.payload.as_str()), ("test", "{\"m\":\"start\"}"));
    assert_eq!(
        (e.created_at, e.attempts, e.next_attempt_at, e.last_error.clone()),
        (at(10), 0, None, None)
    );

    // A refused start (one in progress) and a start in a missing environment leave nothing.
    assert!(matches!(
        start_with(store, r, "a", "e", &message("refused", 11)).await,
        Err(Error::Conflict(_))
    ));
    assert_eq!(
        start_with(store, r, "a", "gone", &message("gone", 11)).await,
        Err(Error::NotFound(ResourceKind::Environment))
    );
    assert_eq!(store.outbox_entries().await.expect("entries").len(), 1);

    // An update leaves its message keyed by the new revision; a stale one leaves nothing.
    let step = Deployment {
        percentage_complete: 50.0,
        ..d.clone()
    };
    let stored = store
        .update_deployment_with(&step, None, &message("step", 20))
        .await
        .expect("update");
    assert!(matches!(
        store.update_deployment_with(&step, None, &message("stale", 21)).await,
        Err(Error::Conflict(_))
    ));
    let entries = store.outbox_entries().await.expect("entries");
    assert_eq!(payloads(&entries), ["{\"m\":\"start\"}", "{\"m\":\"step\"}"]);
    assert_eq!(entries[1].revision, stored.revision);
    assert!(entries[0].id < entries[1].id, "ids grow in commit order");
}

pub async fn outbox_due_in_commit_order_per_deployment(store: &dyn Store) {
    let r = "eu-west-3";
    app_with_environments(store, r, "a", &["e1", "e2"]).await;
    let d1 = start_with(store, r, "a", "e1", &message("e1 start", 10))
        .await
        .expect("e1");
    start_with(store, r, "a", "e2", &message("e2 start", 11))
        .await
        .expect("e2");
    let step = Deployment {
        percentage_complete: 50.0,
        ..d1.clone()
    };
    store
        .update_deployment_with(&step, None, &message("e1 step", 12))
        .await
        .expect("step");
    assert_eq!(
        store.outbox_next_due().await.expect("next"),
        Some(Timestamp::from_millis(0)),
        "due at once"
    );

    // e1's step waits behind e1's start.
    let due = store.outbox_due(at(100), 10).await.expect("due");
    assert_eq!(payloads(&due), ["{\"m\":\"e1 start\"}", "{\"m\":\"e2 start\"}"]);
    assert_eq!(
        store.outbox_due(at(100), 1).await.expect("due").len(),
        1,
        "at most limit"
    );
    let (e1_start, e2_start) = (due[0].id, due[1].id);
    store.outbox_delivered(&[e1_start], at(100)).await.expect("delivered");
    let due = store.outbox_due(at(100), 10).await.expect("due");
    assert_eq!(payloads(&due), ["{\"m\":\"e2 start\"}", "{\"m\":\"e1 step\"}"]);
    let e1_step = due[1].id;

    // A failure reschedules: not due before its time, then due with what went wrong.
    store.outbox_retry_at(e2_start, at(500), "boom").await.expect("retry");
    assert_eq!(
        payloads(&store.outbox_due(at(499), 10).await.expect("due")),
        ["{\"m\":\"e1 step\"}"]
    );
    store.outbox_delivered(&[e1_step], at(200)).await.expect("delivered");
    assert_eq!(store.outbox_next_due().await.expect("next"), Some(at(500)));
    let retried = store.outbox_due(at(500), 10).await.expect("due");
    assert_eq!(retried.len(), 1);
    assert_eq!(
        (
            retried[0].id,
            retried[0].attempts,
            retried[0].next_attempt_at,
            retried[0].last_error.as_deref()
        ),
        (e2_start, 1, Some(at(500)), Some("boom"))
    );
    store.outbox_retry_at(e2_start, at(900), "again").await.expect("retry");
    assert_eq!(store.outbox_due(at(900), 10).await.expect("due")[0].attempts, 2);
    assert_eq!(
        store.outbox_status().await.expect("status"),
        OutboxStatus {
            pending: 1,
            oldest_pending_at: Some(at(11)),
            failing: 1,
            delivered: 2,
        }
    );

    // Delivering twice changes nothing; pruning drops what was delivered before the cut.
    store.outbox_delivered(&[e2_start], at(1000)).await.expect("delivered");
    store
        .outbox_delivered(&[e2_start, e1_start], at(5000))
        .await
        .expect("delivered again");
    assert_eq!(store.outbox_next_due().await.expect("next"), None);
    assert!(store.outbox_due(at(10_000), 10).await.expect("due").is_empty());
    assert_eq!(store.outbox_prune(at(201)).await.expect("prune"), 2);
    let left = store.outbox_entries().await.expect("entries");
    assert_eq!(left.iter().map(|e| e.id).collect::<Vec<_>>(), [e2_start]);
    assert_eq!(store.outbox_status().await.expect("status").pending, 0);
}

pub async fn revert_refused_over_a_later_deployment_of_the_profile(store: &dyn Store) {
    let r = "sa-east-1";
    app_with_environments(store, r, "a", &["e"]).await;
    let first = finish(store, &start(store, r, "a", "e").await).await;
    let second = finish(store, &start(store, r, "a", "e").await).await;
    let revert = |d: &Deployment| Deployment {
        state: DeploymentState::Reverted,
        ..d.clone()
    };
    let write = DeploymentWrite {
        precondition: Precondition::NoLaterDeploymentOfProfile,
        ..message("revert", 30)
    };
    let before = store.outbox_entries().await.expect("entries").len();
    assert_eq!(
        store
            .update_deployment_with(&revert(&first), Some(EnvironmentState::Reverted), &write)
            .await,
        Err(Error::Refused(Refusal::LaterDeploymentOfProfile {
            later: second.deployment_number
        }))
    );
    assert_eq!(
        store.deployment("a", "e", first.deployment_number).await.expect("get"),
        Some(first)
    );
    assert_eq!(
        store.outbox_entries().await.expect("entries").len(),
        before,
        "nothing written"
    );

    let reverted = store
        .update_deployment_with(&revert(&second), Some(EnvironmentState::Reverted), &write)
        .await
        .expect("the latest of its profile reverts");
    assert_eq!(reverted.state, DeploymentState::Reverted);
    assert_eq!(store.outbox_entries().await.expect("entries").len(), before + 1);
}
