//! Tags: adding, replacing, removing, the limit, and removal with the tagged resource.

use ramp_domain::entities::Tags;
use ramp_domain::store::{Error, ResourceKind, TaggedResource};

use super::{
    PLENTY, Store, app, app_arn, app_resource, app_with_environments, content, deployment, deployment_arn, env,
    env_arn, profile, profile_arn, strategy, strategy_arn, tags,
};

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
        .tag(&app_resource(r, "a"), &arn, &tags(&[("b", "3"), ("c", "4")]), 3)
        .await
        .expect("add and replace");
    assert_eq!(
        store.tags(&arn).await.expect("tags"),
        tags(&[("a", "1"), ("b", "3"), ("c", "4")])
    );
    assert_eq!(
        store
            .tag(&app_resource(r, "a"), &arn, &tags(&[("d", "5"), ("a", "changed")]), 3)
            .await,
        Err(Error::QuotaExceeded)
    );
    assert_eq!(
        store.tags(&arn).await.expect("tags"),
        tags(&[("a", "1"), ("b", "3"), ("c", "4")]),
        "a refused tag call changes nothing"
    );
    store
        .tag(&app_resource(r, "a"), &arn, &tags(&[("a", "9")]), 3)
        .await
        .expect("replacing at the limit is fine");

    store
        .untag(&arn, &["a".to_owned(), "missing".to_owned()])
        .await
        .expect("untag");
    assert_eq!(store.tags(&arn).await.expect("tags"), tags(&[("b", "3"), ("c", "4")]));
    store.untag(&arn, &[]).await.expect("untag nothing");
    store
        .tag(&TaggedResource::Predefined, "arn:other", &tags(&[("x", "y")]), 1)
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
        .delete_environment("abc", "e", &env_arn(r, "abc", "e"), None)
        .await
        .expect("delete env");
    assert!(store.tags(&env_arn(r, "abc", "e")).await.expect("tags").is_empty());
    store
        .delete_configuration_profile("abc", "p", &profile_arn(r, "abc", "p"), None)
        .await
        .expect("delete profile");
    assert!(store.tags(&profile_arn(r, "abc", "p")).await.expect("tags").is_empty());
    store
        .delete_deployment_strategy(r, "s", &strategy_arn(r, "s"))
        .await
        .expect("delete strategy");
    assert!(store.tags(&strategy_arn(r, "s")).await.expect("tags").is_empty());

    // Tags left under the application's ARN go with it (here written for the application under
    // another ARN, as a resource of no stored row would leave them); a sibling sharing a name
    // prefix stays.
    let stray = format!("{abc}/environment/stray");
    store
        .tag(&app_resource(r, "abc"), &stray, &t, 50)
        .await
        .expect("stray tag");
    store.delete_application(r, "abc", &abc).await.expect("delete app");
    assert!(store.tags(&abc).await.expect("tags").is_empty());
    assert!(store.tags(&stray).await.expect("tags").is_empty());
    assert_eq!(store.tags(&abcd).await.expect("tags"), t);
}

/// A tag write checks, in its own transaction, that the resource exists (in its region):
/// missing or deleted resources get `NotFound` and no tags.
pub async fn tag_needs_the_resource(store: &dyn Store) {
    let r = "eu-west-1";
    let t = tags(&[("k", "v")]);
    app_with_environments(store, r, "a", &["e"]).await;
    store
        .create_configuration_profile(&profile("a", "p"), &profile_arn(r, "a", "p"), &Tags::new(), PLENTY)
        .await
        .expect("profile");
    store
        .create_deployment_strategy(&strategy(r, "s"), &strategy_arn(r, "s"), &Tags::new(), PLENTY)
        .await
        .expect("strategy");
    let started = store
        .start_deployment(
            &deployment("a", "e"),
            &content(b"{}"),
            &env_arn(r, "a", "e"),
            &Tags::new(),
        )
        .await
        .expect("deployment");
    let (region, a) = (r.to_owned(), "a".to_owned());
    let environment = |id: &str| TaggedResource::Environment {
        region: region.clone(),
        application_id: a.clone(),
        id: id.to_owned(),
    };
    let profile_of = |id: &str| TaggedResource::ConfigurationProfile {
        region: region.clone(),
        application_id: a.clone(),
        id: id.to_owned(),
    };
    let strategy_of = |region: &str, id: &str| TaggedResource::DeploymentStrategy {
        region: region.to_owned(),
        id: id.to_owned(),
    };
    let deployment_of = |number: i64| TaggedResource::Deployment {
        region: region.clone(),
        application_id: a.clone(),
        environment_id: "e".to_owned(),
        number,
    };
    let present = [
        (app_resource(r, "a"), app_arn(r, "a")),
        (environment("e"), env_arn(r, "a", "e")),
        (profile_of("p"), profile_arn(r, "a", "p")),
        (strategy_of(r, "s"), strategy_arn(r, "s")),
        (
            deployment_of(started.deployment_number),
            deployment_arn(r, "a", "e", started.deployment_number),
        ),
        (
            TaggedResource::Predefined,
            format!("{}-predefined", strategy_arn(r, "s")),
        ),
    ];
    for (resource, arn) in &present {
        store
            .tag(resource, arn, &t, 50)
            .await
            .expect("tag an existing resource");
        assert_eq!(store.tags(arn).await.expect("tags"), t, "{resource:?}");
    }
    let absent = [
        (app_resource(r, "missing"), ResourceKind::Application),
        (app_resource("us-east-1", "a"), ResourceKind::Application),
        (environment("missing"), ResourceKind::Environment),
        (profile_of("missing"), ResourceKind::ConfigurationProfile),
        (strategy_of(r, "missing"), ResourceKind::DeploymentStrategy),
        (strategy_of("us-east-1", "s"), ResourceKind::DeploymentStrategy),
        (deployment_of(99), ResourceKind::Deployment),
    ];
    for (resource, kind) in &absent {
        assert_eq!(
            store.tag(resource, "arn:absent", &t, 50).await,
            Err(Error::NotFound(*kind)),
            "{resource:?}"
        );
    }
    assert!(
        store.tags("arn:absent").await.expect("tags").is_empty(),
        "nothing written"
    );

    // Deleted: refused, and the delete's removal of the tags stands.
    let q = profile_arn(r, "a", "q");
    store
        .create_configuration_profile(&profile("a", "q"), &q, &t, PLENTY)
        .await
        .expect("profile q");
    store
        .delete_configuration_profile("a", "q", &q, None)
        .await
        .expect("delete profile q");
    assert_eq!(
        store.tag(&profile_of("q"), &q, &t, 50).await,
        Err(Error::NotFound(ResourceKind::ConfigurationProfile))
    );
    assert!(store.tags(&q).await.expect("tags").is_empty());
}
