//! The loop the engine and the outbox deliverer share: run a round, then wait until it is due
//! again, something wakes it, or (with several nodes) the lease needs renewing. With leadership,
//! rounds run only while this node holds the lease, and a clean stop hands the lease over.

use std::future::Future;
use std::time::Duration;

use ramp_clock::{Clock, Timestamp};
use ramp_domain::store::Store;
use tokio::sync::Notify;

use crate::leadership::{self, Leadership};

/// Real time to wait before trying again after a round could not do its work.
const RETRY_AFTER: Duration = Duration::from_millis(250);

/// When a round wants to run again.
pub(crate) enum Wait {
    /// Soon: its work could not be saved (real time, so a stopped clock cannot stall it).
    Retry,
    /// When ramp's clock reaches this time.
    Until(Timestamp),
    /// Only when woken (or to renew the lease).
    Forever,
}

/// What a loop of rounds needs around it.
pub(crate) struct Rounds<'a> {
    pub store: &'a dyn Store,
    pub clock: &'a dyn Clock,
    pub leadership: Option<&'a Leadership>,
    pub wake: &'a Notify,
}

impl Rounds<'_> {
    /// Runs `round` until `shutdown` resolves. A follower only tries to take the lease every
    /// `RENEW_EVERY`, and the leader wakes at least that often to renew it.
    pub async fn run<F, Fut>(self, shutdown: impl Future<Output = ()>, mut round: F)
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Wait>,
    {
        tokio::pin!(shutdown);
        loop {
            let leading = match self.leadership {
                Some(leadership) => leadership.hold(self.store).await,
                None => true,
            };
            let next = if leading { round().await } else { Wait::Forever };
            let until_due = async {
                match next {
                    Wait::Retry => tokio::time::sleep(RETRY_AFTER).await,
                    Wait::Until(due) => ramp_clock::sleep_until(self.clock, due).await,
                    Wait::Forever => std::future::pending().await,
                }
            };
            let renew = async {
                match self.leadership {
                    Some(_) => tokio::time::sleep(leadership::RENEW_EVERY).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                _ = &mut shutdown => break,
                _ = self.wake.notified() => {}
                _ = until_due => {}
                _ = renew => {}
            }
        }
        if let Some(leadership) = self.leadership {
            leadership.release(self.store).await;
        }
    }
}
