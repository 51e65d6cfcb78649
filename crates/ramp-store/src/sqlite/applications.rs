//! Applications: per region, the parents of environments and configuration profiles.

use ramp_domain::entities::{Application, Tags};
use ramp_domain::store::{Listed, ResourceKind, Result, Slice};
use rusqlite::{Connection, params};

use super::sql::{all_rows, changed, execute, exists, insert, must_exist, no_children, optional_item, within_quota};
use super::tags;
use crate::rows::{self, after_ascending, limit};

pub(super) fn create(conn: &Connection, app: &Application, arn: &str, tags: &Tags, max: u64) -> Result<()> {
    within_quota(
        conn,
        "SELECT COUNT(*) FROM applications WHERE region = ?1",
        &app.region,
        max,
    )?;
    insert(
        conn,
        "INSERT INTO applications (id, region, name, description, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![app.id, app.region, app.name, app.description, app.created_at.millis()],
        ResourceKind::Application,
    )?;
    tags::put(conn, arn, tags)
}

pub(super) fn get(conn: &Connection, region: &str, id: &str) -> Result<Option<Application>> {
    let sql = concat!(
        "SELECT ",
        rows::application_columns!(),
        " FROM applications ",
        "WHERE id = ?1 AND region = ?2"
    );
    optional_item(conn, sql, [id, region], rows::application)
}

pub(super) fn list(conn: &Connection, region: &str, slice: Slice) -> Result<Vec<Listed<Application>>> {
    let sql = concat!(
        "SELECT ",
        rows::application_columns!(),
        " FROM applications ",
        "WHERE region = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3"
    );
    all_rows(
        conn,
        sql,
        params![region, after_ascending(slice), limit(slice)],
        rows::application,
    )
}

pub(super) fn update(conn: &Connection, app: &Application) -> Result<()> {
    let n = execute(
        conn,
        "UPDATE applications SET name = ?3, description = ?4 WHERE id = ?1 AND region = ?2",
        params![app.id, app.region, app.name, app.description],
    )?;
    changed(n, ResourceKind::Application)
}

/// Refused while the application has environments or configuration profiles; removes the tags
/// of everything below its ARN.
pub(super) fn delete(conn: &Connection, region: &str, id: &str, arn: &str) -> Result<()> {
    must_exist(
        conn,
        "SELECT 1 FROM applications WHERE id = ?1 AND region = ?2",
        [id, region],
        ResourceKind::Application,
    )?;
    no_children(
        conn,
        "SELECT 1 FROM environments WHERE application_id = ?1",
        [id],
        ResourceKind::Environment,
    )?;
    no_children(
        conn,
        "SELECT 1 FROM configuration_profiles WHERE application_id = ?1",
        [id],
        ResourceKind::ConfigurationProfile,
    )?;
    execute(
        conn,
        "DELETE FROM applications WHERE id = ?1 AND region = ?2",
        [id, region],
    )?;
    tags::delete_below(conn, arn)
}

/// Selects a row when application `id` exists, in any region.
const EXISTS: &str = "SELECT 1 FROM applications WHERE id = ?1";

/// Whether application `id` exists, in any region.
pub(super) fn exists_with_id(conn: &Connection, id: &str) -> Result<bool> {
    exists(conn, EXISTS, [id])
}

/// `NotFound(Application)` unless application `id` exists: the parent check of its children.
pub(super) fn require_parent(conn: &Connection, id: &str) -> Result<()> {
    must_exist(conn, EXISTS, [id], ResourceKind::Application)
}
