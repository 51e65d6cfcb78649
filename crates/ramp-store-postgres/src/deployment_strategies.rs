//! Deployment strategies: per region, with no parent.

use ramp_domain::entities::{DeploymentStrategy, Tags};
use ramp_domain::store::{Listed, ResourceKind, Result, Slice};
use sqlx::{PgConnection, PgExecutor, query};

use crate::rows::{self, after_ascending, each, limit};
use crate::sql::{all_rows, changed, execute, insert, lock, optional_row, within_quota};
use crate::tags;

/// Counted under an advisory lock on the region, as applications are.
pub(crate) async fn create(
    conn: &mut PgConnection,
    strategy: &DeploymentStrategy,
    arn: &str,
    tags: &Tags,
    max: u64,
) -> Result<()> {
    lock(conn, "deployment_strategies", &strategy.region).await?;
    within_quota(
        conn,
        query("SELECT COUNT(*) FROM deployment_strategies WHERE region = $1").bind(&strategy.region),
        max,
    )
    .await?;
    insert(
        conn,
        query(
            "INSERT INTO deployment_strategies \
             (id, region, name, description, deployment_duration_in_minutes, growth_type, growth_factor, \
              final_bake_time_in_minutes, replicate_to, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&strategy.id)
        .bind(&strategy.region)
        .bind(&strategy.name)
        .bind(&strategy.description)
        .bind(strategy.deployment_duration_in_minutes)
        .bind(strategy.growth_type.as_str())
        .bind(strategy.growth_factor)
        .bind(strategy.final_bake_time_in_minutes)
        .bind(&strategy.replicate_to)
        .bind(strategy.created_at.millis()),
        ResourceKind::DeploymentStrategy,
    )
    .await?;
    tags::put(conn, arn, tags).await
}

pub(crate) async fn get<'c>(
    executor: impl PgExecutor<'c>,
    region: &str,
    id: &str,
) -> Result<Option<DeploymentStrategy>> {
    let sql = concat!(
        "SELECT ",
        rows::strategy_columns!(),
        " FROM deployment_strategies WHERE id = $1 AND region = $2"
    );
    let row = optional_row(executor, query(sql).bind(id).bind(region)).await?;
    row.map(|r| rows::strategy(&r).map(|l| l.item)).transpose()
}

pub(crate) async fn list<'c>(
    executor: impl PgExecutor<'c>,
    region: &str,
    slice: Slice,
) -> Result<Vec<Listed<DeploymentStrategy>>> {
    let sql = concat!(
        "SELECT ",
        rows::strategy_columns!(),
        " FROM deployment_strategies WHERE region = $1 AND seq > $2 ORDER BY seq LIMIT $3"
    );
    let found = all_rows(
        executor,
        query(sql).bind(region).bind(after_ascending(slice)).bind(limit(slice)),
    )
    .await?;
    each(&found, rows::strategy)
}

pub(crate) async fn update<'c>(executor: impl PgExecutor<'c>, strategy: &DeploymentStrategy) -> Result<()> {
    let n = execute(
        executor,
        query(
            "UPDATE deployment_strategies SET name = $3, description = $4, \
             deployment_duration_in_minutes = $5, growth_type = $6, growth_factor = $7, \
             final_bake_time_in_minutes = $8, replicate_to = $9 WHERE id = $1 AND region = $2",
        )
        .bind(&strategy.id)
        .bind(&strategy.region)
        .bind(&strategy.name)
        .bind(&strategy.description)
        .bind(strategy.deployment_duration_in_minutes)
        .bind(strategy.growth_type.as_str())
        .bind(strategy.growth_factor)
        .bind(strategy.final_bake_time_in_minutes)
        .bind(&strategy.replicate_to),
    )
    .await?;
    changed(n, ResourceKind::DeploymentStrategy)
}

pub(crate) async fn delete(conn: &mut PgConnection, region: &str, id: &str, arn: &str) -> Result<()> {
    let n = execute(
        &mut *conn,
        query("DELETE FROM deployment_strategies WHERE id = $1 AND region = $2")
            .bind(id)
            .bind(region),
    )
    .await?;
    changed(n, ResourceKind::DeploymentStrategy)?;
    tags::delete(conn, arn).await
}
