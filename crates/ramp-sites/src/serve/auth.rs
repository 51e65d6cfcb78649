//! Basic auth (spec amplify.md §8.6, §11.5).
//!
//! The expected credentials and the presented ones are both hashed with SHA-256 and the digests
//! compared in constant time (`subtle`), so neither the content nor the length of the password
//! leaks through timing. Credentials are never logged.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use http::HeaderMap;
use http::header::AUTHORIZATION;
use ramp_blobs::Digest;
use subtle::ConstantTimeEq as _;

/// `basicAuthCredentials` that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("basic auth credentials: {0}")]
pub struct AuthError(&'static str);

/// The credentials a site demands.
pub struct BasicAuth {
    /// SHA-256 of `user:password`.
    expected: Digest,
}

impl std::fmt::Debug for BasicAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BasicAuth(..)")
    }
}

impl BasicAuth {
    /// From Amplify's `basicAuthCredentials`: base64 of `user:password`.
    pub fn new(credentials: &str) -> Result<BasicAuth, AuthError> {
        let decoded = STANDARD
            .decode(credentials.trim())
            .map_err(|_| AuthError("not base64 (expected base64 of user:password)"))?;
        if !decoded.contains(&b':') {
            return Err(AuthError(
                "the decoded value has no ':' (expected base64 of user:password)",
            ));
        }
        Ok(BasicAuth {
            expected: Digest::of(&decoded),
        })
    }

    /// Whether the request carries the site's credentials.
    pub fn allows(&self, headers: &HeaderMap) -> bool {
        let Some(presented) = headers.get(AUTHORIZATION).and_then(|v| presented(v.as_bytes())) else {
            return false;
        };
        Digest::of(&presented).as_bytes().ct_eq(self.expected.as_bytes()).into()
    }
}

/// The decoded `user:password` of an `Authorization: Basic …` value.
fn presented(value: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(value).ok()?.trim();
    let (scheme, token) = text.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    STANDARD.decode(token.trim()).ok()
}
