//! [`SourceError`]: why a deploy's content could not be fetched. Its Display is the job's
//! failure reason, read by whoever called StartDeployment, so every message says what was
//! wrong with their `sourceUrl` in their terms. URLs are shown without their query string,
//! which for a presigned URL holds a signature that logs should not keep.

use std::fmt::Write as _;
use std::net::IpAddr;
use std::time::Duration;

use super::address::Restricted;

/// The flag that lifts the address check, named in the refusal so an operator knows the way
/// out (ramp's binary must define it with this name).
pub const ALLOW_PRIVATE_FLAG: &str = "--allow-private-source-urls";

/// A failure to fetch a deploy's content from its `sourceUrl`.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("sourceUrl is not a valid URL: {reason}")]
    InvalidUrl { reason: String },

    #[error("{subject} uses the {scheme:?} scheme; ramp fetches only https://, http:// and s3:// sources")]
    UnsupportedScheme { subject: Subject, scheme: String },

    #[error(
        "{subject} contains credentials (user:password@); ramp refuses them so they never reach its logs. \
         Give a URL readable without them, such as a presigned URL"
    )]
    Credentials { subject: Subject },

    #[error(
        "{subject} host {host} {}; ramp refuses private, loopback and link-local targets \
         (start ramp with {ALLOW_PRIVATE_FLAG} to allow them)",
        refusal(*resolved_to, *restriction)
    )]
    RefusedAddress {
        subject: Subject,
        host: String,
        /// The address a host name resolved to; `None` when the host is an IP literal.
        resolved_to: Option<IpAddr>,
        restriction: Restricted,
    },

    #[error("{subject} host {host} could not be resolved: {cause}")]
    Unresolvable {
        subject: Subject,
        host: String,
        cause: String,
    },

    #[error("sourceUrl redirected more than {limit} times")]
    TooManyRedirects { limit: usize },

    #[error("sourceUrl {url} answered {status} without a usable Location to follow: {reason}")]
    BadRedirect { url: String, status: u16, reason: String },

    #[error("sourceUrl {url} answered HTTP {status}{}", reason_phrase(*status))]
    Status { url: String, status: u16 },

    #[error("could not connect to sourceUrl {url}: {cause}")]
    Connect { url: String, cause: String },

    #[error("downloading sourceUrl {url} failed: {cause}")]
    Transfer { url: String, cause: String },

    #[error("sourceUrl content is larger than ramp's limit of {limit} bytes{}", declared_size(*declared))]
    TooLarge { limit: u64, declared: Option<u64> },

    #[error("fetching the source took longer than ramp's limit of {}", seconds(*limit))]
    Timeout { limit: Duration },

    #[error("ramp could not keep the downloaded source: {cause}")]
    LocalWrite { cause: String },

    #[error("sourceUrl {url:?} is not a valid s3:// URL: {reason}")]
    InvalidS3Url { url: String, reason: String },

    #[error("bucket {bucket} is not one ramp deploys from; its operator lists the allowed buckets")]
    BucketNotAllowed { bucket: String },

    #[error("ramp's settings for reading source buckets are unusable: {reason}")]
    S3Config { reason: String },

    #[error("{url} does not exist or ramp may not read it")]
    ObjectNotFound { url: String },

    #[error("reading {url} failed: {cause}")]
    S3 { url: String, cause: String },

    #[error("there are no objects under {url}")]
    EmptyPrefix { url: String },

    #[error("{url} holds more than ramp's limit of {limit} objects")]
    TooManyObjects { url: String, limit: usize },

    #[error("the objects under {url} add up to more than ramp's limit of {limit} bytes")]
    PrefixTooLarge { url: String, limit: u64 },

    #[error("{url} is {size} bytes, more than ramp's limit of {limit} bytes for one file")]
    ObjectTooLarge { url: String, size: u64, limit: u64 },

    #[error("storing the fetched files failed: {cause}")]
    Store { cause: String },
}

/// Which URL a message is about: the one given, or a redirect the server answered with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    SourceUrl,
    /// The `number`th redirect (from 1).
    Redirect {
        number: usize,
    },
}

impl std::fmt::Display for Subject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Subject::SourceUrl => f.write_str("sourceUrl"),
            Subject::Redirect { number } => write!(f, "sourceUrl's redirect #{number}"),
        }
    }
}

fn refusal(resolved_to: Option<IpAddr>, restriction: Restricted) -> String {
    match resolved_to {
        Some(address) => format!("resolves to {address}, {restriction}"),
        None => format!("is {restriction}"),
    }
}

fn reason_phrase(status: u16) -> String {
    reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .map(|reason| format!(" {reason}"))
        .unwrap_or_default()
}

fn declared_size(declared: Option<u64>) -> String {
    declared
        .map(|size| format!(" (the server announced {size} bytes)"))
        .unwrap_or_default()
}

fn seconds(limit: Duration) -> String {
    format!("{:.1} s", limit.as_secs_f64())
}

/// `url` as shown in messages: without user info (refused anyway), query or fragment.
pub(crate) fn shown(url: &url::Url) -> String {
    let mut text = format!("{}://{}", url.scheme(), url.host_str().unwrap_or(""));
    if let Some(port) = url.port() {
        let _ = write!(text, ":{port}");
    }
    text.push_str(url.path());
    if url.query().is_some() {
        text.push_str("?…");
    }
    text
}

/// `error` and its sources as one line, skipping a source whose message the previous one
/// already contains (reqwest and object_store repeat their causes).
pub(crate) fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut last = text.clone();
    let mut source = error.source();
    while let Some(cause) = source {
        let message = cause.to_string();
        if !last.contains(&message) {
            let _ = write!(text, ": {message}");
        }
        last = message;
        source = cause.source();
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
