//! Runs the real `ramp` binary on a free loopback port with its own data directory and a
//! manual clock, and hands out official AWS SDK clients pointed at it.
//!
//! With `RAMP_INTEGRATION_STORE=postgres` (scripts/test sets it for a second pass when
//! `RAMP_TEST_DATABASE_URL` names a PostgreSQL server), every server runs on its own fresh
//! PostgreSQL schema instead of SQLite.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use aws_credential_types::Credentials;
use aws_sdk_appconfig::config::retry::RetryConfig;

pub const ACCESS_KEY: &str = "AKIDRAMPTEST";
pub const SECRET_KEY: &str = "ramp-test-secret";

pub struct TestServer {
    child: Child,
    pub base_url: String,
    data_dir: tempfile::TempDir,
    /// Every `ramp serve` flag but the listen address and the data directory.
    args: Vec<String>,
    /// Environment variables set for the server, beside the harness's own.
    env: Vec<(String, String)>,
    /// What the server wrote to standard error (its log), line by line.
    log: Arc<Mutex<Vec<String>>>,
}

impl TestServer {
    /// A server with default settings.
    pub fn start() -> Self {
        Self::with_args(&[])
    }

    /// A server with a manual clock, on the store this test run uses, with extra flags.
    pub fn with_args(extra: &[&str]) -> Self {
        let mut args = vec!["--manual-clock".to_owned()];
        if let Some(url) = integration_database_url() {
            args.extend(["--database-url".to_owned(), url]);
        }
        args.extend(extra.iter().map(|s| s.to_string()));
        Self::launch(args)
    }

    /// One of several nodes sharing the PostgreSQL database (schema) `database_url`; only the
    /// given flags (no manual clock: each node would have its own).
    pub fn node(database_url: &str, extra: &[&str]) -> Self {
        let mut args = vec!["--database-url".to_owned(), database_url.to_owned()];
        args.extend(extra.iter().map(|s| s.to_string()));
        Self::launch(args)
    }

    /// Like [`with_args`](Self::with_args), with environment variables for the server (they
    /// win over the harness's, `RUST_LOG` included).
    pub fn with_args_and_env(extra: &[&str], env: &[(&str, &str)]) -> Self {
        let mut args = vec!["--manual-clock".to_owned()];
        if let Some(url) = integration_database_url() {
            args.extend(["--database-url".to_owned(), url]);
        }
        args.extend(extra.iter().map(|s| s.to_string()));
        let env = env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Self::launch_with(args, env)
    }

    fn launch(args: Vec<String>) -> Self {
        Self::launch_with(args, Vec::new())
    }

    fn launch_with(args: Vec<String>, env: Vec<(String, String)>) -> Self {
        let data_dir = tempfile::tempdir().expect("temp dir");
        let log = Arc::default();
        let (child, base_url) = spawn(data_dir.path(), &args, &env, &log);
        Self {
            child,
            base_url,
            data_dir,
            args,
            env,
            log,
        }
    }

    /// The lines the server has logged so far.
    pub fn log_lines(&self) -> Vec<String> {
        self.log.lock().map(|lines| lines.clone()).unwrap_or_default()
    }

    /// Stops the server with SIGTERM (or SIGKILL when `kill`), then starts it again on the same
    /// data directory.
    pub fn restart(&mut self, kill: bool) {
        self.stop(kill);
        let (child, base_url) = spawn(self.data_dir.path(), &self.args, &self.env, &self.log);
        self.child = child;
        self.base_url = base_url;
    }

    /// Like [`restart`](Self::restart), adding `more` flags to this start only.
    pub fn restart_with(&mut self, kill: bool, more: &[&str]) {
        self.stop(kill);
        let mut args = self.args.clone();
        args.extend(more.iter().map(|s| s.to_string()));
        let (child, base_url) = spawn(self.data_dir.path(), &args, &self.env, &self.log);
        self.child = child;
        self.base_url = base_url;
    }

    /// Stops the server with SIGTERM, or SIGKILL when `kill`, and waits for it to exit.
    pub fn stop(&mut self, kill: bool) {
        let signal = if kill { "-KILL" } else { "-TERM" };
        let _ = Command::new("kill")
            .args([signal, &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }

    pub fn appconfig(&self) -> aws_sdk_appconfig::Client {
        self.appconfig_with(ACCESS_KEY, SECRET_KEY, "us-east-1")
    }

    pub fn appconfig_with(&self, access_key: &str, secret: &str, region: &str) -> aws_sdk_appconfig::Client {
        let config = aws_sdk_appconfig::Config::builder()
            .behavior_version_latest()
            .endpoint_url(&self.base_url)
            .region(aws_sdk_appconfig::config::Region::new(region.to_owned()))
            .credentials_provider(Credentials::new(access_key, secret, None, None, "ramp-tests"))
            .retry_config(RetryConfig::disabled())
            .build();
        aws_sdk_appconfig::Client::from_conf(config)
    }

    pub fn appconfigdata(&self) -> aws_sdk_appconfigdata::Client {
        let config = aws_sdk_appconfigdata::Config::builder()
            .behavior_version_latest()
            .endpoint_url(&self.base_url)
            .region(aws_sdk_appconfigdata::config::Region::new("us-east-1"))
            .credentials_provider(Credentials::new(ACCESS_KEY, SECRET_KEY, None, None, "ramp-tests"))
            .retry_config(aws_sdk_appconfigdata::config::retry::RetryConfig::disabled())
            .build();
        aws_sdk_appconfigdata::Client::from_conf(config)
    }

    pub fn amplify(&self) -> aws_sdk_amplify::Client {
        let config = aws_sdk_amplify::Config::builder()
            .behavior_version_latest()
            .endpoint_url(&self.base_url)
            .region(aws_sdk_amplify::config::Region::new("us-east-1"))
            .credentials_provider(Credentials::new(ACCESS_KEY, SECRET_KEY, None, None, "ramp-tests"))
            .retry_config(aws_sdk_amplify::config::retry::RetryConfig::disabled())
            .build();
        aws_sdk_amplify::Client::from_conf(config)
    }

    /// A plain HTTP client for requests the SDK would never send.
    pub fn http(&self) -> reqwest::Client {
        reqwest::Client::new()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// Moves the manual clock forward.
    pub async fn advance_clock(&self, seconds: u64) {
        let response = self
            .http()
            .post(self.url("/_ramp/clock"))
            .body(format!("{{\"AdvanceSeconds\": {seconds}}}"))
            .send()
            .await
            .expect("clock request");
        assert!(
            response.status().is_success(),
            "advancing the clock failed: {}",
            response.status()
        );
    }
}

impl TestServer {
    /// ramp's clock, as `GET /_ramp/clock` reports it.
    pub async fn clock_now(&self) -> ramp_clock::Timestamp {
        let body: serde_json::Value = self
            .http()
            .get(self.url("/_ramp/clock"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        ramp_clock::Timestamp::parse_iso8601(body["Now"].as_str().unwrap()).unwrap()
    }

    /// `GET /_ramp/alarms`.
    pub async fn alarms(&self) -> serde_json::Value {
        self.http()
            .get(self.url("/_ramp/alarms"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// Sets a ramp alarm through the admin API.
    pub async fn set_alarm(&self, name: &str, state: &str) -> serde_json::Value {
        let response = self
            .http()
            .put(self.url(&format!("/_ramp/alarms/{name}")))
            .body(format!("{{\"State\": \"{state}\", \"Reason\": \"test\"}}"))
            .send()
            .await
            .unwrap();
        assert!(
            response.status().is_success(),
            "setting alarm {name}: {}",
            response.status()
        );
        response.json().await.unwrap()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_ramp"))
}

/// Starts `ramp serve` and waits for its "listening" log line, which carries the bound address;
/// every line it logs goes to `log`.
fn spawn(
    data_dir: &Path,
    extra: &[String],
    env: &[(String, String)],
    log: &Arc<Mutex<Vec<String>>>,
) -> (Child, String) {
    let mut child = Command::new(binary())
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(data_dir)
        .args(extra)
        .env("RUST_LOG", "ramp=info,ramp_server=warn")
        .env_remove("RAMP_ACCESS_KEY_ID")
        .env_remove("RAMP_SECRET_ACCESS_KEY")
        // The credentials ramp's own AWS calls (extension actions) sign with: moto and the
        // tests' Lambda stand-in accept any.
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("ramp binary starts");
    let stderr = child.stderr.take().expect("stderr is piped");
    let (tx, rx) = mpsc::channel();
    let log = log.clone();
    std::thread::spawn(move || {
        let mut sent = false;
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            // In a text or a JSON log line alike, the URL ends at a space or a quote.
            if !sent && let Some(url) = line.split("ramp listening on ").nth(1) {
                let url = url.split([' ', '"']).next().unwrap_or_default();
                let _ = tx.send(url.to_owned());
                sent = true;
            }
            if let Ok(mut lines) = log.lock() {
                lines.push(line);
            }
        }
    });
    let url = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("ramp printed its listening address");
    (child, url)
}

/// A fresh PostgreSQL schema of the server `RAMP_TEST_DATABASE_URL` names, as a URL selecting
/// it; `None` when the variable is unset.
pub fn postgres_schema_url() -> Option<String> {
    let base = std::env::var("RAMP_TEST_DATABASE_URL")
        .ok()
        .filter(|url| !url.is_empty())?;
    // The harness is synchronous and may run inside a test's runtime: use a runtime of its own.
    let made = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(ramp_store_postgres::testing::fresh_schema_url(&base))
    })
    .join()
    .expect("schema thread");
    Some(made.unwrap_or_else(|e| panic!("cannot make a PostgreSQL schema for a test: {e}")))
}

/// The PostgreSQL URL every server of this run uses, when the run is the PostgreSQL pass.
fn integration_database_url() -> Option<String> {
    if std::env::var("RAMP_INTEGRATION_STORE").as_deref() != Ok("postgres") {
        return None;
    }
    let url = postgres_schema_url();
    assert!(
        url.is_some(),
        "RAMP_INTEGRATION_STORE=postgres needs RAMP_TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test)"
    );
    url
}

/// The modelled error code of an SDK error.
pub fn error_code<E, R>(error: &aws_sdk_appconfig::error::SdkError<E, R>) -> String
where
    E: aws_sdk_appconfig::error::ProvideErrorMetadata,
{
    error
        .as_service_error()
        .and_then(|e| e.code())
        .map(str::to_owned)
        .unwrap_or_else(|| "<not a service error>".to_owned())
}

/// The message of an SDK error.
pub fn error_message<E, R>(error: &aws_sdk_appconfig::error::SdkError<E, R>) -> String
where
    E: aws_sdk_appconfig::error::ProvideErrorMetadata,
{
    error
        .as_service_error()
        .and_then(|e| e.message())
        .map(str::to_owned)
        .unwrap_or_default()
}

/// Creates an application and returns its id.
pub async fn new_application(client: &aws_sdk_appconfig::Client) -> String {
    client
        .create_application()
        .name("app")
        .send()
        .await
        .unwrap()
        .id()
        .unwrap()
        .to_owned()
}

/// Creates a hosted configuration profile (of `profile_type`, if given) and returns its id.
pub async fn new_hosted_profile(
    client: &aws_sdk_appconfig::Client,
    application_id: &str,
    profile_type: Option<&str>,
) -> String {
    client
        .create_configuration_profile()
        .application_id(application_id)
        .name("profile")
        .location_uri("hosted")
        .set_type(profile_type.map(str::to_owned))
        .send()
        .await
        .unwrap()
        .id()
        .unwrap()
        .to_owned()
}
