//! Downloading a `ZIP` source from an `http(s)://` `sourceUrl` to a file (spec amplify.md §6.4),
//! defended against server-side request forgery (§11.4).
//!
//! Built on `reqwest`, one client per hop, rather than on hyper-util directly: reqwest brings
//! TLS with the platform's roots, timeouts and body streaming, and is already in ramp's build
//! (object_store uses it). Its own behaviours that would defeat the checks are switched off:
//! redirects (followed here, each one vetted like the first URL), proxies (the environment's
//! `HTTP_PROXY` would send the request elsewhere), retries and decompression. Each client
//! knows the vetted addresses of its one host and has a resolver that refuses every other
//! name, so nothing is resolved twice and a rebinding DNS answer is never seen.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use reqwest::dns::{Name, Resolve, Resolving};
use reqwest::header::LOCATION;
use reqwest::{Client, Response, StatusCode};
use tokio::io::AsyncWriteExt as _;
use url::Url;

use super::error::{SourceError, Subject, chain, shown};
use super::target::{Guard, Vetted};

/// Limits and permissions of one `sourceUrl` download.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchPolicy {
    /// The most bytes the download may have (counted as they arrive, whatever the server
    /// announced).
    pub max_bytes: u64,
    /// The whole fetch: resolution, connections, redirects and body.
    pub timeout: Duration,
    /// One TCP (and TLS) connection.
    pub connect_timeout: Duration,
    /// Redirects followed before giving up.
    pub max_redirects: usize,
    /// Lifts the address checks, for a ramp whose sites come from its own network
    /// ([`ALLOW_PRIVATE_FLAG`](super::ALLOW_PRIVATE_FLAG)).
    pub allow_private: bool,
}

impl Default for FetchPolicy {
    /// 5 GB, AWS's limit for a manual deploy (spec §6.5); half an hour, which allows that
    /// much at about 3 MB/s; 10 s to connect; 5 redirects; public addresses only.
    fn default() -> FetchPolicy {
        FetchPolicy {
            max_bytes: 5 * 1024 * 1024 * 1024,
            timeout: Duration::from_secs(30 * 60),
            connect_timeout: Duration::from_secs(10),
            max_redirects: 5,
            allow_private: false,
        }
    }
}

/// Downloads the zip at `url` into the file `into` (created or truncated) and returns its size.
/// The body is streamed to the file, never held whole. On failure `into` is removed.
pub async fn fetch_zip(url: &str, policy: &FetchPolicy, into: &Path) -> Result<u64, SourceError> {
    fetch_with(url, policy, &Guard::system(policy.allow_private), into).await
}

pub(crate) async fn fetch_with(
    url: &str,
    policy: &FetchPolicy,
    guard: &Guard,
    into: &Path,
) -> Result<u64, SourceError> {
    let fetched = match tokio::time::timeout(policy.timeout, follow(url, policy, guard, into)).await {
        Ok(fetched) => fetched,
        Err(_elapsed) => Err(SourceError::Timeout { limit: policy.timeout }),
    };
    if fetched.is_err() {
        // Whatever was written is incomplete; absent already is fine too.
        let _ = tokio::fs::remove_file(into).await;
    }
    fetched
}

/// Requests `url`, then each redirect in turn, until an answer with content.
async fn follow(url: &str, policy: &FetchPolicy, guard: &Guard, into: &Path) -> Result<u64, SourceError> {
    let mut current = Url::parse(url).map_err(|e| SourceError::InvalidUrl { reason: e.to_string() })?;
    let mut subject = Subject::SourceUrl;
    for number in 1..=policy.max_redirects.saturating_add(1) {
        let vetted = guard.vet(&current, subject).await?;
        let response = request(&current, &vetted, policy).await?;
        let status = response.status();
        if status.is_success() {
            return save(response, policy.max_bytes, into).await;
        }
        if !is_followed_redirect(status) {
            return Err(SourceError::Status {
                url: shown(&current),
                status: status.as_u16(),
            });
        }
        current = redirect_target(&current, &response)?;
        subject = Subject::Redirect { number };
    }
    Err(SourceError::TooManyRedirects {
        limit: policy.max_redirects,
    })
}

/// The redirects a browser follows with a GET. 300 and 304 are answers, not redirects.
fn is_followed_redirect(status: StatusCode) -> bool {
    matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308)
}

fn redirect_target(from: &Url, response: &Response) -> Result<Url, SourceError> {
    let bad = |reason: String| SourceError::BadRedirect {
        url: shown(from),
        status: response.status().as_u16(),
        reason,
    };
    let location = response
        .headers()
        .get(LOCATION)
        .ok_or_else(|| bad("it has no Location header".to_owned()))?;
    let location = location
        .to_str()
        .map_err(|_| bad("its Location header is not ASCII text".to_owned()))?;
    // A relative Location is relative to the URL that answered.
    from.join(location)
        .map_err(|e| bad(format!("its Location {location:?} is not a URL: {e}")))
}

/// One GET of `url`, connecting only to the vetted addresses.
async fn request(url: &Url, vetted: &Vetted, policy: &FetchPolicy) -> Result<Response, SourceError> {
    let mut builder = Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .retry(reqwest::retry::never())
        .referer(false)
        .connect_timeout(policy.connect_timeout)
        .user_agent(concat!(
            "ramp/",
            env!("CARGO_PKG_VERSION"),
            " (Amplify Hosting sourceUrl fetch)"
        ))
        .dns_resolver(Arc::new(RefuseEveryName));
    if let Some(domain) = &vetted.domain {
        builder = builder.resolve_to_addrs(domain, &vetted.addresses);
    }
    let client = builder.build().map_err(|e| SourceError::Connect {
        url: shown(url),
        cause: chain(&e),
    })?;
    client.get(url.clone()).send().await.map_err(|e| {
        let cause = chain(&e);
        if e.is_connect() {
            SourceError::Connect { url: shown(url), cause }
        } else {
            SourceError::Transfer { url: shown(url), cause }
        }
    })
}

/// Streams `response`'s body into `into`, refusing it once it passes `max_bytes`.
async fn save(mut response: Response, max_bytes: u64, into: &Path) -> Result<u64, SourceError> {
    // Refused before reading when the server says so itself; counted regardless below, since
    // the header may be absent (chunked) or wrong.
    if let Some(declared) = response.content_length()
        && declared > max_bytes
    {
        return Err(SourceError::TooLarge {
            limit: max_bytes,
            declared: Some(declared),
        });
    }
    let local = |e: std::io::Error| SourceError::LocalWrite { cause: e.to_string() };
    let mut file = tokio::fs::File::create(into).await.map_err(local)?;
    let mut written: u64 = 0;
    while let Some(chunk) = response.chunk().await.map_err(|e| SourceError::Transfer {
        url: shown(response.url()),
        cause: chain(&e),
    })? {
        written = written.saturating_add(chunk.len() as u64);
        if written > max_bytes {
            return Err(SourceError::TooLarge {
                limit: max_bytes,
                declared: None,
            });
        }
        file.write_all(&chunk).await.map_err(local)?;
    }
    file.flush().await.map_err(local)?;
    Ok(written)
}

/// The resolver of every per-hop client: the vetted host is answered from the client's pinned
/// addresses before a resolver is asked, so any name reaching this one was never vetted.
struct RefuseEveryName;

impl Resolve for RefuseEveryName {
    fn resolve(&self, name: Name) -> Resolving {
        let message = format!("ramp resolves source hosts itself; {} was not vetted", name.as_str());
        Box::pin(std::future::ready(Err(message.into())))
    }
}
