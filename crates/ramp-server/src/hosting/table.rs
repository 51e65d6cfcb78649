//! The site table: which site a request's `Host` names, and the deploy that serves it
//! (spec/amplify.md §8.1, §8.7, §8.8).
//!
//! The table is an immutable snapshot swapped atomically (`arc-swap`): a request reads one
//! snapshot, so it never sees a mix of two deploys, and a new deploy is visible to the next
//! request. It is rebuilt from the store's `serving_state` when this node changes anything
//! (`refresh`, awaited by the writer, so a client reads its own writes) and when the store's
//! Amplify generation moves (other nodes' writes, checked every `refresh_interval`).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwap;
use axum::body::Body;
use axum::extract::Request;
use axum::response::Response;
use ramp_blobs::{Blobs, Digest};
use ramp_domain::amplify::{Amplify, App, Branch, Job, ServingState};
use ramp_domain::store::Store;
use ramp_sites::Manifest;
use ramp_sites::serve::{Content, Site, SiteSettings, requested_deploy};
use tokio::sync::Mutex;

use super::access_log::{self, Recorder};
use crate::service::BoxFuture;
use crate::sites::{SiteHost, host_name};

/// One branch's deploys as the table serves them.
struct Served {
    app_id: String,
    region: String,
    /// For `ramp_site_requests_total`.
    branch_name: String,
    /// The active deploy; `None` before the first successful job.
    active: Option<Arc<Site>>,
    /// Older deploys a skew-protected branch still serves, by job ID.
    older: HashMap<String, Arc<Site>>,
}

/// A deploy compiled with the settings it was built for.
type BuiltSite = (SiteSettings, Arc<Site>);

#[derive(Default)]
struct Snapshot {
    generation: i64,
    /// Lowercased host name → branch.
    hosts: HashMap<String, Arc<Served>>,
    /// (app ID, branch name) → branch, for `/_ramp/sites/{appId}/{branch}/`.
    paths: HashMap<(String, String), Arc<Served>>,
}

pub struct SiteTable {
    snapshot: ArcSwap<Snapshot>,
    store: Arc<dyn Store>,
    blobs: Blobs,
    amplify: Arc<Amplify>,
    content: Content,
    access_log: Recorder,
    /// Manifests already read, by digest: a rebuild after a settings change reads none again.
    /// Only those of live deploys are kept after each rebuild.
    manifests: Mutex<HashMap<String, Arc<Manifest>>>,
    /// Sites already built, by manifest digest and settings: a rebuild for a change elsewhere
    /// (another app, an upload) reuses them. Only those still served are kept.
    built: Mutex<HashMap<String, Vec<BuiltSite>>>,
    /// One rebuild at a time.
    rebuilding: Mutex<()>,
}

impl SiteTable {
    pub fn new(
        store: Arc<dyn Store>,
        blobs: Blobs,
        amplify: Arc<Amplify>,
        cache_bytes: u64,
        access_log: Recorder,
    ) -> Arc<SiteTable> {
        Arc::new(SiteTable {
            snapshot: ArcSwap::from_pointee(Snapshot {
                generation: -1,
                ..Snapshot::default()
            }),
            content: Content::new(blobs.clone(), cache_bytes),
            store,
            blobs,
            amplify,
            access_log,
            manifests: Mutex::new(HashMap::new()),
            built: Mutex::new(HashMap::new()),
            rebuilding: Mutex::new(()),
        })
    }

    /// Follows other nodes' changes: rebuilds when the store's Amplify generation moves.
    pub fn follow(self: Arc<Self>, interval: Duration) {
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(interval);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticks.tick().await;
                match self.store.amplify_generation().await {
                    Ok(generation) if generation != self.snapshot.load().generation => self.refresh().await,
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "could not read the Amplify generation"),
                }
            }
        });
    }

    /// Rebuilds the table from the store now.
    pub async fn refresh(&self) {
        let _one_at_a_time = self.rebuilding.lock().await;
        let skew_since = self.amplify.skew_since();
        let state = match self.store.serving_state(skew_since).await {
            Ok(state) => state,
            Err(e) => {
                tracing::error!(error = %e, "could not read the sites to serve");
                return;
            }
        };
        let live: std::collections::HashSet<String> = state
            .live_jobs
            .iter()
            .filter_map(|job| job.manifest.as_ref().map(|m| m.sha256.clone()))
            .collect();
        let snapshot = self.build(state).await;
        self.snapshot.store(Arc::new(snapshot));
        self.manifests.lock().await.retain(|digest, _| live.contains(digest));
        self.built.lock().await.retain(|digest, _| live.contains(digest));
    }

    async fn build(&self, state: ServingState) -> Snapshot {
        let apps: HashMap<(&str, &str), &App> = state
            .apps
            .iter()
            .map(|a| ((a.region.as_str(), a.app_id.as_str()), a))
            .collect();
        let mut jobs: HashMap<(&str, &str, &str), Vec<&Job>> = HashMap::new();
        for job in &state.live_jobs {
            jobs.entry((&job.region, &job.app_id, &job.branch_name))
                .or_default()
                .push(job);
        }
        let mut snapshot = Snapshot {
            generation: state.generation,
            ..Snapshot::default()
        };
        let mut by_branch: HashMap<(String, String, String), Arc<Served>> = HashMap::new();
        for branch in &state.branches {
            let Some(app) = apps.get(&(branch.region.as_str(), branch.app_id.as_str())) else {
                continue;
            };
            let live = jobs
                .get(&(
                    branch.region.as_str(),
                    branch.app_id.as_str(),
                    branch.branch_name.as_str(),
                ))
                .map_or(&[][..], Vec::as_slice);
            let served = Arc::new(self.served(app, branch, live).await);
            let host = format!(
                "{}.{}",
                branch.display_name.to_ascii_lowercase(),
                self.amplify.default_domain(&app.app_id)
            );
            snapshot.hosts.insert(host, served.clone());
            snapshot
                .paths
                .insert((app.app_id.clone(), branch.branch_name.clone()), served.clone());
            by_branch.insert(
                (branch.region.clone(), branch.app_id.clone(), branch.branch_name.clone()),
                served,
            );
        }
        for domain in &state.domain_associations {
            for sub in &domain.sub_domains {
                let key = (domain.region.clone(), domain.app_id.clone(), sub.branch_name.clone());
                let Some(served) = by_branch.get(&key) else {
                    continue;
                };
                let host = if sub.prefix.is_empty() {
                    domain.domain_name.clone()
                } else {
                    format!("{}.{}", sub.prefix, domain.domain_name)
                };
                snapshot.hosts.insert(host.to_ascii_lowercase(), served.clone());
            }
        }
        snapshot
    }

    async fn served(&self, app: &App, branch: &Branch, live: &[&Job]) -> Served {
        let mut served = Served {
            app_id: app.app_id.clone(),
            region: app.region.clone(),
            branch_name: branch.branch_name.clone(),
            active: None,
            older: HashMap::new(),
        };
        for job in live {
            let Some(site) = self.site(app, branch, job).await else {
                continue;
            };
            if Some(job.number) == branch.active_job_id {
                served.active = Some(site.clone());
            }
            served.older.insert(job.number.to_string(), site);
        }
        served
    }

    /// The deploy of `job` with the app's and branch's current settings. Settings that do not
    /// compile (they were checked when stored, so only after an upgrade) leave it unserved.
    async fn site(&self, app: &App, branch: &Branch, job: &Job) -> Option<Arc<Site>> {
        let manifest = self.manifest(job).await?;
        let settings = SiteSettings {
            rules: app.custom_rules.iter().map(crate::amplify::site_rule).collect(),
            app_custom_headers: app.custom_headers.clone().filter(|h| !h.trim().is_empty()),
            basic_auth: basic_auth(app, branch),
            deploy_id: job.number.to_string(),
            skew_protection: branch.enable_skew_protection,
            app_root: app.environment_variables.get("AMPLIFY_MONOREPO_APP_ROOT").cloned(),
        };
        let digest = job.manifest.as_ref()?.sha256.clone();
        let mut built = self.built.lock().await;
        let same = built.entry(digest).or_default();
        if let Some((_, site)) = same.iter().find(|(built_with, _)| *built_with == settings) {
            return Some(site.clone());
        }
        match Site::new((*manifest).clone(), settings.clone()) {
            Ok(site) => {
                let site = Arc::new(site);
                same.push((settings, site.clone()));
                Some(site)
            }
            Err(e) => {
                tracing::error!(app = %app.app_id, branch = %branch.branch_name, error = %e, "a deploy cannot be served");
                None
            }
        }
    }

    async fn manifest(&self, job: &Job) -> Option<Arc<Manifest>> {
        let stored = job.manifest.as_ref()?;
        if let Some(found) = self.manifests.lock().await.get(&stored.sha256) {
            return Some(found.clone());
        }
        let digest = Digest::parse(&stored.sha256).ok()?;
        match Manifest::load(&self.blobs, digest).await {
            Ok(manifest) => {
                let manifest = Arc::new(manifest);
                self.manifests
                    .lock()
                    .await
                    .insert(stored.sha256.clone(), manifest.clone());
                Some(manifest)
            }
            Err(e) => {
                tracing::error!(job = job.number, error = %e, "could not read a deploy's manifest");
                None
            }
        }
    }

    /// Serves `request` from branch `branch_name` of app `app_id` (the path-addressed form),
    /// `path` being the site path after the prefix.
    pub async fn serve_path(&self, app_id: &str, branch_name: &str, request: Request) -> Response {
        let served = self
            .snapshot
            .load()
            .paths
            .get(&(app_id.to_owned(), branch_name.to_owned()))
            .cloned();
        self.respond(served, request).await
    }

    async fn respond(&self, served: Option<Arc<Served>>, request: Request) -> Response {
        let started = std::time::Instant::now();
        let (parts, _body) = request.into_parts();
        let Some(served) = served else {
            return not_found("No site is served here.");
        };
        let site = match requested_deploy(&parts).and_then(|id| served.older.get(&id)) {
            Some(site) => Some(site),
            None => served.active.as_ref(),
        };
        let Some(site) = site else {
            return not_found("This branch has no deployment yet.");
        };
        let response = site.respond(&parts, &self.content).await;
        crate::metrics::site_request(&served.app_id, &served.branch_name, response.status());
        if self.access_log.is_on() {
            let mut entry = access_log::entry(
                &served.region,
                &served.app_id,
                &parts,
                &response,
                self.amplify.now(),
                started,
            );
            if let Some(axum::extract::ConnectInfo(peer)) = parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            {
                entry.client_ip = peer.ip().to_string();
                entry.client_port = peer.port();
            }
            self.access_log.record(entry);
        }
        response.map(Body::from)
    }
}

/// The app's credentials when the app enables basic auth (the app wins, spec §8.6), else the
/// branch's when it does.
fn basic_auth(app: &App, branch: &Branch) -> Option<String> {
    if app.enable_basic_auth {
        return app.basic_auth_credentials.clone();
    }
    if branch.enable_basic_auth {
        return branch.basic_auth_credentials.clone();
    }
    None
}

fn not_found(message: &str) -> Response {
    let body = format!("<!doctype html><title>404 Not Found</title><h1>404 Not Found</h1><p>{message}</p>\n");
    Response::builder()
        .status(http::StatusCode::NOT_FOUND)
        .header(http::header::CONTENT_TYPE, "text/html; charset=utf-8")
        .header("x-content-type-options", "nosniff")
        .body(Body::from(body))
        .unwrap_or_default()
}

impl SiteHost for SiteTable {
    fn serves(&self, host: &str) -> bool {
        let snapshot = self.snapshot.load();
        if snapshot.hosts.is_empty() {
            return false;
        }
        if host.bytes().any(|b| b.is_ascii_uppercase()) {
            snapshot.hosts.contains_key(&host.to_ascii_lowercase())
        } else {
            snapshot.hosts.contains_key(host)
        }
    }

    fn serve(&self, request: Request) -> BoxFuture<'_, Response> {
        Box::pin(async move {
            let served = host_name(&request)
                .and_then(|host| self.snapshot.load().hosts.get(&host.to_ascii_lowercase()).cloned());
            self.respond(served, request).await
        })
    }
}
