//! The deployment engine: the thin, stateful shell around [`ramp_domain::rollout`].
//!
//! Everything it knows lives in the store, so a restarted (or `kill -9`ed) server picks up
//! where it was: each step is one compare-and-set write of a deployment with every milestone
//! that came due, stamped with the time it was due. [`Engine::tick`] does all the work due now;
//! [`Engine::run`] calls it whenever the clock reaches the next due time or something wakes it
//! (a new deployment, an alarm, a manual clock jump).
//!
//! Every write is a [`Transition`] made through the node's [`Transitions`] (shared with
//! AppConfig), which commits the deployment with its outbox messages and tells this node's
//! subscribers; the engine's own loop subscribes, so StartDeployment and StopDeployment wake
//! it without the handlers knowing. When several nodes share the store, only the holder of the
//! engine lease runs the loop's ticks ([`leadership`]), and [`Engine::follow`] brings each
//! node the transitions the others make. [`outbox::Deliverer`] delivers the outbox.

mod alarms;
mod lag;
pub mod leadership;
pub mod outbox;
mod rounds;
pub mod ticks;

pub use alarms::alarm_name;
pub use lag::LagStats;
pub use leadership::{Leadership, LeadershipStatus};

use std::future::Future;
use std::sync::Arc;

use futures::future::join_all;
use ramp_clock::{SharedClock, Timestamp};
use ramp_domain::deployment::{Alarm, Deployment, DeploymentState, TriggeredBy};
use ramp_domain::rollout;
use ramp_domain::store::{self, Change, Precondition, Store};
use ramp_domain::transition::{Origin, Transition, TransitionSubscriber, Transitions};
use tokio::sync::{Notify, broadcast};

use crate::rounds::{Rounds, Wait};

/// Deployments read and written per round of a tick; their writes share group commits.
const BATCH: usize = 512;

/// How many times alarm rollbacks are re-read after racing another writer within one tick.
const RACE_ROUNDS: usize = 5;

pub struct Engine {
    store: Arc<dyn Store>,
    clock: SharedClock,
    wake: Arc<Notify>,
    lag: lag::LagRecorder,
    transitions: Arc<Transitions>,
    /// Set when several nodes share the store: the loop then ticks only while holding the lease.
    leadership: Option<Leadership>,
}

/// What a tick did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct TickReport {
    pub advanced: usize,
    pub rolled_back: usize,
}

impl Engine {
    /// An engine writing through transitions of its own; give it the node's with
    /// [`Engine::with_transitions`].
    pub fn new(store: Arc<dyn Store>, clock: SharedClock) -> Self {
        let transitions = Arc::new(Transitions::new(store.clone()));
        Self::with(store, clock, transitions)
    }

    fn with(store: Arc<dyn Store>, clock: SharedClock, transitions: Arc<Transitions>) -> Self {
        let wake = Arc::new(Notify::new());
        transitions.subscribe(Arc::new(Waker(wake.clone())));
        Self {
            store,
            clock,
            wake,
            lag: lag::LagRecorder::default(),
            transitions,
            leadership: None,
        }
    }

    /// Shares the driving of deployments with other nodes on the same store: the loop ticks
    /// only while this node holds the engine lease.
    pub fn with_leadership(mut self, leadership: Leadership) -> Self {
        self.leadership = Some(leadership);
        self
    }

    /// Writes through `transitions` (the node's, shared with AppConfig), whose subscribers
    /// hear every transition, and whose transitions made elsewhere on this node wake the loop.
    pub fn with_transitions(self, transitions: Arc<Transitions>) -> Self {
        let leadership = self.leadership;
        Self {
            leadership,
            ..Self::with(self.store, self.clock, transitions)
        }
    }

    /// The transitions this engine writes through.
    pub fn transitions(&self) -> Arc<Transitions> {
        self.transitions.clone()
    }

    /// Asks the running loop to look again now (a deployment started or stopped).
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Applies everything due at the clock's current time: alarm rollbacks first (a deployment
    /// watching a firing alarm takes no further step), then due milestones.
    pub async fn tick(&self) -> store::Result<TickReport> {
        let now = self.clock.now();
        let alarms = self.store.alarms().await?;
        let mut report = TickReport {
            rolled_back: self.roll_back_alarmed(&alarms, now).await?,
            advanced: 0,
        };
        loop {
            let due = self.store.due_deployments(now, BATCH).await?;
            if due.is_empty() {
                return Ok(report);
            }
            let count = due.len();
            let updates = due.iter().filter_map(|d| {
                let next = rollout::advance(d, now)?;
                let added = next.event_log.len() - d.event_log.len();
                Some((d, next, added))
            });
            let outcomes = join_all(updates.map(|(d, next, added)| self.save(d, next, added, now))).await;
            let saved = outcomes.iter().filter(|o| **o == Saved::Yes).count();
            let raced = outcomes.contains(&Saved::Raced);
            report.advanced += saved;
            // A full batch may hide more due work. A deployment someone else changed meanwhile
            // (another node, StopDeployment, a concurrent tick that read it earlier) is read
            // again: whatever is due at `now` is applied before the tick returns. A round whose
            // writes failed would only fail again.
            if !raced && (count < BATCH || saved == 0) {
                return Ok(report);
            }
        }
    }

    /// Writes a deployment with compare-and-set; `Raced` when someone else changed it first
    /// (StopDeployment, another node or tick): the caller decides again on fresh data.
    /// `scheduled` is how many events at the end of the log were due milestones, whose lateness
    /// is recorded once the write is durable.
    async fn save(&self, before: &Deployment, next: Deployment, scheduled: usize, now: Timestamp) -> Saved {
        match self
            .transitions
            .update(before, &next, Precondition::None, Origin::Engine, now)
            .await
        {
            Ok(transition) => {
                let saved = &transition.after;
                let added = &saved.event_log[saved.event_log.len().saturating_sub(scheduled)..];
                self.lag.record(added, self.clock.now(), self.clock.scale());
                Saved::Yes
            }
            Err(e) if e.is_revision_race() => Saved::Raced,
            Err(e) => {
                tracing::warn!(deployment = next.deployment_number, environment = %next.environment_id, "cannot save deployment: {e}");
                Saved::Failed
            }
        }
    }

    /// Rolls back every deployment in progress that watches an alarm in ALARM or
    /// INSUFFICIENT_DATA (spec/appconfig.md §6). COMPLETE deployments are not in progress, so
    /// alarms no longer touch them.
    async fn roll_back_alarmed(&self, alarms: &[Alarm], now: Timestamp) -> store::Result<usize> {
        let firing: Vec<&Alarm> = alarms.iter().filter(|a| a.state.rolls_back()).collect();
        if firing.is_empty() {
            return Ok(0);
        }
        let mut rolled_back = 0;
        // A deployment that moved on meanwhile (a step saved by another tick) is read again, so
        // the alarm's rollback is done when this returns; a few rounds settle any race.
        for _ in 0..RACE_ROUNDS {
            let in_progress = self.store.in_progress_deployments().await?;
            let rollbacks = in_progress.iter().filter_map(|d| {
                if !matches!(d.state, DeploymentState::Deploying | DeploymentState::Baking) {
                    return None;
                }
                let alarm_arn = alarms::firing_monitor(d, &firing)?;
                let reason = format!("Rollback initiated by CloudWatch alarm {alarm_arn}");
                Some((d, rollout::roll_back(d, now, TriggeredBy::CloudwatchAlarm, reason)))
            });
            let outcomes = join_all(rollbacks.map(|(d, next)| self.save(d, next, 0, now))).await;
            rolled_back += outcomes.iter().filter(|o| **o == Saved::Yes).count();
            if !outcomes.contains(&Saved::Raced) {
                break;
            }
        }
        Ok(rolled_back)
    }

    /// Runs until `shutdown` resolves: tick, then sleep until the next due time or a wake-up.
    /// With leadership, a follower only tries to take the lease every `RENEW_EVERY`, and the
    /// leader wakes at least that often to renew it.
    pub async fn run(self: Arc<Self>, shutdown: impl Future<Output = ()>) {
        let rounds = Rounds {
            store: self.store.as_ref(),
            clock: self.clock.as_ref(),
            leadership: self.leadership.as_ref(),
            wake: &self.wake,
        };
        rounds.run(shutdown, || self.tick_and_look_ahead()).await;
    }

    /// One round of the loop: everything due now, then when to look again.
    async fn tick_and_look_ahead(&self) -> Wait {
        let ticked_at = self.clock.now();
        if let Err(e) = self.tick().await {
            tracing::warn!("deployment engine tick failed: {e}");
        }
        match self.store.next_due_at().await {
            // Due when the tick ran, yet still there: its write failed (logged above).
            // Retry shortly rather than spin.
            Ok(Some(due)) if due <= ticked_at => Wait::Retry,
            Ok(Some(due)) => Wait::Until(due),
            Ok(None) => Wait::Forever,
            Err(e) => {
                tracing::warn!("cannot read the next due time: {e}");
                Wait::Retry
            }
        }
    }

    /// Brings this node the transitions other nodes commit, until `shutdown` resolves: each
    /// becomes an [`Origin::Remote`] transition for this node's subscribers (the data plane's
    /// snapshot; the loop, which looks again, as a deployment started elsewhere may be this
    /// node's to drive; the outbox deliverer). Only the deployment as stored now is known of
    /// it. When changes may have been missed, the subscribers start afresh.
    pub async fn follow(self: Arc<Self>, mut changes: broadcast::Receiver<Change>, shutdown: impl Future<Output = ()>) {
        tokio::pin!(shutdown);
        loop {
            let change = tokio::select! {
                _ = &mut shutdown => return,
                change = changes.recv() => change,
            };
            match change {
                Ok(Change::Deployment {
                    application_id,
                    environment_id,
                    deployment_number,
                }) => {
                    self.changed_elsewhere(&application_id, &environment_id, deployment_number)
                        .await
                }
                Ok(Change::Missed) | Err(broadcast::error::RecvError::Lagged(_)) => self.transitions.missed().await,
                Err(broadcast::error::RecvError::Closed) => return,
            }
        }
    }

    async fn changed_elsewhere(&self, application_id: &str, environment_id: &str, number: i64) {
        match self.store.deployment(application_id, environment_id, number).await {
            Ok(Some(after)) => {
                let transition = Transition {
                    before: None,
                    after,
                    origin: Origin::Remote,
                };
                self.transitions.publish(&transition).await;
            }
            // Deleted since (its environment went): nothing serves it any more.
            Ok(None) => {}
            Err(e) => {
                tracing::warn!("cannot read a deployment changed by another node: {e}");
                self.transitions.missed().await;
            }
        }
    }

    /// Sets a ramp alarm and applies its consequences before returning (DESIGN.md "alarms").
    pub async fn set_alarm(&self, alarm: Alarm) -> store::Result<TickReport> {
        self.store.put_alarm(&alarm).await?;
        self.tick().await
    }

    /// How late milestones were applied, in real milliseconds, since the server started.
    pub fn lag(&self) -> LagStats {
        self.lag.stats()
    }

    /// The outbox's delivery state (whichever node delivers it).
    pub async fn outbox(&self) -> store::Result<store::OutboxStatus> {
        self.store.outbox_status().await
    }

    pub async fn alarms(&self) -> store::Result<Vec<Alarm>> {
        self.store.alarms().await
    }

    /// The states alarm `name` was set to, newest first, at most `limit`.
    pub async fn alarm_history(&self, name: &str, limit: usize) -> store::Result<Vec<Alarm>> {
        self.store.alarm_history(name, limit).await
    }

    /// Every deployment rolling out now, for the metrics.
    pub async fn in_progress(&self) -> store::Result<Vec<Deployment>> {
        self.store.in_progress_deployments().await
    }

    /// How many deployments are in each state, for the metrics.
    pub async fn deployment_counts(&self) -> store::Result<Vec<(DeploymentState, u64)>> {
        self.store.deployment_counts().await
    }

    /// Who drives the deployments, when several nodes share the store.
    pub async fn leadership(&self) -> store::Result<Option<LeadershipStatus>> {
        match &self.leadership {
            Some(leadership) => Ok(Some(leadership.status(self.store.as_ref()).await?)),
            None => Ok(None),
        }
    }
}

/// Wakes the loop on transitions it did not make itself (a start or stop on this node, any
/// transition of another node) and when transitions may have been missed.
struct Waker(Arc<Notify>);

#[async_trait::async_trait]
impl TransitionSubscriber for Waker {
    async fn heard(&self, transition: &Transition) {
        if transition.origin != Origin::Engine {
            self.0.notify_one();
        }
    }

    async fn missed(&self) {
        self.0.notify_one();
    }
}

/// How a compare-and-set write of a deployment ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Saved {
    Yes,
    /// Someone else changed the deployment since it was read.
    Raced,
    /// The store failed (logged).
    Failed,
}
