//! Tags, keyed by resource ARN: written with the resource, removed with it, and edited on their own.

use ramp_domain::entities::Tags;
use ramp_domain::store::{Error, ResourceKind, Result, TaggedResource};
use sqlx::{PgConnection, PgExecutor, query};

use crate::sql::{all_rows, execute, get, lock, must_exist, one_row};

pub(crate) async fn get_all<'c>(executor: impl PgExecutor<'c>, arn: &str) -> Result<Tags> {
    let found = all_rows(executor, query("SELECT key, value FROM tags WHERE arn = $1").bind(arn)).await?;
    found
        .iter()
        .map(|row| Ok((get::<String>(row, 0)?, get::<String>(row, 1)?)))
        .collect()
}

/// Adds or replaces `tags` on `arn`, the ARN of `resource`, refusing a result of more than
/// `max` tags. `NotFound` unless `resource` exists: its row is locked `FOR KEY SHARE` first
/// (before the tags, in the crate's lock order), which a delete's `FOR UPDATE` or `DELETE`
/// waits for and which waits for them, so a delete either comes after and removes these tags
/// or comes before and is seen. Ordinary updates of the row take no conflicting lock. Concurrent
/// calls on one ARN take turns (advisory lock), so two of them can't each add the last tag the
/// limit allows.
pub(crate) async fn tag(
    conn: &mut PgConnection,
    resource: &TaggedResource,
    arn: &str,
    tags: &Tags,
    max: usize,
) -> Result<()> {
    lock_tagged(conn, resource).await?;
    put(conn, arn, tags).await?;
    let n: i64 = get(
        &one_row(&mut *conn, query("SELECT COUNT(*) FROM tags WHERE arn = $1").bind(arn)).await?,
        0,
    )?;
    // The transaction is rolled back when this fails, undoing the upserts above.
    if usize::try_from(n).unwrap_or(usize::MAX) > max {
        return Err(Error::QuotaExceeded);
    }
    Ok(())
}

/// `NotFound` unless the row `resource` names exists in its region; locks it `FOR KEY SHARE`.
async fn lock_tagged(conn: &mut PgConnection, resource: &TaggedResource) -> Result<()> {
    let (check, kind) = match resource {
        TaggedResource::Application { region, id } => (
            query("SELECT 1 FROM applications WHERE region = $1 AND id = $2 FOR KEY SHARE")
                .bind(region)
                .bind(id),
            ResourceKind::Application,
        ),
        TaggedResource::Environment {
            region,
            application_id,
            id,
        } => (
            query(
                "SELECT 1 FROM environments e JOIN applications a ON a.id = e.application_id \
                 WHERE a.region = $1 AND e.application_id = $2 AND e.id = $3 FOR KEY SHARE OF e",
            )
            .bind(region)
            .bind(application_id)
            .bind(id),
            ResourceKind::Environment,
        ),
        TaggedResource::ConfigurationProfile {
            region,
            application_id,
            id,
        } => (
            query(
                "SELECT 1 FROM configuration_profiles p JOIN applications a ON a.id = p.application_id \
                 WHERE a.region = $1 AND p.application_id = $2 AND p.id = $3 FOR KEY SHARE OF p",
            )
            .bind(region)
            .bind(application_id)
            .bind(id),
            ResourceKind::ConfigurationProfile,
        ),
        TaggedResource::DeploymentStrategy { region, id } => (
            query("SELECT 1 FROM deployment_strategies WHERE region = $1 AND id = $2 FOR KEY SHARE")
                .bind(region)
                .bind(id),
            ResourceKind::DeploymentStrategy,
        ),
        TaggedResource::Deployment {
            region,
            application_id,
            environment_id,
            number,
        } => (
            query(
                "SELECT 1 FROM deployments d JOIN applications a ON a.id = d.application_id \
                 WHERE a.region = $1 AND d.application_id = $2 AND d.environment_id = $3 \
                 AND d.deployment_number = $4 FOR KEY SHARE OF d",
            )
            .bind(region)
            .bind(application_id)
            .bind(environment_id)
            .bind(number),
            ResourceKind::Deployment,
        ),
        TaggedResource::Extension { region, id, version } => (
            query(
                "SELECT 1 FROM extension_versions WHERE region = $1 AND id = $2 AND version_number = $3 \
                 FOR KEY SHARE",
            )
            .bind(region)
            .bind(id)
            .bind(version),
            ResourceKind::Extension,
        ),
        TaggedResource::ExtensionAssociation { region, id } => (
            query("SELECT 1 FROM extension_associations WHERE region = $1 AND id = $2 FOR KEY SHARE")
                .bind(region)
                .bind(id),
            ResourceKind::ExtensionAssociation,
        ),
        TaggedResource::Predefined => return Ok(()),
        TaggedResource::AmplifyApp { region, app_id } => (
            query("SELECT 1 FROM amplify_apps WHERE region = $1 AND app_id = $2 FOR KEY SHARE")
                .bind(region)
                .bind(app_id),
            ResourceKind::AmplifyApp,
        ),
        TaggedResource::AmplifyBranch {
            region,
            app_id,
            branch_name,
        } => (
            query(
                "SELECT 1 FROM amplify_branches WHERE region = $1 AND app_id = $2 AND branch_name = $3 \
                 FOR KEY SHARE",
            )
            .bind(region)
            .bind(app_id)
            .bind(branch_name),
            ResourceKind::AmplifyBranch,
        ),
        TaggedResource::AmplifyJob {
            region,
            app_id,
            branch_name,
            number,
        } => (
            query(
                "SELECT 1 FROM amplify_jobs WHERE region = $1 AND app_id = $2 AND branch_name = $3 \
                 AND number = $4 FOR KEY SHARE",
            )
            .bind(region)
            .bind(app_id)
            .bind(branch_name)
            .bind(number),
            ResourceKind::AmplifyJob,
        ),
    };
    must_exist(conn, check, kind).await
}

pub(crate) async fn untag(conn: &mut PgConnection, arn: &str, keys: &[String]) -> Result<()> {
    execute(
        conn,
        query("DELETE FROM tags WHERE arn = $1 AND key = ANY($2)")
            .bind(arn)
            .bind(keys),
    )
    .await?;
    Ok(())
}

/// Adds or replaces `tags` on `arn` (one statement for all of them), without a limit (a new
/// resource's tags are checked before). Takes the ARN's lock first: see [`tag`].
pub(crate) async fn put(conn: &mut PgConnection, arn: &str, tags: &Tags) -> Result<()> {
    if tags.is_empty() {
        return Ok(());
    }
    lock(conn, "tags", arn).await?;
    let (keys, values): (Vec<&str>, Vec<&str>) = tags.iter().map(|(k, v)| (k.as_str(), v.as_str())).unzip();
    execute(
        conn,
        query(
            "INSERT INTO tags (arn, key, value) SELECT $1, k, v FROM UNNEST($2::text[], $3::text[]) AS t (k, v) \
             ON CONFLICT (arn, key) DO UPDATE SET value = excluded.value",
        )
        .bind(arn)
        .bind(keys)
        .bind(values),
    )
    .await?;
    Ok(())
}

pub(crate) async fn delete(conn: &mut PgConnection, arn: &str) -> Result<()> {
    execute(conn, query("DELETE FROM tags WHERE arn = $1").bind(arn)).await?;
    Ok(())
}

/// Deletes the tags of `arn` and of every ARN below it (`arn/...`). The range `[arn/, arn0)`
/// holds exactly the strings starting with `arn/` under the column's bytewise "C" collation
/// ('0' follows '/'), and is served by the primary key.
pub(crate) async fn delete_below(conn: &mut PgConnection, arn: &str) -> Result<()> {
    execute(
        conn,
        query("DELETE FROM tags WHERE arn = $1 OR (arn >= $1 || '/' AND arn < $1 || '0')").bind(arn),
    )
    .await?;
    Ok(())
}
