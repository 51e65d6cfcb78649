//! Amplify jobs: numbered per branch from the branch's counter, one unfinished at a time,
//! saved with compare-and-set on their revision, and the switch of the branch's active job.
//! Every job write takes its branch's row lock first (the crate's lock order: app → branch →
//! job → tags → generation), so the writes of one branch's jobs take turns.

use ramp_clock::Timestamp;
use ramp_domain::amplify::{Job, JobKey, JobStatus, NewJob, ReferencedBlobs};
use ramp_domain::store::{Conflict, Error, Listed, ResourceKind, Result, Slice};
use sqlx::{PgConnection, PgExecutor, query};

use super::docs::{bump_generation, finished, items, job, job_columns, unfinished};
use crate::rows::{after_descending, each, limit};
use crate::sql::{all_rows, execute, get, json, optional_row};
use crate::tags;

/// Locks the branch of `(region, app_id, branch_name)` `FOR NO KEY UPDATE`; its job counter and
/// active job, or `None` without the branch.
async fn lock_branch(
    conn: &mut PgConnection,
    region: &str,
    app_id: &str,
    branch_name: &str,
) -> Result<Option<(i64, Option<i64>)>> {
    let row = optional_row(
        conn,
        query(
            "SELECT total_number_of_jobs, active_job_id FROM amplify_branches \
             WHERE region = $1 AND app_id = $2 AND branch_name = $3 FOR NO KEY UPDATE",
        )
        .bind(region.to_owned())
        .bind(app_id.to_owned())
        .bind(branch_name.to_owned()),
    )
    .await?;
    row.map(|r| Ok((get(&r, 0)?, get(&r, 1)?))).transpose()
}

/// `PostgresStore::create_job`: under the branch's lock, so of two racing creations the second
/// sees the first's job. The counter gives the number; an unfinished job refuses the new one
/// unless it is a `Created` job abandoned before `new.abandon_created_before`, which is
/// cancelled here (spec §7.1).
pub(super) async fn create(conn: &mut PgConnection, new: &NewJob) -> Result<Job> {
    let j = &new.job;
    let (total, _) = lock_branch(conn, &j.region, &j.app_id, &j.branch_name)
        .await?
        .ok_or(Error::NotFound(ResourceKind::AmplifyBranch))?;
    let sql = concat!(
        "SELECT ",
        job_columns!(),
        " FROM amplify_jobs WHERE region = $1 AND app_id = $2 AND branch_name = $3 AND ",
        unfinished!(),
        " ORDER BY number"
    );
    let found = all_rows(
        &mut *conn,
        query(sql).bind(&j.region).bind(&j.app_id).bind(&j.branch_name),
    )
    .await?;
    let unfinished = items(&found, job)?;
    if let Some(blocking) = unfinished
        .iter()
        .find(|u| !(u.status == JobStatus::Created && u.create_time < new.abandon_created_before))
    {
        return Err(Error::Conflict(Conflict::JobUnfinished {
            number: blocking.number,
        }));
    }
    for abandoned in unfinished {
        let cancelled = Job {
            status: JobStatus::Cancelled,
            end_time: Some(j.create_time),
            revision: abandoned.revision + 1,
            ..abandoned
        };
        write(conn, &cancelled).await?;
    }

    let created = Job {
        number: total + 1,
        revision: 1,
        ..j.clone()
    };
    execute(
        &mut *conn,
        query(
            "INSERT INTO amplify_jobs (region, app_id, branch_name, number, status, revision, end_time, doc) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&created.region)
        .bind(&created.app_id)
        .bind(&created.branch_name)
        .bind(created.number)
        .bind(created.status.as_str())
        .bind(created.revision)
        .bind(created.end_time.map(Timestamp::millis))
        .bind(json(&created)?),
    )
    .await?;
    execute(
        &mut *conn,
        query(
            "UPDATE amplify_branches SET total_number_of_jobs = $4 \
             WHERE region = $1 AND app_id = $2 AND branch_name = $3",
        )
        .bind(&created.region)
        .bind(&created.app_id)
        .bind(&created.branch_name)
        .bind(created.number),
    )
    .await?;
    bump_generation(conn).await?;
    Ok(created)
}

/// Overwrites the stored job with `job` (its revision as given); the rows it changed.
async fn write(conn: &mut PgConnection, job: &Job) -> Result<u64> {
    execute(
        conn,
        query(
            "UPDATE amplify_jobs SET status = $5, revision = $6, end_time = $7, doc = $8 \
             WHERE region = $1 AND app_id = $2 AND branch_name = $3 AND number = $4",
        )
        .bind(&job.region)
        .bind(&job.app_id)
        .bind(&job.branch_name)
        .bind(job.number)
        .bind(job.status.as_str())
        .bind(job.revision)
        .bind(job.end_time.map(Timestamp::millis))
        .bind(json(job)?),
    )
    .await
}

pub(super) async fn get_job<'c>(executor: impl PgExecutor<'c>, key: &JobKey) -> Result<Option<Job>> {
    let sql = concat!(
        "SELECT ",
        job_columns!(),
        " FROM amplify_jobs WHERE region = $1 AND app_id = $2 AND branch_name = $3 AND number = $4"
    );
    let row = optional_row(
        executor,
        query(sql)
            .bind(key.region.clone())
            .bind(key.app_id.clone())
            .bind(key.branch_name.clone())
            .bind(key.number),
    )
    .await?;
    row.map(|r| job(&r).map(|l| l.item)).transpose()
}

/// Newest first: the cursor is the number.
pub(super) async fn list<'c>(
    executor: impl PgExecutor<'c>,
    region: &str,
    app_id: &str,
    branch_name: &str,
    slice: Slice,
) -> Result<Vec<Listed<Job>>> {
    let sql = concat!(
        "SELECT ",
        job_columns!(),
        " FROM amplify_jobs WHERE region = $1 AND app_id = $2 AND branch_name = $3 AND number < $4 \
         ORDER BY number DESC LIMIT $5"
    );
    let found = all_rows(
        executor,
        query(sql)
            .bind(region.to_owned())
            .bind(app_id.to_owned())
            .bind(branch_name.to_owned())
            .bind(after_descending(slice))
            .bind(limit(slice)),
    )
    .await?;
    each(&found, job)
}

/// Compare-and-set on the revision; with `activate`, the branch serves this job from the same
/// commit (spec §8.7).
pub(super) async fn save(conn: &mut PgConnection, j: &Job, activate: bool) -> Result<Job> {
    if lock_branch(conn, &j.region, &j.app_id, &j.branch_name).await?.is_none() {
        return Err(Error::NotFound(ResourceKind::AmplifyJob));
    }
    let stored = get_job(&mut *conn, &j.key())
        .await?
        .ok_or(Error::NotFound(ResourceKind::AmplifyJob))?;
    if stored.revision != j.revision {
        return Err(Error::Conflict(Conflict::RevisionChanged {
            number: j.number,
            revision: j.revision,
        }));
    }
    let saved = Job {
        revision: j.revision + 1,
        ..j.clone()
    };
    write(conn, &saved).await?;
    if activate {
        execute(
            &mut *conn,
            query(
                "UPDATE amplify_branches SET active_job_id = $4 \
                 WHERE region = $1 AND app_id = $2 AND branch_name = $3",
            )
            .bind(&saved.region)
            .bind(&saved.app_id)
            .bind(&saved.branch_name)
            .bind(saved.number),
        )
        .await?;
    }
    bump_generation(conn).await?;
    Ok(saved)
}

/// Refuses an unfinished job and the one the branch serves; removes its uploads and tags.
pub(super) async fn delete(conn: &mut PgConnection, key: &JobKey, arn: &str) -> Result<Job> {
    let (_, active) = lock_branch(conn, &key.region, &key.app_id, &key.branch_name)
        .await?
        .ok_or(Error::NotFound(ResourceKind::AmplifyJob))?;
    let found = get_job(&mut *conn, key)
        .await?
        .ok_or(Error::NotFound(ResourceKind::AmplifyJob))?;
    if !found.status.is_finished() {
        return Err(Error::Conflict(Conflict::JobUnfinished { number: key.number }));
    }
    if active == Some(key.number) {
        return Err(Error::Conflict(Conflict::JobActive { number: key.number }));
    }
    for sql in [
        "DELETE FROM amplify_uploads WHERE region = $1 AND app_id = $2 AND branch_name = $3 AND number = $4",
        "DELETE FROM amplify_jobs WHERE region = $1 AND app_id = $2 AND branch_name = $3 AND number = $4",
    ] {
        execute(
            &mut *conn,
            query(sql)
                .bind(key.region.clone())
                .bind(key.app_id.clone())
                .bind(key.branch_name.clone())
                .bind(key.number),
        )
        .await?;
    }
    tags::delete_below(conn, arn).await?;
    bump_generation(conn).await?;
    Ok(found)
}

/// Every region's unfinished jobs, in creation order.
pub(super) async fn unfinished_jobs<'c>(executor: impl PgExecutor<'c>) -> Result<Vec<Job>> {
    let sql = concat!(
        "SELECT ",
        job_columns!(),
        " FROM amplify_jobs WHERE ",
        unfinished!(),
        " ORDER BY seq"
    );
    items(&all_rows(executor, query(sql)).await?, job)
}

/// The branch's finished jobs, newest first: the input of `expired`.
pub(super) async fn finished_jobs<'c>(
    executor: impl PgExecutor<'c>,
    region: &str,
    app_id: &str,
    branch_name: &str,
) -> Result<Vec<Job>> {
    let sql = concat!(
        "SELECT ",
        job_columns!(),
        " FROM amplify_jobs WHERE region = $1 AND app_id = $2 AND branch_name = $3 AND ",
        finished!(),
        " ORDER BY number DESC"
    );
    let found = all_rows(
        executor,
        query(sql)
            .bind(region.to_owned())
            .bind(app_id.to_owned())
            .bind(branch_name.to_owned()),
    )
    .await?;
    items(&found, job)
}

/// The manifest blobs of every job; their archives and the files uploaded to unfinished jobs
/// (a finished job's uploads are in its manifest or archive, or no longer needed). The caller
/// runs both reads in one snapshot.
pub(super) async fn referenced_blobs(conn: &mut PgConnection) -> Result<ReferencedBlobs> {
    let manifests = all_rows(
        &mut *conn,
        query(
            "SELECT DISTINCT h FROM (SELECT doc::jsonb #>> '{manifest,sha256}' AS h FROM amplify_jobs) AS m \
             WHERE h IS NOT NULL ORDER BY h",
        ),
    )
    .await?;
    let others = all_rows(
        &mut *conn,
        query(concat!(
            "SELECT h FROM (SELECT doc::jsonb #>> '{archive,sha256}' AS h FROM amplify_jobs \
             UNION SELECT u.sha256 FROM amplify_uploads u JOIN amplify_jobs j ON j.region = u.region \
             AND j.app_id = u.app_id AND j.branch_name = u.branch_name AND j.number = u.number WHERE j.",
            unfinished!(),
            ") AS blobs WHERE h IS NOT NULL ORDER BY h"
        )),
    )
    .await?;
    Ok(ReferencedBlobs {
        manifests: manifests.iter().map(|row| get(row, 0)).collect::<Result<_>>()?,
        others: others.iter().map(|row| get(row, 0)).collect::<Result<_>>()?,
    })
}
