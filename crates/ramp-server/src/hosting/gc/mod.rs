//! Garbage collection of deploys' files (issue 10, scope 5; spec/amplify.md §7.3, §8.9).
//!
//! Two levels:
//! * after each job the runner finishes, the branch's deploys beyond the newest
//!   [`GcConfig::keep_deploys`] lose their files (`Amplify::expire_deploys`: never the live
//!   one, never one skew protection serves), so RETRY of them is refused;
//! * a sweep, at start-up and every [`GcConfig::sweep_every`], deletes the blobs that no stored
//!   job references, directly or through its manifest. With several nodes on one store, only
//!   the holder of the [`LEASE_NAME`] lease sweeps (two sweeping at once would only repeat
//!   work: deleting a deleted blob succeeds).
//!
//! Both survive a restart or a kill: expiry is a compare-and-set per job and runs again after
//! the next job; the sweep recomputes everything from the store and the blob listing.
//!
//! A deploy stores its blobs before the job records its manifest, so a sweep could see a
//! blob nothing references yet. Two guards: a blob younger than [`GcConfig::blob_grace`] is
//! never deleted, and nothing is deleted while a deploy is in flight
//! (`Amplify::deploys_in_flight`), which covers old blobs a deploy stores again (their
//! write is skipped and their time stays old), checked again before each batch of deletions.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures::TryStreamExt as _;
use ramp_blobs::{Blobs, Digest, ListedBlob};
use ramp_clock::{SystemClock, Timestamp};
use ramp_domain::amplify::{Amplify, JobKey};
use ramp_domain::store::Store;
use ramp_engine::Leadership;
use ramp_engine::leadership::RENEW_EVERY;
use ramp_sites::Manifest;
use ramp_sites::manifest::ManifestError;

use super::Hosting;

/// The sweep's lease in the store, beside the engine's and the outbox's.
pub const LEASE_NAME: &str = "amplify-gc";
/// Deletions between two checks for deploys in flight.
const DELETE_BATCH: usize = 100;

/// How old deploys are collected (flags of `ramp serve`).
#[derive(Debug, Clone)]
pub struct GcConfig {
    /// Finished jobs per branch whose files are kept (RETRY works on them).
    pub keep_deploys: usize,
    /// Real time between sweeps of the blob store.
    pub sweep_every: Duration,
    /// Blobs younger than this are never deleted: a deploy in progress may have stored them
    /// before recording its manifest.
    pub blob_grace: Duration,
    /// This node's name when several nodes share the store (one sweeps at a time); `None`
    /// for a single node.
    pub lease_node: Option<String>,
}

impl Default for GcConfig {
    fn default() -> Self {
        Self {
            keep_deploys: 10,
            sweep_every: Duration::from_secs(3600),
            blob_grace: Duration::from_secs(24 * 3600),
            lease_node: None,
        }
    }
}

/// After a job of `key`'s branch finished: releases the files of the branch's old deploys.
pub async fn expire_after_job(hosting: &Hosting, key: &JobKey) {
    let keep = hosting.config.gc.keep_deploys;
    match hosting
        .amplify
        .expire_deploys(&key.region, &key.app_id, &key.branch_name, keep)
        .await
    {
        Ok(released) if released.is_empty() => {}
        Ok(released) => tracing::info!(
            app = %key.app_id, branch = %key.branch_name, jobs = ?released, keep,
            "released the files of old Amplify deploys"
        ),
        Err(e) => tracing::error!(job = ?key, error = %e, "could not expire old Amplify deploys"),
    }
}

/// What one sweep did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SweepReport {
    /// Blobs some job references.
    pub referenced: u64,
    /// Unreferenced blobs spared because they are younger than the grace period.
    pub young: u64,
    pub deleted: u64,
    pub deleted_bytes: u64,
    /// Why the sweep stopped before deleting everything it could, if it did.
    pub stopped: Option<String>,
}

/// Deletes the blobs no stored job references and older than `grace` at `now`.
///
/// `now` is real wall time (`SystemClock::real_now`), not ramp's clock: it is compared with
/// the blob store's last-modified times, which the machine or service storing the blob
/// wrote from its own wall clock; ramp's clock may be manual or accelerated.
pub async fn sweep(
    amplify: &Amplify,
    store: &dyn Store,
    blobs: &Blobs,
    now: Timestamp,
    grace: Duration,
) -> Result<SweepReport, String> {
    let mut report = SweepReport::default();
    if amplify.deploys_in_flight().await.map_err(|e| e.to_string())? {
        report.stopped = Some("a deploy is in flight".to_owned());
        return Ok(report);
    }
    let referenced = referenced(store, blobs).await?;
    let listed: Vec<ListedBlob> = blobs.list_with_times().try_collect().await.map_err(|e| e.to_string())?;
    let cutoff = now
        .millis()
        .saturating_sub(i64::try_from(grace.as_millis()).unwrap_or(i64::MAX));
    let mut garbage = Vec::new();
    for blob in listed {
        if referenced.contains(&blob.digest) {
            report.referenced += 1;
        } else if millis(blob.last_modified) > cutoff {
            report.young += 1;
        } else {
            garbage.push(blob);
        }
    }
    for batch in garbage.chunks(DELETE_BATCH) {
        if amplify.deploys_in_flight().await.map_err(|e| e.to_string())? {
            report.stopped = Some("a deploy started".to_owned());
            break;
        }
        for blob in batch {
            blobs.delete(blob.digest).await.map_err(|e| e.to_string())?;
            tracing::debug!(digest = %blob.digest, size = blob.size, "deleted an unreferenced blob");
            report.deleted += 1;
            report.deleted_bytes += blob.size;
        }
    }
    Ok(report)
}

/// Every blob a stored job references: manifests, archives, uploads, and each manifest's
/// files. A manifest that cannot be read (other than missing) stops the sweep: its files are
/// unknown and must not be taken for garbage.
async fn referenced(store: &dyn Store, blobs: &Blobs) -> Result<HashSet<Digest>, String> {
    let roots = store.referenced_blobs().await.map_err(|e| e.to_string())?;
    let mut referenced = HashSet::new();
    for hex in roots.others.iter().chain(&roots.manifests) {
        referenced.insert(Digest::parse(hex).map_err(|e| format!("a job references a bad digest: {e}"))?);
    }
    for hex in &roots.manifests {
        let digest = Digest::parse(hex).map_err(|e| format!("a job references a bad digest: {e}"))?;
        match Manifest::load(blobs, digest).await {
            Ok(manifest) => referenced.extend(manifest.blobs()),
            // Its site is already broken; there is nothing of it to keep.
            Err(ManifestError::Missing(_)) => {
                tracing::warn!(%digest, "a job's manifest is missing from the blob store")
            }
            Err(e) => return Err(format!("could not read manifest {digest}: {e}")),
        }
    }
    Ok(referenced)
}

fn millis(time: SystemTime) -> i64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0, |since| i64::try_from(since.as_millis()).unwrap_or(i64::MAX))
}

/// Sweeps at start-up and then every `sweep_every`, on the lease holder when nodes share the store.
pub fn start_sweeps(hosting: Arc<Hosting>) {
    tokio::spawn(async move {
        let config = hosting.config.gc.clone();
        let leadership = config
            .lease_node
            .clone()
            .map(|node| Leadership::of(LEASE_NAME, node, Arc::new(SystemClock::new())));
        // The lease is renewed as often as the engine's, so the holder keeps it between
        // sweeps; a sweep outlasting the lease at worst lets another node repeat its work.
        let mut ticks = tokio::time::interval(if leadership.is_some() {
            RENEW_EVERY
        } else {
            config.sweep_every
        });
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last_sweep: Option<std::time::Instant> = None;
        loop {
            ticks.tick().await;
            if let Some(leadership) = &leadership
                && !leadership.hold(hosting.store.as_ref()).await
            {
                last_sweep = None;
                continue;
            }
            if last_sweep.is_some_and(|at| at.elapsed() < config.sweep_every) {
                continue;
            }
            last_sweep = Some(std::time::Instant::now());
            run_sweep(&hosting, config.blob_grace).await;
        }
    });
}

async fn run_sweep(hosting: &Hosting, grace: Duration) {
    let started = std::time::Instant::now();
    match sweep(
        &hosting.amplify,
        hosting.store.as_ref(),
        &hosting.blobs,
        SystemClock::real_now(),
        grace,
    )
    .await
    {
        Ok(report) => tracing::info!(
            referenced = report.referenced,
            young = report.young,
            deleted = report.deleted,
            deleted_bytes = report.deleted_bytes,
            stopped = report.stopped.as_deref().unwrap_or("no"),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "swept the blob store"
        ),
        Err(e) => tracing::error!(error = %e, "could not sweep the blob store"),
    }
}

#[cfg(test)]
mod tests;
