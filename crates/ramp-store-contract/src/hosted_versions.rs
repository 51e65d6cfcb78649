//! Hosted configuration versions: content, numbering, the expected-latest precondition, labels,
//! the per-region byte total, not-found and newest-first pages.

use ramp_domain::entities::{NewHostedVersion, Tags};
use ramp_domain::store::{Conflict, Error, LabelFilter, ResourceKind};

use super::{
    ALL, PLENTY, Store, app, app_arn, app_with_profile, create_version, page, profile, profile_arn, version,
    version_numbers,
};

pub async fn hosted_version_round_trip(store: &dyn Store) {
    let r = "us-west-2";
    app_with_profile(store, r, "a").await;
    let new = NewHostedVersion {
        description: Some("binary".to_owned()),
        content_type: "application/octet-stream".to_owned(),
        version_label: Some("v1".to_owned()),
        ..version("a", "p", None, &[0, 255, 1, 0, 2])
    };
    let info = store
        .create_hosted_version(r, &new, None, PLENTY)
        .await
        .expect("create");
    assert_eq!(info.version_number, 1);
    assert_eq!(info.application_id, "a");
    assert_eq!(info.configuration_profile_id, "p");
    assert_eq!(info.description, new.description);
    assert_eq!(info.content_type, new.content_type);
    assert_eq!(info.version_label, new.version_label);
    assert_eq!(info.created_at, new.created_at);

    let got = store.hosted_version("a", "p", 1).await.expect("get").expect("exists");
    assert_eq!(got.info, info);
    assert_eq!(got.content, new.content);
    assert_eq!(
        store.latest_hosted_version("a", "p").await.expect("latest"),
        Some(got.clone())
    );
    assert_eq!(
        store.hosted_version_by_label("a", "p", "v1").await.expect("by label"),
        Some(got.clone())
    );
    let listed = store.hosted_versions("a", "p", None, ALL).await.expect("list");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].item, info);

    // Empty content is content too.
    let empty = store
        .create_hosted_version(r, &version("a", "p", None, b""), None, PLENTY)
        .await
        .expect("empty");
    let got = store
        .hosted_version("a", "p", empty.version_number)
        .await
        .expect("get")
        .expect("exists");
    assert!(got.content.is_empty());
}

pub async fn hosted_version_numbering(store: &dyn Store) {
    let r = "us-east-2";
    app_with_profile(store, r, "a").await;
    let mut numbers = Vec::new();
    for _ in 0..3 {
        numbers.push(create_version(store, r, "a", None, b"x").await);
    }
    assert_eq!(numbers, [1, 2, 3]);
    store.delete_hosted_version("a", "p", 3).await.expect("delete 3");
    assert_eq!(
        create_version(store, r, "a", None, b"x").await,
        4,
        "numbers are never reused"
    );
    store.delete_hosted_version("a", "p", 4).await.expect("delete 4");
    store.delete_hosted_version("a", "p", 2).await.expect("delete 2");
    store.delete_hosted_version("a", "p", 1).await.expect("delete 1");
    assert_eq!(store.latest_hosted_version("a", "p").await.expect("latest"), None);
    assert_eq!(
        create_version(store, r, "a", None, b"x").await,
        5,
        "not even after deleting all"
    );
    assert_eq!(
        store
            .latest_hosted_version("a", "p")
            .await
            .expect("latest")
            .map(|v| v.info.version_number),
        Some(5)
    );

    // Numbering is per profile.
    store
        .create_configuration_profile(&profile("a", "q"), &profile_arn(r, "a", "q"), &Tags::new(), PLENTY)
        .await
        .expect("profile q");
    let q = store
        .create_hosted_version(r, &version("a", "q", None, b"y"), None, PLENTY)
        .await
        .expect("q1");
    assert_eq!(q.version_number, 1);
}

pub async fn hosted_version_expected_latest(store: &dyn Store) {
    let r = "us-west-1";
    app_with_profile(store, r, "a").await;
    let create = |expected: Option<i64>| {
        let v = version("a", "p", None, b"{}");
        async move {
            store
                .create_hosted_version(r, &v, expected, PLENTY)
                .await
                .map(|i| i.version_number)
        }
    };
    let latest_is = |actual: i64, expected: i64| Err(Error::Conflict(Conflict::LatestVersion { expected, actual }));
    // With no version, the latest number counts as 0.
    assert_eq!(create(Some(1)).await, latest_is(0, 1));
    assert_eq!(create(Some(0)).await, Ok(1));
    assert_eq!(create(Some(1)).await, Ok(2));
    assert_eq!(create(Some(1)).await, latest_is(2, 1), "stale expectation");
    assert_eq!(create(Some(3)).await, latest_is(2, 3), "future expectation");
    assert_eq!(create(None).await, Ok(3));
    // It compares with the highest existing number, not the counter.
    store.delete_hosted_version("a", "p", 3).await.expect("delete 3");
    assert_eq!(create(Some(3)).await, latest_is(2, 3));
    assert_eq!(create(Some(2)).await, Ok(4));
    // A failed precondition consumed no number.
    assert_eq!(version_numbers(store, "a", None, ALL).await, [4, 2, 1]);
}

pub async fn hosted_version_labels(store: &dyn Store) {
    let r = "af-south-1";
    app_with_profile(store, r, "a").await;
    for label in [
        Some("v1"),
        Some("v1.1"),
        None,
        Some("v2"),
        Some("beta"),
        Some("a_1"),
        Some("ab1"),
    ] {
        create_version(store, r, "a", label, b"{}").await;
    }
    assert!(matches!(
        store
            .create_hosted_version(r, &version("a", "p", Some("v2"), b"{}"), None, PLENTY)
            .await,
        Err(Error::Conflict(Conflict::LabelTaken { label })) if label == "v2"
    ));
    assert_eq!(
        create_version(store, r, "a", Some("v3"), b"{}").await,
        8,
        "a refused label consumed no number"
    );

    let exact = |s: &str| LabelFilter::Exact(s.to_owned());
    let prefix = |s: &str| LabelFilter::Prefix(s.to_owned());
    assert_eq!(version_numbers(store, "a", Some(&exact("v1")), ALL).await, [1]);
    assert_eq!(
        version_numbers(store, "a", Some(&exact("nope")), ALL).await,
        Vec::<i64>::new()
    );
    assert_eq!(version_numbers(store, "a", Some(&prefix("v1")), ALL).await, [2, 1]);
    assert_eq!(version_numbers(store, "a", Some(&prefix("v")), ALL).await, [8, 4, 2, 1]);
    assert_eq!(
        version_numbers(store, "a", Some(&prefix("v")), page(Some(4), 2)).await,
        [2, 1]
    );
    assert_eq!(
        version_numbers(store, "a", Some(&prefix("a_")), ALL).await,
        [6],
        "no LIKE wildcards"
    );
    assert_eq!(
        version_numbers(store, "a", Some(&prefix("v1.1x")), ALL).await,
        Vec::<i64>::new()
    );

    let by_label = store
        .hosted_version_by_label("a", "p", "v2")
        .await
        .expect("by label")
        .expect("exists");
    assert_eq!(by_label.info.version_number, 4);
    assert_eq!(
        store.hosted_version_by_label("a", "p", "nope").await.expect("by label"),
        None
    );

    // Labels are unique per profile: another profile may reuse one, and a deleted one is free.
    store
        .create_configuration_profile(&profile("a", "q"), &profile_arn(r, "a", "q"), &Tags::new(), PLENTY)
        .await
        .expect("profile q");
    store
        .create_hosted_version(r, &version("a", "q", Some("v2"), b"{}"), None, PLENTY)
        .await
        .expect("other profile");
    store.delete_hosted_version("a", "p", 4).await.expect("delete v2");
    assert_eq!(create_version(store, r, "a", Some("v2"), b"{}").await, 9);
}

pub async fn hosted_version_total_bytes_quota(store: &dyn Store) {
    let r = "il-central-1";
    app_with_profile(store, r, "a").await;
    app_with_profile(store, r, "b").await;
    let create = |app_id: &'static str, content: &'static [u8]| {
        let v = version(app_id, "p", None, content);
        async move {
            store
                .create_hosted_version(r, &v, None, 10)
                .await
                .map(|i| i.version_number)
        }
    };
    assert_eq!(create("a", b"123456").await, Ok(1));
    assert_eq!(create("a", b"12345").await, Err(Error::QuotaExceeded));
    assert_eq!(create("a", b"1234").await, Ok(2), "exactly the limit fits");
    assert_eq!(
        create("b", b"1").await,
        Err(Error::QuotaExceeded),
        "the total is per region"
    );
    store.delete_hosted_version("a", "p", 1).await.expect("delete");
    assert_eq!(create("b", b"123456").await, Ok(1), "deleting frees bytes");
    assert_eq!(create("a", b"1").await, Err(Error::QuotaExceeded));

    // Another region has its own total.
    app_with_profile(store, "il-other", "c").await;
    let v = version("c", "p", None, b"1234567890");
    assert_eq!(
        store
            .create_hosted_version("il-other", &v, None, 10)
            .await
            .map(|i| i.version_number),
        Ok(1)
    );
}

pub async fn hosted_version_not_found(store: &dyn Store) {
    let r = "ap-east-1";
    assert_eq!(
        store
            .create_hosted_version(r, &version("ghost", "p", None, b"{}"), None, PLENTY)
            .await,
        Err(Error::NotFound(ResourceKind::Application))
    );
    store
        .create_application(&app(r, "a"), &app_arn(r, "a"), &Tags::new(), PLENTY)
        .await
        .expect("app");
    assert_eq!(
        store
            .create_hosted_version(r, &version("a", "p", None, b"{}"), None, PLENTY)
            .await,
        Err(Error::NotFound(ResourceKind::ConfigurationProfile))
    );
    store
        .create_configuration_profile(&profile("a", "p"), &profile_arn(r, "a", "p"), &Tags::new(), PLENTY)
        .await
        .expect("profile");
    assert_eq!(
        store
            .create_hosted_version("elsewhere", &version("a", "p", None, b"{}"), None, PLENTY)
            .await,
        Err(Error::NotFound(ResourceKind::Application)),
        "the application is not in that region"
    );
    assert_eq!(store.hosted_version("a", "p", 1).await.expect("get"), None);
    assert_eq!(store.latest_hosted_version("a", "p").await.expect("latest"), None);
    assert!(
        store
            .hosted_versions("a", "p", None, ALL)
            .await
            .expect("list")
            .is_empty()
    );
    assert_eq!(
        store.delete_hosted_version("a", "p", 1).await,
        Err(Error::NotFound(ResourceKind::HostedConfigurationVersion))
    );
    assert_eq!(create_version(store, r, "a", None, b"{}").await, 1);
    assert_eq!(store.hosted_version("a", "p", 2).await.expect("get"), None);
    assert_eq!(store.hosted_version("a", "other", 1).await.expect("get"), None);
}

pub async fn hosted_versions_newest_first(store: &dyn Store) {
    let r = "ap-northeast-1";
    app_with_profile(store, r, "a").await;
    for _ in 0..5 {
        create_version(store, r, "a", None, b"{}").await;
    }
    assert_eq!(version_numbers(store, "a", None, ALL).await, [5, 4, 3, 2, 1]);
    assert_eq!(version_numbers(store, "a", None, page(None, 2)).await, [5, 4]);
    assert_eq!(version_numbers(store, "a", None, page(Some(4), 2)).await, [3, 2]);
    assert_eq!(version_numbers(store, "a", None, page(Some(2), 2)).await, [1]);
    assert_eq!(
        version_numbers(store, "a", None, page(Some(1), 2)).await,
        Vec::<i64>::new()
    );
    store.delete_hosted_version("a", "p", 3).await.expect("delete");
    assert_eq!(version_numbers(store, "a", None, page(Some(4), 2)).await, [2, 1]);
}
