//! The contract suite on [`SqliteStore`], and what is particular to it: migrations, durability
//! across reopening, WAL mode, closing, and both runtime flavours.

use bytes::Bytes;
use ramp_clock::Timestamp;
use ramp_domain::deployment::{DeployedContent, Deployment, DeploymentState, StepTiming, StrategySnapshot};
use ramp_domain::entities::{
    Application, ConfigurationProfile, Environment, EnvironmentState, GrowthType, HOSTED_LOCATION, NewHostedVersion,
    Tags,
};
use ramp_domain::store::{AppConfigStore, ClusterStore, Conflict, Error, TagStore};

use super::{SqliteStore, deployments, migrations};

ramp_store_contract::store_contract_tests!(SqliteStore::open_in_memory().expect("open a temporary store"));

fn app() -> Application {
    Application {
        id: "app".to_owned(),
        region: "us-east-1".to_owned(),
        name: "durable".to_owned(),
        description: None,
        created_at: Timestamp::from_millis(1),
    }
}

fn profile() -> ConfigurationProfile {
    ConfigurationProfile {
        application_id: "app".to_owned(),
        id: "p".to_owned(),
        name: "p".to_owned(),
        description: None,
        location_uri: HOSTED_LOCATION.to_owned(),
        retrieval_role_arn: None,
        validators: Vec::new(),
        profile_type: None,
        kms_key_identifier: Some("alias/k".to_owned()),
        created_at: Timestamp::from_millis(2),
        last_accessed_at: None,
    }
}

fn version(content: &'static [u8]) -> NewHostedVersion {
    NewHostedVersion {
        application_id: "app".to_owned(),
        configuration_profile_id: "p".to_owned(),
        description: None,
        content_type: "text/plain".to_owned(),
        version_label: None,
        content: Bytes::from_static(content),
        created_at: Timestamp::from_millis(3),
    }
}

#[test]
fn migrations_are_valid() {
    migrations().validate().expect("valid migrations");
}

#[tokio::test(flavor = "multi_thread")]
async fn data_survives_reopening() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("ramp.sqlite");
    let tags: Tags = [("k".to_owned(), "v".to_owned())].into_iter().collect();
    {
        let store = SqliteStore::open(&path).expect("open");
        store
            .create_application(&app(), "arn:app", &tags, 10)
            .await
            .expect("app");
        store
            .create_configuration_profile(&profile(), "arn:app/p", &Tags::new(), 10)
            .await
            .expect("profile");
        store
            .create_hosted_version("us-east-1", &version(b"one"), None, 100)
            .await
            .expect("v1");
        store
            .create_hosted_version("us-east-1", &version(b"two"), None, 100)
            .await
            .expect("v2");
        store.delete_hosted_version("app", "p", 2).await.expect("delete v2");
        assert_eq!(store.secret("s", b"first").await.expect("secret"), b"first");
    }
    let store = SqliteStore::open(&path).expect("reopen");
    assert_eq!(store.application("us-east-1", "app").await.expect("app"), Some(app()));
    assert_eq!(
        store.configuration_profile("app", "p").await.expect("profile"),
        Some(profile())
    );
    assert_eq!(store.tags("arn:app").await.expect("tags"), tags);
    let v1 = store.hosted_version("app", "p", 1).await.expect("v1").expect("exists");
    assert_eq!(v1.content, Bytes::from_static(b"one"));
    assert_eq!(
        v1.info.kms_key_arn.as_deref(),
        Some("alias/k"),
        "the profile's key at creation"
    );
    assert_eq!(store.secret("s", b"second").await.expect("secret"), b"first");
    // The counter and the byte total survived too.
    let v3 = store
        .create_hosted_version("us-east-1", &version(b"x"), None, 100)
        .await
        .expect("v3");
    assert_eq!(v3.version_number, 3);
    assert_eq!(
        store
            .create_hosted_version("us-east-1", &version(b"0123456789"), None, 13)
            .await,
        Err(Error::QuotaExceeded),
        "3 + 1 bytes are stored, so 10 more exceed 13"
    );
    store
        .create_hosted_version("us-east-1", &version(b"012345678"), None, 13)
        .await
        .expect("exactly 13");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_file_is_in_wal_mode_with_the_schema() {
    let store = SqliteStore::open_in_memory().expect("open");
    let conn = rusqlite::Connection::open(store.path()).expect("raw connection");
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |row| row.get(0))
        .expect("journal_mode");
    assert_eq!(mode, "wal");
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .expect("user_version");
    assert_eq!(version, 8);
}

#[tokio::test(flavor = "multi_thread")]
async fn writes_after_close_fail_and_reads_still_work() {
    let store = SqliteStore::open_in_memory().expect("open");
    store
        .create_application(&app(), "arn:app", &Tags::new(), 10)
        .await
        .expect("app");
    store.close();
    store.close(); // idempotent
    assert!(matches!(
        store.update_application(&app()).await,
        Err(Error::Unavailable(_))
    ));
    assert_eq!(store.application("us-east-1", "app").await.expect("read"), Some(app()));
}

#[tokio::test(flavor = "current_thread")]
async fn works_on_a_current_thread_runtime() {
    let store = SqliteStore::open_in_memory().expect("open");
    store
        .create_application(&app(), "arn:app", &Tags::new(), 10)
        .await
        .expect("app");
    assert_eq!(store.application("us-east-1", "app").await.expect("read"), Some(app()));
}

#[test]
fn open_fails_cleanly_on_a_bad_path() {
    let dir = tempfile::tempdir().expect("temp dir");
    let result = SqliteStore::open(&dir.path().join("missing-dir").join("ramp.sqlite"));
    assert!(matches!(result, Err(Error::Unavailable(_))));
}

fn environment() -> Environment {
    Environment {
        application_id: "app".to_owned(),
        id: "env".to_owned(),
        name: "env".to_owned(),
        description: None,
        state: EnvironmentState::ReadyForDeployment,
        monitors: Vec::new(),
        created_at: Timestamp::from_millis(2),
        last_accessed_at: None,
    }
}

fn deployment() -> Deployment {
    Deployment {
        application_id: "app".to_owned(),
        environment_id: "env".to_owned(),
        deployment_number: 0,
        configuration_profile_id: "p".to_owned(),
        deployment_strategy_id: "AppConfig.AllAtOnce".to_owned(),
        configuration_name: "p".to_owned(),
        configuration_location_uri: HOSTED_LOCATION.to_owned(),
        configuration_version: "1".to_owned(),
        hosted_version_number: 1,
        version_label: None,
        description: None,
        strategy: StrategySnapshot {
            deployment_duration_in_minutes: 0,
            growth_type: GrowthType::Linear,
            growth_factor: 100.0,
            final_bake_time_in_minutes: 10,
        },
        step_timing: StepTiming::Observed,
        state: DeploymentState::Deploying,
        percentage_complete: 0.0,
        started_at: Timestamp::from_millis(10),
        completed_at: None,
        event_log: Vec::new(),
        kms_key_identifier: None,
        monitors: Vec::new(),
        next_due_at: Some(Timestamp::from_millis(10)),
        revision: 0,
        applied_extensions: Vec::new(),
    }
}

fn deployed(content: &'static [u8]) -> DeployedContent {
    DeployedContent {
        content: Bytes::from_static(content),
        content_type: "text/plain".to_owned(),
    }
}

async fn finish(store: &SqliteStore, d: &Deployment) -> Deployment {
    let done = Deployment {
        state: DeploymentState::Complete,
        next_due_at: None,
        ..d.clone()
    };
    store
        .update_deployment(&done, Some(EnvironmentState::ReadyForDeployment))
        .await
        .expect("finish")
}

#[tokio::test(flavor = "multi_thread")]
async fn deployments_survive_reopening() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("ramp.sqlite");
    let tags: Tags = [("k".to_owned(), "v".to_owned())].into_iter().collect();
    let (first, second) = {
        let store = SqliteStore::open(&path).expect("open");
        store
            .create_application(&app(), "arn:app", &Tags::new(), 10)
            .await
            .expect("app");
        store
            .create_environment(&environment(), "arn:app/env", &Tags::new(), 10)
            .await
            .expect("environment");
        let first = store
            .start_deployment(&deployment(), &deployed(b"one"), "arn:app/env", &tags)
            .await
            .expect("start 1");
        let first = finish(&store, &first).await;
        let second = store
            .start_deployment(&deployment(), &deployed(b"two"), "arn:app/env", &tags)
            .await
            .expect("start 2");
        store
            .put_alarm(&ramp_domain::deployment::Alarm {
                name: "x".to_owned(),
                state: ramp_domain::deployment::AlarmState::Alarm,
                reason: "r".to_owned(),
                updated_at: Timestamp::from_millis(5),
            })
            .await
            .expect("alarm");
        (first, second)
    };
    let store = SqliteStore::open(&path).expect("reopen");
    assert_eq!(store.deployment("app", "env", 1).await.expect("get"), Some(first));
    assert_eq!(
        store.deployment("app", "env", 2).await.expect("get"),
        Some(second.clone())
    );
    assert_eq!(
        store.deployed_content("app", "env", 2).await.expect("content"),
        Some(deployed(b"two"))
    );
    assert_eq!(store.tags("arn:app/env/deployment/2").await.expect("tags"), tags);
    assert_eq!(
        store.in_progress_deployments().await.expect("in progress"),
        std::slice::from_ref(&second)
    );
    assert_eq!(
        store.next_due_at().await.expect("next due"),
        Some(Timestamp::from_millis(10))
    );
    assert_eq!(store.alarms().await.expect("alarms").len(), 1);
    // The in-progress rule and the counter survived too.
    assert!(matches!(
        store
            .start_deployment(&deployment(), &deployed(b"x"), "arn:app/env", &Tags::new())
            .await,
        Err(Error::Conflict(Conflict::DeploymentInProgress { number: 2, .. }))
    ));
    finish(&store, &second).await;
    let third = store
        .start_deployment(&deployment(), &deployed(b"three"), "arn:app/env", &Tags::new())
        .await
        .expect("start 3");
    assert_eq!(third.deployment_number, 3);
}

/// A database made by version 1 of the schema, with an environment in it, takes deployments
/// after the upgrade.
#[tokio::test(flavor = "multi_thread")]
async fn migrating_from_version_1_keeps_environments() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("ramp.sqlite");
    {
        let mut conn = rusqlite::Connection::open(&path).expect("raw connection");
        migrations().to_version(&mut conn, 1).expect("schema version 1");
        conn.execute_batch(
            "INSERT INTO applications (id, region, name, created_at) VALUES ('app', 'us-east-1', 'durable', 1);
             INSERT INTO environments (application_id, id, name, state, monitors, created_at)
             VALUES ('app', 'env', 'env', 'READY_FOR_DEPLOYMENT', '[]', 2);",
        )
        .expect("version 1 rows");
    }
    let store = SqliteStore::open(&path).expect("open and migrate");
    assert_eq!(store.environment("app", "env").await.expect("get"), Some(environment()));
    let d = store
        .start_deployment(&deployment(), &deployed(b"{}"), "arn:app/env", &Tags::new())
        .await
        .expect("start");
    assert_eq!(d.deployment_number, 1);
    assert_eq!(
        store.environment("app", "env").await.expect("get").map(|e| e.state),
        Some(EnvironmentState::Deploying)
    );
}

#[test]
fn the_in_progress_predicate_matches_the_domain() {
    ramp_store_contract::in_progress_predicate_matches(
        deployments::IN_PROGRESS,
        include_str!("../../migrations/sqlite/002_deployments.sql"),
    );
}

/// The engine's queries are served by the partial indexes, not by scanning every deployment.
#[test]
fn deployment_queue_queries_use_the_indexes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut conn = rusqlite::Connection::open(dir.path().join("ramp.sqlite")).expect("open");
    migrations().to_latest(&mut conn).expect("migrate");
    let plan = |sql: &str| -> String {
        let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).expect("prepare");
        let rows = stmt
            .query_map([], |row| row.get::<_, String>(3))
            .expect("plan")
            .collect::<rusqlite::Result<Vec<_>>>()
            .expect("rows");
        rows.join("; ")
    };
    let due = plan(
        "SELECT * FROM deployments WHERE next_due_at <= 5 \
         ORDER BY next_due_at, application_id, environment_id, deployment_number LIMIT 3",
    );
    assert!(due.contains("deployments_due") && !due.contains("TEMP B-TREE"), "{due}");
    let next = plan("SELECT next_due_at FROM deployments WHERE next_due_at IS NOT NULL ORDER BY next_due_at LIMIT 1");
    assert!(next.contains("deployments_due"), "{next}");
    let active = plan(&format!(
        "SELECT deployment_number FROM deployments WHERE application_id = 'a' AND environment_id = 'e' AND {}",
        deployments::IN_PROGRESS
    ));
    assert!(active.contains("deployments_in_progress"), "{active}");
}
