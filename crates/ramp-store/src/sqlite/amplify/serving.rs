//! What the site host reads: the generation, the serving state in one snapshot, the jobs
//! garbage collection may delete, and the access log.

use std::collections::HashMap;

use ramp_clock::Timestamp;
use ramp_domain::amplify::{Branch, Job, JobStatus, ServingState};
use ramp_domain::store::{Listed, Result};
use rusqlite::Connection;

use super::docs::{BRANCH_COLUMNS, branch, listed};
use super::{branches, jobs};
use crate::Db;
use crate::sqlite::sql::{all_rows, one_row};

pub(super) fn generation(conn: &Connection) -> Result<i64> {
    one_row(
        conn,
        "SELECT generation FROM amplify_generation WHERE id = 1",
        [],
        |row| row.get(0),
    )
}

/// Every read in one read transaction: on a WAL database, one snapshot.
pub(super) fn state(conn: &Connection, skew_since: Timestamp) -> Result<ServingState> {
    let tx = conn.unchecked_transaction().db()?;
    let generation = generation(&tx)?;
    let apps = items(all_rows(
        &tx,
        "SELECT seq, doc FROM amplify_apps ORDER BY seq",
        [],
        listed,
    )?);
    let branches: Vec<Branch> = items(all_rows(
        &tx,
        &format!("SELECT {BRANCH_COLUMNS} FROM amplify_branches ORDER BY seq"),
        [],
        branch,
    )?);
    let domain_associations = items(all_rows(
        &tx,
        "SELECT seq, doc FROM amplify_domains ORDER BY seq",
        [],
        listed,
    )?);
    let candidates: Vec<Job> = items(all_rows(
        &tx,
        "SELECT j.number, j.revision, j.doc FROM amplify_jobs j JOIN amplify_branches b \
         ON b.region = j.region AND b.app_id = j.app_id AND b.branch_name = j.branch_name \
         WHERE b.active_job_id = j.number OR (j.status = 'SUCCEED' AND j.end_time >= ?1) ORDER BY j.seq",
        [skew_since.millis()],
        super::docs::job,
    )?);
    let live_jobs = live(&branches, candidates, skew_since);
    tx.finish().db()?;
    Ok(ServingState {
        generation,
        apps,
        branches,
        domain_associations,
        live_jobs,
    })
}

fn items<T>(listed: Vec<Listed<T>>) -> Vec<T> {
    listed.into_iter().map(|l| l.item).collect()
}

/// Whether `job` still serves requests of clients that loaded an older deploy: a skew-protected
/// branch keeps its succeeded jobs that ended at or after `skew_since` (spec §8.8).
fn skew_protected(branch: &Branch, job: &Job, skew_since: Timestamp) -> bool {
    branch.enable_skew_protection && job.status == JobStatus::Succeed && job.end_time.is_some_and(|t| t >= skew_since)
}

/// The candidates each branch serves: its active job, and its skew-protected jobs.
fn live(branches: &[Branch], candidates: Vec<Job>, skew_since: Timestamp) -> Vec<Job> {
    let by_key: HashMap<(&str, &str, &str), &Branch> = branches
        .iter()
        .map(|b| ((b.region.as_str(), b.app_id.as_str(), b.branch_name.as_str()), b))
        .collect();
    candidates
        .into_iter()
        .filter(|j| {
            by_key
                .get(&(j.region.as_str(), j.app_id.as_str(), j.branch_name.as_str()))
                .is_some_and(|b| b.active_job_id == Some(j.number) || skew_protected(b, j, skew_since))
        })
        .collect()
}

/// The branch's finished jobs beyond the newest `keep`, but for the active job and the
/// skew-protected ones, oldest first. A branch that is gone has none.
pub(super) fn expired(
    conn: &Connection,
    region: &str,
    app_id: &str,
    branch_name: &str,
    keep: usize,
    skew_since: Timestamp,
) -> Result<Vec<Job>> {
    let tx = conn.unchecked_transaction().db()?;
    let Some(branch) = branches::get(&tx, region, app_id, branch_name)? else {
        return Ok(Vec::new());
    };
    let finished = jobs::finished(&tx, region, app_id, branch_name)?;
    tx.finish().db()?;
    let mut expired: Vec<Job> = finished
        .into_iter()
        .skip(keep)
        .filter(|j| branch.active_job_id != Some(j.number) && !skew_protected(&branch, j, skew_since))
        .collect();
    expired.reverse();
    Ok(expired)
}
