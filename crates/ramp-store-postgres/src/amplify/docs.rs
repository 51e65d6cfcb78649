//! What the Amplify tables share: documents in and out of `doc` columns, the generation every
//! write bumps, and the SQL meaning of "finished".

use ramp_domain::amplify::{Branch, Job};
use ramp_domain::store::{Listed, Result};
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, query};

pub(super) use crate::sql::listed;
use crate::sql::{execute, from_json, get};

/// A job whose status is final (`JobStatus::is_finished`; a unit test keeps them equal).
macro_rules! finished {
    () => {
        "status IN ('SUCCEED', 'FAILED', 'CANCELLED')"
    };
}
pub(super) use finished;

/// A job not finished yet: exactly the predicate of the partial index `amplify_jobs_unfinished`.
macro_rules! unfinished {
    () => {
        "status NOT IN ('SUCCEED', 'FAILED', 'CANCELLED')"
    };
}
pub(super) use unfinished;

/// The columns [`branch`] reads.
macro_rules! branch_columns {
    () => {
        "seq, active_job_id, total_number_of_jobs, doc"
    };
}
pub(super) use branch_columns;

/// The columns [`job`] reads.
macro_rules! job_columns {
    () => {
        "number, revision, doc"
    };
}
pub(super) use job_columns;

/// Bumps the Amplify generation: every resource write does, as the LAST statement of its
/// transaction (the crate's lock order): the row lock it takes is held until commit, and
/// taken last it never waits while holding it.
pub(super) async fn bump_generation(conn: &mut PgConnection) -> Result<()> {
    execute(
        conn,
        query("UPDATE amplify_generation SET generation = generation + 1 WHERE id = 1"),
    )
    .await?;
    Ok(())
}

/// A branch, with the members the job writes keep in columns taken from them.
pub(super) fn branch(row: &PgRow) -> Result<Listed<Branch>> {
    let mut branch: Branch = from_json(row, 3)?;
    branch.active_job_id = get(row, 1)?;
    branch.total_number_of_jobs = get(row, 2)?;
    Ok(Listed {
        cursor: get(row, 0)?,
        item: branch,
    })
}

/// A job, listed by its number.
pub(super) fn job(row: &PgRow) -> Result<Listed<Job>> {
    let mut job: Job = from_json(row, 2)?;
    job.number = get(row, 0)?;
    job.revision = get(row, 1)?;
    Ok(Listed {
        cursor: job.number,
        item: job,
    })
}

/// Every row mapped, the first failure returned.
pub(super) fn items<T>(rows: &[PgRow], map: impl Fn(&PgRow) -> Result<Listed<T>>) -> Result<Vec<T>> {
    rows.iter().map(|r| map(r).map(|l| l.item)).collect()
}

#[cfg(test)]
mod tests {
    use ramp_domain::amplify::JobStatus;

    #[test]
    fn the_finished_predicate_matches_the_domain() {
        let all = [
            JobStatus::Created,
            JobStatus::Pending,
            JobStatus::Provisioning,
            JobStatus::Running,
            JobStatus::Failed,
            JobStatus::Succeed,
            JobStatus::Cancelling,
            JobStatus::Cancelled,
        ];
        for status in all {
            assert_eq!(
                finished!().contains(&format!("'{}'", status.as_str())),
                status.is_finished(),
                "{status:?}"
            );
        }
        assert_eq!(unfinished!().replace(" NOT IN ", " IN "), finished!());
        assert!(
            include_str!("../../migrations/005_amplify.sql").contains(concat!("WHERE ", unfinished!())),
            "the partial index repeats the predicate exactly"
        );
    }
}
