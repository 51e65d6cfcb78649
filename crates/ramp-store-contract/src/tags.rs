//! Tags: adding, replacing, removing, the limit, and removal with the tagged resource.

use ramp_domain::store::Error;

use super::{PLENTY, Store, app, app_arn, env, env_arn, profile, profile_arn, strategy, strategy_arn, tags};

pub async fn tags_add_replace_remove_max(store: &dyn Store) {
    let r = "us-gov-west-1";
    let arn = app_arn(r, "a");
    store
        .create_application(&app(r, "a"), &arn, &tags(&[("a", "1"), ("b", "2")]), PLENTY)
        .await
        .expect("app");
    assert_eq!(store.tags(&arn).await.expect("tags"), tags(&[("a", "1"), ("b", "2")]));
    assert!(store.tags("arn:unknown").await.expect("no tags").is_empty());

    store
        .tag(&arn, &tags(&[("b", "3"), ("c", "4")]), 3)
        .await
        .expect("add and replace");
    assert_eq!(
        store.tags(&arn).await.expect("tags"),
        tags(&[("a", "1"), ("b", "3"), ("c", "4")])
    );
    assert_eq!(
        store.tag(&arn, &tags(&[("d", "5"), ("a", "changed")]), 3).await,
        Err(Error::QuotaExceeded)
    );
    assert_eq!(
        store.tags(&arn).await.expect("tags"),
        tags(&[("a", "1"), ("b", "3"), ("c", "4")]),
        "a refused tag call changes nothing"
    );
    store
        .tag(&arn, &tags(&[("a", "9")]), 3)
        .await
        .expect("replacing at the limit is fine");

    store
        .untag(&arn, &["a".to_owned(), "missing".to_owned()])
        .await
        .expect("untag");
    assert_eq!(store.tags(&arn).await.expect("tags"), tags(&[("b", "3"), ("c", "4")]));
    store.untag(&arn, &[]).await.expect("untag nothing");
    store
        .tag("arn:other", &tags(&[("x", "y")]), 1)
        .await
        .expect("tags of another resource");
    assert_eq!(store.tags(&arn).await.expect("tags").len(), 2);
}

pub async fn tags_removed_on_delete(store: &dyn Store) {
    let r = "cn-north-1";
    let t = tags(&[("team", "ramp")]);
    let (abc, abcd) = (app_arn(r, "abc"), app_arn(r, "abcd"));
    store
        .create_application(&app(r, "abc"), &abc, &t, PLENTY)
        .await
        .expect("abc");
    store
        .create_application(&app(r, "abcd"), &abcd, &t, PLENTY)
        .await
        .expect("abcd");
    store
        .create_environment(&env("abc", "e"), &env_arn(r, "abc", "e"), &t, PLENTY)
        .await
        .expect("env");
    store
        .create_configuration_profile(&profile("abc", "p"), &profile_arn(r, "abc", "p"), &t, PLENTY)
        .await
        .expect("p");
    store
        .create_deployment_strategy(&strategy(r, "s"), &strategy_arn(r, "s"), &t, PLENTY)
        .await
        .expect("strategy");
    for arn in [
        &abc,
        &abcd,
        &env_arn(r, "abc", "e"),
        &profile_arn(r, "abc", "p"),
        &strategy_arn(r, "s"),
    ] {
        assert_eq!(store.tags(arn).await.expect("tags"), t, "{arn} tagged at creation");
    }

    store
        .delete_environment("abc", "e", &env_arn(r, "abc", "e"))
        .await
        .expect("delete env");
    assert!(store.tags(&env_arn(r, "abc", "e")).await.expect("tags").is_empty());
    store
        .delete_configuration_profile("abc", "p", &profile_arn(r, "abc", "p"))
        .await
        .expect("delete profile");
    assert!(store.tags(&profile_arn(r, "abc", "p")).await.expect("tags").is_empty());
    store
        .delete_deployment_strategy(r, "s", &strategy_arn(r, "s"))
        .await
        .expect("delete strategy");
    assert!(store.tags(&strategy_arn(r, "s")).await.expect("tags").is_empty());

    // Tags left under the application's ARN go with it; a sibling sharing a name prefix stays.
    let stray = format!("{abc}/environment/stray");
    store.tag(&stray, &t, 50).await.expect("stray tag");
    store.delete_application(r, "abc", &abc).await.expect("delete app");
    assert!(store.tags(&abc).await.expect("tags").is_empty());
    assert!(store.tags(&stray).await.expect("tags").is_empty());
    assert_eq!(store.tags(&abcd).await.expect("tags"), t);
}
