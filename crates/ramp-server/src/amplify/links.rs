//! The URLs Amplify answers carry (upload URLs, downloads, webhook URLs): signed links of
//! [`ramp_domain::amplify::links`] under `/_ramp/amplify/…` on the address the client reached
//! ramp at, so they work from wherever the client runs (spec amplify.md §6.2, §7.2).

use http::HeaderMap;
use ramp_clock::Timestamp;
use ramp_domain::amplify::JobKey;
use ramp_domain::amplify::links::Link;
use ramp_protocol::AwsError;

use super::Ctx;

/// Upload URLs live 3 hours, as AWS's presigned PUT URLs do (spec §6.2).
const UPLOAD_LIFETIME_MILLIS: i64 = 3 * 3600 * 1000;
/// Downloads (artifact, job log, access log) live 1 hour.
const DOWNLOAD_LIFETIME_MILLIS: i64 = 3600 * 1000;
/// A webhook URL does not expire: 9999-12-31T23:59:59Z.
const NEVER_MILLIS: i64 = 253_402_300_799_000;

/// Issues links for one request.
pub(super) struct Links<'a> {
    cx: &'a Ctx<'a>,
    base: String,
    now: Timestamp,
}

impl<'a> Links<'a> {
    pub fn new(cx: &'a Ctx<'a>) -> Result<Self, AwsError> {
        Ok(Self {
            base: base_url(&cx.request.headers)?,
            now: cx.amplify.now(),
            cx,
        })
    }

    fn url(&self, kind: &str, link: Link, expires: Timestamp) -> String {
        let token = self.cx.amplify.links().issue(link, expires);
        format!("{}/_ramp/amplify/{kind}/{token}", self.base)
    }

    /// A `PUT` of the job's zip (`file` `None`) or of one file of its `fileMap`.
    pub fn upload(&self, job: &JobKey, file: Option<String>) -> String {
        let link = Link::Upload { job: job.into(), file };
        self.url("uploads", link, self.now.plus_millis(UPLOAD_LIFETIME_MILLIS))
    }

    /// A `GET` of an artifact, a job log or an access log.
    pub fn download(&self, link: Link) -> String {
        self.url("downloads", link, self.now.plus_millis(DOWNLOAD_LIFETIME_MILLIS))
    }

    pub fn webhook(&self, region: &str, webhook_id: &str) -> String {
        let link = Link::Webhook {
            region: region.to_owned(),
            webhook_id: webhook_id.to_owned(),
        };
        self.url("webhooks", link, Timestamp::from_millis(NEVER_MILLIS))
    }
}

/// `http://{Host}` — or `https://` behind a proxy that says `X-Forwarded-Proto: https` — the
/// address the client reached ramp at. The host must be a plain `host[:port]`: it goes into
/// URLs handed back to clients.
fn base_url(headers: &HeaderMap) -> Result<String, AwsError> {
    let host = headers
        .get(http::header::HOST)
        .ok_or_else(|| {
            AwsError::bad_request("The request has no Host header; ramp needs it to build the URLs it returns.")
        })?
        .to_str()
        .ok()
        .filter(|host| is_plain_authority(host))
        .ok_or_else(|| AwsError::bad_request("The request's Host header is not a valid host[:port]."))?;
    let scheme = if forwarded_https(headers) { "https" } else { "http" };
    Ok(format!("{scheme}://{host}"))
}

fn is_plain_authority(host: &str) -> bool {
    let Ok(authority) = host.parse::<http::uri::Authority>() else {
        return false;
    };
    // `Authority` takes a port of any characters; a port must be a number.
    let after_host = host.rsplit_once(']').map_or(host, |(_, rest)| rest);
    let port_ok = after_host
        .split_once(':')
        .is_none_or(|(_, port)| port.parse::<u16>().is_ok());
    !host.is_empty() && !host.contains('@') && !authority.host().is_empty() && port_ok
}

/// The first (client-facing) hop's protocol in `X-Forwarded-Proto` is `https`.
fn forwarded_https(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.insert(*name, value.parse().unwrap());
        }
        headers
    }

    #[test]
    fn the_base_url_is_where_the_client_reached_ramp() {
        assert_eq!(
            base_url(&headers(&[("host", "localhost:4566")])).unwrap(),
            "http://localhost:4566"
        );
        assert_eq!(base_url(&headers(&[("host", "[::1]:80")])).unwrap(), "http://[::1]:80");
    }

    #[test]
    fn a_proxy_terminating_tls_makes_it_https() {
        let base = |proto| base_url(&headers(&[("host", "ramp.example.com"), ("x-forwarded-proto", proto)])).unwrap();
        assert_eq!(base("https"), "https://ramp.example.com");
        assert_eq!(base("HTTPS, http"), "https://ramp.example.com");
        assert_eq!(base("http"), "http://ramp.example.com");
        assert_eq!(base("http, https"), "http://ramp.example.com");
    }

    #[test]
    fn a_missing_or_odd_host_is_refused() {
        assert!(base_url(&HeaderMap::new()).is_err());
        for host in [
            "",
            "user@evil.example",
            "a b",
            "evil.example/path",
            "host:port",
            "host:",
            "host:99999",
            ":80",
        ] {
            assert!(base_url(&headers(&[("host", host)])).is_err(), "{host:?}");
        }
    }
}
