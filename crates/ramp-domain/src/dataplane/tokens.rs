//! Configuration tokens (spec/appconfig.md §10.2): opaque to clients, signed with a key kept in
//! the store so that any node can read any node's tokens, valid 24 hours, and carrying all the
//! session needs so that GetLatestConfiguration reads no storage.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// What a token says about its session. Short member names keep tokens small.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionToken {
    /// Session id.
    #[serde(rename = "s")]
    pub session: String,
    #[serde(rename = "a")]
    pub application_id: String,
    #[serde(rename = "e")]
    pub environment_id: String,
    #[serde(rename = "p")]
    pub profile_id: String,
    /// Poll interval in seconds.
    #[serde(rename = "i")]
    pub interval_seconds: i64,
    /// Position in the session's chain of tokens: each token is good for one call.
    #[serde(rename = "q")]
    pub sequence: u64,
    /// The deployment whose configuration the session holds, if any.
    #[serde(rename = "v", default, skip_serializing_if = "Option::is_none")]
    pub served: Option<i64>,
    /// Not to be used before this time (epoch ms): the poll interval.
    #[serde(rename = "n")]
    pub not_before: i64,
    /// Expiry (epoch ms).
    #[serde(rename = "x")]
    pub expires: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenError {
    /// Not a token ramp issued, or altered.
    Corrupted,
}

pub struct TokenCodec {
    key: Vec<u8>,
}

impl TokenCodec {
    pub fn new(key: Vec<u8>) -> Self {
        Self { key }
    }

    fn mac(&self, payload: &[u8]) -> Hmac<Sha256> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key).expect("HMAC-SHA256 takes keys of any length");
        mac.update(payload);
        mac
    }

    pub fn encode(&self, token: &SessionToken) -> String {
        let payload = serde_json::to_vec(token).unwrap_or_default();
        let tag = self.mac(&payload).finalize().into_bytes();
        format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(&payload),
            URL_SAFE_NO_PAD.encode(&tag[..16])
        )
    }

    pub fn decode(&self, text: &str) -> Result<SessionToken, TokenError> {
        let (payload, tag) = text.split_once('.').ok_or(TokenError::Corrupted)?;
        let payload = URL_SAFE_NO_PAD.decode(payload).map_err(|_| TokenError::Corrupted)?;
        let tag = URL_SAFE_NO_PAD.decode(tag).map_err(|_| TokenError::Corrupted)?;
        self.mac(&payload)
            .verify_truncated_left(&tag)
            .map_err(|_| TokenError::Corrupted)?;
        serde_json::from_slice(&payload).map_err(|_| TokenError::Corrupted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token() -> SessionToken {
        SessionToken {
            session: "abc".into(),
            application_id: "app1234".into(),
            environment_id: "env1234".into(),
            profile_id: "pro1234".into(),
            interval_seconds: 60,
            sequence: 3,
            served: Some(2),
            not_before: 10,
            expires: 20,
        }
    }

    #[test]
    fn round_trips_and_refuses_tampering() {
        let codec = TokenCodec::new(b"key".to_vec());
        let text = codec.encode(&token());
        assert_eq!(codec.decode(&text), Ok(token()));
        assert_eq!(
            TokenCodec::new(b"other".to_vec()).decode(&text),
            Err(TokenError::Corrupted)
        );
        let mut forged = text.clone().into_bytes();
        forged[5] ^= 1;
        assert_eq!(
            codec.decode(&String::from_utf8_lossy(&forged)),
            Err(TokenError::Corrupted)
        );
        assert_eq!(codec.decode("no-dot"), Err(TokenError::Corrupted));
    }
}
