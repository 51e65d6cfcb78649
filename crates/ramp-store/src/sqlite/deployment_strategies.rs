//! Deployment strategies: per region, with no parent.

use ramp_domain::entities::{DeploymentStrategy, Tags};
use ramp_domain::store::{Listed, ResourceKind, Result, Slice};
use rusqlite::{Connection, params};

use super::sql::{all_rows, changed, execute, insert, optional_item, within_quota};
use super::tags;
use crate::rows::{self, after_ascending, limit};

pub(super) fn create(conn: &Connection, strategy: &DeploymentStrategy, arn: &str, tags: &Tags, max: u64) -> Result<()> {
    within_quota(
        conn,
        "SELECT COUNT(*) FROM deployment_strategies WHERE region = ?1",
        &strategy.region,
        max,
    )?;
    insert(
        conn,
        "INSERT INTO deployment_strategies \
         (id, region, name, description, deployment_duration_in_minutes, growth_type, growth_factor, \
          final_bake_time_in_minutes, replicate_to, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            strategy.id,
            strategy.region,
            strategy.name,
            strategy.description,
            strategy.deployment_duration_in_minutes,
            strategy.growth_type.as_str(),
            strategy.growth_factor,
            strategy.final_bake_time_in_minutes,
            strategy.replicate_to,
            strategy.created_at.millis(),
        ],
        ResourceKind::DeploymentStrategy,
    )?;
    tags::put(conn, arn, tags)
}

pub(super) fn get(conn: &Connection, region: &str, id: &str) -> Result<Option<DeploymentStrategy>> {
    let sql = concat!(
        "SELECT ",
        rows::strategy_columns!(),
        " FROM deployment_strategies ",
        "WHERE id = ?1 AND region = ?2"
    );
    optional_item(conn, sql, [id, region], rows::strategy)
}

pub(super) fn list(conn: &Connection, region: &str, slice: Slice) -> Result<Vec<Listed<DeploymentStrategy>>> {
    let sql = concat!(
        "SELECT ",
        rows::strategy_columns!(),
        " FROM deployment_strategies ",
        "WHERE region = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3"
    );
    all_rows(
        conn,
        sql,
        params![region, after_ascending(slice), limit(slice)],
        rows::strategy,
    )
}

pub(super) fn update(conn: &Connection, strategy: &DeploymentStrategy) -> Result<()> {
    let n = execute(
        conn,
        "UPDATE deployment_strategies SET name = ?3, description = ?4, \
         deployment_duration_in_minutes = ?5, growth_type = ?6, growth_factor = ?7, \
         final_bake_time_in_minutes = ?8, replicate_to = ?9 WHERE id = ?1 AND region = ?2",
        params![
            strategy.id,
            strategy.region,
            strategy.name,
            strategy.description,
            strategy.deployment_duration_in_minutes,
            strategy.growth_type.as_str(),
            strategy.growth_factor,
            strategy.final_bake_time_in_minutes,
            strategy.replicate_to,
        ],
    )?;
    changed(n, ResourceKind::DeploymentStrategy)
}

pub(super) fn delete(conn: &Connection, region: &str, id: &str, arn: &str) -> Result<()> {
    let n = execute(
        conn,
        "DELETE FROM deployment_strategies WHERE id = ?1 AND region = ?2",
        [id, region],
    )?;
    changed(n, ResourceKind::DeploymentStrategy)?;
    tags::delete(conn, arn)
}
