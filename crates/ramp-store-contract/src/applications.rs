//! Applications: round trip, the per-region quota, not-found, and deletion refused while
//! children exist.

use ramp_domain::entities::{Application, Tags};
use ramp_domain::store::{Conflict, Error, ResourceKind};

use super::{ALL, PLENTY, Store, app, app_arn, at, env, env_arn, profile, profile_arn};

pub async fn applications_round_trip(store: &dyn Store) {
    let r = "eu-west-1";
    let a = app(r, "a1");
    store
        .create_application(&a, &app_arn(r, "a1"), &Tags::new(), PLENTY)
        .await
        .expect("create");
    assert_eq!(store.application(r, "a1").await.expect("get"), Some(a.clone()));
    assert_eq!(store.application("us-east-1", "a1").await.expect("other region"), None);
    assert_eq!(store.application(r, "nope").await.expect("missing"), None);

    let mut b = app(r, "a1");
    b.created_at = at(99);
    assert!(matches!(
        store
            .create_application(&b, &app_arn(r, "a1"), &Tags::new(), PLENTY)
            .await,
        Err(Error::Conflict(Conflict::AlreadyExists(ResourceKind::Application)))
    ));

    let updated = Application {
        name: "renamed".to_owned(),
        description: None,
        ..a.clone()
    };
    store.update_application(&updated).await.expect("update");
    assert_eq!(store.application(r, "a1").await.expect("get"), Some(updated.clone()));

    let listed = store.applications(r, ALL).await.expect("list");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].item, updated);

    store
        .delete_application(r, "a1", &app_arn(r, "a1"))
        .await
        .expect("delete");
    assert_eq!(store.application(r, "a1").await.expect("get"), None);
    assert!(store.applications(r, ALL).await.expect("list").is_empty());
}

pub async fn application_quota(store: &dyn Store) {
    let r = "quota-1";
    for id in ["q1", "q2", "q3"] {
        store
            .create_application(&app(r, id), &app_arn(r, id), &Tags::new(), 3)
            .await
            .expect("under quota");
    }
    assert_eq!(
        store
            .create_application(&app(r, "q4"), &app_arn(r, "q4"), &Tags::new(), 3)
            .await,
        Err(Error::QuotaExceeded)
    );
    assert_eq!(store.application(r, "q4").await.expect("get"), None);
    // Quotas are per region.
    store
        .create_application(&app("quota-2", "q5"), &app_arn("quota-2", "q5"), &Tags::new(), 3)
        .await
        .expect("other");
    // Deleting frees a slot.
    store
        .delete_application(r, "q1", &app_arn(r, "q1"))
        .await
        .expect("delete");
    store
        .create_application(&app(r, "q4"), &app_arn(r, "q4"), &Tags::new(), 3)
        .await
        .expect("freed slot");
    assert_eq!(store.applications(r, ALL).await.expect("list").len(), 3);
    assert_eq!(
        store
            .create_application(&app(r, "q6"), &app_arn(r, "q6"), &Tags::new(), 0)
            .await,
        Err(Error::QuotaExceeded),
        "a zero quota admits nothing"
    );
}

pub async fn application_not_found(store: &dyn Store) {
    let r = "eu-north-1";
    let missing = ResourceKind::Application;
    assert_eq!(
        store.update_application(&app(r, "ghost")).await,
        Err(Error::NotFound(missing))
    );
    assert_eq!(
        store.delete_application(r, "ghost", &app_arn(r, "ghost")).await,
        Err(Error::NotFound(missing))
    );

    store
        .create_application(&app(r, "real"), &app_arn(r, "real"), &Tags::new(), PLENTY)
        .await
        .expect("create");
    // The same id seen from another region does not exist.
    assert_eq!(
        store.update_application(&app("elsewhere", "real")).await,
        Err(Error::NotFound(missing))
    );
    assert_eq!(
        store
            .delete_application("elsewhere", "real", &app_arn("elsewhere", "real"))
            .await,
        Err(Error::NotFound(missing))
    );
    assert!(store.application(r, "real").await.expect("still there").is_some());
}

pub async fn delete_application_refused_with_children(store: &dyn Store) {
    let r = "sa-east-1";
    store
        .create_application(&app(r, "a"), &app_arn(r, "a"), &Tags::new(), PLENTY)
        .await
        .expect("app");
    store
        .create_environment(&env("a", "e"), &env_arn(r, "a", "e"), &Tags::new(), PLENTY)
        .await
        .expect("env");
    store
        .create_configuration_profile(&profile("a", "p"), &profile_arn(r, "a", "p"), &Tags::new(), PLENTY)
        .await
        .expect("profile");
    assert_eq!(
        store.delete_application(r, "a", &app_arn(r, "a")).await,
        Err(Error::HasChildren(ResourceKind::Environment))
    );
    store
        .delete_environment("a", "e", &env_arn(r, "a", "e"), None)
        .await
        .expect("delete env");
    assert_eq!(
        store.delete_application(r, "a", &app_arn(r, "a")).await,
        Err(Error::HasChildren(ResourceKind::ConfigurationProfile))
    );
    assert!(
        store.application(r, "a").await.expect("get").is_some(),
        "a refused delete changes nothing"
    );
    store
        .delete_configuration_profile("a", "p", &profile_arn(r, "a", "p"), None)
        .await
        .expect("delete profile");
    store
        .delete_application(r, "a", &app_arn(r, "a"))
        .await
        .expect("delete app");
    assert_eq!(store.application(r, "a").await.expect("get"), None);
}
