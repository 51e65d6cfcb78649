//! The closed-loop load generator: `connections` tasks, each with one request in flight on its
//! own keep-alive HTTP/1.1 connection, sending the next request as soon as the last answer is
//! read. Closed loop means the server's speed sets the rate, so req/s is its throughput.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use bytes::Bytes;
use hdrhistogram::Histogram;
use http::header::{CONTENT_TYPE, HOST, USER_AGENT};
use http::{HeaderMap, HeaderName, HeaderValue, Method, Request, StatusCode, Uri};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use ramp_clock::{Clock, SystemClock, Timestamp};

/// Credentials the benchmark signs with. ramp runs open (no credentials configured), so it
/// parses the `Authorization` header for the region, as it would an SDK's, without verifying.
const ACCESS_KEY_ID: &str = "AKIDRAMPBENCH";
const SECRET_ACCESS_KEY: &str = "ramp-bench-secret";
const REGION: &str = "us-east-1";
const SIGNING_NAME: &str = "appconfig";

/// Latencies are recorded in microseconds, up to a minute, to 3 significant digits.
const HISTOGRAM_MAX_MICROS: u64 = 60_000_000;

pub type HttpClient = Client<HttpConnector, Full<Bytes>>;

/// One request, built and signed once, then cloned for every send.
#[derive(Clone, Debug)]
pub struct Template {
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
}

impl Template {
    /// A request to `path` on `addr`, signed with SigV4 as an AWS SDK would sign it.
    ///
    /// Signed once per template, not per request: the `X-Amz-Date` then stays fixed, which is
    /// fine for a run shorter than SigV4's 15-minute skew window, and the generator does not
    /// spend the shared CPU on HMACs that a real client would spend on its own machine.
    pub fn signed(
        method: Method,
        addr: SocketAddr,
        path: &str,
        body: Option<(&'static str, Bytes)>,
    ) -> anyhow::Result<Self> {
        let uri: Uri = format!("http://{addr}{path}")
            .parse()
            .with_context(|| format!("building a URI for {path}"))?;
        let mut headers = HeaderMap::new();
        headers.insert(HOST, HeaderValue::from_str(&addr.to_string())?);
        headers.insert(USER_AGENT, HeaderValue::from_static("ramp-bench/0.1"));
        let body = match body {
            Some((content_type, bytes)) => {
                headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
                bytes
            }
            None => Bytes::new(),
        };
        let signed = signature(&method, path, &[], &headers, &body);
        if !signed.iter().any(|(name, _)| name == http::header::AUTHORIZATION) {
            bail!("ramp-sigv4 produced no Authorization header");
        }
        headers.extend(signed);
        Ok(Self {
            method,
            uri,
            headers,
            body,
        })
    }

    /// An unsigned request to `path` on `addr` with `Host: host` (a hosted site, nginx, or an
    /// Amplify call to ramp running open, which does not need a signature).
    pub fn unsigned(
        method: Method,
        addr: SocketAddr,
        host: &str,
        path: &str,
        body: Option<(&'static str, Bytes)>,
    ) -> anyhow::Result<Self> {
        let uri: Uri = format!("http://{addr}{path}")
            .parse()
            .with_context(|| format!("building a URI for {path}"))?;
        let mut headers = HeaderMap::new();
        headers.insert(HOST, HeaderValue::from_str(host)?);
        headers.insert(USER_AGENT, HeaderValue::from_static("ramp-bench/0.1"));
        let body = match body {
            Some((content_type, bytes)) => {
                headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
                bytes
            }
            None => Bytes::new(),
        };
        Ok(Self {
            method,
            uri,
            headers,
            body,
        })
    }

    /// Replaces the body (a large upload, set without copying).
    pub fn set_body(&mut self, content_type: &'static str, body: Bytes) {
        self.headers
            .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
        self.body = body;
    }

    pub fn request(&self) -> anyhow::Result<Request<Full<Bytes>>> {
        let mut request = Request::builder()
            .method(self.method.clone())
            .uri(self.uri.clone())
            .body(Full::new(self.body.clone()))?;
        *request.headers_mut() = self.headers.clone();
        Ok(request)
    }
}

/// The SigV4 headers (`authorization`, `x-amz-date`, `x-amz-content-sha256`) of one request,
/// computed as an SDK computes them for each call. `query` is decoded (key, value) pairs.
pub fn signature(
    method: &Method,
    raw_path: &str,
    query: &[(String, String)],
    headers: &HeaderMap,
    body: &[u8],
) -> Vec<(HeaderName, HeaderValue)> {
    ramp_sigv4::sign(
        &ramp_sigv4::SignedRequest {
            method,
            raw_path,
            query,
            headers,
            body,
        },
        ACCESS_KEY_ID,
        SECRET_ACCESS_KEY,
        REGION,
        SIGNING_NAME,
        now(),
    )
}

/// Wall time for X-Amz-Date, read through ramp_clock as everywhere in the workspace.
fn now() -> Timestamp {
    SystemClock::new().now()
}

/// A keep-alive HTTP/1.1 client; Nagle off, as every HTTP client library sets it.
pub fn client() -> HttpClient {
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    Client::builder(TokioExecutor::new())
        .pool_idle_timeout(Duration::from_secs(90))
        .build(connector)
}

/// Sends one request and returns its status and body (setup calls, not measured).
pub async fn send_once(client: &HttpClient, template: &Template) -> anyhow::Result<(StatusCode, Bytes)> {
    let response = client
        .request(template.request()?)
        .await
        .with_context(|| format!("{} {}", template.method, template.uri))?;
    let status = response.status();
    let body = response.into_body().collect().await?.to_bytes();
    Ok((status, body))
}

#[derive(Clone, Copy, Debug)]
pub struct Settings {
    pub connections: usize,
    pub warmup: Duration,
    pub duration: Duration,
}

/// What one scenario measured over its measurement window.
pub struct Outcome {
    /// 2xx answers completed inside the window.
    pub ok: u64,
    /// Non-2xx answers and transport failures completed inside the window.
    pub errors: u64,
    pub first_error: Option<String>,
    /// Latencies of the 2xx answers, in microseconds.
    pub latency: Histogram<u64>,
    pub window: Duration,
}

impl Outcome {
    pub fn per_second(&self) -> f64 {
        self.ok as f64 / self.window.as_secs_f64()
    }

    pub fn percentile_ms(&self, quantile: f64) -> f64 {
        self.latency.value_at_quantile(quantile) as f64 / 1000.0
    }
}

/// Runs `connections` closed loops for warm-up plus duration; counts only what completes in
/// the measurement window, so connection set-up and cold caches stay out of the figures.
pub async fn run(client: &HttpClient, template: Template, settings: Settings) -> anyhow::Result<Outcome> {
    run_cycling(client, vec![template], settings).await
}

/// [`run`] over several requests: each connection sends them in turn, starting at its own
/// offset, so the server sees every one of them all the time (many files of a site).
pub async fn run_cycling(client: &HttpClient, templates: Vec<Template>, settings: Settings) -> anyhow::Result<Outcome> {
    if templates.is_empty() {
        bail!("no request to send");
    }
    let templates: Arc<[Template]> = templates.into();
    let measure_from = Instant::now() + settings.warmup;
    let measure_until = measure_from + settings.duration;
    let loops: Vec<_> = (0..settings.connections)
        .map(|connection| {
            let client = client.clone();
            let templates = templates.clone();
            let first = connection * templates.len() / settings.connections;
            tokio::spawn(async move { closed_loop(client, templates, first, measure_from, measure_until).await })
        })
        .collect();

    let mut outcome = Outcome {
        ok: 0,
        errors: 0,
        first_error: None,
        latency: new_histogram()?,
        window: settings.duration,
    };
    for handle in loops {
        let part = handle.await.context("a load task panicked")??;
        outcome.ok += part.ok;
        outcome.errors += part.errors;
        outcome.first_error = outcome.first_error.or(part.first_error);
        outcome.latency.add(&part.latency)?;
    }
    Ok(outcome)
}

pub fn new_histogram() -> anyhow::Result<Histogram<u64>> {
    Ok(Histogram::new_with_bounds(1, HISTOGRAM_MAX_MICROS, 3)?)
}

/// One connection's loop. Each task keeps its own histogram: no lock on the hot path.
async fn closed_loop(
    client: HttpClient,
    templates: Arc<[Template]>,
    first: usize,
    measure_from: Instant,
    measure_until: Instant,
) -> anyhow::Result<Outcome> {
    let mut outcome = Outcome {
        ok: 0,
        errors: 0,
        first_error: None,
        latency: new_histogram()?,
        window: measure_until - measure_from,
    };
    for template in templates.iter().cycle().skip(first) {
        let sent = Instant::now();
        if sent >= measure_until {
            break;
        }
        let result = exchange(&client, template).await;
        let done = Instant::now();
        if done < measure_from || done > measure_until {
            continue;
        }
        match result {
            Ok(()) => {
                outcome.ok += 1;
                let micros = u64::try_from((done - sent).as_micros()).unwrap_or(u64::MAX);
                outcome.latency.saturating_record(micros.max(1));
            }
            Err(message) => {
                outcome.errors += 1;
                outcome.first_error.get_or_insert(message);
                // A refused connection fails in microseconds: do not spin on it.
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        }
    }
    Ok(outcome)
}

/// One request and its whole body (read to the end so the connection goes back to the pool).
/// Anything but a 2xx is an error.
async fn exchange(client: &HttpClient, template: &Template) -> Result<(), String> {
    let request = template.request().map_err(|e| e.to_string())?;
    let response = client.request(request).await.map_err(|e| format!("{e:?}"))?;
    let status = response.status();
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|e| format!("reading the body: {e}"))?
        .to_bytes();
    if status.is_success() {
        Ok(())
    } else {
        Err(format!("{status}: {}", String::from_utf8_lossy(&body)))
    }
}
