//! The contract suite on [`PostgresStore`], and what is particular to it: the schema a URL
//! selects and migrations applied once by nodes starting together (here), the change feed
//! between nodes (`feed.rs`), and quotas and starts raced through several stores (`races.rs`).
//! Every test that needs PostgreSQL skips (passing, after one line of output) when
//! `RAMP_TEST_DATABASE_URL` is not set.

mod feed;
mod races;

use std::time::Duration;

use ramp_domain::deployment::{DeployedContent, Deployment};
use ramp_domain::entities::{Application, Environment, Tags};
use ramp_domain::store::{AppConfigStore, Error};

use crate::testing::{database_url, fresh_schema_url};
use crate::{PostgresOptions, PostgresStore, deployments, store};

ramp_store_contract::store_contract_tests!(match crate::testing::fresh_store().await {
    Some(store) => store,
    None => return,
});

/// Stores on one fresh schema, connected one after the other; `None` when not configured.
async fn stores_on_one_schema(n: usize) -> Option<(String, Vec<PostgresStore>)> {
    let url = fresh_schema_url(&database_url()?).await.expect("fresh schema");
    let mut stores = Vec::new();
    for _ in 0..n {
        stores.push(PostgresStore::connect(&url).await.expect("connect"));
    }
    Some((url, stores))
}

async fn count(store: &PostgresStore, sql: &'static str) -> i64 {
    let row = crate::sql::one_row(&store.pool, sqlx::query(sql)).await.expect("count");
    crate::sql::get(&row, 0).expect("a number")
}

fn app(id: &str) -> Application {
    ramp_store_contract::app("us-east-1", id)
}

fn environment(id: &str) -> Environment {
    ramp_store_contract::env("app", id)
}

/// A deployment of `app`/`env`, due at once.
fn deployment() -> Deployment {
    ramp_store_contract::deployment("app", "env")
}

fn content() -> DeployedContent {
    ramp_store_contract::content(b"{}")
}

/// Application `app` with environment `env`.
async fn app_with_environment(store: &PostgresStore) {
    store
        .create_application(&app("app"), "arn:app", &Tags::new(), 100)
        .await
        .expect("app");
    store
        .create_environment(&environment("env"), "arn:app/env", &Tags::new(), 100)
        .await
        .expect("environment");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_url_selects_the_schema_of_tables_and_migrations() {
    let Some((url, stores)) = stores_on_one_schema(1).await else {
        return;
    };
    let store = &stores[0];
    assert!(
        store.schema().starts_with(crate::testing::SCHEMA_PREFIX),
        "{}",
        store.schema()
    );
    assert!(
        url.contains(&format!("options=-c%20search_path%3D{}", store.schema())),
        "{url}"
    );
    let row = crate::sql::one_row(
        &store.pool,
        sqlx::query(
            "SELECT to_regclass(current_schema() || '._sqlx_migrations')::text, \
             to_regclass(current_schema() || '.applications')::text",
        ),
    )
    .await
    .expect("look up");
    let migrations: Option<String> = crate::sql::get(&row, 0).expect("name");
    let applications: Option<String> = crate::sql::get(&row, 1).expect("name");
    assert!(
        migrations.is_some() && applications.is_some(),
        "{migrations:?} {applications:?}"
    );
    assert_eq!(
        count(store, "SELECT COUNT(*) FROM _sqlx_migrations").await,
        i64::try_from(store::migrations().iter().count()).expect("few")
    );
}

/// Nodes starting together against a new schema all start, and the schema is applied once
/// (sqlx's migrator takes an advisory lock; the others then find the migration applied).
#[tokio::test(flavor = "multi_thread")]
async fn stores_connecting_together_apply_the_schema_once() {
    let Some(base) = database_url() else { return };
    let url = fresh_schema_url(&base).await.expect("fresh schema");
    let connecting: Vec<_> = (0..5)
        .map(|_| {
            let url = url.clone();
            tokio::spawn(async move { PostgresStore::connect(&url).await })
        })
        .collect();
    let mut stores = Vec::new();
    for task in connecting {
        stores.push(task.await.expect("task").expect("every store connects"));
    }
    assert_eq!(
        count(&stores[0], "SELECT COUNT(*) FROM _sqlx_migrations").await,
        i64::try_from(store::migrations().iter().count()).expect("few"),
        "each migration once"
    );
    assert!(stores.iter().all(|s| s.schema() == stores[0].schema()));
    stores[0]
        .create_application(&app("a"), "arn:a", &Tags::new(), 10)
        .await
        .expect("the schema works");
    assert!(stores[4].application("us-east-1", "a").await.expect("read").is_some());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_url_without_a_database_is_unavailable() {
    let impatient = PostgresOptions {
        acquire_timeout: Duration::from_millis(300),
        ..PostgresOptions::default()
    };
    let result = PostgresStore::connect_with("postgres://nobody@127.0.0.1:1/none", &impatient).await;
    assert!(matches!(result, Err(Error::Unavailable(_))), "{result:?}");
    let result = PostgresStore::connect("not a url").await;
    assert!(matches!(result, Err(Error::Unavailable(_))), "{result:?}");
}

#[test]
fn the_in_progress_predicate_matches_the_domain_and_the_index() {
    ramp_store_contract::in_progress_predicate_matches(
        deployments::IN_PROGRESS,
        include_str!("../../migrations/001_initial.sql"),
    );
}

/// The PostgreSQL schema has the SQLite schema's tables and columns: the two are one design,
/// and a column added to one must be added to the other.
#[test]
fn the_schema_mirrors_sqlite_table_for_table() {
    let sqlite = [
        include_str!("../../../ramp-store/migrations/sqlite/001_initial.sql"),
        include_str!("../../../ramp-store/migrations/sqlite/002_deployments.sql"),
        include_str!("../../../ramp-store/migrations/sqlite/003_leases.sql"),
    ]
    .concat();
    let postgres = include_str!("../../migrations/001_initial.sql");
    let tables = columns(postgres);
    assert_eq!(tables, columns(&sqlite));
    assert_eq!(tables.len(), 13, "{tables:?}");
    assert_eq!(tables.get("deployments").map(|c| c.len()), Some(25));

    let amplify = columns(include_str!("../../migrations/005_amplify.sql"));
    assert_eq!(
        amplify,
        columns(include_str!("../../../ramp-store/migrations/sqlite/005_amplify.sql"))
    );
    assert_eq!(amplify.len(), 9, "{amplify:?}");
    assert_eq!(amplify.get("amplify_jobs").map(|c| c.len()), Some(9));

    let access_log = columns(include_str!("../../migrations/006_access_log_batches.sql"));
    assert_eq!(
        access_log,
        columns(include_str!(
            "../../../ramp-store/migrations/sqlite/006_access_log_batches.sql"
        ))
    );
    assert_eq!(access_log.get("amplify_access_log_batches").map(|c| c.len()), Some(7));
}

/// Table → columns, from `CREATE TABLE` blocks (one column per line) and `ADD COLUMN`s.
fn columns(sql: &str) -> std::collections::BTreeMap<String, std::collections::BTreeSet<String>> {
    let mut tables = std::collections::BTreeMap::<String, std::collections::BTreeSet<String>>::new();
    let mut current: Option<String> = None;
    for line in sql.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["CREATE", "TABLE", name, ..] => current = Some((*name).to_owned()),
            [");"] => current = None,
            ["ALTER", "TABLE", table, "ADD", "COLUMN", column, ..] => {
                tables
                    .entry((*table).to_owned())
                    .or_default()
                    .insert((*column).to_owned());
            }
            [first, ..] if first.chars().all(|c| c.is_ascii_lowercase() || c == '_') => {
                if let Some(table) = &current {
                    tables.entry(table.clone()).or_default().insert((*first).to_owned());
                }
            }
            _ => {}
        }
    }
    tables
}
