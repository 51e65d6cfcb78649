//! What the Amplify tables share: documents in and out of `doc` columns, the generation every
//! write bumps, and the SQL meaning of "finished".

use ramp_domain::amplify::{Branch, Job};
use ramp_domain::store::{Listed, Result};
use rusqlite::{Connection, Row};

use crate::sqlite::sql::execute;
pub(super) use crate::sqlite::sql::{doc, listed};

/// A job whose status is final (`JobStatus::is_finished`; a unit test keeps them equal).
pub(super) const FINISHED: &str = "status IN ('SUCCEED', 'FAILED', 'CANCELLED')";
/// A job not finished yet: exactly the predicate of the partial index `amplify_jobs_unfinished`.
pub(super) const UNFINISHED: &str = "status NOT IN ('SUCCEED', 'FAILED', 'CANCELLED')";

/// Bumps the Amplify generation: every resource write does, in its own job (spec: a node
/// rebuilds its site table when the generation it read has changed).
pub(super) fn bump_generation(conn: &Connection) -> Result<()> {
    execute(
        conn,
        "UPDATE amplify_generation SET generation = generation + 1 WHERE id = 1",
        [],
    )?;
    Ok(())
}

/// The columns [`branch`] reads.
pub(super) const BRANCH_COLUMNS: &str = "seq, active_job_id, total_number_of_jobs, doc";

/// A branch, with the members the job writes keep in columns taken from them.
pub(super) fn branch(row: &Row<'_>) -> rusqlite::Result<Listed<Branch>> {
    let mut branch: Branch = doc(row, 3)?;
    branch.active_job_id = row.get(1)?;
    branch.total_number_of_jobs = row.get(2)?;
    Ok(Listed {
        cursor: row.get(0)?,
        item: branch,
    })
}

/// The columns [`job`] reads.
pub(super) const JOB_COLUMNS: &str = "number, revision, doc";

/// A job, listed by its number.
pub(super) fn job(row: &Row<'_>) -> rusqlite::Result<Listed<Job>> {
    let mut job: Job = doc(row, 2)?;
    job.number = row.get(0)?;
    job.revision = row.get(1)?;
    Ok(Listed {
        cursor: job.number,
        item: job,
    })
}

pub(super) fn encode<T: serde::Serialize>(value: &T) -> Result<String> {
    crate::sqlite::sql::json(value)
}

#[cfg(test)]
mod tests {
    use ramp_domain::amplify::JobStatus;

    use super::{FINISHED, UNFINISHED};

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
                FINISHED.contains(&format!("'{}'", status.as_str())),
                status.is_finished(),
                "{status:?}"
            );
        }
        assert_eq!(UNFINISHED.replace(" NOT IN ", " IN "), FINISHED);
        assert!(
            include_str!("../../../migrations/sqlite/005_amplify.sql").contains(&format!("WHERE {UNFINISHED}")),
            "the partial index repeats the predicate exactly"
        );
    }
}
