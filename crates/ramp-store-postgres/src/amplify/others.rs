//! Domain associations (a domain belongs to one app of a region), webhooks (IDs unique in a
//! region) and backend environments (names unique in an app): documents under an app, each
//! created under its app's `FOR KEY SHARE` lock (the app's delete waits for it).

use ramp_domain::amplify::{BackendEnvironment, DomainAssociation, Webhook};
use ramp_domain::store::{Error, Listed, ResourceKind, Result, Slice};
use sqlx::{PgConnection, PgExecutor, query};

use super::apps;
use super::docs::{bump_generation, listed};
use crate::rows::{after_ascending, each, limit};
use crate::sql::{Query, all_rows, changed, execute, insert, optional_row};

/// The document `query` (`SELECT seq, doc …`) selects, if any.
async fn one<'c, T: serde::de::DeserializeOwned>(executor: impl PgExecutor<'c>, query: Query) -> Result<Option<T>> {
    let row = optional_row(executor, query).await?;
    row.map(|r| listed(&r).map(|l| l.item)).transpose()
}

/// The listed documents `query` selects.
async fn many<'c, T: serde::de::DeserializeOwned>(
    executor: impl PgExecutor<'c>,
    query: Query,
) -> Result<Vec<Listed<T>>> {
    each(&all_rows(executor, query).await?, listed)
}

/// Deletes what `delete` selects after reading it with `select` (`… FOR UPDATE`).
async fn remove<T: serde::de::DeserializeOwned>(
    conn: &mut PgConnection,
    select: Query,
    delete: Query,
    kind: ResourceKind,
) -> Result<T> {
    let found: T = one(&mut *conn, select).await?.ok_or(Error::NotFound(kind))?;
    execute(&mut *conn, delete).await?;
    bump_generation(conn).await?;
    Ok(found)
}

// ---- domain associations ----

pub(super) async fn create_domain(conn: &mut PgConnection, d: &DomainAssociation, doc: &str) -> Result<()> {
    apps::require(conn, &d.region, &d.app_id).await?;
    insert(
        conn,
        query("INSERT INTO amplify_domains (region, app_id, domain_name, doc) VALUES ($1, $2, $3, $4)")
            .bind(&d.region)
            .bind(&d.app_id)
            .bind(&d.domain_name)
            .bind(doc.to_owned()),
        ResourceKind::AmplifyDomainAssociation,
    )
    .await?;
    bump_generation(conn).await
}

pub(super) async fn domain<'c>(
    executor: impl PgExecutor<'c>,
    region: &str,
    app_id: &str,
    domain_name: &str,
) -> Result<Option<DomainAssociation>> {
    one(
        executor,
        query("SELECT seq, doc FROM amplify_domains WHERE region = $1 AND app_id = $2 AND domain_name = $3")
            .bind(region.to_owned())
            .bind(app_id.to_owned())
            .bind(domain_name.to_owned()),
    )
    .await
}

pub(super) async fn domains<'c>(
    executor: impl PgExecutor<'c>,
    region: &str,
    app_id: &str,
    slice: Slice,
) -> Result<Vec<Listed<DomainAssociation>>> {
    many(
        executor,
        query(
            "SELECT seq, doc FROM amplify_domains WHERE region = $1 AND app_id = $2 AND seq > $3 ORDER BY seq LIMIT $4",
        )
        .bind(region.to_owned())
        .bind(app_id.to_owned())
        .bind(after_ascending(slice))
        .bind(limit(slice)),
    )
    .await
}

pub(super) async fn update_domain(conn: &mut PgConnection, d: &DomainAssociation, doc: &str) -> Result<()> {
    let n = execute(
        &mut *conn,
        query("UPDATE amplify_domains SET doc = $4 WHERE region = $1 AND app_id = $2 AND domain_name = $3")
            .bind(&d.region)
            .bind(&d.app_id)
            .bind(&d.domain_name)
            .bind(doc.to_owned()),
    )
    .await?;
    changed(n, ResourceKind::AmplifyDomainAssociation)?;
    bump_generation(conn).await
}

pub(super) async fn delete_domain(
    conn: &mut PgConnection,
    region: &str,
    app_id: &str,
    domain_name: &str,
) -> Result<DomainAssociation> {
    let key = (region.to_owned(), app_id.to_owned(), domain_name.to_owned());
    remove(
        conn,
        query("SELECT seq, doc FROM amplify_domains WHERE region = $1 AND app_id = $2 AND domain_name = $3 FOR UPDATE")
            .bind(key.0.clone())
            .bind(key.1.clone())
            .bind(key.2.clone()),
        query("DELETE FROM amplify_domains WHERE region = $1 AND app_id = $2 AND domain_name = $3")
            .bind(key.0)
            .bind(key.1)
            .bind(key.2),
        ResourceKind::AmplifyDomainAssociation,
    )
    .await
}

// ---- webhooks ----

pub(super) async fn create_webhook(conn: &mut PgConnection, w: &Webhook, doc: &str) -> Result<()> {
    apps::require(conn, &w.region, &w.app_id).await?;
    insert(
        conn,
        query("INSERT INTO amplify_webhooks (region, app_id, webhook_id, doc) VALUES ($1, $2, $3, $4)")
            .bind(&w.region)
            .bind(&w.app_id)
            .bind(&w.webhook_id)
            .bind(doc.to_owned()),
        ResourceKind::AmplifyWebhook,
    )
    .await?;
    bump_generation(conn).await
}

pub(super) async fn webhook<'c>(
    executor: impl PgExecutor<'c>,
    region: &str,
    webhook_id: &str,
) -> Result<Option<Webhook>> {
    one(
        executor,
        query("SELECT seq, doc FROM amplify_webhooks WHERE region = $1 AND webhook_id = $2")
            .bind(region.to_owned())
            .bind(webhook_id.to_owned()),
    )
    .await
}

pub(super) async fn webhooks<'c>(
    executor: impl PgExecutor<'c>,
    region: &str,
    app_id: &str,
    slice: Slice,
) -> Result<Vec<Listed<Webhook>>> {
    many(
        executor,
        query("SELECT seq, doc FROM amplify_webhooks WHERE region = $1 AND app_id = $2 AND seq > $3 ORDER BY seq LIMIT $4")
            .bind(region.to_owned())
            .bind(app_id.to_owned())
            .bind(after_ascending(slice))
            .bind(limit(slice)),
    )
    .await
}

/// The webhook keeps its app: only its document changes.
pub(super) async fn update_webhook(conn: &mut PgConnection, w: &Webhook, doc: &str) -> Result<()> {
    let n = execute(
        &mut *conn,
        query("UPDATE amplify_webhooks SET doc = $3 WHERE region = $1 AND webhook_id = $2")
            .bind(&w.region)
            .bind(&w.webhook_id)
            .bind(doc.to_owned()),
    )
    .await?;
    changed(n, ResourceKind::AmplifyWebhook)?;
    bump_generation(conn).await
}

pub(super) async fn delete_webhook(conn: &mut PgConnection, region: &str, webhook_id: &str) -> Result<Webhook> {
    remove(
        conn,
        query("SELECT seq, doc FROM amplify_webhooks WHERE region = $1 AND webhook_id = $2 FOR UPDATE")
            .bind(region.to_owned())
            .bind(webhook_id.to_owned()),
        query("DELETE FROM amplify_webhooks WHERE region = $1 AND webhook_id = $2")
            .bind(region.to_owned())
            .bind(webhook_id.to_owned()),
        ResourceKind::AmplifyWebhook,
    )
    .await
}

// ---- backend environments ----

pub(super) async fn create_backend(conn: &mut PgConnection, e: &BackendEnvironment, doc: &str) -> Result<()> {
    apps::require(conn, &e.region, &e.app_id).await?;
    insert(
        conn,
        query(
            "INSERT INTO amplify_backend_environments (region, app_id, environment_name, doc) VALUES ($1, $2, $3, $4)",
        )
        .bind(&e.region)
        .bind(&e.app_id)
        .bind(&e.environment_name)
        .bind(doc.to_owned()),
        ResourceKind::AmplifyBackendEnvironment,
    )
    .await?;
    bump_generation(conn).await
}

pub(super) async fn backend<'c>(
    executor: impl PgExecutor<'c>,
    region: &str,
    app_id: &str,
    name: &str,
) -> Result<Option<BackendEnvironment>> {
    one(
        executor,
        query(
            "SELECT seq, doc FROM amplify_backend_environments \
             WHERE region = $1 AND app_id = $2 AND environment_name = $3",
        )
        .bind(region.to_owned())
        .bind(app_id.to_owned())
        .bind(name.to_owned()),
    )
    .await
}

pub(super) async fn backends<'c>(
    executor: impl PgExecutor<'c>,
    region: &str,
    app_id: &str,
    slice: Slice,
) -> Result<Vec<Listed<BackendEnvironment>>> {
    many(
        executor,
        query(
            "SELECT seq, doc FROM amplify_backend_environments WHERE region = $1 AND app_id = $2 AND seq > $3 \
             ORDER BY seq LIMIT $4",
        )
        .bind(region.to_owned())
        .bind(app_id.to_owned())
        .bind(after_ascending(slice))
        .bind(limit(slice)),
    )
    .await
}

pub(super) async fn delete_backend(
    conn: &mut PgConnection,
    region: &str,
    app_id: &str,
    name: &str,
) -> Result<BackendEnvironment> {
    let key = (region.to_owned(), app_id.to_owned(), name.to_owned());
    remove(
        conn,
        query(
            "SELECT seq, doc FROM amplify_backend_environments \
             WHERE region = $1 AND app_id = $2 AND environment_name = $3 FOR UPDATE",
        )
        .bind(key.0.clone())
        .bind(key.1.clone())
        .bind(key.2.clone()),
        query("DELETE FROM amplify_backend_environments WHERE region = $1 AND app_id = $2 AND environment_name = $3")
            .bind(key.0)
            .bind(key.1)
            .bind(key.2),
        ResourceKind::AmplifyBackendEnvironment,
    )
    .await
}
