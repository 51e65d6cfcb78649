//! The change feed: what one store commits reaches the others, and only them; a lost
//! connection is reported; dropping a store ends its feed.

use std::time::Duration;

use ramp_domain::deployment::Deployment;
use ramp_domain::entities::{EnvironmentState, Tags};
use ramp_domain::store::{AppConfigStore, Change, ClusterStore, Conflict, Error};
use tokio::sync::broadcast;

use super::{app_with_environment, content, deployment, stores_on_one_schema};

/// The next change on `feed`, waiting at most 10 s (generous: this checks what arrives, not
/// how fast).
async fn next_change(feed: &mut broadcast::Receiver<Change>) -> Change {
    tokio::time::timeout(Duration::from_secs(10), feed.recv())
        .await
        .expect("a change within 10 s")
        .expect("an open feed")
}

fn deployment_change(number: i64) -> Change {
    Change::Deployment {
        application_id: "app".to_owned(),
        environment_id: "env".to_owned(),
        deployment_number: number,
    }
}

/// What one store commits reaches the other's feed; nobody hears its own changes, and stores
/// of another schema in the same database hear none of them. Each step is checked with a
/// later change from another store: notifications arrive in commit order, so an echo would
/// have come first.
#[tokio::test(flavor = "multi_thread")]
async fn deployments_committed_by_one_store_reach_the_others_feed() {
    let Some((_, stores)) = stores_on_one_schema(2).await else {
        return;
    };
    let (a, b) = (&stores[0], &stores[1]);
    let Some((_, elsewhere)) = stores_on_one_schema(2).await else {
        return;
    };
    let (mut feed_a, mut feed_b) = (a.changes().expect("feed"), b.changes().expect("feed"));
    let mut feed_elsewhere = elsewhere[0].changes().expect("feed");
    app_with_environment(a).await;

    let started = a
        .start_deployment(&deployment(), &content(), "arn:app/env", &Tags::new())
        .await
        .expect("start through a");
    assert_eq!(next_change(&mut feed_b).await, deployment_change(1));

    let step = Deployment {
        percentage_complete: 50.0,
        ..started
    };
    let stepped = b.update_deployment(&step, None).await.expect("update through b");
    assert_eq!(
        next_change(&mut feed_a).await,
        deployment_change(1),
        "b's update, not a's echo"
    );

    a.update_deployment(&stepped, Some(EnvironmentState::ReadyForDeployment))
        .await
        .expect("update through a");
    assert_eq!(
        next_change(&mut feed_b).await,
        deployment_change(1),
        "a's update, not b's echo"
    );

    // A failed write commits nothing, so it announces nothing.
    assert!(matches!(
        b.update_deployment(&step, None).await,
        Err(Error::Conflict(Conflict::RevisionChanged { .. }))
    ));
    app_with_environment(&elsewhere[1]).await;
    elsewhere[1]
        .start_deployment(&deployment(), &content(), "arn:app/env", &Tags::new())
        .await
        .expect("start in the other schema");
    assert_eq!(
        next_change(&mut feed_elsewhere).await,
        deployment_change(1),
        "its own schema's change, and none of the first schema's before it"
    );
    assert!(matches!(feed_a.try_recv(), Err(broadcast::error::TryRecvError::Empty)));
}

/// When the feed's connection is lost, subscribers hear `Missed` once it listens again, and
/// changes flow again after that.
#[tokio::test(flavor = "multi_thread")]
async fn a_lost_feed_connection_reports_missed_changes() {
    let Some((_, stores)) = stores_on_one_schema(2).await else {
        return;
    };
    let (a, b) = (&stores[0], &stores[1]);
    let mut feed_b = b.changes().expect("feed");
    app_with_environment(a).await;
    let name = format!("{} {}", crate::feed::FEED_APPLICATION_NAME, b.me.origin);
    let terminated = crate::sql::one_row(
        &a.pool,
        sqlx::query("SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1")
            .bind(name),
    )
    .await
    .expect("terminate");
    assert_eq!(crate::sql::get::<i64>(&terminated, 0).expect("count"), 1);
    assert_eq!(next_change(&mut feed_b).await, Change::Missed);

    a.start_deployment(&deployment(), &content(), "arn:app/env", &Tags::new())
        .await
        .expect("start");
    assert_eq!(next_change(&mut feed_b).await, deployment_change(1));
}

/// Dropping a store ends its feed: the listening connection closes and subscribers see the
/// feed closed.
#[tokio::test(flavor = "multi_thread")]
async fn dropping_a_store_stops_its_feed() {
    let Some((_, mut stores)) = stores_on_one_schema(2).await else {
        return;
    };
    let (Some(dropped), Some(watcher)) = (stores.pop(), stores.pop()) else {
        return;
    };
    let mut feed = dropped.changes().expect("feed");
    let name = format!("{} {}", crate::feed::FEED_APPLICATION_NAME, dropped.me.origin);
    let listening = || async {
        let row = crate::sql::one_row(
            &watcher.pool,
            sqlx::query("SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = $1").bind(name.clone()),
        )
        .await
        .expect("count");
        crate::sql::get::<i64>(&row, 0).expect("a number")
    };
    assert_eq!(listening().await, 1);
    drop(dropped);
    let closed = tokio::time::timeout(Duration::from_secs(10), feed.recv()).await;
    assert!(
        matches!(closed, Ok(Err(broadcast::error::RecvError::Closed))),
        "{closed:?}"
    );
    let gone = async {
        while listening().await > 0 {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(10), gone)
        .await
        .expect("the feed's connection closes");
}
