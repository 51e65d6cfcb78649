//! `ramp serve`: configuration from flags and `RAMP_*` variables, wiring, graceful shutdown.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::Args;
use ramp_clock::SystemClock;
use ramp_domain::amplify::{Amplify, Quotas as AmplifyQuotas};
use ramp_domain::appconfig::{AppConfig, Quotas};
use ramp_domain::dataplane::DataPlane;
use ramp_domain::deployment::StepTiming;
use ramp_domain::extensions::{Notifications, Ticks};
use ramp_engine::outbox::Deliverer;
use ramp_engine::ticks::TickLoop;
use ramp_engine::{Engine, Leadership};
use ramp_server::dashboard::Dashboard;
use ramp_server::hosting::gc::GcConfig;
use ramp_server::hosting::{Hosting, HostingConfig};
use ramp_server::{AmplifyState, AppState, Credentials};
use ramp_sites::ingest::IngestLimits;
use ramp_sites::source::{BucketAccess, FetchPolicy};

use crate::actions::ActionArgs;
use crate::backends::{self, ClockMode};
use crate::logging::LogFormat;

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// A TOML file of settings: any of these flags by its long name (`listen = "0.0.0.0:4566"`,
    /// `time-scale = 60`, `insecure = true`); see ramp.example.toml.
    #[arg(long, env = "RAMP_CONFIG")]
    config: Option<PathBuf>,
    /// Address to listen on.
    #[arg(long, env = "RAMP_LISTEN", default_value = "127.0.0.1:4566")]
    listen: SocketAddr,
    /// Directory for the SQLite database and blobs.
    #[arg(long, env = "RAMP_DATA_DIR", default_value = "./ramp-data")]
    data_dir: PathBuf,
    /// PostgreSQL URL (postgres://user:password@host:5432/db) instead of the embedded SQLite
    /// store; any number of ramp nodes may share one database.
    #[arg(long, env = "RAMP_DATABASE_URL", hide_env_values = true)]
    database_url: Option<String>,
    /// This node's name among the nodes sharing a database (logs, `/_ramp/engine`); unique,
    /// random by default.
    #[arg(long, env = "RAMP_NODE_NAME")]
    node_name: Option<String>,
    /// Region used when a request carries no SigV4 credential scope.
    #[arg(long, env = "RAMP_REGION", default_value = "us-east-1")]
    region: String,
    /// Account ID in every ARN.
    #[arg(long, env = "RAMP_ACCOUNT_ID", default_value = "000000000000")]
    account_id: String,
    /// Run ramp's clock N times faster than wall time.
    #[arg(long, env = "RAMP_TIME_SCALE", default_value_t = 1.0)]
    time_scale: f64,
    /// Freeze ramp's clock; move it with POST /_ramp/clock.
    #[arg(long, env = "RAMP_MANUAL_CLOCK")]
    manual_clock: bool,
    /// With --manual-clock: the time it starts at (ISO-8601), e.g. where a restarted test left it.
    #[arg(long, env = "RAMP_MANUAL_CLOCK_START", requires = "manual_clock", value_parser = parse_timestamp)]
    manual_clock_start: Option<ramp_clock::Timestamp>,
    /// Access key id that clients sign with (with --secret-access-key).
    #[arg(long, env = "RAMP_ACCESS_KEY_ID", requires = "secret_access_key")]
    access_key_id: Option<String>,
    /// Secret access key for --access-key-id.
    #[arg(
        long,
        env = "RAMP_SECRET_ACCESS_KEY",
        requires = "access_key_id",
        hide_env_values = true
    )]
    secret_access_key: Option<String>,
    /// A file of credentials in the AWS shared-credentials format (every profile is accepted).
    #[arg(long, env = "RAMP_CREDENTIALS_FILE")]
    credentials_file: Option<PathBuf>,
    /// How deployment steps are spaced: `observed` (AWS's one real trace, the default) or
    /// `documented` (the user guide's table); spec/appconfig.md §5.2.
    #[arg(long, env = "RAMP_STEP_TIMING", default_value = "observed", value_parser = ["observed", "documented"])]
    step_timing: String,
    /// Bearer token the Alertmanager receiver (`POST /_ramp/alertmanager`) requires.
    #[arg(long, env = "RAMP_ALERTMANAGER_TOKEN", hide_env_values = true)]
    alertmanager_token: Option<String>,
    /// Allow a non-loopback --listen without credentials.
    #[arg(long, env = "RAMP_INSECURE")]
    insecure: bool,
    /// How log lines look on standard error: `text`, or `json` (one object per line).
    #[arg(long, env = "RAMP_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    /// Log every AWS API request at info (errors are always logged); otherwise successful
    /// ones are logged at debug (`RUST_LOG=ramp_server=debug`).
    #[arg(long, env = "RAMP_LOG_REQUESTS")]
    log_requests: bool,
    /// Also serve the Prometheus metrics, without authentication, at `/metrics` on this
    /// address (for scrapers); `/_ramp/metrics` on the main port needs the admin signature.
    #[arg(long, env = "RAMP_METRICS_LISTEN")]
    metrics_listen: Option<SocketAddr>,
    #[command(flatten)]
    blobs: BlobArgs,
    #[command(flatten)]
    hosting: HostingArgs,
    #[command(flatten)]
    quotas: QuotaArgs,
    #[command(flatten)]
    actions: ActionArgs,
}

/// Amplify Hosting: where sites are served and what a deploy may hold (spec/amplify.md §8.1,
/// §11). Every limit refuses a deploy with a clear job failure, never a crash.
#[derive(Args, Debug)]
struct HostingArgs {
    /// Sites are served at `{branch}.{appId}.{SITES_DOMAIN}`; apps report `{appId}.{SITES_DOMAIN}`
    /// as their defaultDomain.
    #[arg(long, env = "RAMP_SITES_DOMAIN", default_value = "localhost")]
    sites_domain: String,
    /// Let `sourceUrl` fetch from loopback, private and link-local addresses (refused by
    /// default: server-side request forgery).
    #[arg(long, env = "RAMP_ALLOW_PRIVATE_SOURCE_URLS")]
    allow_private_source_urls: bool,
    /// Buckets `s3://` sources may read (through --s3-endpoint and the --s3-* credentials);
    /// empty allows any.
    #[arg(long, env = "RAMP_SOURCE_BUCKETS", value_delimiter = ',')]
    source_buckets: Vec<String>,
    /// Largest uploaded or fetched zip, in bytes (AWS: 5 GB).
    #[arg(long, env = "RAMP_DEPLOY_MAX_ARCHIVE_BYTES", default_value_t = 5 * 1024 * 1024 * 1024)]
    deploy_max_archive_bytes: u64,
    /// Largest total size of a deploy's files, uncompressed, in bytes.
    #[arg(long, env = "RAMP_DEPLOY_MAX_BYTES", default_value_t = 5 * 1024 * 1024 * 1024)]
    deploy_max_bytes: u64,
    /// Largest single file of a deploy, in bytes.
    #[arg(long, env = "RAMP_DEPLOY_MAX_FILE_BYTES", default_value_t = 1024 * 1024 * 1024)]
    deploy_max_file_bytes: u64,
    /// Most files in one deploy.
    #[arg(long, env = "RAMP_DEPLOY_MAX_FILES", default_value_t = 100_000)]
    deploy_max_files: u64,
    /// Highest compression ratio of an archive entry (zip bombs).
    #[arg(long, env = "RAMP_DEPLOY_MAX_RATIO", default_value_t = 1000)]
    deploy_max_ratio: u64,
    /// How long fetching a `sourceUrl` may take, in seconds.
    #[arg(long, env = "RAMP_SOURCE_URL_TIMEOUT", default_value_t = 300)]
    source_url_timeout: u64,
    /// Record every request the sites answer, for GenerateAccessLogs (`false`: keep none).
    #[arg(long, env = "RAMP_SITE_ACCESS_LOG", default_value_t = true, action = clap::ArgAction::Set)]
    site_access_log: bool,
    /// Bytes of site content each node keeps in memory.
    #[arg(long, env = "RAMP_SITE_CACHE_BYTES", default_value_t = 256 * 1024 * 1024)]
    site_cache_bytes: u64,
    /// Finished deploys per branch whose files are kept, so `StartJob` RETRY can publish them
    /// again; older ones lose their files after each job (never the live deploy, nor one skew
    /// protection still serves), and a sweep of the blob store, at start-up and hourly,
    /// deletes the files no deploy references any more.
    #[arg(long, env = "RAMP_KEEP_DEPLOYS", default_value_t = 10)]
    keep_deploys: usize,
}

/// Where Amplify Hosting files are kept: content-addressed, in a directory or an S3-compatible
/// bucket that several nodes share.
#[derive(Args, Debug)]
struct BlobArgs {
    /// A directory, `file:///dir`, or `s3://bucket[/prefix]` [default: DATA_DIR/blobs].
    #[arg(long, env = "RAMP_BLOB_STORE")]
    blob_store: Option<ramp_blobs::BlobLocation>,
    /// The S3-compatible endpoint (MinIO, Ceph, …); AWS S3 when unset.
    #[arg(long, env = "RAMP_S3_ENDPOINT")]
    s3_endpoint: Option<String>,
    /// The bucket's region [default: AWS_REGION, else us-east-1].
    #[arg(long, env = "RAMP_S3_REGION")]
    s3_region: Option<String>,
    /// Access key for the bucket [default: the AWS_* environment variables].
    #[arg(long, env = "RAMP_S3_ACCESS_KEY_ID", requires = "s3_secret_access_key")]
    s3_access_key_id: Option<String>,
    /// Secret key for --s3-access-key-id.
    #[arg(
        long,
        env = "RAMP_S3_SECRET_ACCESS_KEY",
        requires = "s3_access_key_id",
        hide_env_values = true
    )]
    s3_secret_access_key: Option<String>,
    /// Address the bucket as `bucket.host` rather than `host/bucket` [default: path style with
    /// --s3-endpoint, virtual-hosted on AWS].
    #[arg(long, env = "RAMP_S3_VIRTUAL_HOSTED_STYLE")]
    s3_virtual_hosted_style: Option<bool>,
}

impl BlobArgs {
    /// Opens the blob store, checking that it is reachable; `s3` flags need an `s3://` store.
    async fn open(&self, data_dir: &std::path::Path) -> anyhow::Result<ramp_blobs::Blobs> {
        let location = self
            .blob_store
            .clone()
            .unwrap_or_else(|| ramp_blobs::BlobLocation::Directory(data_dir.join("blobs")));
        let s3_flags = self.s3_endpoint.is_some()
            || self.s3_region.is_some()
            || self.s3_access_key_id.is_some()
            || self.s3_virtual_hosted_style.is_some();
        if s3_flags && !matches!(location, ramp_blobs::BlobLocation::S3(_)) {
            tracing::info!("the --s3-* settings apply to s3:// deploy sources only: the blob store is {location}");
        }
        Ok(ramp_blobs::Blobs::open(&location, &self.s3_options()).await?)
    }

    /// The S3-compatible service: the blob store's when it is a bucket, and the one `s3://`
    /// deploy sources (StartDeployment's sourceUrl) are read from.
    fn s3_options(&self) -> ramp_blobs::S3Options {
        ramp_blobs::S3Options {
            endpoint: self.s3_endpoint.clone(),
            region: self.s3_region.clone(),
            access_key_id: self.s3_access_key_id.clone(),
            secret_access_key: self.s3_secret_access_key.clone(),
            virtual_hosted_style: self.s3_virtual_hosted_style,
        }
    }
}

impl HostingArgs {
    /// `lease_node`: this node's name when nodes share the store (one sweeps the blobs).
    fn config(
        &self,
        data_dir: &std::path::Path,
        blobs: &BlobArgs,
        lease_node: Option<String>,
    ) -> anyhow::Result<HostingConfig> {
        let scratch_dir = data_dir.join("scratch");
        std::fs::create_dir_all(&scratch_dir).with_context(|| format!("creating {}", scratch_dir.display()))?;
        Ok(HostingConfig {
            sites_domain: self.sites_domain.trim_matches('.').to_ascii_lowercase(),
            ingest: IngestLimits {
                max_archive_bytes: self.deploy_max_archive_bytes,
                max_total_bytes: self.deploy_max_bytes,
                max_file_bytes: self.deploy_max_file_bytes,
                max_files: self.deploy_max_files,
                max_ratio: self.deploy_max_ratio,
                ..IngestLimits::default()
            },
            fetch: FetchPolicy {
                max_bytes: self.deploy_max_archive_bytes,
                timeout: Duration::from_secs(self.source_url_timeout),
                allow_private: self.allow_private_source_urls,
                ..FetchPolicy::default()
            },
            bucket: Some(BucketAccess {
                s3: blobs.s3_options(),
                allowed_buckets: self.source_buckets.clone(),
            }),
            scratch_dir,
            cache_bytes: self.site_cache_bytes,
            access_log: self.site_access_log,
            upload_link_ttl: Duration::from_secs(3 * 3600),
            download_link_ttl: Duration::from_secs(3600),
            refresh_interval: Duration::from_millis(500),
            gc: GcConfig {
                keep_deploys: self.keep_deploys,
                lease_node,
                ..GcConfig::default()
            },
        })
    }
}

/// Service quotas (spec/appconfig.md §2.4), AWS's defaults unless set.
#[derive(Args, Debug)]
struct QuotaArgs {
    /// Most applications per region.
    #[arg(long, env = "RAMP_QUOTA_APPLICATIONS", default_value_t = 100)]
    quota_applications: u64,
    /// Most environments per application.
    #[arg(long, env = "RAMP_QUOTA_ENVIRONMENTS_PER_APPLICATION", default_value_t = 20)]
    quota_environments_per_application: u64,
    /// Most configuration profiles per application.
    #[arg(
        long,
        env = "RAMP_QUOTA_CONFIGURATION_PROFILES_PER_APPLICATION",
        default_value_t = 100
    )]
    quota_configuration_profiles_per_application: u64,
    /// Most deployment strategies per region.
    #[arg(long, env = "RAMP_QUOTA_DEPLOYMENT_STRATEGIES", default_value_t = 20)]
    quota_deployment_strategies: u64,
    /// Largest hosted configuration version, in bytes.
    #[arg(long, env = "RAMP_QUOTA_HOSTED_CONFIGURATION_BYTES", default_value_t = 1024 * 1024)]
    quota_hosted_configuration_bytes: u64,
    /// All hosted configuration content of a region, in bytes.
    #[arg(long, env = "RAMP_QUOTA_HOSTED_STORAGE_BYTES", default_value_t = 1024 * 1024 * 1024)]
    quota_hosted_storage_bytes: u64,
}

impl QuotaArgs {
    fn quotas(&self) -> Quotas {
        Quotas {
            applications: self.quota_applications,
            environments_per_application: self.quota_environments_per_application,
            configuration_profiles_per_application: self.quota_configuration_profiles_per_application,
            deployment_strategies: self.quota_deployment_strategies,
            hosted_configuration_bytes: self.quota_hosted_configuration_bytes,
            hosted_storage_bytes: self.quota_hosted_storage_bytes,
        }
    }
}

impl ServeArgs {
    /// The settings file named by `--config`, if any (read before parsing: `config_file`).
    pub fn config_file(&self) -> Option<&std::path::Path> {
        self.config.as_deref()
    }

    fn credentials(&self) -> anyhow::Result<Credentials> {
        let mut pairs = Vec::new();
        if let (Some(id), Some(secret)) = (&self.access_key_id, &self.secret_access_key) {
            pairs.push((id.clone(), secret.clone()));
        }
        let mut credentials = Credentials::new(pairs);
        if let Some(path) = &self.credentials_file {
            let from_file = Credentials::load_file(path).with_context(|| format!("reading {}", path.display()))?;
            credentials = credentials.merged(from_file);
        }
        Ok(credentials)
    }
}

pub fn run(args: ServeArgs) -> anyhow::Result<()> {
    crate::logging::init(args.log_format);
    // Blocking threads read site files the cache misses (object_store's local reads); each keeps
    // an allocator heap, so their number bounds memory more than the site cache does (README
    // "Amplify Hosting" benchmark, RSS). 16 keep both cores busy with reads.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(16)
        .build()?;
    runtime.block_on(serve(args))
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let credentials = args.credentials()?;
    if credentials.is_open() && !args.listen.ip().is_loopback() && !args.insecure {
        bail!(
            "refusing to listen on {} without credentials: set RAMP_ACCESS_KEY_ID/RAMP_SECRET_ACCESS_KEY or \
             --credentials-file, or pass --insecure",
            args.listen
        );
    }
    let storage = backends::open_store(args.database_url.as_deref(), &args.data_dir).await?;
    let clock_mode = if args.manual_clock {
        ClockMode::Manual {
            start: args.manual_clock_start,
        }
    } else {
        ClockMode::System {
            time_scale: args.time_scale,
        }
    };
    let (clock, manual_clock) = backends::clock(clock_mode, &storage).await?;
    // Opened (and checked) at start so a wrong bucket fails now, not at the first upload.
    let blobs = args.blobs.open(&args.data_dir).await?;
    let store = storage.store.clone();
    let quotas = args.quotas.quotas();
    let max_body_bytes = usize::try_from(quotas.hosted_configuration_bytes)
        .unwrap_or(usize::MAX)
        .saturating_add(64 * 1024);
    let step_timing = if args.step_timing == "documented" {
        StepTiming::Documented
    } else {
        StepTiming::Observed
    };
    let (actions, webhook_secret) = args.actions.runner(&store, clock.clone()).await?;
    let appconfig = AppConfig::new(store.clone(), clock.clone(), quotas)
        .await?
        .with_step_timing(step_timing)
        .with_actions(actions.clone());
    let dataplane = Arc::new(DataPlane::new(store.clone(), clock.clone()).await?);
    // Every deployment transition of this node goes through AppConfig's `Transitions`: the
    // engine writes through it too, and the node-local subscribers hear each one (and, through
    // `Engine::follow`, the other nodes'). Effects due once per transition go to the outbox.
    let transitions = appconfig.transitions();
    transitions.subscribe(dataplane.clone());
    ramp_server::metrics::install();
    transitions.subscribe(Arc::new(ramp_server::metrics::DeploymentCounter));
    let mut engine = Engine::new(store.clone(), clock.clone()).with_transitions(transitions.clone());
    // Extensions' ON_DEPLOYMENT_* actions are delivered from the outbox; their
    // AT_DEPLOYMENT_TICK actions run in a loop of their own beside the engine.
    let notifications = Arc::new(Notifications::new(store.clone(), actions.clone()));
    let mut deliverer = Deliverer::new(store.clone(), clock.clone()).with_handler(notifications);
    let ticks = Arc::new(Ticks::new(store.clone(), actions, transitions.clone(), clock.clone()));
    let mut tick_loop = TickLoop::new(ticks, store.clone(), clock.clone());
    let node = args
        .node_name
        .clone()
        .unwrap_or_else(|| format!("node-{}", ramp_domain::ids::new_hex(4)));
    if storage.shared {
        engine = engine.with_leadership(Leadership::new(node.clone(), Arc::new(SystemClock::new())));
        deliverer = deliverer.with_lease(node.clone(), Arc::new(SystemClock::new()));
        tick_loop = tick_loop.with_lease(node.clone(), Arc::new(SystemClock::new()));
    }
    let engine = Arc::new(engine);
    let deliverer = Arc::new(deliverer);
    transitions.subscribe(deliverer.subscriber());
    let tick_loop = Arc::new(tick_loop);
    transitions.subscribe(tick_loop.subscriber());
    // The dashboard's open pages hear of every transition (other nodes' too, through the feed).
    let dashboard = Dashboard::open(store.as_ref()).await?;
    transitions.subscribe(dashboard.clone());

    let amplify = Arc::new(
        Amplify::new(
            store.clone(),
            clock.clone(),
            AmplifyQuotas::default(),
            args.hosting.sites_domain.trim_matches('.').to_ascii_lowercase(),
        )
        .await?,
    );
    let hosting_config = args
        .hosting
        .config(&args.data_dir, &args.blobs, storage.shared.then(|| node.clone()))?;
    let hosting = Hosting::start(amplify.clone(), store.clone(), blobs.clone(), hosting_config).await;

    let state = Arc::new(AppState {
        appconfig,
        engine: engine.clone(),
        dataplane,
        alertmanager_token: args.alertmanager_token,
        clock,
        signature_clock: Arc::new(SystemClock::new()),
        manual_clock,
        credentials,
        default_region: args.region,
        account_id: args.account_id,
        max_body_bytes,
        webhook_secret,
        log_requests: args.log_requests,
        services: ramp_server::services(),
        sites: Some(hosting.table.clone()),
        amplify: Some(AmplifyState {
            service: amplify,
            events: hosting.clone(),
        }),
        hosting: Some(hosting),
        dashboard: dashboard.clone(),
    });
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("binding {}", args.listen))?;
    let address = listener.local_addr()?;
    tracing::info!(%address, data = %storage.location, blobs = %blobs.describe(), %node, auth = if state.credentials.is_open() { "open" } else { "sigv4" }, "ramp listening on http://{address}");
    let (stop, stopped) = tokio::sync::watch::channel(false);
    if let Some(changes) = store.changes() {
        tokio::spawn(engine.clone().follow(changes, wait_for(stopped.clone())));
    }
    if let Some(metrics_address) = args.metrics_listen {
        serve_metrics(metrics_address, state.clone(), stopped.clone()).await?;
    }
    let deliverer_task = tokio::spawn(deliverer.run(wait_for(stopped.clone())));
    let tick_task = tokio::spawn(tick_loop.run(wait_for(stopped.clone())));
    let engine_task = tokio::spawn(engine.run(wait_for(stopped)));
    let app = ramp_server::router(state).into_make_service_with_connect_info::<SocketAddr>();
    let server = axum::serve(listener, app).with_graceful_shutdown(async move {
        shutdown_signal().await;
        let _ = stop.send(true);
        dashboard.shut_down();
    });
    server.await?;
    let _ = engine_task.await;
    let _ = deliverer_task.await;
    let _ = tick_task.await;
    tracing::info!("ramp stopped");
    Ok(())
}

/// `--metrics-listen`: `GET /metrics` for scrapers, open (no signature), until ramp stops.
async fn serve_metrics(
    address: SocketAddr,
    state: Arc<AppState>,
    stopped: tokio::sync::watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .with_context(|| format!("binding the metrics listener {address}"))?;
    let address = listener.local_addr()?;
    tracing::info!(%address, "metrics at http://{address}/metrics");
    let app = ramp_server::metrics::open_router(state);
    tokio::spawn(async move {
        let served = axum::serve(listener, app)
            .with_graceful_shutdown(wait_for(stopped))
            .await;
        if let Err(e) = served {
            tracing::warn!("the metrics listener stopped: {e}");
        }
    });
    Ok(())
}

fn parse_timestamp(text: &str) -> Result<ramp_clock::Timestamp, String> {
    ramp_clock::Timestamp::parse_iso8601(text).ok_or_else(|| format!("'{text}' is not an ISO-8601 time"))
}

/// Resolves once `stopped` turns true.
async fn wait_for(mut stopped: tokio::sync::watch::Receiver<bool>) {
    let _ = stopped.wait_for(|stop| *stop).await;
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}
