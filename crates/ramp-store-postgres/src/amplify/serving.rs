//! What the site host reads: the generation, the serving state in one snapshot, the jobs
//! garbage collection may delete, and the access log.

use std::collections::HashMap;

use ramp_clock::Timestamp;
use ramp_domain::amplify::{Branch, Job, JobStatus, ServingState};
use ramp_domain::store::Result;
use sqlx::{PgConnection, PgExecutor, query};

use super::docs::{branch, branch_columns, items, job, listed};
use super::{branches, jobs};
use crate::sql::{all_rows, get, one_row};

pub(super) async fn generation<'c>(executor: impl PgExecutor<'c>) -> Result<i64> {
    get(
        &one_row(
            executor,
            query("SELECT generation FROM amplify_generation WHERE id = 1"),
        )
        .await?,
        0,
    )
}

/// Every read in the caller's REPEATABLE READ transaction: one snapshot.
pub(super) async fn state(conn: &mut PgConnection, skew_since: Timestamp) -> Result<ServingState> {
    let generation = generation(&mut *conn).await?;
    let apps = items(
        &all_rows(&mut *conn, query("SELECT seq, doc FROM amplify_apps ORDER BY seq")).await?,
        listed,
    )?;
    let branches: Vec<Branch> = items(
        &all_rows(
            &mut *conn,
            query(concat!(
                "SELECT ",
                branch_columns!(),
                " FROM amplify_branches ORDER BY seq"
            )),
        )
        .await?,
        branch,
    )?;
    let domain_associations = items(
        &all_rows(&mut *conn, query("SELECT seq, doc FROM amplify_domains ORDER BY seq")).await?,
        listed,
    )?;
    let candidates = items(
        &all_rows(
            &mut *conn,
            query(
                "SELECT j.number, j.revision, j.doc FROM amplify_jobs j JOIN amplify_branches b \
                 ON b.region = j.region AND b.app_id = j.app_id AND b.branch_name = j.branch_name \
                 WHERE b.active_job_id = j.number OR (j.status = 'SUCCEED' AND j.end_time >= $1) ORDER BY j.seq",
            )
            .bind(skew_since.millis()),
        )
        .await?,
        job,
    )?;
    let live_jobs = live(&branches, candidates, skew_since);
    Ok(ServingState {
        generation,
        apps,
        branches,
        domain_associations,
        live_jobs,
    })
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
/// skew-protected ones, oldest first (read in the caller's snapshot). A branch that is gone
/// has none.
pub(super) async fn expired(
    conn: &mut PgConnection,
    region: &str,
    app_id: &str,
    branch_name: &str,
    keep: usize,
    skew_since: Timestamp,
) -> Result<Vec<Job>> {
    let Some(branch) = branches::get(&mut *conn, region, app_id, branch_name).await? else {
        return Ok(Vec::new());
    };
    let finished = jobs::finished_jobs(&mut *conn, region, app_id, branch_name).await?;
    let mut expired: Vec<Job> = finished
        .into_iter()
        .skip(keep)
        .filter(|j| branch.active_job_id != Some(j.number) && !skew_protected(&branch, j, skew_since))
        .collect();
    expired.reverse();
    Ok(expired)
}
