//! Pagination: every list in creation order, with stable cursors.

use ramp_domain::entities::Tags;

use super::{PLENTY, Store, app, app_arn, env, env_arn, page, profile, profile_arn, strategy, strategy_arn};

pub async fn pagination_in_creation_order(store: &dyn Store) {
    let r = "me-south-1";
    // Ids deliberately out of alphabetical order: lists follow creation, not ids.
    let ids = ["c", "a", "e", "b", "d"];
    for id in ids {
        store
            .create_application(&app(r, id), &app_arn(r, id), &Tags::new(), PLENTY)
            .await
            .expect("app");
        store
            .create_application(&app("me-other", &format!("x{id}")), "arn:x", &Tags::new(), PLENTY)
            .await
            .expect("x");
        store
            .create_environment(&env("c", id), &env_arn(r, "c", id), &Tags::new(), PLENTY)
            .await
            .expect("env");
        store
            .create_configuration_profile(&profile("c", id), &profile_arn(r, "c", id), &Tags::new(), PLENTY)
            .await
            .expect("profile");
        store
            .create_deployment_strategy(&strategy(r, id), &strategy_arn(r, id), &Tags::new(), PLENTY)
            .await
            .expect("s");
    }

    // Walks every list two at a time and checks order, cursors and the end.
    let mut after = None;
    let mut seen = Vec::new();
    let mut cursors = Vec::new();
    loop {
        let got = store.applications(r, page(after, 2)).await.expect("page");
        assert!(got.len() <= 2);
        if got.is_empty() {
            break;
        }
        after = got.last().map(|l| l.cursor);
        cursors.extend(got.iter().map(|l| l.cursor));
        seen.extend(got.into_iter().map(|l| l.item.id));
    }
    assert_eq!(seen, ids);
    assert!(cursors.windows(2).all(|w| w[0] < w[1]), "cursors increase: {cursors:?}");
    // The same cursor gives the same page again (cursors are stable).
    let first = store.applications(r, page(None, 2)).await.expect("page");
    let again = store
        .applications(r, page(Some(first[0].cursor), 2))
        .await
        .expect("page");
    assert_eq!(again.iter().map(|l| l.item.id.as_str()).collect::<Vec<_>>(), ["a", "e"]);
    // Deleting an item does not shift the others.
    store
        .delete_application(r, "e", &app_arn(r, "e"))
        .await
        .expect("delete");
    let after_delete = store
        .applications(r, page(Some(first[1].cursor), 2))
        .await
        .expect("page");
    assert_eq!(
        after_delete.iter().map(|l| l.item.id.as_str()).collect::<Vec<_>>(),
        ["b", "d"]
    );

    let envs = store.environments("c", page(None, 3)).await.expect("envs");
    assert_eq!(
        envs.iter().map(|l| l.item.id.as_str()).collect::<Vec<_>>(),
        ["c", "a", "e"]
    );
    let envs = store
        .environments("c", page(Some(envs[2].cursor), 3))
        .await
        .expect("envs");
    assert_eq!(envs.iter().map(|l| l.item.id.as_str()).collect::<Vec<_>>(), ["b", "d"]);

    let profiles = store
        .configuration_profiles("c", None, page(None, 4))
        .await
        .expect("profiles");
    assert_eq!(
        profiles.iter().map(|l| l.item.id.as_str()).collect::<Vec<_>>(),
        ["c", "a", "e", "b"]
    );
    let profiles = store
        .configuration_profiles("c", None, page(Some(profiles[3].cursor), 4))
        .await
        .expect("profiles");
    assert_eq!(profiles.iter().map(|l| l.item.id.as_str()).collect::<Vec<_>>(), ["d"]);

    let strategies = store.deployment_strategies(r, page(None, 1)).await.expect("strategies");
    assert_eq!(strategies.iter().map(|l| l.item.id.as_str()).collect::<Vec<_>>(), ["c"]);
    let strategies = store
        .deployment_strategies(r, page(Some(strategies[0].cursor), 10))
        .await
        .expect("strategies");
    assert_eq!(
        strategies.iter().map(|l| l.item.id.as_str()).collect::<Vec<_>>(),
        ["a", "e", "b", "d"]
    );
}
