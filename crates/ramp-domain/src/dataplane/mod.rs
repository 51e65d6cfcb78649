//! AppConfigData: configuration sessions and GetLatestConfiguration (spec/appconfig.md §10).
//!
//! Session state travels in the token ([`tokens`]); what each profile serves is in memory
//! ([`snapshot`]), refreshed whenever a deployment changes. So GetLatestConfiguration reads no
//! storage once an entry is loaded.

pub mod snapshot;
pub mod tokens;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use bytes::Bytes;
use ramp_clock::SharedClock;

use crate::arn::Scope;
use crate::deployment::{Deployment, DeploymentState};
use crate::entities::{Application, ConfigurationProfile, Environment};
use crate::ids;
use crate::rollout;
use crate::store::{self, Slice, Store};
use crate::transition::{Transition, TransitionSubscriber};
use snapshot::{Entry, Key, Rolling, Served, Snapshot};
use tokens::{SessionToken, TokenCodec, TokenError};

/// A profile and environment served within the last minute are not marked again: AWS itself
/// takes about a minute to register a retrieval for deletion protection (spec/appconfig.md §9).
const ACCESS_MARK_MILLIS: i64 = 60_000;
/// Session count from which expired sessions are swept (then at every doubling).
const SESSION_SWEEP_AT: usize = 4096;
/// The hasher of the in-memory maps: their keys are ids ramp made (sessions come from tokens
/// whose HMAC was checked), so a fast hash is safe; foldhash is still seeded per process.
type Hasher = foldhash::fast::RandomState;
/// Tokens are valid this long (spec/appconfig.md §10.2).
const TOKEN_LIFETIME_MILLIS: i64 = 24 * 60 * 60 * 1000;
/// The poll interval when the session asks for none (spec/appconfig.md §10.2).
pub const DEFAULT_POLL_INTERVAL_SECONDS: i64 = 60;

#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// An identifier names nothing: the resource type and the request member naming it.
    NotFound {
        resource_type: &'static str,
        member: &'static str,
        value: String,
    },
    /// The token is not one ramp issued, was altered, or was already used.
    Corrupted(String),
    Expired,
    /// The legacy GetConfiguration does not serve feature flags.
    FeatureFlagsNeedTheDataPlane,
    /// Polled before the interval passed; the token stays good.
    TooEarly,
    Internal(String),
}

impl From<store::Error> for Error {
    fn from(e: store::Error) -> Self {
        Self::Internal(e.to_string())
    }
}

/// What GetLatestConfiguration answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Latest {
    /// The configuration, when the session's version changed; `None` for an empty body.
    pub configuration: Option<Arc<Served>>,
    pub next_token: String,
    pub poll_interval_seconds: i64,
}

pub struct DataPlane {
    store: Arc<dyn Store>,
    clock: SharedClock,
    tokens: TokenCodec,
    snapshot: Snapshot,
    /// The live token of each session this node has seen: what makes a token single-use.
    sessions: Mutex<Sessions>,
    /// When each (application, environment, profile) was last marked as used.
    marked: Mutex<HashMap<Key, i64, Hasher>>,
    /// Serializes snapshot updates, so a refresh that read the store never lands after a newer
    /// change it did not see.
    updates: tokio::sync::Mutex<()>,
}

impl DataPlane {
    pub async fn new(store: Arc<dyn Store>, clock: SharedClock) -> store::Result<Self> {
        let key = store.secret("session-token-key", &ids::new_secret()).await?;
        Ok(Self {
            store,
            clock,
            tokens: TokenCodec::new(key),
            snapshot: Snapshot::default(),
            sessions: Mutex::new(Sessions::default()),
            marked: Mutex::new(HashMap::default()),
            updates: tokio::sync::Mutex::new(()),
        })
    }

    /// StartConfigurationSession: identifiers are IDs or names.
    pub async fn start_session(
        &self,
        scope: &Scope,
        application: &str,
        environment: &str,
        profile: &str,
        poll_interval_seconds: Option<i64>,
    ) -> Result<String, Error> {
        let app = self.find_application(scope, application).await?;
        let env = self.find_environment(&app, environment).await?;
        let profile = self.find_profile(&app, profile).await?;
        let key: Key = (app.id, env.id, profile.id);
        self.entry(&key).await?;
        let now = self.clock.now().millis();
        let token = SessionToken {
            session: ids::new_hex(16),
            application_id: key.0,
            environment_id: key.1,
            profile_id: key.2,
            interval_seconds: poll_interval_seconds.unwrap_or(DEFAULT_POLL_INTERVAL_SECONDS),
            sequence: 0,
            served: None,
            not_before: now,
            expires: now.saturating_add(TOKEN_LIFETIME_MILLIS),
        };
        self.remember(&token, now);
        Ok(self.tokens.encode(&token))
    }

    /// GetLatestConfiguration.
    pub async fn latest(&self, token: &str) -> Result<Latest, Error> {
        let now = self.clock.now().millis();
        // 1. The token: intact, unexpired, unused, and not early.
        let token = self
            .tokens
            .decode(token)
            .map_err(|TokenError::Corrupted| Error::Corrupted("The configuration token is not valid.".to_owned()))?;
        if now >= token.expires {
            return Err(Error::Expired);
        }
        // A token older than the live one was used already. A newer one was issued by another
        // node, which served the session in between: valid, since any node serves any session.
        if self
            .live_sequence(&token.session)
            .is_some_and(|live| token.sequence < live)
        {
            return Err(Error::Corrupted("The configuration token was already used.".to_owned()));
        }
        if now < token.not_before {
            return Err(Error::TooEarly);
        }
        // 2. What this session should have now.
        let key: Key = (
            token.application_id.clone(),
            token.environment_id.clone(),
            token.profile_id.clone(),
        );
        let mut entry = self.entry(&key).await?;
        if token.served.is_some_and(|served| served > entry.newest) {
            // Another node served a deployment this node has not heard of yet (its change is
            // on the way): read the store rather than send the client back to an older one.
            let _update = self.updates.lock().await;
            entry = self.refresh(&key).await?;
        }
        let target = entry.for_session(&token.session, &key).cloned();
        let changed = target
            .as_ref()
            .is_some_and(|t| Some(t.deployment_number) != token.served);
        // 3. The next token in the chain.
        let next = token
            .next(now, target.as_ref().map(|t| t.deployment_number), TOKEN_LIFETIME_MILLIS)
            .ok_or_else(|| Error::Corrupted("The configuration token is not valid.".to_owned()))?;
        self.remember(&next, now);
        self.mark_used(&key, now).await;
        Ok(Latest {
            configuration: if changed { target } else { None },
            poll_interval_seconds: next.interval_seconds,
            next_token: self.tokens.encode(&next),
        })
    }

    /// Records that `key` served a client (deletion protection): one durable write per key per
    /// minute at most, so steady polling costs no storage.
    async fn mark_used(&self, key: &Key, now: i64) {
        let due = match self.marked.lock() {
            Ok(mut marked) => {
                let due = marked.get(key).is_none_or(|last| now - last >= ACCESS_MARK_MILLIS);
                if due {
                    marked.insert(key.clone(), now);
                }
                due
            }
            Err(_) => false,
        };
        if due
            && let Err(e) = self
                .store
                .record_access(&key.0, &key.1, &key.2, ramp_clock::Timestamp::from_millis(now))
                .await
        {
            tracing::warn!("cannot record a configuration retrieval: {e}");
        }
    }

    /// The legacy GetConfiguration (spec/appconfig.md §10.6): the client's ID takes the place of a
    /// session, so a client lands in the same bucket on every call; the content is empty when the
    /// client already has the version. Feature flags are refused, as AWS does.
    pub async fn legacy_configuration(
        &self,
        scope: &Scope,
        application: &str,
        environment: &str,
        profile: &str,
        client_id: &str,
        client_version: Option<&str>,
    ) -> Result<Option<(Arc<Served>, bool)>, Error> {
        let app = self.find_application(scope, application).await?;
        let env = self.find_environment(&app, environment).await?;
        let profile = self.find_profile(&app, profile).await?;
        if profile.is_feature_flags() {
            return Err(Error::FeatureFlagsNeedTheDataPlane);
        }
        let key: Key = (app.id, env.id, profile.id);
        let entry = self.entry(&key).await?;
        let Some(target) = entry.for_session(client_id, &key).cloned() else {
            return Ok(None);
        };
        self.mark_used(&key, self.clock.now().millis()).await;
        let unchanged = client_version == Some(target.configuration_version.as_str());
        Ok(Some((target, unchanged)))
    }

    fn live_sequence(&self, session: &str) -> Option<u64> {
        self.sessions.lock().ok()?.live_sequence(session)
    }

    fn remember(&self, token: &SessionToken, now: i64) {
        if let Ok(mut sessions) = self.sessions.lock() {
            sessions.remember(&token.session, token.sequence, token.expires, now);
        }
    }

    /// What `key` serves: from memory, or loaded from the store the first time.
    async fn entry(&self, key: &Key) -> Result<Arc<Entry>, Error> {
        if let Some(entry) = self.snapshot.get(key) {
            return Ok(entry);
        }
        let _update = self.updates.lock().await;
        match self.snapshot.get(key) {
            Some(entry) => Ok(entry),
            None => self.refresh(key).await,
        }
    }

    /// Reloads what `key` serves from the store. Callers hold `updates`.
    async fn refresh(&self, key: &Key) -> Result<Arc<Entry>, Error> {
        let (app, env, profile_id) = key;
        let profile = self.store.configuration_profile(app, profile_id).await?;
        let all = self
            .store
            .deployments(
                app,
                env,
                Slice {
                    after: None,
                    limit: usize::MAX,
                },
            )
            .await?;
        let history: Vec<Deployment> = all
            .into_iter()
            .map(|l| l.item)
            .filter(|d| &d.configuration_profile_id == profile_id)
            .collect();
        let (rolling, deployed) = rollout::standing(&history);
        let flags = profile.as_ref().is_some_and(ConfigurationProfile::is_feature_flags);
        let mut entry = Entry {
            newest: history.first().map_or(0, |d| d.deployment_number),
            ..Entry::default()
        };
        if let Some(d) = rolling {
            entry.rolling = Some(Rolling {
                served: self.served(d, flags).await?,
                percentage: d.percentage_complete,
                revision: d.revision,
            });
        }
        if let Some(d) = deployed {
            entry.deployed = Some(self.served(d, flags).await?);
        }
        self.snapshot.put(key.clone(), entry);
        self.snapshot
            .get(key)
            .ok_or_else(|| Error::Internal("snapshot unavailable".to_owned()))
    }

    /// The configuration clients receive from `deployment`: its cached content, in the
    /// retrieval-time format for feature flags.
    async fn served(&self, deployment: &Deployment, feature_flags: bool) -> Result<Arc<Served>, Error> {
        let cached = self
            .store
            .deployed_content(
                &deployment.application_id,
                &deployment.environment_id,
                deployment.deployment_number,
            )
            .await?
            .ok_or_else(|| Error::Internal(format!("deployment {} has no content", deployment.deployment_number)))?;
        let (content, content_type) = if feature_flags {
            // JSON for plain flags, Amazon Ion once a flag has variants (spec/appconfig.md §10.4).
            let (served, content_type) = ramp_feature_flags::to_retrieval(&cached.content)
                .map_err(|_| Error::Internal("stored feature flags no longer parse".to_owned()))?;
            (Bytes::from(served), content_type.to_owned())
        } else {
            (cached.content, cached.content_type)
        };
        Ok(Arc::new(Served {
            deployment_number: deployment.deployment_number,
            configuration_version: deployment.hosted_version_number.to_string(),
            content,
            content_type,
            version_label: deployment.version_label.clone(),
        }))
    }

    async fn find_application(&self, scope: &Scope, identifier: &str) -> Result<Application, Error> {
        let all = self
            .store
            .applications(
                &scope.region,
                Slice {
                    after: None,
                    limit: usize::MAX,
                },
            )
            .await?;
        by_id_or_name(all.into_iter().map(|l| l.item), identifier, |a| (&a.id, &a.name))
            .ok_or_else(|| not_found("Application", "ApplicationIdentifier", identifier))
    }

    async fn find_environment(&self, app: &Application, identifier: &str) -> Result<Environment, Error> {
        let all = self
            .store
            .environments(
                &app.id,
                Slice {
                    after: None,
                    limit: usize::MAX,
                },
            )
            .await?;
        by_id_or_name(all.into_iter().map(|l| l.item), identifier, |e| (&e.id, &e.name))
            .ok_or_else(|| not_found("Environment", "EnvironmentIdentifier", identifier))
    }

    async fn find_profile(&self, app: &Application, identifier: &str) -> Result<ConfigurationProfile, Error> {
        let all = self
            .store
            .configuration_profiles(
                &app.id,
                None,
                Slice {
                    after: None,
                    limit: usize::MAX,
                },
            )
            .await?;
        by_id_or_name(all.into_iter().map(|l| l.item), identifier, |p| (&p.id, &p.name))
            .ok_or_else(|| not_found("ConfigurationProfile", "ConfigurationProfileIdentifier", identifier))
    }
}

/// The sequence and expiry of the one live token of each session, dropped once expired.
#[derive(Debug)]
struct Sessions {
    live: HashMap<String, (u64, i64), Hasher>,
    /// The size at which expired sessions are next swept. It doubles with the map, so a sweep (a
    /// pass over every session) happens only after as many new sessions, never on every call
    /// of a map that stays at the threshold.
    sweep_at: usize,
}

impl Default for Sessions {
    fn default() -> Self {
        Self {
            live: HashMap::default(),
            sweep_at: SESSION_SWEEP_AT,
        }
    }
}

impl Sessions {
    fn live_sequence(&self, session: &str) -> Option<u64> {
        self.live.get(session).map(|(sequence, _)| *sequence)
    }

    fn remember(&mut self, session: &str, sequence: u64, expires: i64, now: i64) {
        if let Some(live) = self.live.get_mut(session) {
            // Two polls of a session in flight at once: the later token stays the live one.
            if sequence >= live.0 {
                *live = (sequence, expires);
            }
            return;
        }
        self.live.insert(session.to_owned(), (sequence, expires));
        // Amortized clean-up: a session whose last token expired can never poll again.
        if self.live.len() >= self.sweep_at {
            self.live.retain(|_, (_, expires)| *expires > now);
            self.sweep_at = (2 * self.live.len()).max(SESSION_SWEEP_AT);
        }
    }
}

/// The resource with ID `identifier`, else the oldest one named so (names need not be unique,
/// spec/appconfig.md §15 "Name uniqueness").
fn by_id_or_name<T>(
    items: impl Iterator<Item = T>,
    identifier: &str,
    id_and_name: impl Fn(&T) -> (&String, &String),
) -> Option<T> {
    let items: Vec<T> = items.collect();
    let by_id = items.iter().position(|i| id_and_name(i).0 == identifier);
    let index = by_id.or_else(|| items.iter().position(|i| id_and_name(i).1 == identifier))?;
    items.into_iter().nth(index)
}

fn not_found(resource_type: &'static str, member: &'static str, value: &str) -> Error {
    Error::NotFound {
        resource_type,
        member,
        value: value.to_owned(),
    }
}

#[async_trait]
impl TransitionSubscriber for DataPlane {
    /// Keeps the snapshot current: a step of a rollout it knows only moves the percentage;
    /// anything else (a start, a completion, a rollback, a revert) reloads the entry. An entry
    /// not loaded yet is left alone: its first use reads the store, after this change. Only
    /// the deployment as stored matters, so this node's and other nodes' transitions are alike.
    async fn heard(&self, transition: &Transition) {
        let deployment = &transition.after;
        let key: Key = (
            deployment.application_id.clone(),
            deployment.environment_id.clone(),
            deployment.configuration_profile_id.clone(),
        );
        let _update = self.updates.lock().await;
        if !self.snapshot.contains(&key) {
            return;
        }
        let rolling = matches!(deployment.state, DeploymentState::Deploying | DeploymentState::Baking);
        let (number, percentage, revision) = (
            deployment.deployment_number,
            deployment.percentage_complete,
            deployment.revision,
        );
        if rolling && self.snapshot.set_percentage(&key, number, percentage, revision) {
            return;
        }
        if let Err(e) = self.refresh(&key).await {
            // Never keep serving what this change made stale: the next request reads the store.
            self.snapshot.remove(&key);
            tracing::warn!(application = %key.0, environment = %key.1, profile = %key.2, "cannot refresh served configuration: {e:?}");
        }
    }

    async fn missed(&self) {
        let _update = self.updates.lock().await;
        self.snapshot.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_keep_the_latest_token_and_sweep_only_as_the_map_doubles() {
        let mut sessions = Sessions::default();
        sessions.remember("a", 2, 100, 0);
        sessions.remember("a", 1, 100, 0);
        assert_eq!(
            sessions.live_sequence("a"),
            Some(2),
            "an older token never replaces the live one"
        );
        sessions.remember("a", 3, 100, 0);
        assert_eq!(sessions.live_sequence("a"), Some(3));
        assert_eq!(sessions.live_sequence("b"), None);

        // Up to the threshold: every session still live, nothing dropped, next sweep at double.
        for i in 1..SESSION_SWEEP_AT {
            sessions.remember(&format!("s{i}"), 0, 100, 0);
        }
        assert_eq!(sessions.live.len(), SESSION_SWEEP_AT);
        assert_eq!(sessions.sweep_at, 2 * SESSION_SWEEP_AT);
        // Polls of known sessions at the threshold never sweep (they used to, on every call).
        sessions.remember("s1", 1, 300, 200);
        assert_eq!(sessions.live.len(), SESSION_SWEEP_AT);

        // Once the map doubles, sessions whose last token expired are dropped.
        for i in SESSION_SWEEP_AT..2 * SESSION_SWEEP_AT {
            sessions.remember(&format!("s{i}"), 0, 300, 200);
        }
        assert_eq!(
            sessions.live.len(),
            SESSION_SWEEP_AT + 1,
            "the new sessions and s1 (renewed)"
        );
        assert_eq!(sessions.live_sequence("s2"), None);
        assert_eq!(sessions.live_sequence("s1"), Some(1));
        assert_eq!(sessions.sweep_at, 2 * (SESSION_SWEEP_AT + 1));
    }
}
