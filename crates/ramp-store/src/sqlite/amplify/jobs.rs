//! Amplify jobs: numbered per branch from the branch's counter, one unfinished at a time,
//! saved with compare-and-set on their revision, and the switch of the branch's active job.

use ramp_clock::Timestamp;
use ramp_domain::amplify::{Job, JobKey, JobStatus, NewJob, ReferencedBlobs};
use ramp_domain::store::{Conflict, Error, Listed, ResourceKind, Result, Slice};
use rusqlite::{Connection, params};

use super::docs::{FINISHED, JOB_COLUMNS, UNFINISHED, bump_generation, encode, job};
use crate::Db;
use crate::rows::{after_descending, limit};
use crate::sqlite::sql::{all_rows, execute, optional_item, optional_row};
use crate::sqlite::tags;

const KEY: &str = "region = ?1 AND app_id = ?2 AND branch_name = ?3";

/// `SqliteStore::create_job`: the branch's counter gives the number; an unfinished job refuses
/// the new one unless it is a `Created` job abandoned before `new.abandon_created_before`,
/// which is cancelled here (spec §7.1).
pub(super) fn create(conn: &Connection, new: &NewJob) -> Result<Job> {
    let j = &new.job;
    let branch = [&j.region, &j.app_id, &j.branch_name];
    let total: i64 = optional_row(
        conn,
        &format!("SELECT total_number_of_jobs FROM amplify_branches WHERE {KEY}"),
        branch,
        |row| row.get(0),
    )?
    .ok_or(Error::NotFound(ResourceKind::AmplifyBranch))?;

    let unfinished: Vec<Listed<Job>> = all_rows(
        conn,
        &format!("SELECT {JOB_COLUMNS} FROM amplify_jobs WHERE {KEY} AND {UNFINISHED} ORDER BY number"),
        branch,
        job,
    )?;
    if let Some(blocking) = unfinished
        .iter()
        .find(|u| !is_abandoned(&u.item, new.abandon_created_before))
    {
        return Err(Error::Conflict(Conflict::JobUnfinished {
            number: blocking.item.number,
        }));
    }
    for abandoned in unfinished {
        let cancelled = Job {
            status: JobStatus::Cancelled,
            end_time: Some(j.create_time),
            revision: abandoned.item.revision + 1,
            ..abandoned.item
        };
        write(conn, &cancelled)?;
    }

    let created = Job {
        number: total + 1,
        revision: 1,
        ..j.clone()
    };
    execute(
        conn,
        "INSERT INTO amplify_jobs (region, app_id, branch_name, number, status, revision, end_time, doc) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            created.region,
            created.app_id,
            created.branch_name,
            created.number,
            created.status.as_str(),
            created.revision,
            created.end_time.map(Timestamp::millis),
            encode(&created)?,
        ],
    )?;
    execute(
        conn,
        &format!("UPDATE amplify_branches SET total_number_of_jobs = ?4 WHERE {KEY}"),
        params![branch[0], branch[1], branch[2], created.number],
    )?;
    bump_generation(conn)?;
    Ok(created)
}

/// A `Created` job whose upload window was given up on: it no longer blocks the branch.
fn is_abandoned(job: &Job, abandon_created_before: Timestamp) -> bool {
    job.status == JobStatus::Created && job.create_time < abandon_created_before
}

/// Overwrites the stored job with `job` (its revision as given).
fn write(conn: &Connection, job: &Job) -> Result<()> {
    execute(
        conn,
        &format!(
            "UPDATE amplify_jobs SET status = ?5, revision = ?6, end_time = ?7, doc = ?8 WHERE {KEY} AND number = ?4"
        ),
        params![
            job.region,
            job.app_id,
            job.branch_name,
            job.number,
            job.status.as_str(),
            job.revision,
            job.end_time.map(Timestamp::millis),
            encode(job)?,
        ],
    )?;
    Ok(())
}

pub(super) fn get(conn: &Connection, key: &JobKey) -> Result<Option<Job>> {
    let sql = format!("SELECT {JOB_COLUMNS} FROM amplify_jobs WHERE {KEY} AND number = ?4");
    optional_item(
        conn,
        &sql,
        params![key.region, key.app_id, key.branch_name, key.number],
        job,
    )
}

/// Newest first: the cursor is the number.
pub(super) fn list(
    conn: &Connection,
    region: &str,
    app_id: &str,
    branch_name: &str,
    slice: Slice,
) -> Result<Vec<Listed<Job>>> {
    let sql =
        format!("SELECT {JOB_COLUMNS} FROM amplify_jobs WHERE {KEY} AND number < ?4 ORDER BY number DESC LIMIT ?5");
    all_rows(
        conn,
        &sql,
        params![region, app_id, branch_name, after_descending(slice), limit(slice)],
        job,
    )
}

/// Compare-and-set on the revision; with `activate`, the branch serves this job from the same
/// commit (spec §8.7).
pub(super) fn save(conn: &Connection, job: &Job, activate: bool) -> Result<Job> {
    let key = job.key();
    let stored = get(conn, &key)?.ok_or(Error::NotFound(ResourceKind::AmplifyJob))?;
    if stored.revision != job.revision {
        return Err(Error::Conflict(Conflict::RevisionChanged {
            number: job.number,
            revision: job.revision,
        }));
    }
    let saved = Job {
        revision: job.revision + 1,
        ..job.clone()
    };
    write(conn, &saved)?;
    if activate {
        execute(
            conn,
            &format!("UPDATE amplify_branches SET active_job_id = ?4 WHERE {KEY}"),
            params![key.region, key.app_id, key.branch_name, key.number],
        )?;
    }
    bump_generation(conn)?;
    Ok(saved)
}

/// Refuses an unfinished job and the one the branch serves; removes its uploads and tags.
pub(super) fn delete(conn: &Connection, key: &JobKey, arn: &str) -> Result<Job> {
    let found = get(conn, key)?.ok_or(Error::NotFound(ResourceKind::AmplifyJob))?;
    if !found.status.is_finished() {
        return Err(Error::Conflict(Conflict::JobUnfinished { number: key.number }));
    }
    let active: Option<i64> = optional_row(
        conn,
        &format!("SELECT active_job_id FROM amplify_branches WHERE {KEY}"),
        [&key.region, &key.app_id, &key.branch_name],
        |row| row.get(0),
    )?
    .flatten();
    if active == Some(key.number) {
        return Err(Error::Conflict(Conflict::JobActive { number: key.number }));
    }
    for sql in [
        "DELETE FROM amplify_uploads WHERE region = ?1 AND app_id = ?2 AND branch_name = ?3 AND number = ?4",
        "DELETE FROM amplify_jobs WHERE region = ?1 AND app_id = ?2 AND branch_name = ?3 AND number = ?4",
    ] {
        execute(conn, sql, params![key.region, key.app_id, key.branch_name, key.number])?;
    }
    tags::delete_below(conn, arn)?;
    bump_generation(conn)?;
    Ok(found)
}

/// Every region's unfinished jobs, in creation order.
pub(super) fn unfinished(conn: &Connection) -> Result<Vec<Job>> {
    let sql = format!("SELECT {JOB_COLUMNS} FROM amplify_jobs WHERE {UNFINISHED} ORDER BY seq");
    let found: Vec<Listed<Job>> = all_rows(conn, &sql, [], job)?;
    Ok(found.into_iter().map(|l| l.item).collect())
}

/// The branch's finished jobs, newest first: the input of `expired`.
pub(super) fn finished(conn: &Connection, region: &str, app_id: &str, branch_name: &str) -> Result<Vec<Job>> {
    let sql = format!("SELECT {JOB_COLUMNS} FROM amplify_jobs WHERE {KEY} AND {FINISHED} ORDER BY number DESC");
    let found: Vec<Listed<Job>> = all_rows(conn, &sql, [region, app_id, branch_name], job)?;
    Ok(found.into_iter().map(|l| l.item).collect())
}

/// The manifest blobs of every job; their archives and the files uploaded to unfinished jobs
/// (a finished job's uploads are in its manifest or archive, or no longer needed), in one
/// snapshot.
pub(super) fn referenced_blobs(conn: &Connection) -> Result<ReferencedBlobs> {
    let tx = conn.unchecked_transaction().db()?;
    let manifests = all_rows(
        &tx,
        "SELECT DISTINCT json_extract(doc, '$.manifest.sha256') AS h FROM amplify_jobs WHERE h IS NOT NULL ORDER BY 1",
        [],
        |row| row.get(0),
    )?;
    let others = all_rows(
        &tx,
        &format!(
            "SELECT json_extract(doc, '$.archive.sha256') AS h FROM amplify_jobs WHERE h IS NOT NULL \
             UNION SELECT u.sha256 FROM amplify_uploads u JOIN amplify_jobs j ON j.region = u.region \
             AND j.app_id = u.app_id AND j.branch_name = u.branch_name AND j.number = u.number \
             WHERE j.{UNFINISHED} ORDER BY 1"
        ),
        [],
        |row| row.get(0),
    )?;
    tx.finish().db()?;
    Ok(ReferencedBlobs { manifests, others })
}
