//! Files uploaded to a job through its `fileUploadUrls`, taken only while the job is `Created`.

use ramp_domain::amplify::{JobKey, JobStatus, StoredBlob, UploadedFile};
use ramp_domain::store::{Conflict, Error, ResourceKind, Result};
use sqlx::{PgConnection, PgExecutor, query};

use super::docs::bump_generation;
use crate::sql::{all_rows, execute, get, optional_row};

/// The job's row is read `FOR SHARE`: a save that starts the job waits for this upload to
/// commit, or this upload sees the job started.
pub(super) async fn record(conn: &mut PgConnection, key: &JobKey, file: &UploadedFile) -> Result<()> {
    let row = optional_row(
        &mut *conn,
        query(
            "SELECT status FROM amplify_jobs \
             WHERE region = $1 AND app_id = $2 AND branch_name = $3 AND number = $4 FOR SHARE",
        )
        .bind(&key.region)
        .bind(&key.app_id)
        .bind(&key.branch_name)
        .bind(key.number),
    )
    .await?
    .ok_or(Error::NotFound(ResourceKind::AmplifyJob))?;
    let status: String = get(&row, 0)?;
    if status != JobStatus::Created.as_str() {
        return Err(Error::Conflict(Conflict::JobNotCreated { number: key.number }));
    }
    let size = i64::try_from(file.blob.size).map_err(|_| Error::Unavailable("upload size out of range".to_owned()))?;
    execute(
        &mut *conn,
        query(
            "INSERT INTO amplify_uploads (region, app_id, branch_name, number, path, sha256, size) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (region, app_id, branch_name, number, path) \
             DO UPDATE SET sha256 = excluded.sha256, size = excluded.size",
        )
        .bind(&key.region)
        .bind(&key.app_id)
        .bind(&key.branch_name)
        .bind(key.number)
        .bind(&file.path)
        .bind(&file.blob.sha256)
        .bind(size),
    )
    .await?;
    bump_generation(conn).await
}

/// The job's uploads, by path.
pub(super) async fn list<'c>(executor: impl PgExecutor<'c>, key: &JobKey) -> Result<Vec<UploadedFile>> {
    let found = all_rows(
        executor,
        query(
            "SELECT path, sha256, size FROM amplify_uploads \
             WHERE region = $1 AND app_id = $2 AND branch_name = $3 AND number = $4 ORDER BY path",
        )
        .bind(key.region.clone())
        .bind(key.app_id.clone())
        .bind(key.branch_name.clone())
        .bind(key.number),
    )
    .await?;
    found
        .iter()
        .map(|row| {
            Ok(UploadedFile {
                path: get(row, 0)?,
                blob: StoredBlob {
                    sha256: get(row, 1)?,
                    size: u64::try_from(get::<i64>(row, 2)?).unwrap_or(0),
                },
            })
        })
        .collect()
}
