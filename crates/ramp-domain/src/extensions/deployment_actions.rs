//! The actions that run while a deployment is under way: the ON_* notifications delivered
//! from the outbox ([`Notifications`], an `OutboxHandler`) and AT_DEPLOYMENT_TICK
//! ([`Ticks`]), with what they need in common: the payload's subject, read from the store, and
//! the invocations recorded on the deployment's events.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;
use ramp_clock::{SharedClock, Timestamp};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::payload::{Directive, Named, Subject};
use super::runner::ActionRunner;
use super::{ActionInvocation, ActionPoint, AppliedExtension, RecordedInvocation};
use crate::deployment::{Deployment, DeploymentEventType, DeploymentState, TriggeredBy};
use crate::outbox::{DEPLOYMENT_TRANSITION, OutboxHandler};
use crate::rollout;
use crate::store::{self, OutboxEntry, Precondition, Store};
use crate::transition::{Origin, Transitions};

/// Deliveries of one notification before ramp gives up on its target and records it failed:
/// with the outbox's backoff (1 s doubling) about a minute of ramp's clock. A later entry of the
/// same deployment waits for this one (commit order), so a dead target must not hold it forever.
pub const MAX_NOTIFICATION_ATTEMPTS: i64 = 7;

/// The action point an event of the log triggers (spec/appconfig.md §8.1). A revert is reported
/// as a rollback: it is one, of a completed deployment (README "Extensions").
pub fn point_of(event: DeploymentEventType) -> Option<ActionPoint> {
    match event {
        DeploymentEventType::DeploymentStarted => Some(ActionPoint::OnDeploymentStart),
        DeploymentEventType::PercentageUpdated => Some(ActionPoint::OnDeploymentStep),
        DeploymentEventType::BakeTimeStarted => Some(ActionPoint::OnDeploymentBaking),
        DeploymentEventType::DeploymentCompleted => Some(ActionPoint::OnDeploymentComplete),
        DeploymentEventType::RollbackCompleted | DeploymentEventType::RevertCompleted => {
            Some(ActionPoint::OnDeploymentRolledBack)
        }
        DeploymentEventType::RollbackStarted => None,
    }
}

/// A 7-character ID (the model's `Id`) fixed by `parts`: a retry of the same notification
/// carries the same InvocationId, so receivers can drop repeats.
fn stable_id(parts: &[&[u8]]) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut hash = Sha256::new();
    for part in parts {
        hash.update((part.len() as u64).to_be_bytes());
        hash.update(part);
    }
    hash.finalize()
        .iter()
        .take(7)
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect()
}

/// The region of an AppConfig ARN.
fn region_of(arn: &str) -> Option<&str> {
    arn.split(':').nth(3).filter(|r| !r.is_empty())
}

/// The payload's subject for a deployment, with names read from the store (IDs stand in for
/// names of resources deleted meanwhile).
async fn subject_of(store: &dyn Store, deployment: &Deployment) -> store::Result<Subject> {
    let names = names_of(store, deployment).await?;
    Ok(for_deployment(&names, deployment))
}

/// The payload's subject of `deployment` from the names of its application, environment and
/// profile (`names_of`, which deployments of the same ones share).
fn for_deployment(names: &Subject, deployment: &Deployment) -> Subject {
    Subject {
        deployment_number: Some(deployment.deployment_number),
        configuration_version: Some(deployment.configuration_version.clone()),
        description: deployment.description.clone(),
        ..names.clone()
    }
}

/// What the store knows of a deployment's application, environment and profile.
async fn names_of(store: &dyn Store, deployment: &Deployment) -> store::Result<Subject> {
    let region = deployment
        .applied_extensions
        .iter()
        .find_map(|a| region_of(&a.association_arn).or_else(|| region_of(&a.extension_arn)))
        .unwrap_or_default();
    let (app, env) = (&deployment.application_id, &deployment.environment_id);
    let application = store.application(region, app).await?.map(|a| a.name);
    let environment = store.environment(app, env).await?.map(|e| e.name);
    let profile = store
        .configuration_profile(app, &deployment.configuration_profile_id)
        .await?;
    let named = |id: &str, name: Option<String>| Named {
        id: id.to_owned(),
        name: name.unwrap_or_else(|| id.to_owned()),
    };
    Ok(Subject {
        application: named(app, application),
        environment: Some(named(env, environment)),
        configuration_profile: named(
            &deployment.configuration_profile_id,
            Some(deployment.configuration_name.clone()),
        ),
        configuration_profile_type: profile.and_then(|p| p.profile_type),
        deployment_number: None,
        configuration_version: None,
        description: None,
        deployment_state: None,
        percentage_complete: None,
    })
}

fn record(deployment: &Deployment, event_index: usize, invocation: ActionInvocation) -> RecordedInvocation {
    RecordedInvocation {
        application_id: deployment.application_id.clone(),
        environment_id: deployment.environment_id.clone(),
        deployment_number: deployment.deployment_number,
        event_index: i64::try_from(event_index).unwrap_or(i64::MAX),
        invocation,
    }
}

fn has_point(applied: &[AppliedExtension], point: ActionPoint) -> bool {
    applied.iter().any(|a| a.actions.contains_key(&point))
}

/// Delivers ON_DEPLOYMENT_* actions from the outbox: asynchronously, at least once, in commit
/// order per deployment, with the outbox's retries and backoff, on the one node holding the
/// outbox lease.
pub struct Notifications {
    store: Arc<dyn Store>,
    runner: Arc<ActionRunner>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct TransitionNews {
    #[serde(default)]
    first_event_index: usize,
    /// Entries written before the field existed may have actions: look.
    #[serde(default = "yes")]
    has_notifications: bool,
    events_added: Vec<AddedEvent>,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
struct AddedEvent {
    event_type: DeploymentEventType,
}

impl Notifications {
    pub fn new(store: Arc<dyn Store>, runner: Arc<ActionRunner>) -> Self {
        Self { store, runner }
    }
}

#[async_trait::async_trait]
impl OutboxHandler for Notifications {
    async fn handle(&self, entry: &OutboxEntry) -> Result<(), String> {
        if entry.topic != DEPLOYMENT_TRANSITION {
            return Ok(());
        }
        let news: TransitionNews =
            serde_json::from_str(&entry.payload).map_err(|e| format!("unreadable outbox payload: {e}"))?;
        if !news.has_notifications {
            return Ok(());
        }
        let due: Vec<(usize, ActionPoint)> = news
            .events_added
            .iter()
            .enumerate()
            .filter_map(|(i, e)| point_of(e.event_type).map(|p| (news.first_event_index + i, p)))
            .collect();
        if due.is_empty() {
            return Ok(());
        }
        let store_error = |e: store::Error| e.to_string();
        let Some(deployment) = self
            .store
            .deployment(&entry.application_id, &entry.environment_id, entry.deployment_number)
            .await
            .map_err(store_error)?
        else {
            return Ok(()); // deleted with its environment: nobody to tell about
        };
        if !due.iter().any(|(_, p)| has_point(&deployment.applied_extensions, *p)) {
            return Ok(());
        }
        let subject = subject_of(self.store.as_ref(), &deployment)
            .await
            .map_err(store_error)?;
        // Those that went through on an earlier attempt are not sent again.
        let delivered: HashSet<String> = self
            .store
            .invocations(
                &deployment.application_id,
                &deployment.environment_id,
                deployment.deployment_number,
            )
            .await
            .map_err(store_error)?
            .into_iter()
            .filter(|r| r.invocation.error_code.is_none())
            .map(|r| r.invocation.invocation_id)
            .collect();
        let giving_up = entry.attempts + 1 >= MAX_NOTIFICATION_ATTEMPTS;
        let mut failed = 0;
        let mut recorded = Vec::new();
        for (event_index, point) in due {
            for (position, applied) in deployment.applied_extensions.iter().enumerate() {
                for action in applied.actions.get(&point).into_iter().flatten() {
                    let id = stable_id(&[
                        &entry.id.to_be_bytes(),
                        &event_index.to_be_bytes(),
                        &position.to_be_bytes(),
                    ]);
                    if delivered.contains(&id) {
                        continue;
                    }
                    let timeout = self.runner.timeouts.notification;
                    let ran = self
                        .runner
                        .run(applied, action, point, &subject, None, &id, timeout)
                        .await;
                    if let Err(error) = &ran.answer {
                        tracing::warn!(invocation = %id, point = point.as_str(), "extension action failed: {error}");
                        failed += 1;
                    }
                    recorded.push(record(&deployment, event_index, ran.invocation));
                }
            }
        }
        self.store.record_invocations(&recorded).await.map_err(store_error)?;
        if failed > 0 && !giving_up {
            return Err(format!("{failed} extension action(s) failed; they will be retried"));
        }
        Ok(())
    }
}

/// How often AT_DEPLOYMENT_TICK actions run during deploy and bake, on ramp's clock (AWS says
/// "regularly"; README "Extensions" documents ramp's choice).
pub const TICK_INTERVAL: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, Copy)]
struct TickState {
    next_at: Timestamp,
    /// The last event a tick invocation was recorded on: each event shows the first tick that
    /// ran while it was the latest (a tick every minute of a day-long bake would otherwise
    /// bury the log).
    recorded_event: Option<usize>,
}

/// Runs AT_DEPLOYMENT_TICK actions of deployments in progress every [`TICK_INTERVAL`] of
/// ramp's clock, in parallel with the rollout; an error, a timeout or a `ROLL_BACK` directive
/// rolls the deployment back (spec/appconfig.md §8.1).
pub struct Ticks {
    store: Arc<dyn Store>,
    runner: Arc<ActionRunner>,
    transitions: Arc<Transitions>,
    clock: SharedClock,
    state: Mutex<HashMap<(String, String, i64), TickState>>,
    stale: AtomicBool,
    idle_rounds: AtomicU32,
}

/// What one deployment's tick did.
struct Ticked {
    invoked: usize,
    rolled_back: bool,
    /// Invocations to record (the round writes them together).
    records: Vec<RecordedInvocation>,
}

/// Deployments ticked at the same time.
const TICK_CONCURRENCY: usize = 64;

/// Rounds (each lease renewal is one, every 2 s) a leader runs without reading the deployments
/// in progress when nothing is due and nothing woke it.
const IDLE_ROUNDS_BETWEEN_READS: u32 = 5;

/// What one tick round did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct TickReport {
    pub invoked: usize,
    pub rolled_back: usize,
    /// When the next tick is due (`None`: no deployment has tick actions).
    pub next_at: Option<Timestamp>,
}

impl Ticks {
    pub fn new(
        store: Arc<dyn Store>,
        runner: Arc<ActionRunner>,
        transitions: Arc<Transitions>,
        clock: SharedClock,
    ) -> Self {
        Self {
            store,
            runner,
            transitions,
            clock,
            state: Mutex::new(HashMap::new()),
            stale: AtomicBool::new(true),
            idle_rounds: AtomicU32::new(0),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, HashMap<(String, String, i64), TickState>> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Says that a deployment with tick actions may have started (or that transitions were
    /// missed): the next round reads the deployments in progress again.
    pub fn mark_stale(&self) {
        self.stale.store(true, Ordering::SeqCst);
    }

    /// Whether a round must read the deployments in progress: it was told to, a tick is due, or
    /// it has not read them for [`IDLE_ROUNDS_BETWEEN_READS`] rounds (how a leader finds
    /// deployments other nodes started). Otherwise it answers from what it knows, so an idle
    /// loop costs nothing even with thousands of deployments in flight.
    fn must_read(&self, now: Timestamp) -> bool {
        let woken = self.stale.swap(false, Ordering::SeqCst);
        let due = self.state().values().any(|s| s.next_at <= now);
        let idle = self.idle_rounds.fetch_add(1, Ordering::SeqCst) + 1 >= IDLE_ROUNDS_BETWEEN_READS;
        if woken || due || idle {
            self.idle_rounds.store(0, Ordering::SeqCst);
            return true;
        }
        false
    }

    /// Runs every tick that is due now.
    pub async fn round(&self) -> store::Result<TickReport> {
        let now = self.clock.now();
        if !self.must_read(now) {
            return Ok(TickReport {
                next_at: self.state().values().map(|s| s.next_at).min(),
                ..TickReport::default()
            });
        }
        let interval = i64::try_from(TICK_INTERVAL.as_millis()).unwrap_or(i64::MAX);
        let ticking: Vec<Deployment> = self
            .store
            .in_progress_deployments()
            .await?
            .into_iter()
            .filter(|d| has_point(&d.applied_extensions, ActionPoint::AtDeploymentTick))
            .collect();
        let mut due = Vec::new();
        let mut report = TickReport::default();
        {
            let mut state = self.state();
            let live: HashSet<_> = ticking.iter().map(key).collect();
            state.retain(|k, _| live.contains(k));
            for deployment in ticking {
                let entry = state.entry(key(&deployment)).or_insert(TickState {
                    next_at: Timestamp::from_millis(deployment.started_at.millis().saturating_add(interval)),
                    recorded_event: None,
                });
                if entry.next_at <= now {
                    entry.next_at = Timestamp::from_millis(now.millis().saturating_add(interval));
                    due.push(deployment);
                }
            }
            report.next_at = state.values().map(|s| s.next_at).min();
        }
        // Deployments of one application, environment and profile share their names: read once.
        let mut names: HashMap<(&str, &str, &str), Subject> = HashMap::new();
        for d in &due {
            let names_key = names_key(d);
            if let std::collections::hash_map::Entry::Vacant(slot) = names.entry(names_key) {
                slot.insert(names_of(self.store.as_ref(), d).await?);
            }
        }
        // A bounded number at a time, like the outbox: a round of thousands of deployments must
        // not open thousands of connections at once on the engine's cores.
        let ticking: Vec<_> = due
            .iter()
            .filter_map(|d| {
                let names_key = names_key(d);
                let subject = for_deployment(names.get(&names_key)?, d);
                Some(self.tick(d, subject, now))
            })
            .collect();
        let outcomes: Vec<store::Result<Ticked>> = futures::stream::iter(ticking)
            .buffer_unordered(TICK_CONCURRENCY)
            .collect()
            .await;
        let mut records = Vec::new();
        for outcome in outcomes {
            let ticked = outcome?;
            report.invoked += ticked.invoked;
            report.rolled_back += usize::from(ticked.rolled_back);
            records.extend(ticked.records);
        }
        // The round's invocations in one write.
        if !records.is_empty() {
            self.store.record_invocations(&records).await?;
        }
        Ok(report)
    }

    /// One tick of one deployment: every tick action in parallel; the first failure or
    /// `ROLL_BACK` rolls it back.
    async fn tick(&self, deployment: &Deployment, mut subject: Subject, now: Timestamp) -> store::Result<Ticked> {
        let point = ActionPoint::AtDeploymentTick;
        subject.deployment_state = Some(deployment.state.as_str());
        subject.percentage_complete = Some(deployment.percentage_complete);
        let timeout = self.runner.timeouts.tick;
        let mut runs = Vec::new();
        for applied in &deployment.applied_extensions {
            for action in applied.actions.get(&point).map(Vec::as_slice).unwrap_or_default() {
                let id = crate::ids::new_id();
                let subject = &subject;
                runs.push(async move {
                    let ran = self
                        .runner
                        .run(applied, action, point, subject, None, &id, timeout)
                        .await;
                    (applied, ran)
                });
            }
        }
        let ran = futures::future::join_all(runs).await;
        let invoked = ran.len();
        let mut rollback = None;
        let mut continued = Vec::new();
        for (applied, ran) in ran {
            let verdict = ran
                .answer
                .clone()
                .and_then(|answer| super::payload::directive(answer.as_ref()));
            match verdict {
                Ok(Directive::Continue) => continued.push(ran.invocation),
                Ok(Directive::RollBack { description }) if rollback.is_none() => {
                    let reason = description.unwrap_or_else(|| "the action asked to roll back".to_owned());
                    rollback = Some((
                        ran.invocation,
                        format!("Rollback initiated by extension {}: {reason}", applied.extension_id),
                    ));
                }
                Err(error) if rollback.is_none() => {
                    let reason = format!(
                        "Rollback initiated by extension {}: its AT_DEPLOYMENT_TICK action failed ({}: {})",
                        applied.extension_id, error.code, error.message
                    );
                    rollback = Some((ran.invocation, reason));
                }
                _ => continued.push(ran.invocation),
            }
        }
        if let Some((invocation, reason)) = rollback {
            let rolled_back = self.roll_back(deployment, invocation, reason, now).await?;
            return Ok(Ticked {
                invoked,
                rolled_back,
                records: Vec::new(),
            });
        }
        Ok(Ticked {
            invoked,
            rolled_back: false,
            records: self.to_record(deployment, continued),
        })
    }

    /// What to record of a tick that continued: its invocations, on the deployment's latest
    /// event, once per event.
    fn to_record(&self, deployment: &Deployment, invocations: Vec<ActionInvocation>) -> Vec<RecordedInvocation> {
        let latest = deployment.event_log.len().saturating_sub(1);
        let mut state = self.state();
        let Some(entry) = state.get_mut(&key(deployment)) else {
            return Vec::new();
        };
        if entry.recorded_event == Some(latest) {
            return Vec::new();
        }
        entry.recorded_event = Some(latest);
        invocations.into_iter().map(|i| record(deployment, latest, i)).collect()
    }

    /// Rolls `deployment` back with the invocation that decided it on the ROLLBACK_STARTED
    /// event; a deployment that moved meanwhile is read again, and left alone once finished.
    async fn roll_back(
        &self,
        deployment: &Deployment,
        invocation: ActionInvocation,
        reason: String,
        now: Timestamp,
    ) -> store::Result<bool> {
        let mut before = deployment.clone();
        for _ in 0..5 {
            if !before.state.is_in_progress() || before.state == DeploymentState::RollingBack {
                return Ok(false);
            }
            let mut after = rollout::roll_back(&before, now, TriggeredBy::Appconfig, reason.clone());
            let started = after.event_log.len().saturating_sub(2);
            if let Some(event) = after.event_log.get_mut(started) {
                event.action_invocations.push(invocation.clone());
            }
            match self
                .transitions
                .update(&before, &after, Precondition::None, Origin::Engine, now)
                .await
            {
                Ok(_) => return Ok(true),
                Err(e) if e.is_revision_race() => {
                    match self
                        .store
                        .deployment(&before.application_id, &before.environment_id, before.deployment_number)
                        .await?
                    {
                        Some(current) => before = current,
                        None => return Ok(false),
                    }
                }
                Err(e) => return Err(e),
            }
        }
        Ok(false)
    }
}

/// What deployments sharing their payload's names have in common.
fn names_key(d: &Deployment) -> (&str, &str, &str) {
    (&d.application_id, &d.environment_id, &d.configuration_profile_id)
}

fn key(d: &Deployment) -> (String, String, i64) {
    (d.application_id.clone(), d.environment_id.clone(), d.deployment_number)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invocation_ids_are_stable_and_look_like_ids() {
        let a = stable_id(&[b"1", b"2"]);
        assert_eq!(a, stable_id(&[b"1", b"2"]));
        assert_ne!(a, stable_id(&[b"12", b""]));
        assert_eq!(a.len(), 7);
        assert!(a.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
    }

    #[test]
    fn events_map_to_their_action_points() {
        assert_eq!(
            point_of(DeploymentEventType::DeploymentCompleted),
            Some(ActionPoint::OnDeploymentComplete)
        );
        assert_eq!(point_of(DeploymentEventType::RollbackStarted), None);
        assert_eq!(
            point_of(DeploymentEventType::RollbackCompleted),
            Some(ActionPoint::OnDeploymentRolledBack)
        );
    }
}
