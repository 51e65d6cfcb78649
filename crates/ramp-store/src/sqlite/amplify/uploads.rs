//! Files uploaded to a job through its `fileUploadUrls`, taken only while the job is `Created`.

use ramp_domain::amplify::{JobKey, JobStatus, StoredBlob, UploadedFile};
use ramp_domain::store::{Conflict, Error, ResourceKind, Result};
use rusqlite::{Connection, params};

use super::docs::bump_generation;
use crate::sqlite::sql::{all_rows, execute, optional_row};

pub(super) fn record(conn: &Connection, key: &JobKey, file: &UploadedFile) -> Result<()> {
    let status: String = optional_row(
        conn,
        "SELECT status FROM amplify_jobs WHERE region = ?1 AND app_id = ?2 AND branch_name = ?3 AND number = ?4",
        params![key.region, key.app_id, key.branch_name, key.number],
        |row| row.get(0),
    )?
    .ok_or(Error::NotFound(ResourceKind::AmplifyJob))?;
    if status != JobStatus::Created.as_str() {
        return Err(Error::Conflict(Conflict::JobNotCreated { number: key.number }));
    }
    let size = i64::try_from(file.blob.size).map_err(|_| Error::Unavailable("upload size out of range".to_owned()))?;
    execute(
        conn,
        "INSERT INTO amplify_uploads (region, app_id, branch_name, number, path, sha256, size) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) \
         ON CONFLICT (region, app_id, branch_name, number, path) \
         DO UPDATE SET sha256 = excluded.sha256, size = excluded.size",
        params![
            key.region,
            key.app_id,
            key.branch_name,
            key.number,
            file.path,
            file.blob.sha256,
            size
        ],
    )?;
    bump_generation(conn)
}

/// The job's uploads, by path.
pub(super) fn list(conn: &Connection, key: &JobKey) -> Result<Vec<UploadedFile>> {
    all_rows(
        conn,
        "SELECT path, sha256, size FROM amplify_uploads \
         WHERE region = ?1 AND app_id = ?2 AND branch_name = ?3 AND number = ?4 ORDER BY path",
        params![key.region, key.app_id, key.branch_name, key.number],
        |row| {
            Ok(UploadedFile {
                path: row.get(0)?,
                blob: StoredBlob {
                    sha256: row.get(1)?,
                    size: u64::try_from(row.get::<_, i64>(2)?).unwrap_or(0),
                },
            })
        },
    )
}
