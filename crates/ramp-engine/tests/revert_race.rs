//! StartDeployment racing a revert of the profile's latest deployment (issue 9, item 4): the
//! revert's "no later deployment of the profile" is decided inside the store's write, so the
//! environment never ends REVERTED while a deployment is in progress, and a revert never goes
//! over a later deployment of its profile. SQLite always; PostgreSQL when
//! `RAMP_TEST_DATABASE_URL` is set.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use ramp_clock::{ManualClock, SharedClock, Timestamp};
use ramp_domain::appconfig::{
    AppConfig, NewConfigurationProfile, NewEnvironment, NewHostedVersionRequest, Quotas, StartDeploymentRequest,
};
use ramp_domain::arn::Scope;
use ramp_domain::deployment::DeploymentState;
use ramp_domain::entities::EnvironmentState;
use ramp_domain::store::{Slice, Store};
use ramp_engine::Engine;
use ramp_store::SqliteStore;

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
    let scope = Scope::new("us-east-1", "000000000000");
    let clock = Arc::new(ManualClock::new(Timestamp::from_millis(1_700_000_000_000)));
    let appconfig = Arc::new(
        AppConfig::new(store.clone(), clock.clone() as SharedClock, Quotas::default())
            .await
            .expect("appconfig"),
    );
    let engine = Engine::new(store.clone(), clock.clone() as SharedClock);
    let app = appconfig
        .create_application(&scope, "race".to_owned(), None, Default::default())
        .await
        .expect("application");
    let env = appconfig
        .create_environment(
            &scope,
            &app.id,
            NewEnvironment {
                name: "prod".to_owned(),
                description: None,
                monitors: Vec::new(),
                tags: Default::default(),
            },
        )
        .await
        .expect("environment");
    let profile = appconfig
        .create_configuration_profile(
            &scope,
            &app.id,
            NewConfigurationProfile {
                name: "cfg".to_owned(),
                description: None,
                location_uri: "hosted".to_owned(),
                retrieval_role_arn: None,
                validators: Vec::new(),
                profile_type: None,
                kms_key_identifier: None,
                tags: Default::default(),
            },
        )
        .await
        .expect("profile");
    appconfig
        .create_hosted_version(
            &scope,
            &app.id,
            &profile.id,
            NewHostedVersionRequest {
                description: None,
                content: Bytes::from_static(b"{}"),
                content_type: "application/json".to_owned(),
                latest_version_number: None,
                version_label: None,
            },
        )
        .await
        .expect("version");
    let start = {
        let (appconfig, scope, app, env, profile) = (
            appconfig.clone(),
            scope.clone(),
            app.id.clone(),
            env.id.clone(),
            profile.id.clone(),
        );
        move || {
            let (appconfig, scope, app, env, profile) = (
                appconfig.clone(),
                scope.clone(),
                app.clone(),
                env.clone(),
                profile.clone(),
            );
            async move {
                let request = StartDeploymentRequest {
                    deployment_strategy_id: "AppConfig.AllAtOnce".to_owned(),
                    configuration_profile_id: profile,
                    configuration_version: "1".to_owned(),
                    description: None,
                    kms_key_identifier: None,
                    tags: Default::default(),
                };
                appconfig.start_deployment(&scope, &app, &env, request).await
            }
        }
    };
    let mut latest = start().await.expect("first deployment").deployment_number;
    let (mut reverted, mut refused) = (0, 0);
    for round in 0..rounds {
        // AllAtOnce: 100 % at once, then a 10-minute bake; the engine completes it.
        clock.advance(Duration::from_secs(11 * 60));
        engine.tick().await.expect("tick");
        let started = tokio::spawn(start());
        let revert = {
            let (appconfig, scope, app, env) = (appconfig.clone(), scope.clone(), app.id.clone(), env.id.clone());
            tokio::spawn(async move { appconfig.stop_deployment(&scope, &app, &env, latest, true).await })
        };
        let (started, revert) = (started.await.expect("join"), revert.await.expect("join"));
        let started = started.unwrap_or_else(|e| panic!("round {round}: start failed: {e:?}"));
        match revert {
            Ok(_) => reverted += 1,
            Err(_) => refused += 1,
        }
        let environment = appconfig.environment(&scope, &app.id, &env.id).await.expect("env");
        let deployments = store
            .deployments(
                &app.id,
                &env.id,
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
            !(environment.state == EnvironmentState::Reverted && !in_progress.is_empty()),
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
