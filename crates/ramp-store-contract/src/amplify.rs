//! Amplify apps, branches, domain associations, webhooks and backend environments: their
//! round trips, list orders and pages, quotas, duplicates, missing parents, and tags. The
//! fixtures here serve the other `amplify_*` files.

use ramp_clock::Timestamp;
use ramp_domain::amplify::{
    self, App, BackendEnvironment, Branch, DomainAssociation, Job, JobKey, NewJob, SubDomain, Webhook,
};
use ramp_domain::arn::Scope;
use ramp_domain::entities::Tags;
use ramp_domain::store::{Conflict, Error, ResourceKind, TaggedResource};

use super::{ACCOUNT, ALL, PLENTY, Store, at, page, tags};

// ---- fixtures ----

pub(crate) fn scope(region: &str) -> Scope {
    Scope::new(region, ACCOUNT)
}

pub(crate) fn amplify_app(region: &str, app_id: &str) -> App {
    App {
        region: region.to_owned(),
        app_id: app_id.to_owned(),
        name: format!("site {app_id}"),
        platform: "WEB".to_owned(),
        create_time: at(1),
        update_time: at(1),
        ..App::default()
    }
}

pub(crate) fn app_arn(region: &str, app_id: &str) -> String {
    amplify::arn::app(&scope(region), app_id)
}

pub(crate) fn branch(region: &str, app_id: &str, name: &str) -> Branch {
    Branch {
        region: region.to_owned(),
        app_id: app_id.to_owned(),
        branch_name: name.to_owned(),
        display_name: amplify::ids::default_display_name(name),
        stage: Some("PRODUCTION".to_owned()),
        ttl: "5".to_owned(),
        create_time: at(2),
        update_time: at(2),
        ..Branch::default()
    }
}

pub(crate) fn branch_arn(region: &str, app_id: &str, name: &str) -> String {
    amplify::arn::branch(&scope(region), app_id, name)
}

pub(crate) fn job_arn(region: &str, app_id: &str, name: &str, number: i64) -> String {
    amplify::arn::job(&scope(region), app_id, name, number)
}

pub(crate) fn job_key(region: &str, app_id: &str, name: &str, number: i64) -> JobKey {
    JobKey {
        region: region.to_owned(),
        app_id: app_id.to_owned(),
        branch_name: name.to_owned(),
        number,
    }
}

/// A manual deploy of the branch, created at `created`, that abandons nothing.
pub(crate) fn new_job(region: &str, app_id: &str, name: &str, created: Timestamp) -> NewJob {
    NewJob {
        job: Job {
            region: region.to_owned(),
            app_id: app_id.to_owned(),
            branch_name: name.to_owned(),
            commit_message: "manual".to_owned(),
            create_time: created,
            start_time: created,
            ..Job::default()
        },
        abandon_created_before: Timestamp::from_millis(0),
    }
}

/// App `app_id` with branches `names`.
pub(crate) async fn app_with_branches(store: &dyn Store, region: &str, app_id: &str, names: &[&str]) {
    store
        .create_app(
            &amplify_app(region, app_id),
            &app_arn(region, app_id),
            &Tags::new(),
            PLENTY,
        )
        .await
        .expect("app");
    for name in names {
        store
            .create_branch(
                &branch(region, app_id, name),
                &branch_arn(region, app_id, name),
                &Tags::new(),
                PLENTY,
            )
            .await
            .expect("branch");
    }
}

pub(crate) fn domain(region: &str, app_id: &str, domain_name: &str) -> DomainAssociation {
    DomainAssociation {
        region: region.to_owned(),
        app_id: app_id.to_owned(),
        domain_name: domain_name.to_owned(),
        sub_domains: vec![SubDomain {
            prefix: "www".to_owned(),
            branch_name: "main".to_owned(),
        }],
        create_time: at(3),
        update_time: at(3),
        ..DomainAssociation::default()
    }
}

pub(crate) fn webhook(region: &str, app_id: &str, webhook_id: &str) -> Webhook {
    Webhook {
        region: region.to_owned(),
        app_id: app_id.to_owned(),
        webhook_id: webhook_id.to_owned(),
        branch_name: "main".to_owned(),
        description: "deploy".to_owned(),
        create_time: at(4),
        update_time: at(4),
    }
}

pub(crate) fn backend(region: &str, app_id: &str, name: &str) -> BackendEnvironment {
    BackendEnvironment {
        region: region.to_owned(),
        app_id: app_id.to_owned(),
        environment_name: name.to_owned(),
        stack_name: Some(format!("amplify-{name}")),
        create_time: at(5),
        update_time: at(5),
        ..BackendEnvironment::default()
    }
}

// ---- apps ----

pub async fn amplify_apps_round_trip_in_creation_order(store: &dyn Store) {
    let r = "us-east-1";
    let ids = ["dzz", "daa", "dmm"];
    for id in ids {
        store
            .create_app(&amplify_app(r, id), &app_arn(r, id), &tags(&[("k", id)]), PLENTY)
            .await
            .expect("create");
    }
    store
        .create_app(&amplify_app("eu-west-1", "dother"), "arn:other", &Tags::new(), PLENTY)
        .await
        .expect("another region");

    let listed = store.apps(r, ALL).await.expect("list");
    let order: Vec<&str> = listed.iter().map(|l| l.item.app_id.as_str()).collect();
    assert_eq!(order, ids, "creation order, this region only");
    let first = store.apps(r, page(None, 2)).await.expect("page 1");
    assert_eq!(first.len(), 2);
    let rest = store.apps(r, page(Some(first[1].cursor), 2)).await.expect("page 2");
    assert_eq!(rest.iter().map(|l| l.item.app_id.as_str()).collect::<Vec<_>>(), ["dmm"]);
    assert_eq!(store.app(r, "daa").await.expect("get"), Some(amplify_app(r, "daa")));
    assert_eq!(
        store.app("eu-west-1", "daa").await.expect("get"),
        None,
        "apps are per region"
    );
    assert_eq!(
        store.tags(&app_arn(r, "dzz")).await.expect("tags"),
        tags(&[("k", "dzz")])
    );

    let changed = App {
        name: "renamed".to_owned(),
        enable_basic_auth: true,
        basic_auth_credentials: Some("dXNlcjpwYXNz".to_owned()),
        update_time: at(50),
        ..amplify_app(r, "daa")
    };
    store.update_app(&changed).await.expect("update");
    assert_eq!(store.app(r, "daa").await.expect("get"), Some(changed));
    assert_eq!(
        store.update_app(&amplify_app(r, "dmissing")).await,
        Err(Error::NotFound(ResourceKind::AmplifyApp))
    );

    let deleted = store.delete_app(r, "dzz", &app_arn(r, "dzz")).await.expect("delete");
    assert_eq!(deleted, amplify_app(r, "dzz"));
    assert_eq!(store.app(r, "dzz").await.expect("get"), None);
    assert!(store.tags(&app_arn(r, "dzz")).await.expect("tags").is_empty());
    assert_eq!(
        store.delete_app(r, "dzz", &app_arn(r, "dzz")).await,
        Err(Error::NotFound(ResourceKind::AmplifyApp))
    );
}

pub async fn amplify_app_quota_is_per_region(store: &dyn Store) {
    let r = "ap-south-1";
    for id in ["d1", "d2"] {
        store
            .create_app(&amplify_app(r, id), &app_arn(r, id), &Tags::new(), 2)
            .await
            .expect("within quota");
    }
    assert_eq!(
        store
            .create_app(&amplify_app(r, "d3"), &app_arn(r, "d3"), &tags(&[("a", "b")]), 2)
            .await,
        Err(Error::QuotaExceeded)
    );
    assert!(
        store.tags(&app_arn(r, "d3")).await.expect("tags").is_empty(),
        "nothing written"
    );
    store
        .create_app(
            &amplify_app("ap-east-1", "d3"),
            &app_arn("ap-east-1", "d3"),
            &Tags::new(),
            2,
        )
        .await
        .expect("another region has its own quota");
    store.delete_app(r, "d1", &app_arn(r, "d1")).await.expect("delete");
    store
        .create_app(&amplify_app(r, "d3"), &app_arn(r, "d3"), &Tags::new(), 2)
        .await
        .expect("room again");
    assert_eq!(
        store
            .create_app(&amplify_app(r, "d3"), &app_arn(r, "d3"), &Tags::new(), PLENTY)
            .await,
        Err(Error::Conflict(Conflict::AlreadyExists(ResourceKind::AmplifyApp)))
    );
}

// ---- branches ----

pub async fn amplify_branches_round_trip(store: &dyn Store) {
    let r = "us-west-2";
    app_with_branches(store, r, "d1", &["main", "feature/x", "dev"]).await;
    app_with_branches(store, r, "d2", &["main"]).await;

    let listed = store.branches(r, "d1", ALL).await.expect("list");
    let names: Vec<&str> = listed.iter().map(|l| l.item.branch_name.as_str()).collect();
    assert_eq!(names, ["main", "feature/x", "dev"], "creation order, this app only");
    let first = store.branches(r, "d1", page(None, 1)).await.expect("page");
    let next = store
        .branches(r, "d1", page(Some(first[0].cursor), 5))
        .await
        .expect("page");
    assert_eq!(
        next.iter().map(|l| l.item.branch_name.as_str()).collect::<Vec<_>>(),
        ["feature/x", "dev"]
    );
    assert_eq!(
        store.branch(r, "d1", "feature/x").await.expect("get"),
        Some(branch(r, "d1", "feature/x"))
    );
    assert_eq!(store.branch(r, "d2", "dev").await.expect("get"), None);

    // The job members belong to the job writes: neither create nor update sets them.
    let mut with_jobs = branch(r, "d1", "dev");
    with_jobs.description = "development".to_owned();
    with_jobs.enable_skew_protection = true;
    with_jobs.active_job_id = Some(7);
    with_jobs.total_number_of_jobs = 9;
    store.update_branch(&with_jobs).await.expect("update");
    let stored = store.branch(r, "d1", "dev").await.expect("get").expect("exists");
    assert_eq!(stored.description, "development");
    assert!(stored.enable_skew_protection);
    assert_eq!((stored.active_job_id, stored.total_number_of_jobs), (None, 0));
    assert_eq!(
        store.update_branch(&branch(r, "d1", "gone")).await,
        Err(Error::NotFound(ResourceKind::AmplifyBranch))
    );
    let mut created_with_jobs = branch(r, "d2", "new");
    created_with_jobs.active_job_id = Some(3);
    created_with_jobs.total_number_of_jobs = 3;
    store
        .create_branch(&created_with_jobs, &branch_arn(r, "d2", "new"), &Tags::new(), PLENTY)
        .await
        .expect("create");
    let stored = store.branch(r, "d2", "new").await.expect("get").expect("exists");
    assert_eq!((stored.active_job_id, stored.total_number_of_jobs), (None, 0));

    let deleted = store
        .delete_branch(r, "d1", "feature/x", &branch_arn(r, "d1", "feature/x"))
        .await
        .expect("delete");
    assert_eq!(deleted.branch_name, "feature/x");
    assert_eq!(store.branch(r, "d1", "feature/x").await.expect("get"), None);
    assert_eq!(
        store
            .delete_branch(r, "d1", "feature/x", &branch_arn(r, "d1", "feature/x"))
            .await,
        Err(Error::NotFound(ResourceKind::AmplifyBranch))
    );
}

pub async fn amplify_branch_rules(store: &dyn Store) {
    let r = "eu-central-1";
    let b = |app: &str, name: &str| branch(r, app, name);
    assert_eq!(
        store
            .create_branch(&b("dnone", "main"), "arn:b", &Tags::new(), PLENTY)
            .await,
        Err(Error::NotFound(ResourceKind::AmplifyApp))
    );
    app_with_branches(store, r, "d1", &["main"]).await;
    app_with_branches(store, r, "d2", &[]).await;
    assert_eq!(
        store
            .create_branch(&b("d1", "main"), &branch_arn(r, "d1", "main"), &Tags::new(), PLENTY)
            .await,
        Err(Error::Conflict(Conflict::AlreadyExists(ResourceKind::AmplifyBranch)))
    );
    store
        .create_branch(&b("d1", "dev"), &branch_arn(r, "d1", "dev"), &Tags::new(), 2)
        .await
        .expect("second of two");
    assert_eq!(
        store
            .create_branch(&b("d1", "third"), &branch_arn(r, "d1", "third"), &Tags::new(), 2)
            .await,
        Err(Error::QuotaExceeded)
    );
    store
        .create_branch(&b("d2", "main"), &branch_arn(r, "d2", "main"), &Tags::new(), 2)
        .await
        .expect("the quota is per app");
    assert_eq!(store.branches(r, "d1", ALL).await.expect("list").len(), 2);
}

// ---- tags of Amplify resources ----

pub async fn amplify_resources_take_tags_while_they_exist(store: &dyn Store) {
    let r = "us-east-2";
    app_with_branches(store, r, "d1", &["main"]).await;
    let job = store.create_job(&new_job(r, "d1", "main", at(10))).await.expect("job");
    let app = TaggedResource::AmplifyApp {
        region: r.to_owned(),
        app_id: "d1".to_owned(),
    };
    let main = TaggedResource::AmplifyBranch {
        region: r.to_owned(),
        app_id: "d1".to_owned(),
        branch_name: "main".to_owned(),
    };
    let job_resource = |number| TaggedResource::AmplifyJob {
        region: r.to_owned(),
        app_id: "d1".to_owned(),
        branch_name: "main".to_owned(),
        number,
    };
    let t = tags(&[("team", "web")]);
    store.tag(&app, &app_arn(r, "d1"), &t, 50).await.expect("app");
    store
        .tag(&main, &branch_arn(r, "d1", "main"), &t, 50)
        .await
        .expect("branch");
    store
        .tag(&job_resource(job.number), &job_arn(r, "d1", "main", job.number), &t, 50)
        .await
        .expect("job");
    assert_eq!(store.tags(&job_arn(r, "d1", "main", 1)).await.expect("tags"), t);

    let missing = [
        (
            TaggedResource::AmplifyApp {
                region: "eu-west-3".to_owned(),
                app_id: "d1".to_owned(),
            },
            ResourceKind::AmplifyApp,
        ),
        (
            TaggedResource::AmplifyBranch {
                region: r.to_owned(),
                app_id: "d1".to_owned(),
                branch_name: "dev".to_owned(),
            },
            ResourceKind::AmplifyBranch,
        ),
        (job_resource(2), ResourceKind::AmplifyJob),
    ];
    for (resource, kind) in missing {
        assert_eq!(
            store.tag(&resource, "arn:missing", &t, 50).await,
            Err(Error::NotFound(kind)),
            "{resource:?}"
        );
    }
    assert!(store.tags("arn:missing").await.expect("tags").is_empty());
}

// ---- domain associations, webhooks, backend environments ----

pub async fn amplify_domain_associations_round_trip(store: &dyn Store) {
    let r = "sa-east-1";
    assert_eq!(
        store
            .create_domain_association(&domain(r, "dnone", "example.com"))
            .await,
        Err(Error::NotFound(ResourceKind::AmplifyApp))
    );
    app_with_branches(store, r, "d1", &["main"]).await;
    app_with_branches(store, r, "d2", &["main"]).await;
    for name in ["b.example.com", "a.example.com"] {
        store
            .create_domain_association(&domain(r, "d1", name))
            .await
            .expect("create");
    }
    assert_eq!(
        store.create_domain_association(&domain(r, "d2", "a.example.com")).await,
        Err(Error::Conflict(Conflict::AlreadyExists(
            ResourceKind::AmplifyDomainAssociation
        ))),
        "a domain belongs to one app of the region"
    );
    store
        .create_domain_association(&domain("sa-west-9", "d2", "a.example.com"))
        .await
        .expect_err("no app d2 there");

    let listed = store.domain_associations(r, "d1", ALL).await.expect("list");
    assert_eq!(
        listed.iter().map(|l| l.item.domain_name.as_str()).collect::<Vec<_>>(),
        ["b.example.com", "a.example.com"]
    );
    let rest = store
        .domain_associations(r, "d1", page(Some(listed[0].cursor), 10))
        .await
        .expect("page");
    assert_eq!(rest.len(), 1);
    assert!(store.domain_associations(r, "d2", ALL).await.expect("list").is_empty());

    let mut changed = domain(r, "d1", "a.example.com");
    changed.sub_domains.push(SubDomain {
        prefix: String::new(),
        branch_name: "main".to_owned(),
    });
    changed.enable_auto_sub_domain = true;
    store.update_domain_association(&changed).await.expect("update");
    assert_eq!(
        store.domain_association(r, "d1", "a.example.com").await.expect("get"),
        Some(changed.clone())
    );
    assert_eq!(
        store.domain_association(r, "d2", "a.example.com").await.expect("get"),
        None
    );
    assert_eq!(
        store.update_domain_association(&domain(r, "d2", "a.example.com")).await,
        Err(Error::NotFound(ResourceKind::AmplifyDomainAssociation))
    );
    assert_eq!(
        store.delete_domain_association(r, "d1", "a.example.com").await,
        Ok(changed)
    );
    assert_eq!(
        store.delete_domain_association(r, "d1", "a.example.com").await,
        Err(Error::NotFound(ResourceKind::AmplifyDomainAssociation))
    );
    store
        .create_domain_association(&domain(r, "d2", "a.example.com"))
        .await
        .expect("free again");
}

pub async fn amplify_webhooks_round_trip(store: &dyn Store) {
    let r = "ca-central-1";
    assert_eq!(
        store.create_webhook(&webhook(r, "dnone", "w0")).await,
        Err(Error::NotFound(ResourceKind::AmplifyApp))
    );
    app_with_branches(store, r, "d1", &["main"]).await;
    app_with_branches(store, r, "d2", &["main"]).await;
    for (app, id) in [("d1", "w2"), ("d2", "w9"), ("d1", "w1")] {
        store.create_webhook(&webhook(r, app, id)).await.expect("create");
    }
    assert_eq!(
        store.create_webhook(&webhook(r, "d2", "w1")).await,
        Err(Error::Conflict(Conflict::AlreadyExists(ResourceKind::AmplifyWebhook))),
        "webhook IDs are unique in a region"
    );
    let listed = store.webhooks(r, "d1", ALL).await.expect("list");
    assert_eq!(
        listed.iter().map(|l| l.item.webhook_id.as_str()).collect::<Vec<_>>(),
        ["w2", "w1"]
    );
    let rest = store
        .webhooks(r, "d1", page(Some(listed[0].cursor), 1))
        .await
        .expect("page");
    assert_eq!(rest.len(), 1);
    assert_eq!(store.webhook(r, "w9").await.expect("get"), Some(webhook(r, "d2", "w9")));
    assert_eq!(store.webhook("eu-west-1", "w9").await.expect("get"), None);

    let changed = Webhook {
        branch_name: "dev".to_owned(),
        description: "changed".to_owned(),
        update_time: at(60),
        ..webhook(r, "d2", "w9")
    };
    store.update_webhook(&changed).await.expect("update");
    assert_eq!(store.webhook(r, "w9").await.expect("get"), Some(changed.clone()));
    assert_eq!(
        store.update_webhook(&webhook(r, "d1", "wmissing")).await,
        Err(Error::NotFound(ResourceKind::AmplifyWebhook))
    );
    assert_eq!(store.delete_webhook(r, "w9").await, Ok(changed));
    assert_eq!(
        store.delete_webhook(r, "w9").await,
        Err(Error::NotFound(ResourceKind::AmplifyWebhook))
    );
}

pub async fn amplify_backend_environments_round_trip(store: &dyn Store) {
    let r = "me-south-1";
    assert_eq!(
        store.create_backend_environment(&backend(r, "dnone", "prod")).await,
        Err(Error::NotFound(ResourceKind::AmplifyApp))
    );
    app_with_branches(store, r, "d1", &[]).await;
    app_with_branches(store, r, "d2", &[]).await;
    for name in ["staging", "prod"] {
        store
            .create_backend_environment(&backend(r, "d1", name))
            .await
            .expect("create");
    }
    store
        .create_backend_environment(&backend(r, "d2", "prod"))
        .await
        .expect("names are per app");
    assert_eq!(
        store.create_backend_environment(&backend(r, "d1", "prod")).await,
        Err(Error::Conflict(Conflict::AlreadyExists(
            ResourceKind::AmplifyBackendEnvironment
        )))
    );
    let listed = store.backend_environments(r, "d1", ALL).await.expect("list");
    assert_eq!(
        listed
            .iter()
            .map(|l| l.item.environment_name.as_str())
            .collect::<Vec<_>>(),
        ["staging", "prod"]
    );
    let rest = store
        .backend_environments(r, "d1", page(Some(listed[0].cursor), 1))
        .await
        .expect("page");
    assert_eq!(rest.len(), 1);
    assert_eq!(
        store.backend_environment(r, "d1", "prod").await.expect("get"),
        Some(backend(r, "d1", "prod"))
    );
    assert_eq!(
        store.delete_backend_environment(r, "d1", "prod").await,
        Ok(backend(r, "d1", "prod"))
    );
    assert_eq!(store.backend_environment(r, "d1", "prod").await.expect("get"), None);
    assert_eq!(
        store.delete_backend_environment(r, "d1", "prod").await,
        Err(Error::NotFound(ResourceKind::AmplifyBackendEnvironment))
    );
    assert!(store.backend_environment(r, "d2", "prod").await.expect("get").is_some());
}
