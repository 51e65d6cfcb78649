//! Several engines on one store, as several ramp nodes run them: who leads, and why a
//! milestone is applied once whoever applies it. Time is manual throughout.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use ramp_clock::{Clock, ManualClock, SharedClock, Timestamp};
use ramp_domain::deployment::{Deployment, DeploymentEventType};
use ramp_domain::store::{Change, Store};
use ramp_domain::transition::{Transition, TransitionSubscriber};
use ramp_engine::leadership::{LEASE_TTL_MILLIS, RENEW_EVERY};
use ramp_engine::{Engine, Leadership};
use ramp_store::SqliteStore;
use ramp_store_contract::a_started_deployment;

fn store() -> Arc<dyn Store> {
    Arc::new(SqliteStore::open_in_memory().expect("store"))
}

fn clock_at(millis: i64) -> Arc<ManualClock> {
    Arc::new(ManualClock::new(Timestamp::from_millis(millis)))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_follower_takes_over_once_the_leader_stops_renewing() {
    let store = store();
    let real = clock_at(0);
    let a = Leadership::new("node-a", real.clone());
    let b = Leadership::new("node-b", real.clone());

    assert!(a.hold(store.as_ref()).await, "the first node leads");
    assert!(!b.hold(store.as_ref()).await, "one leader at a time");
    // The leader renews every RENEW_EVERY, so a follower never gets in while it lives.
    for _ in 0..5 {
        real.advance(RENEW_EVERY);
        assert!(a.hold(store.as_ref()).await);
        assert!(!b.hold(store.as_ref()).await);
    }
    // The leader dies right after a renewal: its lease runs out LEASE_TTL later, and the
    // follower's next try after that takes over.
    real.advance(Duration::from_millis(LEASE_TTL_MILLIS as u64 - 1));
    assert!(!b.hold(store.as_ref()).await, "not before the lease expires");
    real.advance(Duration::from_millis(1));
    assert!(b.hold(store.as_ref()).await, "at expiry");
    assert!(!a.hold(store.as_ref()).await, "a node that comes back follows");

    let status = b.status(store.as_ref()).await.expect("status");
    assert!(status.leading);
    assert_eq!(status.lease.expect("held").holder, "node-b");
    // Worst case from the leader's last renewal to a takeover, as documented: under 10 s.
    assert!(Duration::from_millis(LEASE_TTL_MILLIS as u64) + RENEW_EVERY <= Duration::from_secs(10));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_released_lease_is_taken_at_once() {
    let store = store();
    let real = clock_at(0);
    let a = Leadership::new("node-a", real.clone());
    let b = Leadership::new("node-b", real.clone());
    assert!(a.hold(store.as_ref()).await);
    a.release(store.as_ref()).await;
    assert!(b.hold(store.as_ref()).await, "no wait after a clean shutdown");
}

#[tokio::test(flavor = "multi_thread")]
async fn engines_racing_on_one_deployment_apply_each_milestone_once() {
    let store = store();
    let started = a_started_deployment(store.as_ref()).await;
    let clock = clock_at(started.started_at.millis());
    let engines: Vec<Arc<Engine>> = (0..3)
        .map(|_| Arc::new(Engine::new(store.clone(), clock.clone() as SharedClock)))
        .collect();
    // Move through the whole rollout in small steps, every engine ticking at once each time.
    for _ in 0..30 {
        clock.advance(Duration::from_secs(5));
        let ticks = engines.iter().map(|engine| {
            let engine = engine.clone();
            tokio::spawn(async move { engine.tick().await })
        });
        for tick in futures::future::join_all(ticks).await {
            tick.expect("join").expect("tick");
        }
    }
    let done = store
        .deployment(
            &started.application_id,
            &started.environment_id,
            started.deployment_number,
        )
        .await
        .expect("read")
        .expect("exists");
    let types: Vec<DeploymentEventType> = done.event_log.iter().map(|e| e.event_type).collect();
    use DeploymentEventType::*;
    assert_eq!(
        types,
        [
            DeploymentStarted,
            PercentageUpdated,
            PercentageUpdated,
            BakeTimeStarted,
            DeploymentCompleted
        ],
        "each milestone once, in order: {:#?}",
        done.event_log
    );
    let times: Vec<i64> = done.event_log.iter().map(|e| e.occurred_at.millis()).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "in time order: {times:?}");
}

/// Records the transitions a node's subscribers hear.
#[derive(Default)]
struct Recorder {
    seen: Mutex<Vec<String>>,
}

#[async_trait]
impl TransitionSubscriber for Recorder {
    async fn heard(&self, transition: &Transition) {
        let mut seen = self.seen.lock().expect("lock");
        let after = &transition.after;
        seen.push(format!(
            "{:?} {}/{} before {:?}",
            transition.origin,
            after.environment_id,
            after.deployment_number,
            transition.before.as_ref().map(|b| b.revision)
        ));
    }

    async fn missed(&self) {
        self.seen.lock().expect("lock").push("missed".to_owned());
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn changes_from_other_nodes_reach_the_subscribers_as_remote_transitions() {
    let store = store();
    let started = a_started_deployment(store.as_ref()).await;
    let recorder = Arc::new(Recorder::default());
    let engine = Arc::new(Engine::new(store.clone(), clock_at(0) as SharedClock));
    engine.transitions().subscribe(recorder.clone());
    let (feed, changes) = tokio::sync::broadcast::channel(16);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let follower = tokio::spawn(engine.follow(changes, async move {
        let _ = stopped.await;
    }));

    let change = |number| Change::Deployment {
        application_id: started.application_id.clone(),
        environment_id: started.environment_id.clone(),
        deployment_number: number,
    };
    feed.send(change(started.deployment_number)).expect("send");
    feed.send(change(99)).expect("send"); // gone since: nothing to tell
    feed.send(Change::Missed).expect("send");
    drop(feed); // the feed closing ends the follower
    follower.await.expect("follower ends");
    drop(stop);

    let seen = recorder.seen.lock().expect("lock").clone();
    assert_eq!(
        seen,
        [
            format!("Remote e1/{} before None", started.deployment_number),
            "missed".to_owned()
        ]
    );
}

/// Two nodes' data planes on one store. Node A's engine drives; node B hears nothing (its change
/// feed is slow), yet a client that node A moved to a new deployment is never sent back to the
/// old one by node B: the token names a deployment B has not heard of, so B reads the store.
#[tokio::test(flavor = "multi_thread")]
async fn a_node_behind_on_changes_never_sends_a_client_back() {
    use ramp_domain::arn::Scope;
    use ramp_domain::dataplane::DataPlane;
    use ramp_domain::deployment::{DeployedContent, DeploymentState};

    let store = store();
    let first = a_started_deployment(store.as_ref()).await;
    let clock = clock_at(first.started_at.millis());
    let shared: SharedClock = clock.clone();
    let node_a = Arc::new(DataPlane::new(store.clone(), shared.clone()).await.expect("node a"));
    let node_b = DataPlane::new(store.clone(), shared.clone()).await.expect("node b");
    let engine = Engine::new(store.clone(), shared.clone());
    engine.transitions().subscribe(node_a.clone());
    let scope = Scope::new("us-east-1", "111122223333");

    // Deployment 1 completes; both nodes serve it.
    clock.advance(Duration::from_secs(3 * 60));
    engine.tick().await.expect("tick");
    let token = node_b
        .start_session(&scope, "a1", "e1", "p", Some(15))
        .await
        .expect("session");
    let latest = node_b.latest(&token).await.expect("poll b");
    assert_eq!(latest.configuration.expect("first version").deployment_number, 1);

    // Deployment 2 goes to everyone through node A's engine; node B is told nothing.
    let now = clock.now();
    let second = Deployment {
        deployment_number: 0,
        state: DeploymentState::Deploying,
        percentage_complete: 0.0,
        started_at: now,
        completed_at: None,
        event_log: vec![first.event_log[0].clone()],
        next_due_at: Some(now),
        revision: 0,
        ..first.clone()
    };
    let content = DeployedContent {
        content: bytes::Bytes::from_static(b"{\"release\": 2}"),
        content_type: "application/json".to_owned(),
    };
    let arn = "arn:aws:appconfig:us-east-1:111122223333:application/a1/environment/e1";
    store
        .start_deployment(&second, &content, arn, &Default::default())
        .await
        .expect("second deployment");
    clock.advance(Duration::from_secs(3 * 60));
    engine.tick().await.expect("tick");

    // Node A moves the client to deployment 2 ...
    let latest = node_a.latest(&latest.next_token).await.expect("poll a");
    assert_eq!(latest.configuration.expect("the new version").deployment_number, 2);
    // ... and node B, still holding deployment 1 in memory, does not send it back.
    clock.advance(Duration::from_secs(15));
    let latest = node_b.latest(&latest.next_token).await.expect("poll b");
    assert_eq!(
        latest.configuration, None,
        "unchanged for the client: it already has deployment 2"
    );
}
