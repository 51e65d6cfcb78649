//! StartDeployment racing a revert of the profile's latest deployment (issue 9, item 4): the
//! revert's "no later deployment of the profile" is decided inside the store's write, so the
//! environment never ends REVERTED while a deployment is in progress, and a revert never goes
//! over a later deployment of its profile. SQLite always; PostgreSQL when
//! `RAMP_TEST_DATABASE_URL` is set.

use std::sync::Arc;
use std::time::Duration;

use ramp_clock::{ManualClock, SharedClock, Timestamp};
use ramp_domain::deployment::DeploymentState;
use ramp_domain::entities::EnvironmentState;
use ramp_domain::store::{Slice, Store};
use ramp_engine::Engine;
use ramp_store::SqliteStore;

mod common;
use common::Fixture;

const ROUNDS: usize = 200;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn start_racing_a_revert_never_leaves_the_environment_inconsistent_sqlite() {
    let dir = std::env::temp_dir().join(format!("ramp-revert-race-{}", ramp_domain::ids::new_hex(6)));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&dir.join("ramp.db")).expect("store"));
    race(store, ROUNDS).await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn start_racing_a_revert_never_leaves_the_environment_inconsistent_postgres() {
    let Some(store) = ramp_store_postgres::testing::fresh_store().await else {
        return;
    };
    race(Arc::new(store), ROUNDS).await;
}

async fn race(store: Arc<dyn Store>, rounds: usize) {
    let clock = Arc::new(ManualClock::new(Timestamp::from_millis(1_700_000_000_000)));
    let fixture = Arc::new(Fixture::new(store.clone(), clock.clone() as SharedClock).await);
    let env = fixture.environment("prod").await;
    let engine = Engine::new(store.clone(), clock.clone() as SharedClock);
    let mut latest = fixture
        .start(&fixture.appconfig, &env)
        .await
        .expect("first deployment")
        .deployment_number;
    let (mut reverted, mut refused) = (0, 0);
    for round in 0..rounds {
        // AllAtOnce: 100 % at once, then a 10-minute bake; the engine completes it.
        clock.advance(Duration::from_secs(11 * 60));
        engine.tick().await.expect("tick");
        let started = {
            let (fixture, env) = (fixture.clone(), env.clone());
            tokio::spawn(async move { fixture.start(&fixture.appconfig, &env).await })
        };
        let revert = {
            let (fixture, env) = (fixture.clone(), env.clone());
            tokio::spawn(async move { fixture.stop(&fixture.appconfig, &env, latest, true).await })
        };
        let (started, revert) = (started.await.expect("join"), revert.await.expect("join"));
        let started = started.unwrap_or_else(|e| panic!("round {round}: start failed: {e:?}"));
        match revert {
            Ok(_) => reverted += 1,
            Err(_) => refused += 1,
        }
        let environment = fixture
            .appconfig
            .environment(&fixture.scope, &fixture.app, &env)
            .await
            .expect("env");
        let deployments = store
            .deployments(
                &fixture.app,
                &env,
                Slice {
                    after: None,
                    limit: usize::MAX,
                },
            )
            .await
            .expect("deployments");
        let in_progress: Vec<i64> = deployments
            .iter()
            .filter(|l| l.item.state.is_in_progress())
            .map(|l| l.item.deployment_number)
            .collect();
        assert!(
            environment.state != EnvironmentState::Reverted || in_progress.is_empty(),
            "round {round}: the environment is REVERTED while deployment {in_progress:?} is in progress"
        );
        assert_eq!(
            environment.state,
            EnvironmentState::Deploying,
            "round {round}: the new deployment {} runs, so the environment deploys",
            started.deployment_number
        );
        let old = deployments
            .iter()
            .find(|l| l.item.deployment_number == latest)
            .expect("the older deployment");
        assert!(
            matches!(old.item.state, DeploymentState::Complete | DeploymentState::Reverted),
            "round {round}: {:?}",
            old.item.state
        );
        latest = started.deployment_number;
    }
    // Both outcomes happen (else the test raced nothing).
    println!("{rounds} rounds: {reverted} reverts before the start, {refused} refused after it");
}
