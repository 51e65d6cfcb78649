//! [`SqliteStore`]: the `Store` over one SQLite file.

use std::path::{Path, PathBuf};

use async_trait::async_trait;
use ramp_domain::entities::{
    AccountSettings, Application, ConfigurationProfile, DeploymentStrategy, Environment, HostedVersion,
    HostedVersionInfo, NewHostedVersion, Tags,
};
use ramp_domain::store::{Error, LabelFilter, Listed, ResourceKind, Result, Slice, Store};
use rusqlite::{Connection, OpenFlags, OptionalExtension, Transaction, params};
use rusqlite_migration::{M, Migrations};

use crate::readers::{BUSY_TIMEOUT, Readers, STATEMENT_CACHE};
use crate::rows::{self, after_ascending, after_descending, limit};
use crate::writer::Writer;
use crate::{Db, is_unique_violation, unavailable};

/// The schema, oldest first. Never edit a released migration; add the next file instead.
pub(crate) fn migrations() -> Migrations<'static> {
    Migrations::new(vec![M::up(include_str!("../migrations/sqlite/001_initial.sql"))])
}

/// ramp's embedded store: one SQLite file in WAL mode, a group-commit writer thread and a pool
/// of read-only connections. Dropping it (or [`SqliteStore::close`]) flushes queued writes.
pub struct SqliteStore {
    writer: Writer,
    readers: Readers,
    path: PathBuf,
    /// Keeps the directory of an [`SqliteStore::open_in_memory`] store alive (dropped last).
    _temp_dir: Option<tempfile::TempDir>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<SqliteStore> {
        Self::open_with(path, None)
    }

    /// A store on a fresh database in a temporary directory that is removed when the store is
    /// dropped: for tests. (WAL needs a real file, so this is not SQLite's `:memory:`.)
    pub fn open_in_memory() -> Result<SqliteStore> {
        let dir = tempfile::Builder::new()
            .prefix("ramp-store-")
            .tempdir()
            .map_err(|e| Error::Unavailable(format!("cannot create a temporary directory: {e}")))?;
        let path = dir.path().join("ramp.sqlite");
        Self::open_with(&path, Some(dir))
    }

    fn open_with(path: &Path, temp_dir: Option<tempfile::TempDir>) -> Result<SqliteStore> {
        let mut conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .db()?;
        conn.busy_timeout(BUSY_TIMEOUT).db()?;
        let mode: String = conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
            .db()?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(Error::Unavailable(format!(
                "cannot switch {} to WAL (journal_mode is {mode})",
                path.display()
            )));
        }
        conn.pragma_update(None, "synchronous", "FULL").db()?;
        conn.pragma_update(None, "foreign_keys", "ON").db()?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        migrations()
            .to_latest(&mut conn)
            .map_err(|e| Error::Unavailable(format!("cannot migrate {}: {e}", path.display())))?;

        let readers = Readers::open(path)?;
        let writer = Writer::spawn(conn)?;
        tracing::debug!(path = %path.display(), "store opened");
        Ok(SqliteStore {
            writer,
            readers,
            path: path.to_owned(),
            _temp_dir: temp_dir,
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Commits every write queued so far, then stops the writer; later writes fail with
    /// `Unavailable`. Blocks the calling thread until the writer has exited. Idempotent, and
    /// done by `Drop` as well.
    pub fn close(&self) {
        // Readers go first so that the writer's connection is the last one and checkpoints.
        self.readers.clear();
        self.writer.close();
    }

    async fn write<T, F>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Transaction<'_>) -> Result<T> + Send + 'static,
    {
        self.writer.write(work).await
    }

    /// Runs a read on a pooled connection, telling a multi-threaded runtime that it may block.
    fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let multi_thread = tokio::runtime::Handle::try_current()
            .is_ok_and(|h| h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread);
        if multi_thread {
            tokio::task::block_in_place(|| self.readers.read(f))
        } else {
            self.readers.read(f)
        }
    }
}

impl Drop for SqliteStore {
    fn drop(&mut self) {
        self.close();
    }
}

// ---- helpers shared by the write jobs ----

fn quota_reached(count: i64, max: u64) -> bool {
    u64::try_from(count).unwrap_or(0) >= max
}

fn count(conn: &Connection, sql: &str, key: &str) -> Result<i64> {
    conn.prepare_cached(sql).db()?.query_row([key], |row| row.get(0)).db()
}

fn exists(conn: &Connection, sql: &str, params: impl rusqlite::Params) -> Result<bool> {
    conn.prepare_cached(sql).db()?.exists(params).db()
}

fn application_exists(conn: &Connection, id: &str) -> Result<bool> {
    exists(conn, "SELECT 1 FROM applications WHERE id = ?1", [id])
}

/// Maps an insert failure: a duplicate key is a `Conflict`, anything else a storage failure.
fn insert_error(what: &str) -> impl FnOnce(rusqlite::Error) -> Error + '_ {
    move |e| {
        if is_unique_violation(&e) {
            Error::Conflict(format!("{what} already exists"))
        } else {
            unavailable(e)
        }
    }
}

fn put_tags(conn: &Connection, arn: &str, tags: &Tags) -> Result<()> {
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

fn delete_tags(conn: &Connection, arn: &str) -> Result<()> {
    conn.prepare_cached("DELETE FROM tags WHERE arn = ?1")
        .db()?
        .execute([arn])
        .db()?;
    Ok(())
}

/// Deletes the tags of `arn` and of every ARN below it (`arn/...`). The range `[arn/, arn0)`
/// holds exactly the strings starting with `arn/` under binary collation ('0' follows '/').
fn delete_tags_below(conn: &Connection, arn: &str) -> Result<()> {
    conn.prepare_cached("DELETE FROM tags WHERE arn = ?1 OR (arn >= ?1 || '/' AND arn < ?1 || '0')")
        .db()?
        .execute([arn])
        .db()?;
    Ok(())
}

fn json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| Error::Unavailable(format!("cannot encode JSON: {e}")))
}

fn changed(rows: usize, kind: ResourceKind) -> Result<()> {
    if rows == 0 { Err(Error::NotFound(kind)) } else { Ok(()) }
}

#[async_trait]
impl Store for SqliteStore {
    // ---- applications ----

    async fn create_application(&self, app: &Application, arn: &str, tags: &Tags, max: u64) -> Result<()> {
        let (app, arn, tags) = (app.clone(), arn.to_owned(), tags.clone());
        self.write(move |tx| {
            let n = count(tx, "SELECT COUNT(*) FROM applications WHERE region = ?1", &app.region)?;
            if quota_reached(n, max) {
                return Err(Error::QuotaExceeded);
            }
            tx.prepare_cached(
                "INSERT INTO applications (id, region, name, description, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            )
            .db()?
            .execute(params![
                app.id,
                app.region,
                app.name,
                app.description,
                app.created_at.millis()
            ])
            .map_err(insert_error("application"))?;
            put_tags(tx, &arn, &tags)
        })
        .await
    }

    async fn application(&self, region: &str, id: &str) -> Result<Option<Application>> {
        self.read(|conn| {
            let sql = concat!(
                "SELECT ",
                rows::application_columns!(),
                " FROM applications ",
                "WHERE id = ?1 AND region = ?2"
            );
            conn.prepare_cached(sql)
                .db()?
                .query_row([id, region], rows::application)
                .optional()
                .db()
                .map(|found| found.map(|listed| listed.item))
        })
    }

    async fn applications(&self, region: &str, slice: Slice) -> Result<Vec<Listed<Application>>> {
        self.read(|conn| {
            let sql = concat!(
                "SELECT ",
                rows::application_columns!(),
                " FROM applications ",
                "WHERE region = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3"
            );
            let mut stmt = conn.prepare_cached(sql).db()?;
            let rows = stmt
                .query_map(params![region, after_ascending(slice), limit(slice)], rows::application)
                .db()?;
            rows.collect::<rusqlite::Result<Vec<_>>>().db()
        })
    }

    async fn update_application(&self, app: &Application) -> Result<()> {
        let app = app.clone();
        self.write(move |tx| {
            let n = tx
                .prepare_cached("UPDATE applications SET name = ?3, description = ?4 WHERE id = ?1 AND region = ?2")
                .db()?
                .execute(params![app.id, app.region, app.name, app.description])
                .db()?;
            changed(n, ResourceKind::Application)
        })
        .await
    }

    async fn delete_application(&self, region: &str, id: &str, arn: &str) -> Result<()> {
        let (region, id, arn) = (region.to_owned(), id.to_owned(), arn.to_owned());
        self.write(move |tx| {
            if !exists(
                tx,
                "SELECT 1 FROM applications WHERE id = ?1 AND region = ?2",
                [&id, &region],
            )? {
                return Err(Error::NotFound(ResourceKind::Application));
            }
            if exists(tx, "SELECT 1 FROM environments WHERE application_id = ?1", [&id])? {
                return Err(Error::HasChildren(ResourceKind::Environment));
            }
            if exists(
                tx,
                "SELECT 1 FROM configuration_profiles WHERE application_id = ?1",
                [&id],
            )? {
                return Err(Error::HasChildren(ResourceKind::ConfigurationProfile));
            }
            tx.prepare_cached("DELETE FROM applications WHERE id = ?1 AND region = ?2")
                .db()?
                .execute([&id, &region])
                .db()?;
            delete_tags_below(tx, &arn)
        })
        .await
    }

    // ---- environments ----

    async fn create_environment(
        &self,
        env: &Environment,
        arn: &str,
        tags: &Tags,
        max_per_application: u64,
    ) -> Result<()> {
        let monitors = json(&env.monitors)?;
        let (env, arn, tags) = (env.clone(), arn.to_owned(), tags.clone());
        self.write(move |tx| {
            if !application_exists(tx, &env.application_id)? {
                return Err(Error::NotFound(ResourceKind::Application));
            }
            let n = count(
                tx,
                "SELECT COUNT(*) FROM environments WHERE application_id = ?1",
                &env.application_id,
            )?;
            if quota_reached(n, max_per_application) {
                return Err(Error::QuotaExceeded);
            }
            tx.prepare_cached(
                "INSERT INTO environments \
                 (application_id, id, name, description, state, monitors, created_at, last_accessed_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )
            .db()?
            .execute(params![
                env.application_id,
                env.id,
                env.name,
                env.description,
                env.state.as_str(),
                monitors,
                env.created_at.millis(),
                env.last_accessed_at.map(|t| t.millis()),
            ])
            .map_err(insert_error("environment"))?;
            put_tags(tx, &arn, &tags)
        })
        .await
    }

    async fn environment(&self, application_id: &str, id: &str) -> Result<Option<Environment>> {
        self.read(|conn| {
            let sql = concat!(
                "SELECT ",
                rows::environment_columns!(),
                " FROM environments ",
                "WHERE application_id = ?1 AND id = ?2"
            );
            conn.prepare_cached(sql)
                .db()?
                .query_row([application_id, id], rows::environment)
                .optional()
                .db()
                .map(|found| found.map(|listed| listed.item))
        })
    }

    async fn environments(&self, application_id: &str, slice: Slice) -> Result<Vec<Listed<Environment>>> {
        self.read(|conn| {
            let sql = concat!(
                "SELECT ",
                rows::environment_columns!(),
                " FROM environments ",
                "WHERE application_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3"
            );
            let mut stmt = conn.prepare_cached(sql).db()?;
            let rows = stmt
                .query_map(
                    params![application_id, after_ascending(slice), limit(slice)],
                    rows::environment,
                )
                .db()?;
            rows.collect::<rusqlite::Result<Vec<_>>>().db()
        })
    }

    async fn update_environment(&self, env: &Environment) -> Result<()> {
        let monitors = json(&env.monitors)?;
        let env = env.clone();
        self.write(move |tx| {
            let n = tx
                .prepare_cached(
                    "UPDATE environments SET name = ?3, description = ?4, state = ?5, monitors = ?6, \
                     last_accessed_at = ?7 WHERE application_id = ?1 AND id = ?2",
                )
                .db()?
                .execute(params![
                    env.application_id,
                    env.id,
                    env.name,
                    env.description,
                    env.state.as_str(),
                    monitors,
                    env.last_accessed_at.map(|t| t.millis()),
                ])
                .db()?;
            changed(n, ResourceKind::Environment)
        })
        .await
    }

    async fn delete_environment(&self, application_id: &str, id: &str, arn: &str) -> Result<()> {
        let (application_id, id, arn) = (application_id.to_owned(), id.to_owned(), arn.to_owned());
        self.write(move |tx| {
            let n = tx
                .prepare_cached("DELETE FROM environments WHERE application_id = ?1 AND id = ?2")
                .db()?
                .execute([&application_id, &id])
                .db()?;
            changed(n, ResourceKind::Environment)?;
            delete_tags(tx, &arn)
        })
        .await
    }

    // ---- configuration profiles ----

    async fn create_configuration_profile(
        &self,
        profile: &ConfigurationProfile,
        arn: &str,
        tags: &Tags,
        max_per_application: u64,
    ) -> Result<()> {
        let validators = json(&profile.validators)?;
        let (profile, arn, tags) = (profile.clone(), arn.to_owned(), tags.clone());
        self.write(move |tx| {
            if !application_exists(tx, &profile.application_id)? {
                return Err(Error::NotFound(ResourceKind::Application));
            }
            let n = count(
                tx,
                "SELECT COUNT(*) FROM configuration_profiles WHERE application_id = ?1",
                &profile.application_id,
            )?;
            if quota_reached(n, max_per_application) {
                return Err(Error::QuotaExceeded);
            }
            tx.prepare_cached(
                "INSERT INTO configuration_profiles \
                 (application_id, id, name, description, location_uri, retrieval_role_arn, validators, \
                  profile_type, kms_key_identifier, created_at, last_accessed_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )
            .db()?
            .execute(params![
                profile.application_id,
                profile.id,
                profile.name,
                profile.description,
                profile.location_uri,
                profile.retrieval_role_arn,
                validators,
                profile.profile_type,
                profile.kms_key_identifier,
                profile.created_at.millis(),
                profile.last_accessed_at.map(|t| t.millis()),
            ])
            .map_err(insert_error("configuration profile"))?;
            put_tags(tx, &arn, &tags)
        })
        .await
    }

    async fn configuration_profile(&self, application_id: &str, id: &str) -> Result<Option<ConfigurationProfile>> {
        self.read(|conn| {
            let sql = concat!(
                "SELECT ",
                rows::profile_columns!(),
                " FROM configuration_profiles ",
                "WHERE application_id = ?1 AND id = ?2"
            );
            conn.prepare_cached(sql)
                .db()?
                .query_row([application_id, id], rows::profile)
                .optional()
                .db()
                .map(|found| found.map(|listed| listed.item))
        })
    }

    async fn configuration_profiles(
        &self,
        application_id: &str,
        profile_type: Option<&str>,
        slice: Slice,
    ) -> Result<Vec<Listed<ConfigurationProfile>>> {
        self.read(|conn| {
            let sql = concat!(
                "SELECT ",
                rows::profile_columns!(),
                " FROM configuration_profiles ",
                "WHERE application_id = ?1 AND (?2 IS NULL OR profile_type = ?2) AND seq > ?3 ORDER BY seq LIMIT ?4"
            );
            let mut stmt = conn.prepare_cached(sql).db()?;
            let rows = stmt
                .query_map(
                    params![application_id, profile_type, after_ascending(slice), limit(slice)],
                    rows::profile,
                )
                .db()?;
            rows.collect::<rusqlite::Result<Vec<_>>>().db()
        })
    }

    async fn update_configuration_profile(&self, profile: &ConfigurationProfile) -> Result<()> {
        let validators = json(&profile.validators)?;
        let profile = profile.clone();
        self.write(move |tx| {
            let n = tx
                .prepare_cached(
                    "UPDATE configuration_profiles SET name = ?3, description = ?4, location_uri = ?5, \
                     retrieval_role_arn = ?6, validators = ?7, profile_type = ?8, kms_key_identifier = ?9, \
                     last_accessed_at = ?10 WHERE application_id = ?1 AND id = ?2",
                )
                .db()?
                .execute(params![
                    profile.application_id,
                    profile.id,
                    profile.name,
                    profile.description,
                    profile.location_uri,
                    profile.retrieval_role_arn,
                    validators,
                    profile.profile_type,
                    profile.kms_key_identifier,
                    profile.last_accessed_at.map(|t| t.millis()),
                ])
                .db()?;
            changed(n, ResourceKind::ConfigurationProfile)
        })
        .await
    }

    async fn delete_configuration_profile(&self, application_id: &str, id: &str, arn: &str) -> Result<()> {
        let (application_id, id, arn) = (application_id.to_owned(), id.to_owned(), arn.to_owned());
        self.write(move |tx| {
            if !exists(
                tx,
                "SELECT 1 FROM configuration_profiles WHERE application_id = ?1 AND id = ?2",
                [&application_id, &id],
            )? {
                return Err(Error::NotFound(ResourceKind::ConfigurationProfile));
            }
            if exists(
                tx,
                "SELECT 1 FROM hosted_versions WHERE application_id = ?1 AND configuration_profile_id = ?2",
                [&application_id, &id],
            )? {
                return Err(Error::HasChildren(ResourceKind::HostedConfigurationVersion));
            }
            tx.prepare_cached("DELETE FROM configuration_profiles WHERE application_id = ?1 AND id = ?2")
                .db()?
                .execute([&application_id, &id])
                .db()?;
            delete_tags(tx, &arn)
        })
        .await
    }

    // ---- hosted configuration versions ----

    /// `expected_latest` is compared with the highest existing version number, taken as 0 when
    /// the profile has no versions: `Some(0)` succeeds exactly when no version exists. The new
    /// version's `kms_key_arn` is the profile's `kms_key_identifier` at creation time.
    async fn create_hosted_version(
        &self,
        region: &str,
        version: &NewHostedVersion,
        expected_latest: Option<i64>,
        max_total_bytes: u64,
    ) -> Result<HostedVersionInfo> {
        let (region, version) = (region.to_owned(), version.clone());
        self.write(move |tx| {
            let app = (&version.application_id, &version.configuration_profile_id);
            let profile = tx
                .prepare_cached(
                    "SELECT p.kms_key_identifier, a.region FROM configuration_profiles p \
                     JOIN applications a ON a.id = p.application_id WHERE p.application_id = ?1 AND p.id = ?2",
                )
                .db()?
                .query_row([app.0, app.1], |row| {
                    Ok((row.get::<_, Option<String>>(0)?, row.get::<_, String>(1)?))
                })
                .optional()
                .db()?;
            let kms_key_arn = match profile {
                Some((kms, app_region)) if app_region == region => kms,
                Some(_) => return Err(Error::NotFound(ResourceKind::Application)),
                None if application_exists(tx, app.0)? => {
                    return Err(Error::NotFound(ResourceKind::ConfigurationProfile));
                }
                None => return Err(Error::NotFound(ResourceKind::Application)),
            };

            if let Some(expected) = expected_latest {
                let latest: Option<i64> = tx
                    .prepare_cached(
                        "SELECT MAX(version_number) FROM hosted_versions \
                         WHERE application_id = ?1 AND configuration_profile_id = ?2",
                    )
                    .db()?
                    .query_row([app.0, app.1], |row| row.get(0))
                    .db()?;
                let latest = latest.unwrap_or(0);
                if latest != expected {
                    return Err(Error::Conflict(format!(
                        "the latest version number is {latest}, not {expected}"
                    )));
                }
            }

            if let Some(label) = &version.version_label
                && exists(
                    tx,
                    "SELECT 1 FROM hosted_versions \
                     WHERE application_id = ?1 AND configuration_profile_id = ?2 AND version_label = ?3",
                    [app.0, app.1, label],
                )?
            {
                return Err(Error::Conflict(format!("version label {label:?} is already used")));
            }

            let size =
                i64::try_from(version.content.len()).map_err(|_| Error::Unavailable("content too large".to_owned()))?;
            let used: i64 = tx
                .prepare_cached("SELECT hosted_bytes FROM region_usage WHERE region = ?1")
                .db()?
                .query_row([&region], |row| row.get(0))
                .optional()
                .db()?
                .unwrap_or(0);
            if i128::from(used) + i128::from(size) > i128::from(max_total_bytes) {
                return Err(Error::QuotaExceeded);
            }
            tx.prepare_cached(
                "INSERT INTO region_usage (region, hosted_bytes) VALUES (?1, ?2) \
                 ON CONFLICT (region) DO UPDATE SET hosted_bytes = region_usage.hosted_bytes + excluded.hosted_bytes",
            )
            .db()?
            .execute(params![region, size])
            .db()?;

            let number: i64 = tx
                .prepare_cached(
                    "UPDATE configuration_profiles SET last_version_number = last_version_number + 1 \
                     WHERE application_id = ?1 AND id = ?2 RETURNING last_version_number",
                )
                .db()?
                .query_row([app.0, app.1], |row| row.get(0))
                .db()?;

            tx.prepare_cached(
                "INSERT INTO hosted_versions \
                 (application_id, configuration_profile_id, version_number, description, content_type, \
                  version_label, kms_key_arn, content, content_size, created_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )
            .db()?
            .execute(params![
                version.application_id,
                version.configuration_profile_id,
                number,
                version.description,
                version.content_type,
                version.version_label,
                kms_key_arn,
                &version.content[..],
                size,
                version.created_at.millis(),
            ])
            .map_err(insert_error("hosted configuration version"))?;

            Ok(HostedVersionInfo {
                application_id: version.application_id,
                configuration_profile_id: version.configuration_profile_id,
                version_number: number,
                description: version.description,
                content_type: version.content_type,
                version_label: version.version_label,
                kms_key_arn,
                created_at: version.created_at,
            })
        })
        .await
    }

    async fn hosted_version(
        &self,
        application_id: &str,
        profile_id: &str,
        number: i64,
    ) -> Result<Option<HostedVersion>> {
        self.read(|conn| {
            let sql = concat!(
                "SELECT ",
                rows::hosted_columns!(),
                " FROM hosted_versions ",
                "WHERE application_id = ?1 AND configuration_profile_id = ?2 AND version_number = ?3"
            );
            conn.prepare_cached(sql)
                .db()?
                .query_row(params![application_id, profile_id, number], rows::hosted)
                .optional()
                .db()
        })
    }

    async fn hosted_version_by_label(
        &self,
        application_id: &str,
        profile_id: &str,
        label: &str,
    ) -> Result<Option<HostedVersion>> {
        self.read(|conn| {
            let sql = concat!(
                "SELECT ",
                rows::hosted_columns!(),
                " FROM hosted_versions ",
                "WHERE application_id = ?1 AND configuration_profile_id = ?2 AND version_label = ?3"
            );
            conn.prepare_cached(sql)
                .db()?
                .query_row([application_id, profile_id, label], rows::hosted)
                .optional()
                .db()
        })
    }

    async fn latest_hosted_version(&self, application_id: &str, profile_id: &str) -> Result<Option<HostedVersion>> {
        self.read(|conn| {
            let sql = concat!(
                "SELECT ",
                rows::hosted_columns!(),
                " FROM hosted_versions ",
                "WHERE application_id = ?1 AND configuration_profile_id = ?2 ORDER BY version_number DESC LIMIT 1"
            );
            conn.prepare_cached(sql)
                .db()?
                .query_row([application_id, profile_id], rows::hosted)
                .optional()
                .db()
        })
    }

    async fn hosted_versions(
        &self,
        application_id: &str,
        profile_id: &str,
        label: Option<&LabelFilter>,
        slice: Slice,
    ) -> Result<Vec<Listed<HostedVersionInfo>>> {
        let (exact, prefix) = match label {
            None => (None, None),
            Some(LabelFilter::Exact(label)) => (Some(label.as_str()), None),
            Some(LabelFilter::Prefix(prefix)) => (None, Some(prefix.as_str())),
        };
        self.read(|conn| {
            let sql = concat!(
                "SELECT ",
                rows::hosted_info_columns!(),
                " FROM hosted_versions ",
                "WHERE application_id = ?1 AND configuration_profile_id = ?2 \
                 AND (?3 IS NULL OR version_label = ?3) \
                 AND (?4 IS NULL OR substr(version_label, 1, length(?4)) = ?4) \
                 AND version_number < ?5 ORDER BY version_number DESC LIMIT ?6"
            );
            let mut stmt = conn.prepare_cached(sql).db()?;
            let rows = stmt
                .query_map(
                    params![
                        application_id,
                        profile_id,
                        exact,
                        prefix,
                        after_descending(slice),
                        limit(slice)
                    ],
                    rows::hosted_info,
                )
                .db()?;
            rows.collect::<rusqlite::Result<Vec<_>>>().db()
        })
    }

    async fn delete_hosted_version(&self, application_id: &str, profile_id: &str, number: i64) -> Result<()> {
        let (application_id, profile_id) = (application_id.to_owned(), profile_id.to_owned());
        self.write(move |tx| {
            let size: Option<i64> = tx
                .prepare_cached(
                    "DELETE FROM hosted_versions \
                     WHERE application_id = ?1 AND configuration_profile_id = ?2 AND version_number = ?3 \
                     RETURNING content_size",
                )
                .db()?
                .query_row(params![application_id, profile_id, number], |row| row.get(0))
                .optional()
                .db()?;
            let Some(size) = size else {
                return Err(Error::NotFound(ResourceKind::HostedConfigurationVersion));
            };
            tx.prepare_cached(
                "UPDATE region_usage SET hosted_bytes = hosted_bytes - ?2 \
                 WHERE region = (SELECT region FROM applications WHERE id = ?1)",
            )
            .db()?
            .execute(params![application_id, size])
            .db()?;
            Ok(())
        })
        .await
    }

    // ---- deployment strategies ----

    async fn create_deployment_strategy(
        &self,
        strategy: &DeploymentStrategy,
        arn: &str,
        tags: &Tags,
        max: u64,
    ) -> Result<()> {
        let (strategy, arn, tags) = (strategy.clone(), arn.to_owned(), tags.clone());
        self.write(move |tx| {
            let n = count(
                tx,
                "SELECT COUNT(*) FROM deployment_strategies WHERE region = ?1",
                &strategy.region,
            )?;
            if quota_reached(n, max) {
                return Err(Error::QuotaExceeded);
            }
            tx.prepare_cached(
                "INSERT INTO deployment_strategies \
                 (id, region, name, description, deployment_duration_in_minutes, growth_type, growth_factor, \
                  final_bake_time_in_minutes, replicate_to, created_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )
            .db()?
            .execute(params![
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
            ])
            .map_err(insert_error("deployment strategy"))?;
            put_tags(tx, &arn, &tags)
        })
        .await
    }

    async fn deployment_strategy(&self, region: &str, id: &str) -> Result<Option<DeploymentStrategy>> {
        self.read(|conn| {
            let sql = concat!(
                "SELECT ",
                rows::strategy_columns!(),
                " FROM deployment_strategies ",
                "WHERE id = ?1 AND region = ?2"
            );
            conn.prepare_cached(sql)
                .db()?
                .query_row([id, region], rows::strategy)
                .optional()
                .db()
                .map(|found| found.map(|listed| listed.item))
        })
    }

    async fn deployment_strategies(&self, region: &str, slice: Slice) -> Result<Vec<Listed<DeploymentStrategy>>> {
        self.read(|conn| {
            let sql = concat!(
                "SELECT ",
                rows::strategy_columns!(),
                " FROM deployment_strategies ",
                "WHERE region = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3"
            );
            let mut stmt = conn.prepare_cached(sql).db()?;
            let rows = stmt
                .query_map(params![region, after_ascending(slice), limit(slice)], rows::strategy)
                .db()?;
            rows.collect::<rusqlite::Result<Vec<_>>>().db()
        })
    }

    async fn update_deployment_strategy(&self, strategy: &DeploymentStrategy) -> Result<()> {
        let strategy = strategy.clone();
        self.write(move |tx| {
            let n = tx
                .prepare_cached(
                    "UPDATE deployment_strategies SET name = ?3, description = ?4, \
                     deployment_duration_in_minutes = ?5, growth_type = ?6, growth_factor = ?7, \
                     final_bake_time_in_minutes = ?8, replicate_to = ?9 WHERE id = ?1 AND region = ?2",
                )
                .db()?
                .execute(params![
                    strategy.id,
                    strategy.region,
                    strategy.name,
                    strategy.description,
                    strategy.deployment_duration_in_minutes,
                    strategy.growth_type.as_str(),
                    strategy.growth_factor,
                    strategy.final_bake_time_in_minutes,
                    strategy.replicate_to,
                ])
                .db()?;
            changed(n, ResourceKind::DeploymentStrategy)
        })
        .await
    }

    async fn delete_deployment_strategy(&self, region: &str, id: &str, arn: &str) -> Result<()> {
        let (region, id, arn) = (region.to_owned(), id.to_owned(), arn.to_owned());
        self.write(move |tx| {
            let n = tx
                .prepare_cached("DELETE FROM deployment_strategies WHERE id = ?1 AND region = ?2")
                .db()?
                .execute([&id, &region])
                .db()?;
            changed(n, ResourceKind::DeploymentStrategy)?;
            delete_tags(tx, &arn)
        })
        .await
    }

    // ---- tags ----

    async fn tags(&self, arn: &str) -> Result<Tags> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached("SELECT key, value FROM tags WHERE arn = ?1").db()?;
            let rows = stmt
                .query_map([arn], |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?)))
                .db()?;
            rows.collect::<rusqlite::Result<Tags>>().db()
        })
    }

    async fn tag(&self, arn: &str, tags: &Tags, max: usize) -> Result<()> {
        let (arn, tags) = (arn.to_owned(), tags.clone());
        self.write(move |tx| {
            put_tags(tx, &arn, &tags)?;
            let n = count(tx, "SELECT COUNT(*) FROM tags WHERE arn = ?1", &arn)?;
            // The job's savepoint undoes the upserts above when this fails.
            if usize::try_from(n).unwrap_or(usize::MAX) > max {
                return Err(Error::QuotaExceeded);
            }
            Ok(())
        })
        .await
    }

    async fn untag(&self, arn: &str, keys: &[String]) -> Result<()> {
        let (arn, keys) = (arn.to_owned(), keys.to_vec());
        self.write(move |tx| {
            let mut delete = tx.prepare_cached("DELETE FROM tags WHERE arn = ?1 AND key = ?2").db()?;
            for key in &keys {
                delete.execute([&arn, key]).db()?;
            }
            Ok(())
        })
        .await
    }

    // ---- account settings ----

    async fn account_settings(&self, region: &str) -> Result<Option<AccountSettings>> {
        self.read(|conn| {
            conn.prepare_cached(
                "SELECT deletion_protection_enabled, protection_period_in_minutes FROM account_settings \
                 WHERE region = ?1",
            )
            .db()?
            .query_row([region], |row| {
                Ok(AccountSettings {
                    deletion_protection_enabled: row.get(0)?,
                    protection_period_in_minutes: row.get(1)?,
                })
            })
            .optional()
            .db()
        })
    }

    async fn put_account_settings(&self, region: &str, settings: &AccountSettings) -> Result<()> {
        let (region, settings) = (region.to_owned(), *settings);
        self.write(move |tx| {
            tx.prepare_cached(
                "INSERT INTO account_settings (region, deletion_protection_enabled, protection_period_in_minutes) \
                 VALUES (?1, ?2, ?3) ON CONFLICT (region) DO UPDATE SET \
                 deletion_protection_enabled = excluded.deletion_protection_enabled, \
                 protection_period_in_minutes = excluded.protection_period_in_minutes",
            )
            .db()?
            .execute(params![
                region,
                settings.deletion_protection_enabled,
                settings.protection_period_in_minutes
            ])
            .db()?;
            Ok(())
        })
        .await
    }

    // ---- secrets ----

    async fn secret(&self, name: &str, candidate: &[u8]) -> Result<Vec<u8>> {
        let stored = self.read(|conn| {
            conn.prepare_cached("SELECT value FROM secrets WHERE name = ?1")
                .db()?
                .query_row([name], |row| row.get::<_, Vec<u8>>(0))
                .optional()
                .db()
        })?;
        if let Some(value) = stored {
            return Ok(value);
        }
        let (name, candidate) = (name.to_owned(), candidate.to_vec());
        self.write(move |tx| {
            tx.prepare_cached("INSERT INTO secrets (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING")
                .db()?
                .execute(params![name, candidate])
                .db()?;
            tx.prepare_cached("SELECT value FROM secrets WHERE name = ?1")
                .db()?
                .query_row([&name], |row| row.get(0))
                .db()
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use ramp_clock::Timestamp;
    use ramp_domain::entities::{Application, ConfigurationProfile, HOSTED_LOCATION, NewHostedVersion, Tags};
    use ramp_domain::store::{Error, Store};

    use super::{SqliteStore, migrations};

    crate::store_contract_tests!(SqliteStore::open_in_memory().expect("open a temporary store"));

    fn app() -> Application {
        Application {
            id: "app".to_owned(),
            region: "us-east-1".to_owned(),
            name: "durable".to_owned(),
            description: None,
            created_at: Timestamp::from_millis(1),
        }
    }

    fn profile() -> ConfigurationProfile {
        ConfigurationProfile {
            application_id: "app".to_owned(),
            id: "p".to_owned(),
            name: "p".to_owned(),
            description: None,
            location_uri: HOSTED_LOCATION.to_owned(),
            retrieval_role_arn: None,
            validators: Vec::new(),
            profile_type: None,
            kms_key_identifier: Some("alias/k".to_owned()),
            created_at: Timestamp::from_millis(2),
            last_accessed_at: None,
        }
    }

    fn version(content: &'static [u8]) -> NewHostedVersion {
        NewHostedVersion {
            application_id: "app".to_owned(),
            configuration_profile_id: "p".to_owned(),
            description: None,
            content_type: "text/plain".to_owned(),
            version_label: None,
            content: Bytes::from_static(content),
            created_at: Timestamp::from_millis(3),
        }
    }

    #[test]
    fn migrations_are_valid() {
        migrations().validate().expect("valid migrations");
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn data_survives_reopening() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("ramp.sqlite");
        let tags: Tags = [("k".to_owned(), "v".to_owned())].into_iter().collect();
        {
            let store = SqliteStore::open(&path).expect("open");
            store
                .create_application(&app(), "arn:app", &tags, 10)
                .await
                .expect("app");
            store
                .create_configuration_profile(&profile(), "arn:app/p", &Tags::new(), 10)
                .await
                .expect("profile");
            store
                .create_hosted_version("us-east-1", &version(b"one"), None, 100)
                .await
                .expect("v1");
            store
                .create_hosted_version("us-east-1", &version(b"two"), None, 100)
                .await
                .expect("v2");
            store.delete_hosted_version("app", "p", 2).await.expect("delete v2");
            assert_eq!(store.secret("s", b"first").await.expect("secret"), b"first");
        }
        let store = SqliteStore::open(&path).expect("reopen");
        assert_eq!(store.application("us-east-1", "app").await.expect("app"), Some(app()));
        assert_eq!(
            store.configuration_profile("app", "p").await.expect("profile"),
            Some(profile())
        );
        assert_eq!(store.tags("arn:app").await.expect("tags"), tags);
        let v1 = store.hosted_version("app", "p", 1).await.expect("v1").expect("exists");
        assert_eq!(v1.content, Bytes::from_static(b"one"));
        assert_eq!(
            v1.info.kms_key_arn.as_deref(),
            Some("alias/k"),
            "the profile's key at creation"
        );
        assert_eq!(store.secret("s", b"second").await.expect("secret"), b"first");
        // The counter and the byte total survived too.
        let v3 = store
            .create_hosted_version("us-east-1", &version(b"x"), None, 100)
            .await
            .expect("v3");
        assert_eq!(v3.version_number, 3);
        assert_eq!(
            store
                .create_hosted_version("us-east-1", &version(b"0123456789"), None, 13)
                .await,
            Err(Error::QuotaExceeded),
            "3 + 1 bytes are stored, so 10 more exceed 13"
        );
        store
            .create_hosted_version("us-east-1", &version(b"012345678"), None, 13)
            .await
            .expect("exactly 13");
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn the_file_is_in_wal_mode_with_the_schema() {
        let store = SqliteStore::open_in_memory().expect("open");
        let conn = rusqlite::Connection::open(store.path()).expect("raw connection");
        let mode: String = conn
            .query_row("PRAGMA journal_mode", [], |row| row.get(0))
            .expect("journal_mode");
        assert_eq!(mode, "wal");
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .expect("user_version");
        assert_eq!(version, 1);
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn writes_after_close_fail_and_reads_still_work() {
        let store = SqliteStore::open_in_memory().expect("open");
        store
            .create_application(&app(), "arn:app", &Tags::new(), 10)
            .await
            .expect("app");
        store.close();
        store.close(); // idempotent
        assert!(matches!(
            store.update_application(&app()).await,
            Err(Error::Unavailable(_))
        ));
        assert_eq!(store.application("us-east-1", "app").await.expect("read"), Some(app()));
    }

    #[tokio::test(flavor = "current_thread")]
    async fn works_on_a_current_thread_runtime() {
        let store = SqliteStore::open_in_memory().expect("open");
        store
            .create_application(&app(), "arn:app", &Tags::new(), 10)
            .await
            .expect("app");
        assert_eq!(store.application("us-east-1", "app").await.expect("read"), Some(app()));
    }

    #[test]
    fn open_fails_cleanly_on_a_bad_path() {
        let dir = tempfile::tempdir().expect("temp dir");
        let result = SqliteStore::open(&dir.path().join("missing-dir").join("ramp.sqlite"));
        assert!(matches!(result, Err(Error::Unavailable(_))));
    }
}
