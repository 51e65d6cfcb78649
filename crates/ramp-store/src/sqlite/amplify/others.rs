//! Domain associations (a domain belongs to one app of a region), webhooks (IDs unique in a
//! region) and backend environments (names unique in an app): documents under an app.

use ramp_domain::amplify::{BackendEnvironment, DomainAssociation, Webhook};
use ramp_domain::store::{Error, Listed, ResourceKind, Result, Slice};
use rusqlite::{Connection, params};

use super::apps;
use super::docs::{bump_generation, listed};
use crate::rows::{after_ascending, limit};
use crate::sqlite::sql::{all_rows, changed, execute, insert, optional_item};

// ---- domain associations ----

pub(super) fn create_domain(conn: &Connection, domain: &DomainAssociation, doc: &str) -> Result<()> {
    apps::require(conn, &domain.region, &domain.app_id)?;
    insert(
        conn,
        "INSERT INTO amplify_domains (region, app_id, domain_name, doc) VALUES (?1, ?2, ?3, ?4)",
        params![domain.region, domain.app_id, domain.domain_name, doc],
        ResourceKind::AmplifyDomainAssociation,
    )?;
    bump_generation(conn)
}

pub(super) fn domain(
    conn: &Connection,
    region: &str,
    app_id: &str,
    domain_name: &str,
) -> Result<Option<DomainAssociation>> {
    optional_item(
        conn,
        "SELECT seq, doc FROM amplify_domains WHERE region = ?1 AND app_id = ?2 AND domain_name = ?3",
        [region, app_id, domain_name],
        listed,
    )
}

pub(super) fn domains(
    conn: &Connection,
    region: &str,
    app_id: &str,
    slice: Slice,
) -> Result<Vec<Listed<DomainAssociation>>> {
    all_rows(
        conn,
        "SELECT seq, doc FROM amplify_domains WHERE region = ?1 AND app_id = ?2 AND seq > ?3 ORDER BY seq LIMIT ?4",
        params![region, app_id, after_ascending(slice), limit(slice)],
        listed,
    )
}

pub(super) fn update_domain(conn: &Connection, domain: &DomainAssociation, doc: &str) -> Result<()> {
    let n = execute(
        conn,
        "UPDATE amplify_domains SET doc = ?4 WHERE region = ?1 AND app_id = ?2 AND domain_name = ?3",
        params![domain.region, domain.app_id, domain.domain_name, doc],
    )?;
    changed(n, ResourceKind::AmplifyDomainAssociation)?;
    bump_generation(conn)
}

pub(super) fn delete_domain(
    conn: &Connection,
    region: &str,
    app_id: &str,
    domain_name: &str,
) -> Result<DomainAssociation> {
    let found =
        domain(conn, region, app_id, domain_name)?.ok_or(Error::NotFound(ResourceKind::AmplifyDomainAssociation))?;
    execute(
        conn,
        "DELETE FROM amplify_domains WHERE region = ?1 AND app_id = ?2 AND domain_name = ?3",
        [region, app_id, domain_name],
    )?;
    bump_generation(conn)?;
    Ok(found)
}

// ---- webhooks ----

pub(super) fn create_webhook(conn: &Connection, webhook: &Webhook, doc: &str) -> Result<()> {
    apps::require(conn, &webhook.region, &webhook.app_id)?;
    insert(
        conn,
        "INSERT INTO amplify_webhooks (region, app_id, webhook_id, doc) VALUES (?1, ?2, ?3, ?4)",
        params![webhook.region, webhook.app_id, webhook.webhook_id, doc],
        ResourceKind::AmplifyWebhook,
    )?;
    bump_generation(conn)
}

pub(super) fn webhook(conn: &Connection, region: &str, webhook_id: &str) -> Result<Option<Webhook>> {
    optional_item(
        conn,
        "SELECT seq, doc FROM amplify_webhooks WHERE region = ?1 AND webhook_id = ?2",
        [region, webhook_id],
        listed,
    )
}

pub(super) fn webhooks(conn: &Connection, region: &str, app_id: &str, slice: Slice) -> Result<Vec<Listed<Webhook>>> {
    all_rows(
        conn,
        "SELECT seq, doc FROM amplify_webhooks WHERE region = ?1 AND app_id = ?2 AND seq > ?3 ORDER BY seq LIMIT ?4",
        params![region, app_id, after_ascending(slice), limit(slice)],
        listed,
    )
}

/// The webhook keeps its app: only its document changes.
pub(super) fn update_webhook(conn: &Connection, webhook: &Webhook, doc: &str) -> Result<()> {
    let n = execute(
        conn,
        "UPDATE amplify_webhooks SET doc = ?3 WHERE region = ?1 AND webhook_id = ?2",
        params![webhook.region, webhook.webhook_id, doc],
    )?;
    changed(n, ResourceKind::AmplifyWebhook)?;
    bump_generation(conn)
}

pub(super) fn delete_webhook(conn: &Connection, region: &str, webhook_id: &str) -> Result<Webhook> {
    let found = webhook(conn, region, webhook_id)?.ok_or(Error::NotFound(ResourceKind::AmplifyWebhook))?;
    execute(
        conn,
        "DELETE FROM amplify_webhooks WHERE region = ?1 AND webhook_id = ?2",
        [region, webhook_id],
    )?;
    bump_generation(conn)?;
    Ok(found)
}

// ---- backend environments ----

pub(super) fn create_backend(conn: &Connection, environment: &BackendEnvironment, doc: &str) -> Result<()> {
    apps::require(conn, &environment.region, &environment.app_id)?;
    insert(
        conn,
        "INSERT INTO amplify_backend_environments (region, app_id, environment_name, doc) VALUES (?1, ?2, ?3, ?4)",
        params![
            environment.region,
            environment.app_id,
            environment.environment_name,
            doc
        ],
        ResourceKind::AmplifyBackendEnvironment,
    )?;
    bump_generation(conn)
}

pub(super) fn backend(conn: &Connection, region: &str, app_id: &str, name: &str) -> Result<Option<BackendEnvironment>> {
    optional_item(
        conn,
        "SELECT seq, doc FROM amplify_backend_environments WHERE region = ?1 AND app_id = ?2 AND environment_name = ?3",
        [region, app_id, name],
        listed,
    )
}

pub(super) fn backends(
    conn: &Connection,
    region: &str,
    app_id: &str,
    slice: Slice,
) -> Result<Vec<Listed<BackendEnvironment>>> {
    all_rows(
        conn,
        "SELECT seq, doc FROM amplify_backend_environments WHERE region = ?1 AND app_id = ?2 AND seq > ?3 \
         ORDER BY seq LIMIT ?4",
        params![region, app_id, after_ascending(slice), limit(slice)],
        listed,
    )
}

pub(super) fn delete_backend(conn: &Connection, region: &str, app_id: &str, name: &str) -> Result<BackendEnvironment> {
    let found = backend(conn, region, app_id, name)?.ok_or(Error::NotFound(ResourceKind::AmplifyBackendEnvironment))?;
    execute(
        conn,
        "DELETE FROM amplify_backend_environments WHERE region = ?1 AND app_id = ?2 AND environment_name = ?3",
        [region, app_id, name],
    )?;
    bump_generation(conn)?;
    Ok(found)
}
