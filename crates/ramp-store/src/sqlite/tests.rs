//! The contract suite on [`SqliteStore`], and what is particular to it: migrations, durability
//! across reopening, WAL mode, closing, and both runtime flavours.

use bytes::Bytes;
use ramp_clock::Timestamp;
use ramp_domain::entities::{Application, ConfigurationProfile, HOSTED_LOCATION, NewHostedVersion, Tags};
use ramp_domain::store::{Error, Store};

use super::{SqliteStore, migrations};

crate::store_contract_tests!(SqliteStore::open_in_memory().expect("open a temporary store"));

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
    assert_eq!(version, 1);
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
