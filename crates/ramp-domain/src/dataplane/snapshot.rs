//! What every (application, environment, profile) serves, kept in memory so that
//! GetLatestConfiguration reads no storage (spec/appconfig.md §5.4, issue: "built for scale").
//! Refreshed from the store whenever a deployment changes.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use bytes::Bytes;
use sha2::{Digest, Sha256};

/// A configuration as clients receive it from one deployment.
#[derive(Debug, Clone, PartialEq)]
pub struct Served {
    pub deployment_number: i64,
    /// The hosted version number (the legacy API's `Configuration-Version`).
    pub configuration_version: String,
    pub content: Bytes,
    pub content_type: String,
    pub version_label: Option<String>,
}

/// A deployment rolling out, and how far it has come.
#[derive(Debug, Clone, PartialEq)]
pub struct Rolling {
    pub served: Arc<Served>,
    pub percentage: f64,
    /// The deployment revision the percentage comes from: older news never overwrites newer.
    pub revision: i64,
}

/// What one (application, environment, profile) serves.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Entry {
    pub rolling: Option<Rolling>,
    pub deployed: Option<Arc<Served>>,
    /// The highest deployment number of the profile in the environment when the entry was read
    /// (0 for none): a token naming a newer one was served by a node that already knew more.
    pub newest: i64,
}

/// (application id, environment id, profile id).
pub type Key = (String, String, String);

impl Entry {
    /// The configuration session `session` receives: the rolling deployment once its progress
    /// passes the session's bucket for that deployment, else what was deployed before. Buckets
    /// only depend on (session, deployment) and percentages only grow, so a session that has the
    /// new version keeps it while the deployment goes on.
    pub fn for_session(&self, session: &str, key: &Key) -> Option<&Arc<Served>> {
        if let Some(rolling) = &self.rolling
            && f64::from(bucket(session, key, rolling.served.deployment_number)) < rolling.percentage
        {
            return Some(&rolling.served);
        }
        self.deployed.as_ref()
    }
}

/// A stable bucket 0–99 for a session in one deployment (the re:Post description of AppConfig's
/// targeting, spec/appconfig.md §5.4): the same on every node and every restart.
pub fn bucket(session: &str, key: &Key, deployment_number: i64) -> u8 {
    let mut hash = Sha256::new();
    for part in [session, &key.0, &key.1, &key.2, &deployment_number.to_string()] {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    let digest = hash.finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    (u64::from_be_bytes(first) % 100) as u8
}

#[derive(Default)]
pub struct Snapshot {
    /// Keyed by ids ramp made, so hashed with foldhash (seeded per process), not SipHash.
    entries: RwLock<HashMap<Key, Arc<Entry>, foldhash::fast::RandomState>>,
}

impl Snapshot {
    pub fn get(&self, key: &Key) -> Option<Arc<Entry>> {
        self.entries.read().ok()?.get(key).cloned()
    }

    pub fn contains(&self, key: &Key) -> bool {
        self.entries.read().is_ok_and(|entries| entries.contains_key(key))
    }

    /// Forgets `key`'s entry; it is loaded again on its next use.
    pub fn remove(&self, key: &Key) {
        if let Ok(mut entries) = self.entries.write() {
            entries.remove(key);
        }
    }

    /// Forgets every entry; each is loaded again on its next use.
    pub fn clear(&self) {
        if let Ok(mut entries) = self.entries.write() {
            entries.clear();
        }
    }

    pub fn put(&self, key: Key, entry: Entry) {
        if let Ok(mut entries) = self.entries.write() {
            entries.insert(key, Arc::new(entry));
        }
    }

    /// Moves the rolling deployment of `key` to `percentage`, if it is `deployment_number` and
    /// `revision` is not older than what the entry has. `false` when the entry doesn't know that
    /// deployment as rolling (a refresh is needed).
    pub fn set_percentage(&self, key: &Key, deployment_number: i64, percentage: f64, revision: i64) -> bool {
        let Ok(mut entries) = self.entries.write() else {
            return false;
        };
        let Some(entry) = entries.get_mut(key) else {
            return false;
        };
        match &entry.rolling {
            Some(rolling) if rolling.served.deployment_number == deployment_number => {
                let mut updated = (**entry).clone();
                if let Some(rolling) = updated.rolling.as_mut()
                    && revision >= rolling.revision
                {
                    rolling.percentage = percentage;
                    rolling.revision = revision;
                }
                *entry = Arc::new(updated);
                true
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn served(n: i64) -> Arc<Served> {
        Arc::new(Served {
            deployment_number: n,
            configuration_version: n.to_string(),
            content: Bytes::from(format!("v{n}")),
            content_type: "text/plain".into(),
            version_label: None,
        })
    }

    fn key() -> Key {
        ("app".into(), "env".into(), "pro".into())
    }

    #[test]
    fn a_quarter_of_sessions_see_a_rollout_at_25_percent_and_keep_it() {
        let mut entry = Entry {
            rolling: Some(Rolling {
                served: served(2),
                percentage: 25.0,
                revision: 0,
            }),
            deployed: Some(served(1)),
            newest: 2,
        };
        let sessions: Vec<String> = (0..2000).map(|i| format!("session-{i}")).collect();
        let new = |entry: &Entry| {
            sessions
                .iter()
                .filter(|s| entry.for_session(s, &key()).map(|v| v.deployment_number) == Some(2))
                .count()
        };
        let at25 = new(&entry);
        assert!((400..=600).contains(&at25), "{at25} of 2000 at 25 %");
        let had_it: Vec<&String> = sessions
            .iter()
            .filter(|s| entry.for_session(s, &key()).unwrap().deployment_number == 2)
            .collect();
        if let Some(rolling) = entry.rolling.as_mut() {
            rolling.percentage = 50.0;
        }
        assert!(
            had_it
                .iter()
                .all(|s| entry.for_session(s, &key()).unwrap().deployment_number == 2),
            "sticky"
        );
        let at50 = new(&entry);
        assert!((900..=1100).contains(&at50), "{at50} of 2000 at 50 %");
    }

    #[test]
    fn buckets_differ_per_deployment() {
        let differing = (0..200)
            .filter(|i| bucket(&format!("s{i}"), &key(), 1) != bucket(&format!("s{i}"), &key(), 2))
            .count();
        assert!(differing > 150);
    }
}
