//! Races through several stores (as through several nodes): every atomic rule holds when its
//! check-then-write is raced, not just when calls come one after the other.

use std::sync::Arc;

use bytes::Bytes;
use ramp_clock::Timestamp;
use ramp_domain::entities::{
    ConfigurationProfile, DeploymentStrategy, Environment, GrowthType, HOSTED_LOCATION, NewHostedVersion, Tags,
};
use ramp_domain::store::{AppConfigStore, Conflict, Error, ResourceKind, TagStore, TaggedResource};

use super::{app, app_with_environment, content, deployment, environment, stores_on_one_schema};
use crate::PostgresStore;

/// Two nodes racing to start deployments in one environment: exactly one start wins.
#[tokio::test(flavor = "multi_thread")]
async fn starts_raced_by_two_stores_have_one_winner() {
    let Some((_, stores)) = stores_on_one_schema(2).await else {
        return;
    };
    let stores: Vec<Arc<PostgresStore>> = stores.into_iter().map(Arc::new).collect();
    app_with_environment(&stores[0]).await;
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            let store = Arc::clone(&stores[i % 2]);
            tokio::spawn(async move {
                store
                    .start_deployment(&deployment(), &content(), "arn:app/env", &Tags::new())
                    .await
            })
        })
        .collect();
    let mut won = Vec::new();
    for task in tasks {
        match task.await.expect("task") {
            Ok(d) => won.push(d.deployment_number),
            Err(Error::Conflict(Conflict::DeploymentInProgress { number: 1, .. })) => {}
            Err(e) => panic!("a racing start fails only with Conflict, got {e:?}"),
        }
    }
    assert_eq!(won, [1]);
}

/// Every count quota admits exactly `max` when more creations race for it, through two stores.
#[tokio::test(flavor = "multi_thread")]
async fn raced_quotas_admit_exactly_the_maximum() {
    let Some((_, stores)) = stores_on_one_schema(2).await else {
        return;
    };
    let stores: Vec<Arc<PostgresStore>> = stores.into_iter().map(Arc::new).collect();
    let admitted = |results: Vec<Result<(), Error>>| {
        assert!(
            results.iter().all(|r| matches!(r, Ok(()) | Err(Error::QuotaExceeded))),
            "{results:?}"
        );
        results.iter().filter(|r| r.is_ok()).count()
    };

    let results = race(&stores, 12, |store, i| async move {
        store
            .create_application(&app(&format!("a{i}")), &format!("arn:a{i}"), &Tags::new(), 5)
            .await
    })
    .await;
    assert_eq!(admitted(results), 5, "applications per region");

    stores[0]
        .create_application(&app("app"), "arn:app", &Tags::new(), 100)
        .await
        .expect("parent");
    let results = race(&stores, 12, |store, i| async move {
        let env = environment(&format!("e{i}"));
        store
            .create_environment(&env, &format!("arn:e{i}"), &Tags::new(), 4)
            .await
    })
    .await;
    assert_eq!(admitted(results), 4, "environments per application");

    let results = race(&stores, 12, |store, i| async move {
        let s = DeploymentStrategy {
            id: format!("s{i}"),
            region: "us-east-1".to_owned(),
            name: "s".to_owned(),
            description: None,
            deployment_duration_in_minutes: 1,
            growth_type: GrowthType::Linear,
            growth_factor: 10.0,
            final_bake_time_in_minutes: 0,
            replicate_to: "NONE".to_owned(),
            created_at: Timestamp::from_millis(1),
        };
        store
            .create_deployment_strategy(&s, &format!("arn:s{i}"), &Tags::new(), 3)
            .await
    })
    .await;
    assert_eq!(admitted(results), 3, "strategies per region");

    let results = race(&stores, 12, |store, i| async move {
        let one: Tags = [(format!("k{i}"), "v".to_owned())].into_iter().collect();
        let app = TaggedResource::Application {
            region: "us-east-1".to_owned(),
            id: "app".to_owned(),
        };
        store.tag(&app, "arn:app", &one, 6).await
    })
    .await;
    assert_eq!(admitted(results), 6, "tags per resource");

    let profile = profile("p");
    stores[0]
        .create_configuration_profile(&profile, "arn:app/p", &Tags::new(), 100)
        .await
        .expect("profile");
    let results = race(&stores, 12, |store, _| async move {
        let v = version("p", b"0123456789");
        store.create_hosted_version("us-east-1", &v, None, 75).await.map(|_| ())
    })
    .await;
    assert_eq!(admitted(results), 7, "hosted bytes per region: 7 × 10 ≤ 75");
}

/// Runs `n` calls of `call(store, i)` at once, alternating between `stores`; their results.
async fn race<F, Fut>(stores: &[Arc<PostgresStore>], n: usize, call: F) -> Vec<Result<(), Error>>
where
    F: Fn(Arc<PostgresStore>, usize) -> Fut,
    Fut: Future<Output = Result<(), Error>> + Send + 'static,
{
    let tasks: Vec<_> = (0..n)
        .map(|i| tokio::spawn(call(Arc::clone(&stores[i % stores.len()]), i)))
        .collect();
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await.expect("task"));
    }
    results
}

/// Racing creations that all expect no version yet: exactly one finds it so.
#[tokio::test(flavor = "multi_thread")]
async fn raced_expected_latest_has_one_winner() {
    let Some((_, stores)) = stores_on_one_schema(2).await else {
        return;
    };
    let stores: Vec<Arc<PostgresStore>> = stores.into_iter().map(Arc::new).collect();
    stores[0]
        .create_application(&app("app"), "arn:app", &Tags::new(), 100)
        .await
        .expect("app");
    stores[0]
        .create_configuration_profile(&profile("p"), "arn:app/p", &Tags::new(), 100)
        .await
        .expect("profile");
    let results = race(&stores, 10, |store, i| async move {
        let v = version("p", &[u8::try_from(i).unwrap_or(0)]);
        store
            .create_hosted_version("us-east-1", &v, Some(0), 1_000)
            .await
            .map(|_| ())
    })
    .await;
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1, "{results:?}");
    assert!(results.iter().all(|r| matches!(
        r,
        Ok(()) | Err(Error::Conflict(Conflict::LatestVersion { expected: 0, actual: 1 }))
    )));
}

/// A deletion refused while children exist, raced with the creation of a child through
/// another store: either the child was created and the deletion refused, or the deletion won
/// and the creation found no parent; never a child without its parent.
#[tokio::test(flavor = "multi_thread")]
async fn deletions_raced_with_child_creations_leave_no_orphans() {
    let Some((_, stores)) = stores_on_one_schema(2).await else {
        return;
    };
    let (a, b) = (&stores[0], &stores[1]);
    let r = "us-east-1";
    for i in 0..10 {
        let id = format!("d{i}");
        let arn = format!("arn:{id}");
        a.create_application(&app(&id), &arn, &Tags::new(), 100)
            .await
            .expect("app");
        let env = Environment {
            application_id: id.clone(),
            ..environment("e")
        };
        let none = Tags::new();
        let (deleted, created) = tokio::join!(
            a.delete_application(r, &id, &arn),
            b.create_environment(&env, "arn:e", &none, 100)
        );
        match (&deleted, &created) {
            (Ok(()), Err(Error::NotFound(ResourceKind::Application)))
            | (Err(Error::HasChildren(ResourceKind::Environment)), Ok(())) => {}
            _ => panic!("application {i}: {deleted:?}, {created:?}"),
        }
    }

    a.create_application(&app("app"), "arn:app", &Tags::new(), 100)
        .await
        .expect("app");
    for i in 0..10 {
        let id = format!("p{i}");
        let arn = format!("arn:app/{id}");
        a.create_configuration_profile(&profile(&id), &arn, &Tags::new(), 100)
            .await
            .expect("profile");
        let v = version(&id, b"{}");
        let (deleted, created) = tokio::join!(
            a.delete_configuration_profile("app", &id, &arn, None),
            b.create_hosted_version(r, &v, None, 1_000_000)
        );
        match (&deleted, &created) {
            (Ok(()), Err(Error::NotFound(ResourceKind::ConfigurationProfile)))
            | (Err(Error::HasChildren(ResourceKind::HostedConfigurationVersion)), Ok(_)) => {}
            _ => panic!("profile {i}: {deleted:?}, {created:?}"),
        }
    }
}

/// Tagging raced with the resource's deletion through another store: either the tags were
/// written first and the delete removed them, or the delete came first and tagging found no
/// resource; never tags left on a deleted resource's ARN.
#[tokio::test(flavor = "multi_thread")]
async fn deletions_raced_with_tagging_leave_no_tags() {
    let Some((_, stores)) = stores_on_one_schema(2).await else {
        return;
    };
    let (a, b) = (&stores[0], &stores[1]);
    a.create_application(&app("app"), "arn:app", &Tags::new(), 100)
        .await
        .expect("app");
    let t: Tags = [("k".to_owned(), "v".to_owned())].into_iter().collect();
    let in_app = |id: &str| ("us-east-1".to_owned(), "app".to_owned(), id.to_owned());
    for i in 0..20 {
        let id = format!("e{i}");
        let arn = format!("arn:app/environment/{id}");
        a.create_environment(&environment(&id), &arn, &Tags::new(), 100)
            .await
            .expect("environment");
        let (region, application_id, id) = in_app(&id);
        let resource = TaggedResource::Environment {
            region,
            application_id,
            id: id.clone(),
        };
        let (deleted, tagged) = tokio::join!(
            a.delete_environment("app", &id, &arn, None),
            b.tag(&resource, &arn, &t, 50)
        );
        assert_eq!(deleted, Ok(()), "environment {i}");
        assert!(
            matches!(tagged, Ok(()) | Err(Error::NotFound(ResourceKind::Environment))),
            "environment {i}: {tagged:?}"
        );
        assert!(
            a.tags(&arn).await.expect("tags").is_empty(),
            "environment {i}: tags left after {tagged:?}"
        );
    }
    for i in 0..20 {
        let id = format!("q{i}");
        let arn = format!("arn:app/configurationprofile/{id}");
        a.create_configuration_profile(&profile(&id), &arn, &Tags::new(), 100)
            .await
            .expect("profile");
        let (region, application_id, id) = in_app(&id);
        let resource = TaggedResource::ConfigurationProfile {
            region,
            application_id,
            id: id.clone(),
        };
        let (deleted, tagged) = tokio::join!(
            a.delete_configuration_profile("app", &id, &arn, None),
            b.tag(&resource, &arn, &t, 50)
        );
        assert_eq!(deleted, Ok(()), "profile {i}");
        assert!(
            matches!(
                tagged,
                Ok(()) | Err(Error::NotFound(ResourceKind::ConfigurationProfile))
            ),
            "profile {i}: {tagged:?}"
        );
        assert!(
            a.tags(&arn).await.expect("tags").is_empty(),
            "profile {i}: tags left after {tagged:?}"
        );
    }
}

fn profile(id: &str) -> ConfigurationProfile {
    ConfigurationProfile {
        application_id: "app".to_owned(),
        id: id.to_owned(),
        name: id.to_owned(),
        description: None,
        location_uri: HOSTED_LOCATION.to_owned(),
        retrieval_role_arn: None,
        validators: Vec::new(),
        profile_type: None,
        kms_key_identifier: None,
        created_at: Timestamp::from_millis(3),
        last_accessed_at: None,
    }
}

fn version(profile_id: &str, content: &[u8]) -> NewHostedVersion {
    NewHostedVersion {
        application_id: "app".to_owned(),
        configuration_profile_id: profile_id.to_owned(),
        description: None,
        content_type: "text/plain".to_owned(),
        version_label: None,
        content: Bytes::copy_from_slice(content),
        created_at: Timestamp::from_millis(4),
    }
}

/// Two nodes racing to create Amplify apps and branches under their quotas and jobs on one
/// branch: the quotas admit exactly the maximum, one job wins, and no writer deadlocks.
#[tokio::test(flavor = "multi_thread")]
async fn amplify_rules_hold_when_raced_by_two_stores() {
    use ramp_domain::amplify::{App, Branch, Job, NewJob};
    use ramp_domain::store::{AmplifyStore, Slice};

    let Some((_, stores)) = stores_on_one_schema(2).await else {
        return;
    };
    let stores: Vec<Arc<PostgresStore>> = stores.into_iter().map(Arc::new).collect();
    let r = "us-east-1";
    let apps = race(&stores, 10, |store, i| async move {
        let app = App {
            region: r.to_owned(),
            app_id: format!("d{i}"),
            ..App::default()
        };
        store.create_app(&app, &format!("arn:d{i}"), &Tags::new(), 4).await
    })
    .await;
    assert!(
        apps.iter().all(|a| matches!(a, Ok(()) | Err(Error::QuotaExceeded))),
        "{apps:?}"
    );
    assert_eq!(apps.iter().filter(|a| a.is_ok()).count(), 4, "{apps:?}");

    let first = Slice { after: None, limit: 1 };
    let app_id = stores[0].apps(r, first).await.expect("apps")[0].item.app_id.clone();
    let branches = race(&stores, 10, |store, i| {
        let branch = Branch {
            region: r.to_owned(),
            app_id: app_id.clone(),
            branch_name: format!("b{i}"),
            ..Branch::default()
        };
        async move {
            store
                .create_branch(&branch, &format!("arn:b{i}"), &Tags::new(), 3)
                .await
        }
    })
    .await;
    assert_eq!(branches.iter().filter(|b| b.is_ok()).count(), 3, "{branches:?}");

    let branch_name = stores[0].branches(r, &app_id, first).await.expect("branches")[0]
        .item
        .branch_name
        .clone();
    let new = NewJob {
        job: Job {
            region: r.to_owned(),
            app_id,
            branch_name,
            ..Job::default()
        },
        abandon_created_before: Timestamp::from_millis(0),
    };
    let tasks: Vec<_> = (0..10)
        .map(|i| {
            let (store, new) = (Arc::clone(&stores[i % 2]), new.clone());
            tokio::spawn(async move { store.create_job(&new).await.map(|j| j.number) })
        })
        .collect();
    let mut jobs = Vec::new();
    for task in tasks {
        jobs.push(task.await.expect("task"));
    }
    let won: Vec<i64> = jobs.iter().filter_map(|j| j.as_ref().ok().copied()).collect();
    assert_eq!(won, [1], "{jobs:?}");
    assert!(
        jobs.iter()
            .all(|j| matches!(j, Ok(1) | Err(Error::Conflict(Conflict::JobUnfinished { number: 1 })))),
        "{jobs:?}"
    );
}
