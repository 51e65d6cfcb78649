//! What garbage collection of old deploys may take (issue 10, scope 5; spec/amplify.md §8.8,
//! §8.9): a branch keeps the files of its newest deploys, so RETRY can publish them again,
//! and never loses those of its live deploy or of one skew protection still serves.
//!
//! The domain decides which jobs lose their files (their `manifest` and `archive` are cleared,
//! so RETRY of them is refused); ramp-server's hosting then deletes the blobs no job
//! references any more.

use ramp_clock::Timestamp;

use super::service::{Amplify, UPLOAD_WINDOW_MILLIS};
use super::{JobKey, JobStatus};
use crate::error::Result;

/// How long skew protection keeps serving an older deploy (spec §8.8: one week).
pub const SKEW_WINDOW_MILLIS: i64 = 7 * 24 * 3600 * 1000;

impl Amplify {
    /// Skew-protected branches serve the succeeded deploys that ended at or after this.
    pub fn skew_since(&self) -> Timestamp {
        self.now().plus_millis(-SKEW_WINDOW_MILLIS)
    }

    /// Releases the files of the branch's deploys beyond its newest `keep` finished jobs,
    /// except the live one and those skew protection serves (the store leaves them out);
    /// returns the numbers of the jobs whose files were released now.
    pub async fn expire_deploys(&self, region: &str, app_id: &str, branch_name: &str, keep: usize) -> Result<Vec<i64>> {
        let expired = self
            .store
            .expired_jobs(region, app_id, branch_name, keep, self.skew_since())
            .await?;
        let mut released = Vec::new();
        for job in expired {
            // Most expired jobs were released by an earlier run: no write for them.
            if job.manifest.is_none() && job.archive.is_none() {
                continue;
            }
            if self.job_files_expired(&job.key(), keep).await?.is_some() {
                released.push(job.number);
            }
        }
        Ok(released)
    }

    /// Clears a finished job's `manifest` and `archive` (compare-and-set) and says why in its
    /// log; `None` when it had none or is gone. Its blobs go at the next sweep, unless another
    /// job references them.
    pub async fn job_files_expired(&self, key: &JobKey, keep: usize) -> Result<Option<super::Job>> {
        self.report(key, |job, _| {
            if !job.status.is_finished() || (job.manifest.is_none() && job.archive.is_none()) {
                return None;
            }
            job.manifest = None;
            job.archive = None;
            job.log.push(format!(
                "[INFO]: The files of this deployment were removed: the branch keeps the files of its newest {keep} deployments."
            ));
            Some(false)
        })
        .await
    }

    /// Whether a deploy may be storing blobs that no job references yet: a job pending,
    /// running or being stopped, or one created for an upload still within its window
    /// (spec §6.2). Such blobs may be old ones stored again (content-addressed, so the write
    /// is skipped and the blob keeps its old time), which the sweep's grace period does not
    /// protect: the sweep deletes nothing while this holds.
    pub async fn deploys_in_flight(&self) -> Result<bool> {
        let uploads_since = self.now().plus_millis(-UPLOAD_WINDOW_MILLIS);
        Ok(self
            .store
            .unfinished_jobs()
            .await?
            .iter()
            .any(|job| job.status != JobStatus::Created || job.create_time >= uploads_since))
    }
}
