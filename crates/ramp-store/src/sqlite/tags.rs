//! Tags, keyed by resource ARN: written with the resource, removed with it, and edited on their own.

use ramp_domain::entities::Tags;
use ramp_domain::store::{Error, ResourceKind, Result, TaggedResource};
use rusqlite::{Connection, params};

use super::sql::{all_rows, count, execute, must_exist};
use crate::Db;

pub(super) fn get(conn: &Connection, arn: &str) -> Result<Tags> {
    all_rows(conn, "SELECT key, value FROM tags WHERE arn = ?1", [arn], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
    })
}

/// Adds or replaces `tags` on `arn`, the ARN of `resource`: `NotFound` unless `resource`
/// exists, and refusing a result of more than `max` tags.
pub(super) fn tag(conn: &Connection, resource: &TaggedResource, arn: &str, tags: &Tags, max: usize) -> Result<()> {
    must_exist_tagged(conn, resource)?;
    put(conn, arn, tags)?;
    let n = count(conn, "SELECT COUNT(*) FROM tags WHERE arn = ?1", arn)?;
    // The job's savepoint undoes the upserts above when this fails.
    if usize::try_from(n).unwrap_or(usize::MAX) > max {
        return Err(Error::QuotaExceeded);
    }
    Ok(())
}

/// `NotFound` unless the row `resource` names exists, in its region.
fn must_exist_tagged(conn: &Connection, resource: &TaggedResource) -> Result<()> {
    match resource {
        TaggedResource::Application { region, id } => must_exist(
            conn,
            "SELECT 1 FROM applications WHERE region = ?1 AND id = ?2",
            [region, id],
            ResourceKind::Application,
        ),
        TaggedResource::Environment {
            region,
            application_id,
            id,
        } => must_exist(
            conn,
            "SELECT 1 FROM environments e JOIN applications a ON a.id = e.application_id \
             WHERE a.region = ?1 AND e.application_id = ?2 AND e.id = ?3",
            [region, application_id, id],
            ResourceKind::Environment,
        ),
        TaggedResource::ConfigurationProfile {
            region,
            application_id,
            id,
        } => must_exist(
            conn,
            "SELECT 1 FROM configuration_profiles p JOIN applications a ON a.id = p.application_id \
             WHERE a.region = ?1 AND p.application_id = ?2 AND p.id = ?3",
            [region, application_id, id],
            ResourceKind::ConfigurationProfile,
        ),
        TaggedResource::DeploymentStrategy { region, id } => must_exist(
            conn,
            "SELECT 1 FROM deployment_strategies WHERE region = ?1 AND id = ?2",
            [region, id],
            ResourceKind::DeploymentStrategy,
        ),
        TaggedResource::Deployment {
            region,
            application_id,
            environment_id,
            number,
        } => must_exist(
            conn,
            "SELECT 1 FROM deployments d JOIN applications a ON a.id = d.application_id \
             WHERE a.region = ?1 AND d.application_id = ?2 AND d.environment_id = ?3 AND d.deployment_number = ?4",
            params![region, application_id, environment_id, number],
            ResourceKind::Deployment,
        ),
        TaggedResource::Extension { region, id, version } => must_exist(
            conn,
            "SELECT 1 FROM extension_versions WHERE region = ?1 AND id = ?2 AND version_number = ?3",
            params![region, id, version],
            ResourceKind::Extension,
        ),
        TaggedResource::ExtensionAssociation { region, id } => must_exist(
            conn,
            "SELECT 1 FROM extension_associations WHERE region = ?1 AND id = ?2",
            [region, id],
            ResourceKind::ExtensionAssociation,
        ),
        TaggedResource::Predefined => Ok(()),
        TaggedResource::AmplifyApp { region, app_id } => must_exist(
            conn,
            "SELECT 1 FROM amplify_apps WHERE region = ?1 AND app_id = ?2",
            [region, app_id],
            ResourceKind::AmplifyApp,
        ),
        TaggedResource::AmplifyBranch {
            region,
            app_id,
            branch_name,
        } => must_exist(
            conn,
            "SELECT 1 FROM amplify_branches WHERE region = ?1 AND app_id = ?2 AND branch_name = ?3",
            [region, app_id, branch_name],
            ResourceKind::AmplifyBranch,
        ),
        TaggedResource::AmplifyJob {
            region,
            app_id,
            branch_name,
            number,
        } => must_exist(
            conn,
            "SELECT 1 FROM amplify_jobs WHERE region = ?1 AND app_id = ?2 AND branch_name = ?3 AND number = ?4",
            params![region, app_id, branch_name, number],
            ResourceKind::AmplifyJob,
        ),
    }
}

pub(super) fn untag(conn: &Connection, arn: &str, keys: &[String]) -> Result<()> {
    let mut delete = conn
        .prepare_cached("DELETE FROM tags WHERE arn = ?1 AND key = ?2")
        .db()?;
    for key in keys {
        delete.execute([arn, key.as_str()]).db()?;
    }
    Ok(())
}

/// Adds or replaces `tags` on `arn`, without a limit (a new resource's tags are checked before).
pub(super) fn put(conn: &Connection, arn: &str, tags: &Tags) -> Result<()> {
    let mut insert = conn
        .prepare_cached(
            "INSERT INTO tags (arn, key, value) VALUES (?1, ?2, ?3) \
             ON CONFLICT (arn, key) DO UPDATE SET value = excluded.value",
        )
        .db()?;
    for (key, value) in tags {
        insert.execute(params![arn, key, value]).db()?;
    }
    Ok(())
}

pub(super) fn delete(conn: &Connection, arn: &str) -> Result<()> {
    execute(conn, "DELETE FROM tags WHERE arn = ?1", [arn])?;
    Ok(())
}

/// Deletes the tags of `arn` and of every ARN below it (`arn/...`). The range `[arn/, arn0)`
/// holds exactly the strings starting with `arn/` under binary collation ('0' follows '/').
pub(super) fn delete_below(conn: &Connection, arn: &str) -> Result<()> {
    execute(
        conn,
        "DELETE FROM tags WHERE arn = ?1 OR (arn >= ?1 || '/' AND arn < ?1 || '0')",
        [arn],
    )?;
    Ok(())
}
