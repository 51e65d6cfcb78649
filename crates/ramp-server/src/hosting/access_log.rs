//! The access log of the sites ramp serves, for GenerateAccessLogs: every response is recorded
//! off the request path (a channel drained in batches by one task) and rendered on download in
//! Amplify's CSV columns (those of CloudFront's standard logs, which Amplify's access logs use).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::Response;
use http::request::Parts;
use ramp_domain::amplify::AccessLogEntry;
use ramp_domain::store::Store;
use tokio::sync::mpsc;

/// Entries written per store call at most. A full batch is written at once, so the writer keeps
/// up with tens of thousands of requests a second (at 512 per 50 ms it could not pass ~10k/s).
const BATCH: usize = 8192;
/// Entries waiting when the writer falls behind; beyond this, entries are dropped (and
/// counted in the log) rather than holding memory or slowing requests.
const BACKLOG: usize = 100_000;

#[derive(Clone)]
pub struct Recorder {
    /// `None` when the access log is off (`--site-access-log false`).
    entries: Option<mpsc::Sender<AccessLogEntry>>,
    /// Entries dropped since the writer last said so: counted here and logged once per batch by
    /// the writer, because a log line per dropped entry would slow every request when the
    /// writer is already behind.
    dropped: Arc<AtomicU64>,
}

impl Recorder {
    pub fn start(store: Arc<dyn Store>) -> Recorder {
        let (entries, received) = mpsc::channel(BACKLOG);
        let dropped = Arc::new(AtomicU64::new(0));
        tokio::spawn(write_batches(store, received, dropped.clone()));
        Recorder {
            entries: Some(entries),
            dropped,
        }
    }

    /// A recorder that keeps nothing: GenerateAccessLogs then finds no requests.
    pub fn off() -> Recorder {
        Recorder {
            entries: None,
            dropped: Arc::new(AtomicU64::new(0)),
        }
    }

    /// Whether entries are kept; when not, callers skip building them.
    pub fn is_on(&self) -> bool {
        self.entries.is_some()
    }

    pub fn record(&self, entry: AccessLogEntry) {
        if let Some(entries) = &self.entries
            && entries.try_send(entry).is_err()
        {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }
}

async fn write_batches(store: Arc<dyn Store>, mut received: mpsc::Receiver<AccessLogEntry>, dropped: Arc<AtomicU64>) {
    let mut batch = Vec::with_capacity(BATCH);
    while received.recv_many(&mut batch, BATCH).await > 0 {
        if let Err(e) = store.append_access_log(&batch).await {
            tracing::error!(error = %e, entries = batch.len(), "could not write the access log");
        }
        let full = batch.len() == BATCH;
        batch.clear();
        let lost = dropped.swap(0, Ordering::Relaxed);
        if lost > 0 {
            tracing::warn!(entries = lost, "the access log is behind: entries were dropped");
        }
        // Let a burst accumulate into the next batch instead of one write per request; a full
        // batch means more are waiting, so write them now.
        if !full {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// The entry for one served request at `time` (ramp's clock: GenerateAccessLogs selects by it).
pub fn entry(
    region: &str,
    app_id: &str,
    request: &Parts,
    response: &Response<Bytes>,
    time: ramp_clock::Timestamp,
    started: Instant,
) -> AccessLogEntry {
    let header = |name: http::header::HeaderName| {
        request
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    };
    AccessLogEntry {
        region: region.to_owned(),
        app_id: app_id.to_owned(),
        time,
        client_ip: String::new(),
        client_port: 0,
        method: request.method.as_str().to_owned(),
        host: header(http::header::HOST),
        path: request.uri.path().to_owned(),
        query: request.uri.query().unwrap_or("").to_owned(),
        status: response.status().as_u16(),
        bytes_sent: response.body().len() as u64,
        bytes_received: 0,
        referer: header(http::header::REFERER),
        user_agent: header(http::header::USER_AGENT),
        content_type: response
            .headers()
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned(),
        time_taken_ms: started.elapsed().as_millis() as u64,
        request_id: String::new(),
        protocol_version: protocol_version(request.version).to_owned(),
    }
}

/// The version as `Debug` prints it (`HTTP/1.1`), without the formatting machinery per request.
fn protocol_version(version: http::Version) -> &'static str {
    match version {
        http::Version::HTTP_09 => "HTTP/0.9",
        http::Version::HTTP_10 => "HTTP/1.0",
        http::Version::HTTP_11 => "HTTP/1.1",
        http::Version::HTTP_2 => "HTTP/2.0",
        http::Version::HTTP_3 => "HTTP/3.0",
        _ => "HTTP/1.1",
    }
}

/// Amplify's access-log header line.
const COLUMNS: &str = "date,time,x-edge-location,sc-bytes,c-ip,cs-method,cs(Host),cs-uri-stem,sc-status,\
cs(Referer),cs(User-Agent),cs-uri-query,cs(Cookie),x-edge-result-type,x-edge-request-id,x-host-header,\
cs-protocol,cs-bytes,time-taken,x-forwarded-for,ssl-protocol,ssl-cipher,x-edge-response-result-type,\
cs-protocol-version,fle-status,fle-encrypted-fields,c-port,time-to-first-byte,x-edge-detailed-result-type,\
sc-content-type,sc-content-len,sc-range-start,sc-range-end";

/// The entries as Amplify's CSV.
pub fn csv(entries: &[AccessLogEntry]) -> String {
    let mut out = String::with_capacity(COLUMNS.len() + 1 + entries.len() * 200);
    out.push_str(COLUMNS);
    out.push('\n');
    for e in entries {
        let iso = e.time.to_iso8601();
        let (date, time) = iso.split_once('T').unwrap_or((&iso, ""));
        let time = time.split('.').next().unwrap_or(time);
        let seconds = format!("{:.3}", e.time_taken_ms as f64 / 1000.0);
        let fields: [&str; 33] = [
            date,
            time,
            "ramp",
            &e.bytes_sent.to_string(),
            &e.client_ip,
            &e.method,
            &e.host,
            &e.path,
            &e.status.to_string(),
            dash(&e.referer),
            &encode(&e.user_agent),
            dash(&e.query),
            "-",
            result_type(e.status),
            &e.request_id,
            &e.host,
            "http",
            &e.bytes_received.to_string(),
            &seconds,
            "-",
            "-",
            "-",
            result_type(e.status),
            &e.protocol_version,
            "-",
            "-",
            &e.client_port.to_string(),
            &seconds,
            result_type(e.status),
            dash(&e.content_type),
            &e.bytes_sent.to_string(),
            "-",
            "-",
        ];
        let line: Vec<String> = fields.iter().map(|f| quote(f)).collect();
        out.push_str(&line.join(","));
        out.push('\n');
    }
    out
}

fn dash(value: &str) -> &str {
    if value.is_empty() { "-" } else { value }
}

/// CloudFront writes spaces in user agents as `%20`.
fn encode(value: &str) -> String {
    if value.is_empty() {
        return "-".to_owned();
    }
    value.replace(' ', "%20")
}

/// A CSV field, quoted when it holds a comma, quote or line break (RFC 4180).
fn quote(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_owned()
    }
}

fn result_type(status: u16) -> &'static str {
    if status >= 400 { "Error" } else { "Hit" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_render_in_amplifys_columns() {
        let entry = AccessLogEntry {
            time: ramp_clock::Timestamp::from_millis(1_700_000_000_000),
            method: "GET".into(),
            host: "main.d1abc.localhost".into(),
            path: "/index.html".into(),
            status: 200,
            bytes_sent: 42,
            user_agent: "curl/8.0 (x, y)".into(),
            ..AccessLogEntry::default()
        };
        let csv = csv(&[entry]);
        let mut lines = csv.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        assert_eq!(header.len(), 33);
        assert_eq!(header[0], "date");
        let row = lines.next().unwrap();
        assert!(
            row.starts_with("2023-11-14,22:13:20,ramp,42,,GET,main.d1abc.localhost,/index.html,200,-,"),
            "{row}"
        );
        assert!(row.contains("\"curl/8.0%20(x,%20y)\""), "{row}");
    }
}
