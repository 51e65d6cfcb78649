//! The configuration sessions (token chains) the data-plane load polls, on one node or several.
//!
//! Each node has its own FIFO of the sessions it polls next, the one due first at the front. A
//! session a node has just answered goes to the back of the *next* node's queue, so with several
//! nodes a chain alternates between them and nearly every call sends a token the other node
//! minted: the cross-node case is what is measured, not an accident of scheduling. A node whose
//! queue has no session due takes a due one from another queue: strict alternation would hold
//! the faster node to the slower one's pace (it could only poll what the other has answered), so
//! the figure would measure the pairing, not the nodes. Such a call may send a token the node
//! minted itself, which is why the calls on another node's token are counted rather than assumed.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use bytes::Bytes;
use http::header::{HOST, USER_AGENT};
use http::{HeaderMap, HeaderValue, Method, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use serde_json::json;

use super::measured::Answer;
use super::{POLL_INTERVAL_SECONDS, Settings};
use crate::fixtures;
use crate::load::{self, HttpClient, Template};

/// With several nodes, how much later than the poll interval a session is due. Each node's
/// accelerated clock is set from the shared origin to the millisecond, so two nodes may disagree
/// by about a millisecond of real time — a whole ramp-second at `--time-scale 1000` — and a token
/// spent on the other node exactly one interval after it was minted could be "too early" there.
/// Steady-state polls come long after the interval anyway; this only matters when a node waits.
const CROSS_NODE_MARGIN: Duration = Duration::from_millis(3);
const TOKEN_HEADER: &str = "next-poll-configuration-token";

/// One configuration session: its current token and when it may poll again.
struct Session {
    token: String,
    due: Instant,
    calls: u64,
    /// The node that issued `token`.
    minted_by: usize,
}

/// How calls reach one node.
struct Node {
    authority: String,
    base_headers: HeaderMap,
    /// The signature made once and reused, unless signing each request.
    reused_signature: Option<HeaderMap>,
}

/// The sessions not in flight, by the node that polls them next.
pub(super) struct Chains {
    client: HttpClient,
    nodes: Vec<Node>,
    queues: Vec<Mutex<VecDeque<Session>>>,
    interval: Duration,
    lost: AtomicU64,
    chained: AtomicU64,
    /// Successful calls that sent a token another node had issued.
    crossed: AtomicU64,
    sign_nanos: AtomicU64,
    signed: AtomicU64,
}

/// The chains' record over the whole scenario, warm-ups included.
pub struct ChainStats {
    /// Successful GetLatestConfiguration calls.
    pub chained_calls: u64,
    /// Of those, the calls whose token another node had issued.
    pub cross_node_calls: u64,
    /// Calls per session chain: fewest, mean, most.
    pub chain_lengths: (u64, f64, u64),
    /// Sessions dropped after a failed call (their token's fate unknown).
    pub lost_sessions: u64,
    /// Mean generator time to sign one request, when signing each.
    pub sign_micros: Option<f64>,
}

impl Chains {
    pub(super) fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// The front session of `node`'s queue if it is due, else the first due front of the other
    /// queues, else the first session in any queue (to be waited for).
    fn take(&self, node: usize) -> Option<Session> {
        let n = self.queues.len();
        let now = Instant::now();
        let queue = |offset: usize| self.queues[(node + offset) % n].lock().ok();
        (0..n)
            .find_map(|offset| {
                let mut queue = queue(offset)?;
                queue.front().is_some_and(|s| s.due <= now).then(|| queue.pop_front())?
            })
            .or_else(|| (0..n).find_map(|offset| queue(offset)?.pop_front()))
    }

    fn give_back(&self, node: usize, session: Session) {
        if let Ok(mut queue) = self.queues[node % self.queues.len()].lock() {
            queue.push_back(session);
        }
    }

    fn request(&self, node: usize, token: &str) -> anyhow::Result<Request<Full<Bytes>>> {
        let target = &self.nodes[node];
        let path_and_query = format!("/configuration?configuration_token={}", percent_encode(token));
        let mut request = Request::builder()
            .method(Method::GET)
            .uri(format!("http://{}{path_and_query}", target.authority))
            .body(Full::new(Bytes::new()))?;
        let mut headers = target.base_headers.clone();
        match &target.reused_signature {
            Some(signature) => headers.extend(signature.clone()),
            None => {
                let started = Instant::now();
                let query = [("configuration_token".to_owned(), token.to_owned())];
                headers.extend(load::signature(&Method::GET, "/configuration", &query, &headers, &[]));
                let nanos = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
                self.sign_nanos.fetch_add(nanos, Ordering::Relaxed);
                self.signed.fetch_add(1, Ordering::Relaxed);
            }
        }
        *request.headers_mut() = headers;
        Ok(request)
    }

    /// One poll on `node` of the session due first: waits for it if needed, then sends its
    /// token. Returns when the call was sent, its answer, and whether it had to wait.
    pub(super) async fn call(&self, node: usize) -> (Instant, Answer, bool) {
        let mut waited = false;
        let mut session = loop {
            match self.take(node) {
                Some(session) => break session,
                None => {
                    // Every session is in flight: the pool is smaller than the connections.
                    waited = true;
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
            }
        };
        if session.due > Instant::now() {
            waited = true;
            tokio::time::sleep_until(session.due.into()).await;
        }
        let sent = Instant::now();
        let answer = self.poll(node, &mut session).await;
        let done = Instant::now();
        match &answer {
            Answer::Ok { .. } => {
                session.calls += 1;
                session.due = done + self.interval;
                if session.minted_by != node {
                    self.crossed.fetch_add(1, Ordering::Relaxed);
                }
                session.minted_by = node;
                self.chained.fetch_add(1, Ordering::Relaxed);
                self.give_back(node + 1, session);
            }
            Answer::TooEarly => {
                // The token stays good: retry it once another interval has surely passed.
                session.due = done + self.interval;
                self.give_back(node, session);
            }
            Answer::Failed(_) => {
                self.lost.fetch_add(1, Ordering::Relaxed);
            }
        }
        (sent, answer, waited)
    }

    /// Sends the session's token to `node`; on a 200, replaces it with the next one.
    async fn poll(&self, node: usize, session: &mut Session) -> Answer {
        let request = match self.request(node, &session.token) {
            Ok(request) => request,
            Err(e) => return Answer::Failed(format!("building the request: {e}")),
        };
        let response = match self.client.request(request).await {
            Ok(response) => response,
            Err(e) => return Answer::Failed(format!("{e:?}")),
        };
        let status = response.status();
        let next = response
            .headers()
            .get(TOKEN_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = match response.into_body().collect().await {
            Ok(body) => body.to_bytes(),
            Err(e) => return Answer::Failed(format!("reading the body: {e}")),
        };
        if status == StatusCode::OK {
            match next {
                Some(next) => {
                    session.token = next;
                    Answer::Ok {
                        configuration: !body.is_empty(),
                    }
                }
                None => Answer::Failed(format!("200 without {TOKEN_HEADER}")),
            }
        } else if status == StatusCode::BAD_REQUEST
            && String::from_utf8_lossy(&body).contains("PollIntervalNotSatisfied")
        {
            Answer::TooEarly
        } else {
            Answer::Failed(format!("{status}: {}", String::from_utf8_lossy(&body)))
        }
    }

    /// Polls one session on `node` once more, then sends `node` the token that poll used up:
    /// ramp must refuse it. Returns ramp's refusal.
    pub(super) async fn replay_used_token(&self, node: usize) -> anyhow::Result<String> {
        let Some(mut session) = self.take(node) else {
            bail!("the session pool is empty after the run");
        };
        let used = session.token.clone();
        tokio::time::sleep_until(session.due.into()).await;
        let first = self.poll(node, &mut session).await;
        ensure!(
            matches!(first, Answer::Ok { .. }),
            "a last poll before the reuse check failed"
        );
        session.calls += 1;
        session.minted_by = node;
        let mut replay = Session {
            token: used,
            due: Instant::now(),
            calls: 0,
            minted_by: node,
        };
        let answer = match self.poll(node, &mut replay).await {
            Answer::Ok { .. } => bail!("ramp answered 200 to a token that had already been used"),
            Answer::TooEarly => bail!("ramp answered \"Request too early\" to an already-used token"),
            Answer::Failed(message) => message,
        };
        session.due = Instant::now() + self.interval;
        self.give_back(node + 1, session);
        ensure!(
            answer.contains("already used"),
            "an already-used token was refused, but not as used: {answer}"
        );
        Ok(answer)
    }

    /// The record so far; empties the queues, so call it once the load is over.
    pub(super) fn stats(&self) -> anyhow::Result<ChainStats> {
        let mut lengths = Vec::new();
        for queue in &self.queues {
            let mut queue = queue
                .lock()
                .map_err(|_| anyhow::anyhow!("a session queue's lock is poisoned"))?;
            lengths.extend(queue.drain(..).map(|s| s.calls));
        }
        let signed = self.signed.load(Ordering::Relaxed);
        Ok(ChainStats {
            chained_calls: self.chained.load(Ordering::Relaxed),
            cross_node_calls: self.crossed.load(Ordering::Relaxed),
            chain_lengths: (
                lengths.iter().copied().min().unwrap_or(0),
                lengths.iter().sum::<u64>() as f64 / lengths.len().max(1) as f64,
                lengths.iter().copied().max().unwrap_or(0),
            ),
            lost_sessions: self.lost.load(Ordering::Relaxed),
            sign_micros: (signed > 0).then(|| self.sign_nanos.load(Ordering::Relaxed) as f64 / signed as f64 / 1000.0),
        })
    }
}

/// The fixtures and a COMPLETE deployment (made through the first node: the others share its
/// store), then the sessions, session `i` started on node `i mod n` and first polled on the
/// next node, each with its initial token.
pub(super) async fn prepare(addrs: &[SocketAddr], settings: &Settings) -> anyhow::Result<Arc<Chains>> {
    let first = *addrs.first().context("no node to prepare")?;
    let client = load::client();
    let (app, env, profile) = fixtures::deployed(&client, first).await?;

    eprintln!(
        "dataplane: starting {} configuration sessions on {} node(s)…",
        settings.sessions,
        addrs.len()
    );
    let session_body = Bytes::from(
        json!({
            "ApplicationIdentifier": app,
            "EnvironmentIdentifier": env,
            "ConfigurationProfileIdentifier": profile,
            "RequiredMinimumPollIntervalInSeconds": POLL_INTERVAL_SECONDS,
        })
        .to_string(),
    );
    let starts = addrs
        .iter()
        .map(|&addr| {
            Template::signed(
                Method::POST,
                addr,
                "/configurationsessions",
                Some(("application/json", session_body.clone())),
            )
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let starts = Arc::new(starts);
    let (tokens, _) = crate::engine::concurrently(settings.sessions, settings.connections, {
        let client = client.clone();
        move |i| {
            let client = client.clone();
            let starts = starts.clone();
            async move {
                let (status, body) = load::send_once(&client, &starts[i % starts.len()]).await?;
                ensure!(
                    status == StatusCode::CREATED,
                    "StartConfigurationSession failed: {status} {}",
                    String::from_utf8_lossy(&body)
                );
                serde_json::from_slice::<serde_json::Value>(&body)?["InitialConfigurationToken"]
                    .as_str()
                    .map(str::to_owned)
                    .context("StartConfigurationSession answered without an InitialConfigurationToken")
            }
        }
    })
    .await?;

    let first_token = tokens.first().context("no session")?.clone();
    let sign_once_for = (!settings.sign_each_request).then_some(&first_token);
    let nodes = addrs
        .iter()
        .map(|&addr| node(addr, sign_once_for))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let queues: Vec<Mutex<VecDeque<Session>>> = addrs.iter().map(|_| Mutex::new(VecDeque::new())).collect();
    // An initial token may be spent at once, on its own node; on another, after the margin.
    let margin = if addrs.len() > 1 {
        CROSS_NODE_MARGIN
    } else {
        Duration::ZERO
    };
    let due = Instant::now() + margin;
    for (i, token) in tokens.into_iter().enumerate() {
        let minted_by = i % addrs.len();
        let session = Session {
            token,
            due,
            calls: 0,
            minted_by,
        };
        queues[(minted_by + 1) % addrs.len()]
            .lock()
            .map_err(|_| anyhow::anyhow!("a session queue's lock is poisoned"))?
            .push_back(session);
    }
    Ok(Arc::new(Chains {
        client,
        nodes,
        queues,
        interval: settings.real_interval() + margin,
        lost: AtomicU64::new(0),
        chained: AtomicU64::new(0),
        crossed: AtomicU64::new(0),
        sign_nanos: AtomicU64::new(0),
        signed: AtomicU64::new(0),
    }))
}

/// How calls reach `addr`; with `sign_once_for`, one signature (made for that token) reused.
fn node(addr: SocketAddr, sign_once_for: Option<&String>) -> anyhow::Result<Node> {
    let authority = addr.to_string();
    let mut base_headers = HeaderMap::new();
    base_headers.insert(HOST, HeaderValue::from_str(&authority)?);
    base_headers.insert(USER_AGENT, HeaderValue::from_static("ramp-bench/0.1"));
    // ramp runs open, so it reads the header (the region) as it would an SDK's but does not
    // recompute the signature.
    let reused_signature = sign_once_for.map(|token| {
        let query = [("configuration_token".to_owned(), token.clone())];
        let mut signature = HeaderMap::new();
        signature.extend(load::signature(
            &Method::GET,
            "/configuration",
            &query,
            &base_headers,
            &[],
        ));
        signature
    });
    Ok(Node {
        authority,
        base_headers,
        reused_signature,
    })
}

/// Percent-encodes a query value (RFC 3986: all but the unreserved characters). Tokens are
/// base64url and '.', so this changes nothing today; it keeps the URI valid if that changes.
fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}
