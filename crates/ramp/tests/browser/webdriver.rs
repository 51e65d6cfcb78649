//! Just enough of the W3C WebDriver protocol to drive headless Chromium through chromedriver:
//! sessions, navigation, elements, scripts, screenshots and the browser's console log.
//!
//! Written on the tests' existing HTTP client (reqwest) instead of a WebDriver crate: the
//! handful of JSON calls below is all the tests need, and it reads the console log (a
//! chromedriver extension the WebDriver crates do not expose) with no new dependency tree.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{Value, json};

/// The key W3C WebDriver names element references by.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// How long the waits below wait before failing.
pub const WAIT: Duration = Duration::from_secs(10);

/// Where Debian's `chromium-driver` puts chromedriver (`.ci/run` installs it).
fn chromedriver_path() -> Option<PathBuf> {
    if let Ok(path) = std::env::var("CHROMEDRIVER") {
        return Some(PathBuf::from(path));
    }
    ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
        .into_iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

/// A chromedriver process on a free port, killed when dropped.
pub struct Driver {
    process: Child,
    url: String,
}

impl Driver {
    /// Starts chromedriver, or says why the browser tests cannot run: they fail under CI and
    /// are skipped, with a message, elsewhere.
    pub async fn start() -> Option<Driver> {
        let Some(path) = chromedriver_path() else {
            let message = "chromedriver not found (apt-get install chromium chromium-driver, or set CHROMEDRIVER)";
            if std::env::var_os("CI").is_some() {
                panic!("{message}: the browser tests must run in CI");
            }
            eprintln!("SKIPPING the browser tests: {message}");
            return None;
        };
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let process = Command::new(&path)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", path.display()));
        let driver = Driver {
            process,
            url: format!("http://127.0.0.1:{port}"),
        };
        let deadline = Instant::now() + WAIT;
        let http = reqwest::Client::new();
        loop {
            let ready = http.get(format!("{}/status", driver.url)).send().await;
            if let Ok(response) = ready
                && let Ok(status) = response.json::<Value>().await
                && status["value"]["ready"] == true
            {
                return Some(driver);
            }
            assert!(Instant::now() < deadline, "chromedriver did not become ready");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// A new headless browser with its own profile directory, its window `width`×`height`.
    pub async fn browser(&self, width: u32, height: u32) -> Browser {
        let profile = tempfile::tempdir().expect("profile dir");
        let mut options = json!({
            "args": [
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--hide-scrollbars",
                format!("--window-size={width},{height}"),
                format!("--user-data-dir={}", profile.path().display()),
            ]
        });
        if Path::new("/usr/bin/chromium").exists() {
            options["binary"] = json!("/usr/bin/chromium");
        }
        let capabilities = json!({
            "capabilities": { "alwaysMatch": {
                "browserName": "chrome",
                "goog:chromeOptions": options,
                "goog:loggingPrefs": { "browser": "ALL" },
            }}
        });
        let http = reqwest::Client::new();
        let answer = call(
            &http,
            reqwest::Method::POST,
            &format!("{}/session", self.url),
            Some(capabilities),
        )
        .await;
        let id = answer["sessionId"].as_str().expect("a session id").to_owned();
        Browser {
            http,
            session: format!("{}/session/{id}", self.url),
            _profile: profile,
        }
    }
}

impl Drop for Driver {
    /// Asks chromedriver to end its sessions (closing their browsers) and exit, so a failed
    /// test leaves no Chromium behind; kills it if it does not go.
    fn drop(&mut self) {
        use std::io::{Read, Write};
        let address = self.url.trim_start_matches("http://");
        if let Ok(mut stream) = std::net::TcpStream::connect(address) {
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            let _ = stream.write_all(b"GET /shutdown HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
            let _ = stream.read_to_end(&mut Vec::new());
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.process.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

/// One WebDriver command; its `value`. A WebDriver error fails the test with its message.
async fn call(http: &reqwest::Client, method: reqwest::Method, url: &str, body: Option<Value>) -> Value {
    match try_call(http, method.clone(), url, body).await {
        Ok(value) => value,
        Err(error) => panic!("WebDriver {method} {url} failed: {error}"),
    }
}

/// One WebDriver command; its `value`, or the WebDriver error's status, code and message.
async fn try_call(
    http: &reqwest::Client,
    method: reqwest::Method,
    url: &str,
    body: Option<Value>,
) -> Result<Value, String> {
    let mut request = http.request(method.clone(), url);
    if let Some(body) = body {
        request = request.json(&body);
    } else if method == reqwest::Method::POST {
        request = request.json(&json!({}));
    }
    let response = request.send().await.map_err(|e| e.to_string())?;
    let status = response.status();
    let value: Value = response.json().await.unwrap_or(Value::Null);
    if status.is_success() {
        Ok(value["value"].clone())
    } else {
        Err(format!(
            "{status} {}: {}",
            value["value"]["error"].as_str().unwrap_or_default(),
            value["value"]["message"].as_str().unwrap_or_default()
        ))
    }
}

/// A browser session.
pub struct Browser {
    http: reqwest::Client,
    session: String,
    _profile: tempfile::TempDir,
}

impl Browser {
    async fn post(&self, path: &str, body: Value) -> Value {
        call(
            &self.http,
            reqwest::Method::POST,
            &format!("{}{path}", self.session),
            Some(body),
        )
        .await
    }

    async fn get(&self, path: &str) -> Value {
        call(
            &self.http,
            reqwest::Method::GET,
            &format!("{}{path}", self.session),
            None,
        )
        .await
    }

    pub async fn goto(&self, url: &str) {
        self.post("/url", json!({ "url": url })).await;
    }

    pub async fn current_url(&self) -> String {
        self.get("/url").await.as_str().unwrap_or_default().to_owned()
    }

    pub async fn set_window(&self, width: u32, height: u32) {
        self.post("/window/rect", json!({ "width": width, "height": height }))
            .await;
    }

    /// The elements matching a CSS selector (none is not an error).
    async fn find_all(&self, css: &str) -> Vec<String> {
        let found = self
            .post("/elements", json!({ "using": "css selector", "value": css }))
            .await;
        found
            .as_array()
            .map(|list| {
                list.iter()
                    .filter_map(|e| e[ELEMENT].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }

    async fn find(&self, css: &str) -> String {
        self.find_all(css)
            .await
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("no element matches {css}"))
    }

    pub async fn exists(&self, css: &str) -> bool {
        !self.find_all(css).await.is_empty()
    }

    /// The rendered text of the first element matching `css`; empty when there is none. Read
    /// in one script call, so a live part replaced meanwhile cannot leave a stale reference.
    pub async fn text(&self, css: &str) -> String {
        let text = self
            .execute(
                "const e = document.querySelector(arguments[0]); return e ? e.innerText.trim() : '';",
                json!([css]),
            )
            .await;
        text.as_str().unwrap_or_default().to_owned()
    }

    /// Finds `css` and sends it `commands`, finding it again if a live update replaced it in
    /// between.
    async fn on_element(&self, css: &str, commands: &[(&str, Value)]) {
        let deadline = Instant::now() + WAIT;
        'retry: loop {
            let id = self.find(css).await;
            for (command, body) in commands {
                let url = format!("{}/element/{id}/{command}", self.session);
                match try_call(&self.http, reqwest::Method::POST, &url, Some(body.clone())).await {
                    Ok(_) => {}
                    Err(e) if e.contains("stale element") && Instant::now() < deadline => continue 'retry,
                    Err(e) => panic!("{command} on {css} failed: {e}"),
                }
            }
            return;
        }
    }

    pub async fn click(&self, css: &str) {
        self.on_element(css, &[("click", json!({}))]).await;
    }

    /// Replaces the value of an input or textarea.
    pub async fn fill(&self, css: &str, text: &str) {
        self.on_element(css, &[("clear", json!({})), ("value", json!({ "text": text }))])
            .await;
    }

    pub async fn execute(&self, script: &str, args: Value) -> Value {
        self.post("/execute/sync", json!({ "script": script, "args": args }))
            .await
    }

    /// Waits until the text of `css` satisfies `check`; the text it ended with.
    pub async fn wait_for_text(&self, css: &str, check: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let text = self.text(css).await;
            if check(&text) {
                return text;
            }
            if Instant::now() >= deadline {
                let source = self.get("/source").await;
                let url = self.current_url().await;
                panic!("{css} never matched; its text is {text:?}; the page at {url} is {source}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Saves a PNG of the viewport.
    pub async fn screenshot(&self, path: &Path) {
        let data = self.get("/screenshot").await;
        let png = base64::engine::general_purpose::STANDARD
            .decode(data.as_str().unwrap_or_default())
            .expect("a base64 PNG");
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("screenshot dir");
        }
        std::fs::write(path, png).expect("screenshot written");
    }

    /// The browser console's entries since the last call, as (level, message).
    pub async fn console(&self) -> Vec<(String, String)> {
        let log = self.post("/se/log", json!({ "type": "browser" })).await;
        log.as_array()
            .map(|entries| {
                entries
                    .iter()
                    .map(|e| {
                        (
                            e["level"].as_str().unwrap_or_default().to_owned(),
                            e["message"].as_str().unwrap_or_default().to_owned(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Fails the test if the page logged an error to the console.
    pub async fn assert_no_console_errors(&self) {
        let errors: Vec<_> = self
            .console()
            .await
            .into_iter()
            .filter(|(level, _)| level == "SEVERE")
            .collect();
        assert!(errors.is_empty(), "the browser console has errors: {errors:?}");
    }

    pub async fn close(self) {
        let _ = self.http.delete(&self.session).send().await;
    }
}
