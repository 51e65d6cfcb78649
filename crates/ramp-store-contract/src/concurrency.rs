//! Concurrency: writes queued together commit together yet fail alone, and racing writers
//! get distinct numbers.

use std::sync::Arc;

use ramp_domain::entities::{Application, NewHostedVersion, Tags};
use ramp_domain::store::{Conflict, Error, ResourceKind};

use super::{ALL, PLENTY, Store, app, app_arn, app_with_profile, join_all, version, version_numbers};

/// Writes queued together commit together, but one failing write undoes only itself.
pub async fn concurrent_writes_fail_alone(store: &dyn Store) {
    let r = "eu-south-1";
    app_with_profile(store, r, "a").await;
    let versions: Vec<NewHostedVersion> = (0..20)
        .map(|i| version("a", "p", if i % 2 == 0 { Some("same") } else { None }, b"{}"))
        .collect();
    let results = join_all(
        versions
            .iter()
            .map(|v| store.create_hosted_version(r, v, None, PLENTY))
            .collect(),
    )
    .await;
    let conflicts = results
        .iter()
        .filter(|r| matches!(r, Err(Error::Conflict(Conflict::LabelTaken { label })) if label == "same"))
        .count();
    let mut numbers: Vec<i64> = results
        .iter()
        .filter_map(|r| r.as_ref().ok().map(|i| i.version_number))
        .collect();
    numbers.sort_unstable();
    assert_eq!(
        conflicts, 9,
        "all but one of the ten same-label writes conflict: {results:?}"
    );
    assert_eq!(
        numbers,
        (1..=11).collect::<Vec<_>>(),
        "failed writes consumed no number"
    );
    let labelled = store
        .hosted_version_by_label("a", "p", "same")
        .await
        .expect("by label")
        .expect("one won");
    assert!(numbers.contains(&labelled.info.version_number));

    let apps: Vec<(Application, String)> = ["x", "y", "x", "z"]
        .iter()
        .map(|id| (app(r, id), app_arn(r, id)))
        .collect();
    let none = Tags::new();
    let results = join_all(
        apps.iter()
            .map(|(a, arn)| store.create_application(a, arn, &none, PLENTY))
            .collect(),
    )
    .await;
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 3, "{results:?}");
    let duplicate = [&results[0], &results[2]];
    assert_eq!(
        duplicate
            .iter()
            .filter(|r| matches!(
                r,
                Err(Error::Conflict(Conflict::AlreadyExists(ResourceKind::Application)))
            ))
            .count(),
        1,
        "{results:?}"
    );
    assert_eq!(store.applications(r, ALL).await.expect("list").len(), 4);
}

/// 50 writers racing on one profile get 50 distinct consecutive numbers.
pub async fn parallel_hosted_versions(store: Arc<dyn Store>) {
    let r = "us-east-1";
    app_with_profile(&*store, r, "a").await;
    let mut tasks = Vec::new();
    for i in 0..50u8 {
        let store = Arc::clone(&store);
        tasks.push(tokio::spawn(async move {
            let v = version("a", "p", None, &[i]);
            store.create_hosted_version(r, &v, None, PLENTY).await
        }));
    }
    let mut numbers = Vec::new();
    for task in tasks {
        numbers.push(task.await.expect("task").expect("create").version_number);
    }
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=50).collect::<Vec<i64>>());
    assert_eq!(
        version_numbers(&*store, "a", None, ALL).await,
        (1..=50).rev().collect::<Vec<i64>>()
    );
    let latest = store
        .latest_hosted_version("a", "p")
        .await
        .expect("latest")
        .expect("exists");
    assert_eq!(latest.info.version_number, 50);
}
