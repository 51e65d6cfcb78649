//! The group-commit writer: one thread owns the only read-write connection.
//!
//! Async callers send a job (a closure over the open transaction plus a oneshot reply) over a
//! channel. The writer takes every job already queued (up to [`MAX_BATCH`]), runs each inside
//! its own `SAVEPOINT` of one `BEGIN IMMEDIATE` transaction, so a failing job rolls back only
//! itself, then commits once: with `synchronous=FULL` that is one WAL fsync for the whole batch.
//! Only after the commit returns are the callers answered, so an `Ok` is always durable.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Mutex;
use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};
use std::thread::JoinHandle;

use ramp_domain::store::{Error, Result};
use rusqlite::{Connection, Transaction, TransactionBehavior};
use tokio::sync::oneshot;

/// The most jobs one transaction carries.
pub(crate) const MAX_BATCH: usize = 256;

/// A unit of work for the writer, its result type erased.
trait Job: Send {
    /// Runs the work inside the open transaction; `true` when it succeeded.
    fn run(&mut self, tx: &Transaction<'_>) -> bool;
    /// Records a failure without running the work.
    fn fail(&mut self, message: &str);
    /// Answers the caller once the batch's fate is known (`commit` is the commit's outcome).
    fn finish(self: Box<Self>, commit: std::result::Result<(), &str>);
}

struct Pending<T, F> {
    work: Option<F>,
    outcome: Option<Result<T>>,
    reply: oneshot::Sender<Result<T>>,
}

impl<T, F> Job for Pending<T, F>
where
    T: Send,
    F: FnOnce(&Transaction<'_>) -> Result<T> + Send,
{
    fn run(&mut self, tx: &Transaction<'_>) -> bool {
        let Some(work) = self.work.take() else {
            return false;
        };
        let outcome = catch_unwind(AssertUnwindSafe(|| work(tx)))
            .unwrap_or_else(|_| Err(Error::Unavailable("write job panicked".to_owned())));
        let ok = outcome.is_ok();
        self.outcome = Some(outcome);
        ok
    }

    fn fail(&mut self, message: &str) {
        self.work = None;
        self.outcome = Some(Err(Error::Unavailable(message.to_owned())));
    }

    fn finish(self: Box<Self>, commit: std::result::Result<(), &str>) {
        let this = *self;
        let answer = match (this.outcome, commit) {
            (Some(Err(e)), _) => Err(e),
            (Some(Ok(value)), Ok(())) => Ok(value),
            (Some(Ok(_)) | None, Err(message)) => Err(Error::Unavailable(message.to_owned())),
            (None, Ok(())) => Err(Error::Unavailable("write job was not run".to_owned())),
        };
        // The caller may have gone away (its future dropped); the write stands regardless.
        let _ = this.reply.send(answer);
    }
}

enum Msg {
    Job(Box<dyn Job>),
    Stop,
}

/// The handle async code uses to reach the writer thread.
pub(crate) struct Writer {
    jobs: Sender<Msg>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl Writer {
    /// Starts the writer thread, handing it `conn`.
    pub(crate) fn spawn(conn: Connection) -> Result<Self> {
        let (jobs, queue) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("ramp-store-writer".to_owned())
            .spawn(move || run(conn, queue))
            .map_err(|e| Error::Unavailable(format!("cannot start the store writer: {e}")))?;
        Ok(Self {
            jobs,
            thread: Mutex::new(Some(thread)),
        })
    }

    /// Runs `work` in the next batch and waits until that batch is committed (durable).
    pub(crate) async fn write<T, F>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Transaction<'_>) -> Result<T> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job = Box::new(Pending {
            work: Some(work),
            outcome: None,
            reply,
        });
        self.jobs.send(Msg::Job(job)).map_err(|_| closed())?;
        answer.await.map_err(|_| closed())?
    }

    /// Lets the writer finish every job queued so far, then stops and joins it. Later writes
    /// fail with `Unavailable`. Idempotent; blocks the calling thread until the writer exits.
    pub(crate) fn close(&self) {
        let thread = match self.thread.lock() {
            Ok(mut guard) => guard.take(),
            Err(poisoned) => poisoned.into_inner().take(),
        };
        let Some(thread) = thread else {
            return;
        };
        // Fails only when the writer already exited (it panicked); joining is still right.
        let _ = self.jobs.send(Msg::Stop);
        if thread.join().is_err() {
            tracing::error!("the store writer thread panicked");
        }
    }
}

fn closed() -> Error {
    Error::Unavailable("the store is closed".to_owned())
}

/// The writer thread's loop.
fn run(mut conn: Connection, queue: Receiver<Msg>) {
    let mut batch: Vec<Box<dyn Job>> = Vec::with_capacity(MAX_BATCH);
    let mut stopping = false;
    loop {
        if !stopping {
            match queue.recv() {
                Ok(Msg::Job(job)) => batch.push(job),
                Ok(Msg::Stop) | Err(_) => stopping = true,
            }
        }
        // Take everything already queued: this is the group in group commit. When stopping,
        // keep draining what was sent before (or racing with) the stop request.
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(Msg::Job(job)) => batch.push(job),
                Ok(Msg::Stop) => stopping = true,
                Err(TryRecvError::Empty | TryRecvError::Disconnected) => break,
            }
        }
        if batch.is_empty() {
            if stopping {
                break;
            }
            continue;
        }
        commit_batch(&mut conn, &mut batch);
    }
    tracing::debug!("store writer stopped");
}

/// Runs `batch` in one transaction, one savepoint per job, commits once, answers every job.
fn commit_batch(conn: &mut Connection, batch: &mut Vec<Box<dyn Job>>) {
    let tx = match conn.transaction_with_behavior(TransactionBehavior::Immediate) {
        Ok(tx) => tx,
        Err(e) => {
            let message = format!("cannot begin a write transaction: {e}");
            tracing::error!("{message}");
            for job in batch.drain(..) {
                job.finish(Err(&message));
            }
            return;
        }
    };

    let mut broken: Option<String> = None;
    for job in batch.iter_mut() {
        if let Err(e) = exec(&tx, "SAVEPOINT job") {
            job.fail(&format!("cannot open a savepoint: {e}"));
            continue;
        }
        if job.run(&tx) {
            if let Err(e) = exec(&tx, "RELEASE job") {
                broken = Some(format!("cannot release a savepoint: {e}"));
                break;
            }
        } else if let Err(e) = exec(&tx, "ROLLBACK TO job").and_then(|()| exec(&tx, "RELEASE job")) {
            // The transaction's state is unknown now: give up on the whole batch.
            broken = Some(format!("cannot roll back a savepoint: {e}"));
            break;
        }
    }

    let commit = match broken {
        Some(message) => {
            drop(tx); // rolls back
            Err(message)
        }
        None => tx.commit().map_err(|e| format!("cannot commit: {e}")),
    };
    if let Err(message) = &commit {
        tracing::error!("store write batch failed: {message}");
    }
    let commit = commit.as_ref().map(|_| ()).map_err(String::as_str);
    for job in batch.drain(..) {
        job.finish(commit);
    }
}

fn exec(tx: &Transaction<'_>, sql: &str) -> rusqlite::Result<()> {
    tx.prepare_cached(sql)?.execute([])?;
    Ok(())
}
