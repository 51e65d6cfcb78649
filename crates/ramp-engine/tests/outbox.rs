//! Transitions and the outbox end to end: subscribers hear this node's transitions (Request,
//! Engine) with what each added; every transition leaves one outbox entry, delivered to every
//! handler in order, retried with backoff on ramp's (manual) clock; entries committed by a
//! process killed with SIGKILL (one of them in a handler at the time) are all delivered by the
//! next process on the same store (SQLite file, PostgreSQL); and with two nodes on one
//! PostgreSQL schema each entry is delivered exactly once.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use ramp_clock::{ManualClock, SharedClock, SystemClock, Timestamp};
use ramp_domain::deployment::{DeploymentEventType, DeploymentState};
use ramp_domain::outbox::{DEPLOYMENT_TRANSITION, OutboxHandler};
use ramp_domain::store::{OutboxEntry, Store};
use ramp_domain::transition::{Origin, Transition, TransitionSubscriber};
use ramp_engine::Engine;
use ramp_engine::outbox::{Deliverer, backoff};
use ramp_store::SqliteStore;
use ramp_store_postgres::PostgresStore;
use ramp_store_postgres::testing::{database_url, fresh_schema_url};

mod common;
use common::Fixture;

fn clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::new(Timestamp::from_millis(1_700_000_000_000)))
}

/// What a subscriber heard: origin, deployment, state before and after, events added.
type Hearing = (
    Origin,
    i64,
    Option<DeploymentState>,
    DeploymentState,
    Vec<DeploymentEventType>,
);

/// Records what subscribers hear.
#[derive(Default)]
struct Heard(Mutex<Vec<Hearing>>);

#[async_trait]
impl TransitionSubscriber for Heard {
    async fn heard(&self, t: &Transition) {
        let added = t.events_added().iter().map(|e| e.event_type).collect();
        self.0.lock().expect("lock").push((
            t.origin,
            t.after.deployment_number,
            t.before.as_ref().map(|b| b.state),
            t.after.state,
            added,
        ));
    }
}

/// Counts deliveries per entry id; fails the first `fail_first` calls.
struct Counting {
    seen: Mutex<BTreeMap<i64, usize>>,
    order: Mutex<Vec<(i64, i64)>>,
    fail_first: Mutex<usize>,
    /// How many distinct entries were delivered.
    distinct: tokio::sync::watch::Sender<usize>,
}

impl Default for Counting {
    fn default() -> Self {
        Self {
            seen: Mutex::default(),
            order: Mutex::default(),
            fail_first: Mutex::default(),
            distinct: tokio::sync::watch::channel(0).0,
        }
    }
}

#[async_trait]
impl OutboxHandler for Counting {
    async fn handle(&self, entry: &OutboxEntry) -> Result<(), String> {
        {
            let mut fail = self.fail_first.lock().expect("lock");
            if *fail > 0 {
                *fail -= 1;
                return Err("not now".to_owned());
            }
        }
        let distinct = {
            let mut seen = self.seen.lock().expect("lock");
            *seen.entry(entry.id).or_default() += 1;
            seen.len()
        };
        self.order
            .lock()
            .expect("lock")
            .push((entry.deployment_number, entry.revision));
        self.distinct.send_replace(distinct);
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn subscribers_hear_each_transition_of_this_node_with_what_it_added() {
    use DeploymentEventType::*;
    use DeploymentState::*;
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open_in_memory().expect("store"));
    let clock = clock();
    let fixture = Fixture::new(store.clone(), clock.clone() as SharedClock).await;
    let heard = Arc::new(Heard::default());
    let transitions = fixture.appconfig.transitions();
    transitions.subscribe(heard.clone());
    let engine = Engine::new(store.clone(), clock.clone() as SharedClock).with_transitions(transitions);
    let env = fixture.environment("prod").await;

    let first = fixture.start(&fixture.appconfig, &env).await.expect("start");
    clock.advance(Duration::from_secs(11 * 60));
    engine.tick().await.expect("tick");
    let second = fixture.start(&fixture.appconfig, &env).await.expect("start");
    fixture
        .stop(&fixture.appconfig, &env, second.deployment_number, false)
        .await
        .expect("rollback");
    let (a, b) = (first.deployment_number, second.deployment_number);
    assert_eq!(
        *heard.0.lock().expect("lock"),
        [
            (Origin::Request, a, None, Deploying, vec![DeploymentStarted]),
            (
                Origin::Engine,
                a,
                Some(Deploying),
                Complete,
                vec![PercentageUpdated, BakeTimeStarted, DeploymentCompleted]
            ),
            (Origin::Request, b, None, Deploying, vec![DeploymentStarted]),
            (
                Origin::Request,
                b,
                Some(Deploying),
                RolledBack,
                vec![RollbackStarted, RollbackCompleted]
            ),
        ]
    );
    // One outbox entry per transition, in commit order, saying the same.
    let entries = store.outbox_entries().await.expect("entries");
    assert_eq!(entries.len(), 4);
    assert!(entries.iter().all(|e| e.topic == DEPLOYMENT_TRANSITION));
    let completed: serde_json::Value = serde_json::from_str(&entries[1].payload).expect("json");
    assert_eq!(completed["FromState"], "DEPLOYING");
    assert_eq!(completed["ToState"], "COMPLETE");
    assert_eq!(completed["EventsAdded"].as_array().expect("events").len(), 3);
    assert_eq!((entries[1].deployment_number, entries[1].revision), (a, 1));
}

#[tokio::test(flavor = "multi_thread")]
async fn every_handler_takes_each_entry_in_order_and_failures_retry_after_backoff() {
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open_in_memory().expect("store"));
    let clock = clock();
    let fixture = Fixture::new(store.clone(), clock.clone() as SharedClock).await;
    let env = fixture.environment("prod").await;
    let engine =
        Engine::new(store.clone(), clock.clone() as SharedClock).with_transitions(fixture.appconfig.transitions());
    let d = fixture.start(&fixture.appconfig, &env).await.expect("start");
    clock.advance(Duration::from_secs(11 * 60));
    engine.tick().await.expect("tick");
    fixture
        .stop(&fixture.appconfig, &env, d.deployment_number, true)
        .await
        .expect("revert");

    let (ok, flaky) = (Arc::new(Counting::default()), Arc::new(Counting::default()));
    *flaky.fail_first.lock().expect("lock") = 2;
    let deliverer = Deliverer::new(store.clone(), clock.clone() as SharedClock)
        .with_handler(ok.clone())
        .with_handler(flaky.clone());

    // The first entry fails in the second handler: nothing after it in its deployment goes.
    let report = deliverer.deliver_due().await.expect("deliver");
    assert_eq!((report.delivered, report.failed), (0, 1));
    assert_eq!(store.outbox_status().await.expect("status").pending, 3);
    // Not before its backoff (1 s), then it fails again (2 s more) ...
    clock.advance(backoff(1) - Duration::from_millis(1));
    assert_eq!(deliverer.deliver_due().await.expect("deliver").failed, 0);
    clock.advance(Duration::from_millis(1));
    assert_eq!(deliverer.deliver_due().await.expect("deliver").failed, 1);
    let entry = &store.outbox_entries().await.expect("entries")[0];
    assert_eq!((entry.attempts, entry.last_error.as_deref()), (2, Some("not now")));
    // ... and then every entry goes, in commit order.
    clock.advance(backoff(2));
    let report = deliverer.deliver_due().await.expect("deliver");
    assert_eq!((report.delivered, report.failed), (3, 0));
    assert_eq!(*flaky.order.lock().expect("lock"), [(1, 0), (1, 1), (1, 2)]);
    assert_eq!(
        ok.seen.lock().expect("lock").values().copied().collect::<Vec<_>>(),
        [3, 1, 1],
        "at least once: a handler that took an entry sees it again when another handler failed"
    );
    let status = store.outbox_status().await.expect("status");
    assert_eq!((status.pending, status.delivered), (0, 3));
}

// ---- kill -9 between commit and delivery ----

const CHILD_STORE: &str = "RAMP_OUTBOX_TEST_CHILD_STORE";

/// Runs only as the child of `committed_entries_survive_kill_9_*` (else returns at once): on the
/// store named by `CHILD_STORE`, makes transitions, starts delivering with a handler that never
/// returns, says how many entries it committed, and waits to be killed.
#[tokio::test(flavor = "multi_thread")]
async fn kill_9_child() {
    let Ok(location) = std::env::var(CHILD_STORE) else {
        return;
    };
    // Should the parent die before killing it, its stdin closes: leave then.
    std::thread::spawn(|| {
        let _ = std::io::copy(&mut std::io::stdin(), &mut std::io::sink());
        std::process::exit(1);
    });
    let store: Arc<dyn Store> = match location.split_once(':') {
        Some(("sqlite", path)) => Arc::new(SqliteStore::open(std::path::Path::new(path)).expect("sqlite")),
        _ => Arc::new(PostgresStore::connect(&location).await.expect("postgres")),
    };
    let clock = clock();
    let fixture = Fixture::new(store.clone(), clock.clone() as SharedClock).await;
    let engine =
        Engine::new(store.clone(), clock.clone() as SharedClock).with_transitions(fixture.appconfig.transitions());
    for i in 0..3 {
        let env = fixture.environment(&format!("env{i}")).await;
        let d = fixture.start(&fixture.appconfig, &env).await.expect("start");
        clock.advance(Duration::from_secs(11 * 60));
        engine.tick().await.expect("tick");
        fixture
            .stop(&fixture.appconfig, &env, d.deployment_number, true)
            .await
            .expect("revert");
    }
    let committed = store.outbox_entries().await.expect("entries").len();
    let (entered, mut in_handler) = tokio::sync::mpsc::channel(1);
    let deliverer =
        Arc::new(Deliverer::new(store.clone(), clock as SharedClock).with_handler(Arc::new(Stuck(entered))));
    tokio::spawn(async move { deliverer.deliver_due().await });
    in_handler.recv().await.expect("the handler is entered");
    println!("COMMITTED {committed}");
    std::io::stdout().flush().expect("flush");
    std::future::pending::<()>().await;
}

/// A handler that never returns (after saying it was called).
struct Stuck(tokio::sync::mpsc::Sender<()>);

#[async_trait]
impl OutboxHandler for Stuck {
    async fn handle(&self, _entry: &OutboxEntry) -> Result<(), String> {
        let _ = self.0.send(()).await;
        std::future::pending().await
    }
}

/// Runs `kill_9_child` on `location` in a new process, SIGKILLs it once it has committed its
/// transitions, and returns how many entries it committed.
fn run_and_kill_child(location: &str) -> usize {
    let mut child = Command::new(std::env::current_exe().expect("test binary"))
        .args(["--exact", "kill_9_child", "--nocapture", "--test-threads=1"])
        .env(CHILD_STORE, location)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("child");
    let stdout = child.stdout.take().expect("stdout");
    let committed = BufReader::new(stdout)
        .lines()
        .map(|line| line.expect("line"))
        // libtest may have written "test kill_9_child ... " on the same line.
        .find_map(|line| {
            line.rsplit_once("COMMITTED ")
                .map(|(_, n)| n.trim().parse::<usize>().expect("count"))
        })
        .expect("the child reports what it committed");
    child.kill().expect("SIGKILL"); // std sends SIGKILL on Unix
    child.wait().expect("reaped");
    committed
}

async fn deliver_everything_after_the_kill(store: Arc<dyn Store>, committed: usize) {
    assert_eq!(committed, 9, "3 × (start, completion, revert)");
    let pending = store.outbox_status().await.expect("status").pending;
    assert_eq!(pending, committed as u64, "nothing was delivered, nothing was lost");
    let counting = Arc::new(Counting::default());
    let deliverer = Deliverer::new(store.clone(), clock() as SharedClock).with_handler(counting.clone());
    let report = deliverer.deliver_due().await.expect("deliver");
    assert_eq!(report.delivered, committed);
    let seen = counting.seen.lock().expect("lock").clone();
    assert_eq!(seen.len(), committed);
    assert!(seen.values().all(|n| *n == 1), "{seen:?}");
    assert_eq!(store.outbox_status().await.expect("status").pending, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn committed_entries_survive_kill_9_sqlite() {
    let dir = std::env::temp_dir().join(format!("ramp-outbox-kill-{}", ramp_domain::ids::new_hex(6)));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("ramp.db");
    let committed = run_and_kill_child(&format!("sqlite:{}", path.display()));
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&path).expect("reopen"));
    deliver_everything_after_the_kill(store, committed).await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread")]
async fn committed_entries_survive_kill_9_postgres() {
    let Some(base) = database_url() else { return };
    let url = fresh_schema_url(&base).await.expect("schema");
    let committed = run_and_kill_child(&url);
    let store: Arc<dyn Store> = Arc::new(PostgresStore::connect(&url).await.expect("reconnect"));
    deliver_everything_after_the_kill(store, committed).await;
}

// ---- two nodes ----

#[tokio::test(flavor = "multi_thread")]
async fn two_nodes_deliver_each_entry_exactly_once() {
    let Some(base) = database_url() else { return };
    let url = fresh_schema_url(&base).await.expect("schema");
    let stores: Vec<Arc<dyn Store>> = vec![
        Arc::new(PostgresStore::connect(&url).await.expect("node a")),
        Arc::new(PostgresStore::connect(&url).await.expect("node b")),
    ];
    let clock = clock();
    let counting = Arc::new(Counting::default());
    let fixture = Fixture::new(stores[0].clone(), clock.clone() as SharedClock).await;
    let node_b = Arc::new(
        ramp_domain::appconfig::AppConfig::new(stores[1].clone(), clock.clone() as SharedClock, Default::default())
            .await
            .expect("node b"),
    );
    let nodes = [fixture.appconfig.clone(), node_b];
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let mut running = Vec::new();
    for (i, (store, node)) in stores.iter().zip(&nodes).enumerate() {
        let deliverer = Arc::new(
            Deliverer::new(store.clone(), clock.clone() as SharedClock)
                .with_handler(counting.clone())
                .with_lease(format!("node-{i}"), Arc::new(SystemClock::new())),
        );
        node.transitions().subscribe(deliverer.subscriber());
        let mut stopped = stopped.clone();
        running.push(tokio::spawn(deliverer.run(async move {
            let _ = stopped.wait_for(|s| *s).await;
        })));
    }
    // Transitions from both nodes: each environment started on one and rolled back on the other.
    for i in 0..10 {
        let env = fixture.environment(&format!("env{i}")).await;
        let (starter, stopper) = (&nodes[i % 2], &nodes[(i + 1) % 2]);
        let d = fixture.start(starter, &env).await.expect("start");
        fixture
            .stop(stopper, &env, d.deployment_number, false)
            .await
            .expect("rollback");
    }
    let committed = stores[0].outbox_entries().await.expect("entries").len();
    assert_eq!(committed, 20);
    // Wait (for the deliveries, not for a time) until everything is delivered, then stop both.
    let mut distinct = counting.distinct.subscribe();
    tokio::time::timeout(Duration::from_secs(60), distinct.wait_for(|n| *n >= committed))
        .await
        .expect("delivered within a minute")
        .expect("watch");
    let _ = stop.send(true);
    for task in running {
        task.await.expect("deliverer stops");
    }
    let seen = counting.seen.lock().expect("lock").clone();
    assert_eq!(seen.len(), committed, "every entry delivered");
    assert!(seen.values().all(|n| *n == 1), "exactly once: {seen:?}");
    assert_eq!(stores[1].outbox_status().await.expect("status").pending, 0);
}
