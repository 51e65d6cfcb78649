//! Deletion protection decided inside the delete: an environment or profile used to retrieve
//! configuration after the cutoff passed with the delete is refused, whatever the caller read.

use ramp_domain::store::{Error, ResourceKind};

use super::{PLENTY, Store, app_with_environments, at, env_arn, profile, profile_arn, tags};

pub async fn deletes_refused_when_used_after_the_cutoff(store: &dyn Store) {
    let r = "eu-west-2";
    let t = tags(&[("k", "v")]);
    app_with_environments(store, r, "a", &["e", "unused"]).await;
    let (e, p) = (env_arn(r, "a", "e"), profile_arn(r, "a", "p"));
    store
        .create_configuration_profile(&profile("a", "p"), &p, &t, PLENTY)
        .await
        .expect("profile");
    store.record_access("a", "e", "p", at(100)).await.expect("record");

    // Used after the cutoff: refused, nothing deleted.
    assert_eq!(
        store.delete_environment("a", "e", &e, Some(at(99))).await,
        Err(Error::DeletionProtected)
    );
    assert_eq!(
        store.delete_configuration_profile("a", "p", &p, Some(at(99))).await,
        Err(Error::DeletionProtected)
    );
    assert!(store.environment("a", "e").await.expect("read").is_some());
    assert!(store.configuration_profile("a", "p").await.expect("read").is_some());
    assert_eq!(
        store.tags(&p).await.expect("tags"),
        t,
        "a refused delete keeps the tags"
    );

    // A missing resource is not found, whatever the cutoff.
    assert_eq!(
        store
            .delete_environment("a", "missing", &env_arn(r, "a", "missing"), Some(at(0)))
            .await,
        Err(Error::NotFound(ResourceKind::Environment))
    );

    // Never used: deleted under any cutoff. Used at the cutoff, or with no cutoff: deleted.
    store
        .delete_environment("a", "unused", &env_arn(r, "a", "unused"), Some(at(0)))
        .await
        .expect("never used");
    store
        .delete_environment("a", "e", &e, Some(at(100)))
        .await
        .expect("used at the cutoff, not after");
    store
        .delete_configuration_profile("a", "p", &p, None)
        .await
        .expect("no protection");
    assert!(store.tags(&p).await.expect("tags").is_empty());
    assert_eq!(store.environments("a", super::ALL).await.expect("list").len(), 0);
}
