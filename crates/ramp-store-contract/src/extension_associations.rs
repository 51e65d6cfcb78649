//! Extension associations: the checks of a creation (the extension version, one per extension
//! and resource, the quota), the filters and pages of the list, the associations of a set of
//! resources, updates, deletes with tags, and the deletion of everything below a resource.

use std::collections::BTreeMap;

use ramp_domain::entities::Tags;
use ramp_domain::extensions::{AssociationFilter, ExtensionAssociation};
use ramp_domain::store::{Conflict, Error, ResourceKind, TaggedResource};

use super::extensions::{create, extension, extension_arn};
use super::{ACCOUNT, ALL, PLENTY, Store, app_arn, at, env_arn, page, profile_arn, tags};

// ---- fixtures ----

fn association_arn(region: &str, id: &str) -> String {
    format!("arn:aws:appconfig:{region}:{ACCOUNT}:extensionassociation/{id}")
}

/// Association `id` of version `version` of extension `extension_id` with `resource_arn`.
fn association(region: &str, id: &str, extension_id: &str, version: i64, resource_arn: &str) -> ExtensionAssociation {
    ExtensionAssociation {
        region: region.to_owned(),
        id: id.to_owned(),
        extension_id: extension_id.to_owned(),
        extension_version_number: version,
        extension_arn: extension_arn(region, extension_id, version),
        resource_arn: resource_arn.to_owned(),
        parameters: BTreeMap::from([("topic".to_owned(), format!("topic of {id}"))]),
        created_at: at(30),
    }
}

/// Stores `a` (its extension stored) with tags `{"id": id}`.
async fn associate(store: &dyn Store, a: &ExtensionAssociation) -> Result<(), Error> {
    let t = tags(&[("id", &a.id)]);
    store
        .create_extension_association(a, &association_arn(&a.region, &a.id), &t, true, PLENTY)
        .await
}

/// Extensions `x1` (versions 1, 2) and `x2` (version 1) in `region`.
async fn two_extensions(store: &dyn Store, region: &str) {
    create(store, &extension(region, "x1", "n1"), None)
        .await
        .expect("x1 v1");
    create(store, &extension(region, "x1", "n1"), Some(1))
        .await
        .expect("x1 v2");
    create(store, &extension(region, "x2", "n2"), None)
        .await
        .expect("x2 v1");
}

async fn ids(store: &dyn Store, region: &str, filter: &AssociationFilter) -> Vec<String> {
    let listed = store
        .extension_associations(region, filter, ALL)
        .await
        .expect("list associations");
    listed.into_iter().map(|l| l.item.id).collect()
}

// ---- tests ----

pub async fn association_creation_checks(store: &dyn Store) {
    let r = "us-east-1";
    two_extensions(store, r).await;
    let app = app_arn(r, "a");
    let a1 = association(r, "a1", "x1", 1, &app);
    associate(store, &a1).await.expect("create");
    assert_eq!(
        store.extension_association(r, "a1").await.expect("get"),
        Some(a1.clone())
    );
    assert_eq!(
        store.tags(&association_arn(r, "a1")).await.expect("tags"),
        tags(&[("id", "a1")])
    );

    let missing = Err(Error::NotFound(ResourceKind::Extension));
    assert_eq!(
        associate(store, &association(r, "b", "x2", 2, &app)).await,
        missing,
        "no such version"
    );
    assert_eq!(associate(store, &association(r, "b", "ghost", 1, &app)).await, missing);
    assert_eq!(
        associate(store, &association("eu-west-1", "b", "x1", 1, &app)).await,
        missing,
        "the extension is another region's"
    );
    let aws = association(r, "aws", "AWS.AppConfig.FeatureFlags", 1, &app);
    store
        .create_extension_association(&aws, &association_arn(r, "aws"), &Tags::new(), false, PLENTY)
        .await
        .expect("an AWS-authored extension is not stored");

    let duplicate = Err(Error::Conflict(Conflict::AlreadyExists(
        ResourceKind::ExtensionAssociation,
    )));
    assert_eq!(
        associate(store, &association(r, "b", "x1", 2, &app)).await,
        duplicate,
        "one association per extension and resource, whatever the version"
    );
    assert_eq!(
        associate(store, &association(r, "a1", "x2", 1, &app)).await,
        duplicate,
        "an id in use"
    );
    associate(store, &association(r, "b", "x1", 2, &env_arn(r, "a", "e")))
        .await
        .expect("the same extension on another resource");
    associate(store, &association(r, "c", "x2", 1, &app))
        .await
        .expect("another extension on the same resource");

    let full = 4;
    let at_quota = |a: ExtensionAssociation| async move {
        store
            .create_extension_association(&a, &association_arn(&a.region, &a.id), &Tags::new(), true, full)
            .await
    };
    assert_eq!(
        at_quota(association(r, "d", "x2", 1, &profile_arn(r, "a", "p"))).await,
        Err(Error::QuotaExceeded)
    );
    assert_eq!(
        at_quota(association(r, "d", "x2", 1, &app)).await,
        duplicate,
        "a duplicate is refused as one before the quota is counted"
    );
    assert!(store.tags(&association_arn(r, "d")).await.expect("tags").is_empty());
    create(store, &extension("eu-west-1", "x1", "n1"), None)
        .await
        .expect("elsewhere");
    at_quota(association("eu-west-1", "d", "x1", 1, &app))
        .await
        .expect("another region's quota");
}

pub async fn association_filters_and_pages(store: &dyn Store) {
    let r = "eu-west-2";
    two_extensions(store, r).await;
    let (app, env, profile) = (app_arn(r, "a"), env_arn(r, "a", "e"), profile_arn(r, "a", "p"));
    for a in [
        association(r, "s1", "x1", 1, &app),
        association(r, "s2", "x1", 2, &env),
        association(r, "s3", "x2", 1, &app),
        association(r, "s4", "x2", 1, &profile),
        association(r, "s5", "x1", 1, &profile),
    ] {
        associate(store, &a).await.expect("create");
    }
    let filter = |resource: Option<&str>, extension: Option<&str>, version: Option<i64>| AssociationFilter {
        resource_arn: resource.map(str::to_owned),
        extension_id: extension.map(str::to_owned),
        extension_version_number: version,
    };
    assert_eq!(
        ids(store, r, &filter(None, None, None)).await,
        ["s1", "s2", "s3", "s4", "s5"]
    );
    assert_eq!(ids(store, r, &filter(Some(&app), None, None)).await, ["s1", "s3"]);
    assert_eq!(ids(store, r, &filter(None, Some("x1"), None)).await, ["s1", "s2", "s5"]);
    assert_eq!(ids(store, r, &filter(None, None, Some(2))).await, ["s2"]);
    assert_eq!(ids(store, r, &filter(None, Some("x1"), Some(1))).await, ["s1", "s5"]);
    assert_eq!(ids(store, r, &filter(Some(&profile), Some("x2"), None)).await, ["s4"]);
    assert_eq!(
        ids(store, r, &filter(Some(&profile), Some("x2"), Some(2))).await,
        Vec::<String>::new()
    );
    assert_eq!(
        ids(store, "eu-west-1", &filter(None, None, None)).await,
        Vec::<String>::new()
    );

    let x1 = filter(None, Some("x1"), None);
    let first = store
        .extension_associations(r, &x1, page(None, 2))
        .await
        .expect("page 1");
    assert_eq!(
        first.iter().map(|l| l.item.id.as_str()).collect::<Vec<_>>(),
        ["s1", "s2"]
    );
    let rest = store
        .extension_associations(r, &x1, page(Some(first[1].cursor), 2))
        .await
        .expect("page 2");
    assert_eq!(rest.iter().map(|l| l.item.id.as_str()).collect::<Vec<_>>(), ["s5"]);
}

pub async fn associations_of_resources(store: &dyn Store) {
    let r = "ap-northeast-1";
    two_extensions(store, r).await;
    let (app, env, profile) = (app_arn(r, "a"), env_arn(r, "a", "e"), profile_arn(r, "a", "p"));
    for a in [
        association(r, "o1", "x1", 1, &env),
        association(r, "o2", "x2", 1, &profile),
        association(r, "o3", "x2", 1, &app),
        association(r, "o4", "x1", 2, &app),
    ] {
        associate(store, &a).await.expect("create");
    }
    let of = |arns: Vec<String>| async move {
        let found = store.associations_of(r, &arns).await.expect("associations of");
        found.into_iter().map(|a| a.id).collect::<Vec<_>>()
    };
    assert_eq!(
        of(vec![app.clone(), env.clone()]).await,
        ["o1", "o3", "o4"],
        "in creation order"
    );
    assert_eq!(of(vec![profile.clone()]).await, ["o2"]);
    assert_eq!(of(vec![]).await, Vec::<String>::new());
    assert_eq!(of(vec![app_arn(r, "zz")]).await, Vec::<String>::new());
    assert_eq!(
        store.associations_of("eu-west-1", &[app]).await.expect("elsewhere"),
        Vec::new()
    );
}

pub async fn association_update_and_delete(store: &dyn Store) {
    let r = "af-south-1";
    two_extensions(store, r).await;
    let a = association(r, "u", "x1", 1, &app_arn(r, "a"));
    associate(store, &a).await.expect("create");
    let edited = ExtensionAssociation {
        parameters: BTreeMap::from([("topic".to_owned(), "new".to_owned())]),
        resource_arn: app_arn(r, "moved"),
        created_at: at(99),
        ..a.clone()
    };
    store.update_extension_association(&edited).await.expect("update");
    assert_eq!(
        store.extension_association(r, "u").await.expect("get"),
        Some(ExtensionAssociation {
            parameters: edited.parameters.clone(),
            ..a.clone()
        }),
        "only the parameters change"
    );
    let missing = Err(Error::NotFound(ResourceKind::ExtensionAssociation));
    assert_eq!(
        store
            .update_extension_association(&ExtensionAssociation {
                id: "ghost".to_owned(),
                ..a.clone()
            })
            .await,
        missing
    );

    let resource = TaggedResource::ExtensionAssociation {
        region: r.to_owned(),
        id: "u".to_owned(),
    };
    let arn = association_arn(r, "u");
    store.tag(&resource, &arn, &tags(&[("k", "v")]), 50).await.expect("tag");
    assert_eq!(store.tags(&arn).await.expect("tags"), tags(&[("id", "u"), ("k", "v")]));
    let ghost = TaggedResource::ExtensionAssociation {
        region: r.to_owned(),
        id: "ghost".to_owned(),
    };
    assert_eq!(
        store
            .tag(&ghost, &association_arn(r, "ghost"), &tags(&[("k", "v")]), 50)
            .await,
        missing
    );

    store.delete_extension_association(r, "u", &arn).await.expect("delete");
    assert_eq!(store.extension_association(r, "u").await.expect("get"), None);
    assert!(store.tags(&arn).await.expect("tags").is_empty(), "its tags are gone");
    assert_eq!(store.delete_extension_association(r, "u", &arn).await, missing);
    assert_eq!(store.update_extension_association(&a).await, missing);
    assert_eq!(store.tag(&resource, &arn, &tags(&[("k", "v")]), 50).await, missing);
}

/// An extension version in use cannot be deleted; another version of it can.
pub async fn extension_delete_refused_while_associated(store: &dyn Store) {
    let r = "eu-south-1";
    two_extensions(store, r).await;
    let arn = association_arn(r, "in-use");
    associate(store, &association(r, "in-use", "x1", 2, &app_arn(r, "a")))
        .await
        .expect("create");
    assert_eq!(
        store.delete_extension(r, "x1", 2, &extension_arn(r, "x1", 2)).await,
        Err(Error::HasChildren(ResourceKind::ExtensionAssociation))
    );
    store
        .delete_extension(r, "x1", 1, &extension_arn(r, "x1", 1))
        .await
        .expect("the version no association uses");
    store
        .delete_extension_association(r, "in-use", &arn)
        .await
        .expect("delete");
    store
        .delete_extension(r, "x1", 2, &extension_arn(r, "x1", 2))
        .await
        .expect("no longer in use");
}

/// Deleting below `…/application/abc1234` takes its own associations and those of its
/// environments and profiles, not those of `…/application/abc12345`.
pub async fn associations_deleted_under_a_resource(store: &dyn Store) {
    let r = "ap-southeast-2";
    two_extensions(store, r).await;
    let (app, sibling) = (app_arn(r, "abc1234"), app_arn(r, "abc12345"));
    for a in [
        association(r, "d1", "x1", 1, &app),
        association(r, "d2", "x1", 1, &env_arn(r, "abc1234", "e")),
        association(r, "d3", "x2", 1, &profile_arn(r, "abc1234", "p")),
        association(r, "k1", "x1", 1, &sibling),
        association(r, "k2", "x2", 1, &env_arn(r, "abc12345", "e")),
    ] {
        associate(store, &a).await.expect("create");
    }
    create(store, &extension("eu-west-1", "x1", "n1"), None)
        .await
        .expect("elsewhere");
    associate(store, &association("eu-west-1", "k3", "x1", 1, &app))
        .await
        .expect("another region's");

    assert_eq!(
        store.delete_associations_under(r, &env_arn(r, "abc1234", "e")).await,
        Ok(1),
        "an environment: its own only"
    );
    assert_eq!(store.delete_associations_under(r, &app).await, Ok(2));
    assert_eq!(ids(store, r, &AssociationFilter::default()).await, ["k1", "k2"]);
    for gone in ["d1", "d2", "d3"] {
        assert!(
            store.tags(&association_arn(r, gone)).await.expect("tags").is_empty(),
            "{gone}"
        );
    }
    for kept in ["k1", "k2"] {
        assert_eq!(
            store.tags(&association_arn(r, kept)).await.expect("tags"),
            tags(&[("id", kept)])
        );
    }
    assert_eq!(ids(store, "eu-west-1", &AssociationFilter::default()).await, ["k3"]);
    assert_eq!(store.delete_associations_under(r, &app).await, Ok(0));
}
