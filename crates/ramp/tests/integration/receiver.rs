//! A webhook receiver for the extension tests: a local HTTP server that records every request
//! and answers as the test scripts it (JSON, an error status, a delay), per path.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

/// How the receiver answers one request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// 200 with this JSON body.
    Json(serde_json::Value),
    /// This status with a short text body.
    Status(u16),
    /// Waits this long, then 200 `{}`.
    Delay(Duration),
}

#[derive(Debug, Clone)]
pub struct Received {
    pub path: String,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Received {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("the body is JSON")
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default()
    }
}

#[derive(Default)]
struct Script {
    received: Vec<Received>,
    once: HashMap<String, VecDeque<Reply>>,
    always: HashMap<String, Reply>,
}

#[derive(Clone)]
pub struct Receiver {
    base: String,
    script: Arc<Mutex<Script>>,
}

impl Receiver {
    pub async fn start() -> Self {
        let script = Arc::new(Mutex::new(Script::default()));
        let app = axum::Router::new().fallback(answer).with_state(script.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { base, script }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Answers every request to `path` with `reply` (after any one-off replies).
    pub fn always(&self, path: &str, reply: Reply) {
        self.script.lock().unwrap().always.insert(path.to_owned(), reply);
    }

    /// Answers the next request to `path` with `reply` (queued in order).
    pub fn once(&self, path: &str, reply: Reply) {
        let mut script = self.script.lock().unwrap();
        script.once.entry(path.to_owned()).or_default().push_back(reply);
    }

    pub fn received(&self, path: &str) -> Vec<Received> {
        let script = self.script.lock().unwrap();
        script.received.iter().filter(|r| r.path == path).cloned().collect()
    }

    /// Waits (polling, with a deadline) until `path` received at least `count` requests.
    pub async fn wait_for(&self, path: &str, count: usize) -> Vec<Received> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let received = self.received(path);
            if received.len() >= count {
                return received;
            }
            assert!(
                Instant::now() < deadline,
                "{path} received {} requests, not {count}: {:?}",
                received.len(),
                received.iter().map(|r| r.json()).collect::<Vec<_>>()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

async fn answer(State(script): State<Arc<Mutex<Script>>>, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let path = uri.path().to_owned();
    let reply = {
        let mut script = script.lock().unwrap();
        script.received.push(Received {
            path: path.clone(),
            headers,
            body: body.to_vec(),
        });
        let once = script.once.get_mut(&path).and_then(VecDeque::pop_front);
        once.or_else(|| script.always.get(&path).cloned())
    };
    match reply.unwrap_or(Reply::Json(serde_json::json!({}))) {
        Reply::Json(value) => axum::Json(value).into_response(),
        Reply::Status(status) => (
            StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            "scripted failure",
        )
            .into_response(),
        Reply::Delay(delay) => {
            tokio::time::sleep(delay).await;
            axum::Json(serde_json::json!({})).into_response()
        }
    }
}
