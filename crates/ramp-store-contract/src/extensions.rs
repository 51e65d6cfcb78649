//! Extension versions: numbering by name with `Latest-Version-Number`, the quota, reads by id or
//! name, the list of latest versions, updates, deletes and tags, and racing creations. The
//! fixtures here serve `extension_associations.rs` and `extension_invocations.rs`.

use std::collections::BTreeMap;
use std::sync::Arc;

use ramp_domain::entities::Tags;
use ramp_domain::extensions::{Action, ActionPoint, Extension, Parameter};
use ramp_domain::store::{Conflict, Error, ExtensionRef, ResourceKind, Result, TaggedResource};

use super::{ACCOUNT, ALL, PLENTY, Store, at, page, tags};

// ---- fixtures ----

pub(crate) fn extension_arn_base(region: &str) -> String {
    format!("arn:aws:appconfig:{region}:{ACCOUNT}:extension/")
}

pub(crate) fn extension_arn(region: &str, id: &str, version: i64) -> String {
    format!("{}{id}/{version}", extension_arn_base(region))
}

/// Extension `name` of `region`, proposed with id `id` (the store keeps an existing name's id).
pub(crate) fn extension(region: &str, id: &str, name: &str) -> Extension {
    Extension {
        region: region.to_owned(),
        id: id.to_owned(),
        name: name.to_owned(),
        version_number: 0,
        description: Some(format!("extension {name}")),
        actions: BTreeMap::from([(
            ActionPoint::OnDeploymentComplete,
            vec![Action {
                name: Some("notify".to_owned()),
                description: None,
                uri: Some(format!("arn:aws:sns:{region}:{ACCOUNT}:topic")),
                role_arn: Some(format!("arn:aws:iam::{ACCOUNT}:role/r")),
            }],
        )]),
        parameters: BTreeMap::from([(
            "topic".to_owned(),
            Parameter {
                description: None,
                required: true,
                dynamic: false,
            },
        )]),
        created_at: at(20),
    }
}

/// Creates a version of `new` with tags `{"v": description}`.
pub(crate) async fn create(store: &dyn Store, new: &Extension, latest: Option<i64>) -> Result<Extension> {
    let t = tags(&[("v", new.description.as_deref().unwrap_or_default())]);
    store
        .create_extension(new, &extension_arn_base(&new.region), &t, latest, PLENTY)
        .await
}

fn by_id(id: &str) -> ExtensionRef {
    ExtensionRef::Id(id.to_owned())
}

fn by_name(name: &str) -> ExtensionRef {
    ExtensionRef::Name(name.to_owned())
}

/// `(id, version)` of each listed extension.
async fn listed(store: &dyn Store, region: &str, name: Option<&str>) -> Vec<(String, i64)> {
    let listed = store.extensions(region, name, ALL).await.expect("list extensions");
    listed.into_iter().map(|l| (l.item.id, l.item.version_number)).collect()
}

// ---- tests ----

pub async fn extension_versions_are_numbered_by_name(store: &dyn Store) {
    let r = "us-east-1";
    let first = create(
        store,
        &Extension {
            version_number: 7,
            ..extension(r, "x1", "n1")
        },
        None,
    )
    .await
    .expect("a new name");
    assert_eq!(
        first,
        Extension {
            version_number: 1,
            ..extension(r, "x1", "n1")
        },
        "a new name is version 1 under its id, whatever number it came with"
    );
    assert_eq!(
        store.tags(&extension_arn(r, "x1", 1)).await.expect("tags"),
        tags(&[("v", "extension n1")])
    );

    assert_eq!(
        create(store, &extension(r, "other", "n1"), None).await,
        Err(Error::Conflict(Conflict::AlreadyExists(ResourceKind::Extension))),
        "an existing name without Latest-Version-Number"
    );
    let second = Extension {
        description: Some("second".to_owned()),
        ..extension(r, "other", "n1")
    };
    let stored = create(store, &second, Some(1)).await.expect("the next version");
    assert_eq!(
        (stored.id.as_str(), stored.version_number),
        ("x1", 2),
        "the name's id is kept"
    );
    assert_eq!(stored.description.as_deref(), Some("second"));
    assert_eq!(
        store.tags(&extension_arn(r, "x1", 2)).await.expect("tags"),
        tags(&[("v", "second")])
    );
    assert!(
        store
            .tags(&extension_arn(r, "other", 1))
            .await
            .expect("tags")
            .is_empty()
    );
    for expected in [1, 5, 0] {
        assert_eq!(
            create(store, &extension(r, "x1", "n1"), Some(expected)).await,
            Err(Error::Conflict(Conflict::LatestVersion { expected, actual: 2 }))
        );
    }

    assert_eq!(
        create(store, &extension(r, "x2", "n2"), Some(3)).await,
        Err(Error::Conflict(Conflict::LatestVersion { expected: 3, actual: 0 })),
        "a new name with a number other than 0"
    );
    let zero = create(store, &extension(r, "x2", "n2"), Some(0))
        .await
        .expect("0 for a new name");
    assert_eq!((zero.id.as_str(), zero.version_number), ("x2", 1));

    let elsewhere = create(store, &extension("eu-west-1", "x9", "n1"), None)
        .await
        .expect("names are per region");
    assert_eq!((elsewhere.id.as_str(), elsewhere.version_number), ("x9", 1));
    assert_eq!(
        create(store, &extension(r, "x1", "n3"), None).await,
        Err(Error::Conflict(Conflict::AlreadyExists(ResourceKind::Extension))),
        "a new name cannot take an id in use"
    );
    assert_eq!(
        listed(store, r, None).await,
        [("x1".to_owned(), 2), ("x2".to_owned(), 1)]
    );
}

pub async fn extension_quota_counts_extensions_not_versions(store: &dyn Store) {
    let r = "us-east-2";
    let base = extension_arn_base(r);
    for (id, name) in [("a", "na"), ("b", "nb")] {
        store
            .create_extension(&extension(r, id, name), &base, &Tags::new(), None, 2)
            .await
            .expect("within the quota");
    }
    assert_eq!(
        store
            .create_extension(&extension(r, "c", "nc"), &base, &Tags::new(), None, 2)
            .await,
        Err(Error::QuotaExceeded)
    );
    let v2 = store
        .create_extension(&extension(r, "a", "na"), &base, &Tags::new(), Some(1), 2)
        .await
        .expect("a new version of an existing extension");
    assert_eq!(v2.version_number, 2);
    store
        .create_extension(&extension("eu-west-2", "c", "nc"), &base, &Tags::new(), None, 2)
        .await
        .expect("another region's quota");
    assert_eq!(listed(store, r, None).await.len(), 2);
}

pub async fn extension_reads_by_id_or_name_and_version(store: &dyn Store) {
    let r = "ap-south-1";
    let v1 = create(store, &extension(r, "x1", "n1"), None).await.expect("v1");
    let v2 = create(
        store,
        &Extension {
            description: Some("two".to_owned()),
            actions: BTreeMap::new(),
            ..extension(r, "x1", "n1")
        },
        Some(1),
    )
    .await
    .expect("v2");
    for reference in [by_id("x1"), by_name("n1")] {
        let get = |version| store.extension(r, &reference, version);
        assert_eq!(get(None).await.expect("latest"), Some(v2.clone()), "{reference:?}");
        assert_eq!(get(Some(1)).await.expect("v1"), Some(v1.clone()), "{reference:?}");
        assert_eq!(get(Some(2)).await.expect("v2"), Some(v2.clone()), "{reference:?}");
        assert_eq!(get(Some(3)).await.expect("v3"), None, "{reference:?}");
        assert_eq!(
            store
                .extension("eu-north-1", &reference, None)
                .await
                .expect("other region"),
            None
        );
    }
    assert_eq!(
        store.extension(r, &by_id("n1"), None).await.expect("a name is no id"),
        None
    );
    assert_eq!(
        store
            .extension(r, &by_name("x1"), None)
            .await
            .expect("an id is no name"),
        None
    );
}

pub async fn extensions_list_latest_versions_in_creation_order(store: &dyn Store) {
    let r = "sa-east-1";
    create(store, &extension(r, "a", "na"), None).await.expect("a1");
    create(store, &extension(r, "b", "nb"), None).await.expect("b1");
    create(store, &extension(r, "a", "na"), Some(1)).await.expect("a2");
    create(store, &extension(r, "c", "nc"), None).await.expect("c1");
    create(store, &extension("eu-west-1", "d", "nd"), None)
        .await
        .expect("elsewhere");
    let ids = |v: &[(&str, i64)]| v.iter().map(|(id, n)| ((*id).to_owned(), *n)).collect::<Vec<_>>();
    assert_eq!(listed(store, r, None).await, ids(&[("a", 2), ("b", 1), ("c", 1)]));
    assert_eq!(listed(store, r, Some("nb")).await, ids(&[("b", 1)]));
    assert_eq!(listed(store, r, Some("missing")).await, ids(&[]));

    let first = store.extensions(r, None, page(None, 2)).await.expect("page 1");
    assert_eq!(first.iter().map(|l| l.item.id.as_str()).collect::<Vec<_>>(), ["a", "b"]);
    let rest = store
        .extensions(r, None, page(Some(first[1].cursor), 2))
        .await
        .expect("page 2");
    assert_eq!(rest.iter().map(|l| l.item.id.as_str()).collect::<Vec<_>>(), ["c"]);
    let empty = store
        .extensions(r, None, page(Some(rest[0].cursor), 2))
        .await
        .expect("page 3");
    assert!(empty.is_empty());

    store
        .delete_extension(r, "a", 2, &extension_arn(r, "a", 2))
        .await
        .expect("delete a2");
    assert_eq!(
        listed(store, r, None).await,
        ids(&[("a", 1), ("b", 1), ("c", 1)]),
        "the latest left keeps the extension's place"
    );
    store
        .delete_extension(r, "a", 1, &extension_arn(r, "a", 1))
        .await
        .expect("delete a1");
    assert_eq!(listed(store, r, None).await, ids(&[("b", 1), ("c", 1)]));
    let again = create(store, &extension(r, "a2", "na"), None)
        .await
        .expect("the name is free once its last version is gone");
    assert_eq!((again.id.as_str(), again.version_number), ("a2", 1));
    assert_eq!(listed(store, r, None).await, ids(&[("b", 1), ("c", 1), ("a2", 1)]));
}

pub async fn extension_update_changes_only_what_update_may(store: &dyn Store) {
    let r = "ca-central-1";
    let v1 = create(store, &extension(r, "x", "n"), None).await.expect("v1");
    let v2 = create(store, &extension(r, "x", "n"), Some(1)).await.expect("v2");
    let edited = Extension {
        name: "renamed".to_owned(),
        created_at: at(99),
        description: None,
        actions: BTreeMap::new(),
        parameters: BTreeMap::new(),
        ..v1.clone()
    };
    store.update_extension(&edited).await.expect("update v1");
    assert_eq!(
        store.extension(r, &by_id("x"), Some(1)).await.expect("get"),
        Some(Extension {
            description: None,
            actions: BTreeMap::new(),
            parameters: BTreeMap::new(),
            ..v1.clone()
        }),
        "description, actions and parameters change; the name and creation time do not"
    );
    assert_eq!(store.extension(r, &by_id("x"), Some(2)).await.expect("get"), Some(v2));
    assert_eq!(
        store
            .update_extension(&Extension {
                version_number: 3,
                ..v1.clone()
            })
            .await,
        Err(Error::NotFound(ResourceKind::Extension))
    );
    assert_eq!(
        store
            .update_extension(&Extension {
                region: "eu-west-1".to_owned(),
                ..v1
            })
            .await,
        Err(Error::NotFound(ResourceKind::Extension))
    );
}

pub async fn extension_delete_one_version_with_its_tags(store: &dyn Store) {
    let r = "eu-central-1";
    create(store, &extension(r, "x", "n"), None).await.expect("v1");
    create(store, &extension(r, "x", "n"), Some(1)).await.expect("v2");
    let arn1 = extension_arn(r, "x", 1);
    store.delete_extension(r, "x", 1, &arn1).await.expect("delete v1");
    assert!(store.tags(&arn1).await.expect("tags").is_empty(), "its tags are gone");
    assert!(!store.tags(&extension_arn(r, "x", 2)).await.expect("tags").is_empty());
    assert_eq!(store.extension(r, &by_id("x"), Some(1)).await.expect("get"), None);
    assert_eq!(
        store
            .extension(r, &by_id("x"), None)
            .await
            .expect("get")
            .map(|e| e.version_number),
        Some(2)
    );
    assert_eq!(
        store.delete_extension(r, "x", 1, &arn1).await,
        Err(Error::NotFound(ResourceKind::Extension))
    );
    assert_eq!(
        store
            .delete_extension(r, "ghost", 1, &extension_arn(r, "ghost", 1))
            .await,
        Err(Error::NotFound(ResourceKind::Extension))
    );
    assert_eq!(
        store
            .delete_extension("eu-west-1", "x", 2, &extension_arn("eu-west-1", "x", 2))
            .await,
        Err(Error::NotFound(ResourceKind::Extension))
    );
    let next = create(store, &extension(r, "x", "n"), Some(2)).await.expect("v3");
    assert_eq!(next.version_number, 3);
}

pub async fn extension_tags_need_the_version(store: &dyn Store) {
    let r = "me-south-1";
    create(store, &extension(r, "x", "n"), None).await.expect("v1");
    let resource = |version| TaggedResource::Extension {
        region: r.to_owned(),
        id: "x".to_owned(),
        version,
    };
    let arn = extension_arn(r, "x", 1);
    store
        .tag(&resource(1), &arn, &tags(&[("k", "v")]), 50)
        .await
        .expect("tag v1");
    assert_eq!(
        store.tags(&arn).await.expect("tags"),
        tags(&[("v", "extension n"), ("k", "v")])
    );
    assert_eq!(
        store
            .tag(&resource(2), &extension_arn(r, "x", 2), &tags(&[("k", "v")]), 50)
            .await,
        Err(Error::NotFound(ResourceKind::Extension))
    );
    store.delete_extension(r, "x", 1, &arn).await.expect("delete");
    assert_eq!(
        store.tag(&resource(1), &arn, &tags(&[("k", "v")]), 50).await,
        Err(Error::NotFound(ResourceKind::Extension))
    );
    assert!(store.tags(&arn).await.expect("tags").is_empty());
}

/// Creations racing with one `Latest-Version-Number`: exactly one makes the next version; and
/// of racing creations of one new name, exactly one makes it.
pub async fn extension_creations_race(store: Arc<dyn Store>) {
    let r = "us-west-1";
    create(&*store, &extension(r, "x", "n"), None).await.expect("v1");
    let mut tasks = Vec::new();
    for i in 0..8 {
        let store = Arc::clone(&store);
        tasks.push(tokio::spawn(async move {
            let new = Extension {
                description: Some(format!("racer {i}")),
                ..extension(r, "x", "n")
            };
            create(&*store, &new, Some(1)).await
        }));
    }
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await.expect("task"));
    }
    let won: Vec<&Extension> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
    assert_eq!(won.len(), 1, "{results:?}");
    assert_eq!(won[0].version_number, 2);
    let lost = Err(Error::Conflict(Conflict::LatestVersion { expected: 1, actual: 2 }));
    assert_eq!(results.iter().filter(|r| **r == lost).count(), 7, "{results:?}");
    assert_eq!(
        store.extension(r, &by_name("n"), None).await.expect("get").as_ref(),
        Some(won[0])
    );

    let mut tasks = Vec::new();
    for i in 0..8 {
        let store = Arc::clone(&store);
        tasks.push(tokio::spawn(async move {
            create(&*store, &extension(r, &format!("new{i}"), "fresh"), None).await
        }));
    }
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await.expect("task"));
    }
    let exists = Err(Error::Conflict(Conflict::AlreadyExists(ResourceKind::Extension)));
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1, "{results:?}");
    assert_eq!(results.iter().filter(|r| **r == exists).count(), 7, "{results:?}");
    assert_eq!(listed(&*store, r, Some("fresh")).await.len(), 1);
}
