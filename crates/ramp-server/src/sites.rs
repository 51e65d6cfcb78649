//! Hosted sites: requests whose `Host` names a site ramp serves (Amplify Hosting's
//! `{branch}.{appId}.{sites-domain}`, custom domains; DESIGN.md "sites") are answered by the
//! site host, before any AWS routing. Without a site host configured this costs one branch.

use axum::extract::Request;
use axum::response::Response;

use crate::service::BoxFuture;

/// Serves the sites ramp hosts.
pub trait SiteHost: Send + Sync + 'static {
    /// Whether `host` (the request's host name, without a port, as the client sent it: compare
    /// case-insensitively) names one of its sites. Asked for every request that reaches AWS
    /// routing, so it must be cheap and must not block.
    fn serves(&self, host: &str) -> bool;

    /// Answers a request for one of its sites (it said [`serves`](Self::serves) its host).
    fn serve(&self, request: Request) -> BoxFuture<'_, Response>;
}

/// The host name a request is for: the URI's authority (HTTP/2, absolute-form requests), else the
/// `Host` header; without the port.
pub(crate) fn host_name(request: &Request) -> Option<&str> {
    let host = match request.uri().host() {
        Some(host) => host,
        None => request.headers().get(http::header::HOST)?.to_str().ok()?,
    };
    Some(strip_port(host))
}

fn strip_port(host: &str) -> &str {
    if let Some(bracketed) = host.strip_prefix('[') {
        // An IPv6 literal: `[::1]:4566`.
        return bracketed.split_once(']').map_or(host, |(address, _)| address);
    }
    host.rsplit_once(':')
        .filter(|(_, port)| port.bytes().all(|b| b.is_ascii_digit()))
        .map_or(host, |(name, _)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names_lose_their_port() {
        assert_eq!(strip_port("main.d1abc.localhost:4566"), "main.d1abc.localhost");
        assert_eq!(strip_port("example.com"), "example.com");
        assert_eq!(strip_port("[::1]:4566"), "::1");
        assert_eq!(strip_port("[::1]"), "::1");
        let request = Request::builder()
            .uri("/index.html")
            .header("host", "Main.d1abc.localhost:8080")
            .body(axum::body::Body::empty())
            .unwrap();
        assert_eq!(host_name(&request), Some("Main.d1abc.localhost"));
    }
}
