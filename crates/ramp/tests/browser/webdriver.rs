//! The browser for the tests: headless Debian Chromium through chromedriver, driven with the
//! `fantoccini` WebDriver client, plus what the scenarios need on top of it: waits that
//! tolerate live updates replacing an element, screenshots to a file, and the console log.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

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
        // chromedriver answers once it listens: wait for its port, not a fixed time.
        let deadline = Instant::now() + WAIT;
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start listening");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Some(driver)
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
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".to_owned(), json!("chrome"));
        capabilities.insert("goog:chromeOptions".to_owned(), options);
        capabilities.insert("goog:loggingPrefs".to_owned(), json!({ "browser": "ALL" }));
        // Plain HTTP to chromedriver on loopback: no TLS connector needed.
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = ClientBuilder::new(connector)
            .capabilities(capabilities)
            .connect(&self.url)
            .await
            .unwrap_or_else(|e| panic!("cannot open a Chromium session: {e}"));
        Browser {
            client,
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

/// chromedriver's `POST /session/{id}/se/log`: the browser console's entries since the last
/// call. It is not W3C WebDriver, so fantoccini has no method for it; it takes the command.
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(&self, base_url: &url::Url, session_id: Option<&str>) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!("session/{}/se/log", session_id.unwrap_or_default()))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(json!({ "type": "browser" }).to_string()))
    }
}

/// A browser session.
pub struct Browser {
    client: Client,
    _profile: tempfile::TempDir,
}

impl Browser {
    pub async fn goto(&self, url: &str) {
        self.client
            .goto(url)
            .await
            .unwrap_or_else(|e| panic!("cannot open {url}: {e}"));
    }

    pub async fn current_url(&self) -> String {
        self.client.current_url().await.map(String::from).unwrap_or_default()
    }

    pub async fn set_window(&self, width: u32, height: u32) {
        self.client
            .set_window_size(width, height)
            .await
            .unwrap_or_else(|e| panic!("cannot resize the window: {e}"));
    }

    pub async fn exists(&self, css: &str) -> bool {
        !self
            .client
            .find_all(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("cannot look for {css}: {e}"))
            .is_empty()
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

    /// Finds `css` and acts on it, finding it again if a live update replaced it in between.
    async fn on_element<F, Fut>(&self, css: &str, act: F)
    where
        F: Fn(fantoccini::elements::Element) -> Fut,
        Fut: std::future::Future<Output = Result<(), fantoccini::error::CmdError>>,
    {
        let deadline = Instant::now() + WAIT;
        loop {
            let element = self
                .client
                .find(Locator::Css(css))
                .await
                .unwrap_or_else(|e| panic!("no element matches {css}: {e}"));
            match act(element).await {
                Ok(()) => return,
                Err(e) if is_stale(&e) && Instant::now() < deadline => continue,
                Err(e) => panic!("acting on {css} failed: {e}"),
            }
        }
    }

    pub async fn click(&self, css: &str) {
        self.on_element(css, |element| async move { element.click().await.map(drop) })
            .await;
    }

    /// Replaces the value of an input or textarea.
    pub async fn fill(&self, css: &str, text: &str) {
        self.on_element(css, |element| async move {
            element.clear().await?;
            element.send_keys(text).await
        })
        .await;
    }

    pub async fn execute(&self, script: &str, args: Value) -> Value {
        let args = match args {
            Value::Array(args) => args,
            other => vec![other],
        };
        self.client
            .execute(script, args)
            .await
            .unwrap_or_else(|e| panic!("the script {script:?} failed: {e}"))
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
                let source = self.client.source().await.unwrap_or_default();
                let url = self.current_url().await;
                panic!("{css} never matched; its text is {text:?}; the page at {url} is {source}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until the page's URL satisfies `check` (a form's answer navigates there).
    pub async fn wait_for_url(&self, check: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let url = self.current_url().await;
            if check(&url) {
                return url;
            }
            assert!(Instant::now() < deadline, "the page stayed at {url}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Saves a PNG of the viewport.
    pub async fn screenshot(&self, path: &Path) {
        let png = self
            .client
            .screenshot()
            .await
            .unwrap_or_else(|e| panic!("cannot take a screenshot: {e}"));
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("screenshot dir");
        }
        std::fs::write(path, png).expect("screenshot written");
    }

    /// The browser console's entries since the last call, as (level, message).
    pub async fn console(&self) -> Vec<(String, String)> {
        let log = self
            .client
            .issue_cmd(BrowserLog)
            .await
            .unwrap_or_else(|e| panic!("cannot read the browser console: {e}"));
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
        let _ = self.client.close().await;
    }
}

/// Whether a live update replaced the element between finding it and acting on it.
fn is_stale(error: &fantoccini::error::CmdError) -> bool {
    error.to_string().contains("stale element")
}
