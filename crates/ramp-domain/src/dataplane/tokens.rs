//! Configuration tokens (spec/appconfig.md §10.2): opaque to clients, signed with a key kept in
//! the store so that any node can read any node's tokens, valid 24 hours, and carrying all the
//! session needs so that GetLatestConfiguration reads no storage.

use serde::{Deserialize, Serialize};

use crate::signed::{Invalid, Signer};

/// What session tokens are signed for: never a `NextToken` or any other token.
const PURPOSE: &str = "ramp/appconfigdata/session";
/// The longest poll interval a session can have (model: `PollIntervalInSeconds` at most 86400).
const MAX_INTERVAL_SECONDS: i64 = 24 * 60 * 60;

/// What a token says about its session. Encoded with postcard (varints, length-prefixed
/// strings, fields in declaration order): about half the size of JSON and a fraction of its cost
/// on the data plane's hot path. Changing the fields changes the format: tokens then in flight
/// are refused as corrupted and their clients start new sessions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionToken {
    /// Session id.
    pub session: String,
    pub application_id: String,
    pub environment_id: String,
    pub profile_id: String,
    /// Poll interval in seconds.
    pub interval_seconds: i64,
    /// Position in the session's chain of tokens: each token is good for one call.
    pub sequence: u64,
    /// The deployment whose configuration the session holds, if any.
    pub served: Option<i64>,
    /// Not to be used before this time (epoch ms): the poll interval.
    pub not_before: i64,
    /// Expiry (epoch ms).
    pub expires: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenError {
    /// Not a token ramp issued, or altered.
    Corrupted,
}

impl SessionToken {
    /// The token that follows this one in its session's chain, issued at `now` after serving
    /// `served`: usable once the poll interval has passed, until `lifetime_millis` from now.
    /// `None` when a field is out of range, so that even a token signed with a leaked key
    /// never reaches overflowing arithmetic.
    pub fn next(&self, now: i64, served: Option<i64>, lifetime_millis: i64) -> Option<SessionToken> {
        if !(0..=MAX_INTERVAL_SECONDS).contains(&self.interval_seconds) {
            return None;
        }
        Some(SessionToken {
            sequence: self.sequence.checked_add(1)?,
            served: served.or(self.served),
            not_before: now.checked_add(self.interval_seconds * 1000)?,
            expires: now.saturating_add(lifetime_millis),
            ..self.clone()
        })
    }
}

pub struct TokenCodec {
    signer: Signer,
}

impl TokenCodec {
    pub fn new(key: Vec<u8>) -> Self {
        Self {
            signer: Signer::new(&key),
        }
    }

    pub fn encode(&self, token: &SessionToken) -> String {
        // Serializing into a `Vec` cannot fail for this struct.
        let payload = postcard::to_allocvec(token).unwrap_or_default();
        self.signer.sign(PURPOSE, &payload)
    }

    pub fn decode(&self, text: &str) -> Result<SessionToken, TokenError> {
        let payload = self
            .signer
            .open(PURPOSE, text)
            .map_err(|Invalid| TokenError::Corrupted)?;
        postcard::from_bytes(&payload).map_err(|_| TokenError::Corrupted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::page::PageTokens;
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

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

    #[test]
    fn refuses_tags_truncated_to_one_byte_or_none() {
        let codec = TokenCodec::new(b"key".to_vec());
        let text = codec.encode(&token());
        let (payload, tag) = text.split_once('.').unwrap();
        let tag = URL_SAFE_NO_PAD.decode(tag).unwrap();
        for kept in [0, 1, 16] {
            let truncated = format!("{payload}.{}", URL_SAFE_NO_PAD.encode(&tag[..kept]));
            assert_eq!(codec.decode(&truncated), Err(TokenError::Corrupted), "{kept} bytes");
        }
    }

    #[test]
    fn a_next_token_is_not_a_session_token_even_under_one_key() {
        let key = b"one key for both".to_vec();
        let next_token = PageTokens::new(key.clone()).issue("ListApplications/us-east-1", 7);
        assert_eq!(TokenCodec::new(key).decode(&next_token), Err(TokenError::Corrupted));
    }

    #[test]
    fn next_advances_the_chain() {
        let next = token().next(1_000, None, 500).unwrap();
        assert_eq!(next.sequence, 4);
        assert_eq!(next.served, Some(2));
        assert_eq!(next.not_before, 61_000);
        assert_eq!(next.expires, 1_500);
        assert_eq!(token().next(1_000, Some(5), 500).unwrap().served, Some(5));
    }

    #[test]
    fn next_refuses_fields_at_the_extremes_without_overflowing() {
        let codec = TokenCodec::new(b"key".to_vec());
        let extremes = [
            SessionToken {
                sequence: u64::MAX,
                ..token()
            },
            SessionToken {
                interval_seconds: i64::MAX,
                ..token()
            },
            SessionToken {
                interval_seconds: i64::MIN,
                ..token()
            },
            SessionToken {
                interval_seconds: -1,
                ..token()
            },
            SessionToken {
                interval_seconds: MAX_INTERVAL_SECONDS + 1,
                ..token()
            },
        ];
        for extreme in extremes {
            // Signed with the right key, so only the range checks stand in the way.
            let decoded = codec.decode(&codec.encode(&extreme)).unwrap();
            assert_eq!(decoded.next(1_000, None, 500), None, "{extreme:?}");
        }
        // A clock at the end of time: the interval cannot be added, the lifetime saturates.
        assert_eq!(token().next(i64::MAX, None, 500), None);
        let at_the_end = SessionToken {
            interval_seconds: 0,
            ..token()
        }
        .next(i64::MAX, None, 500)
        .unwrap();
        assert_eq!(at_the_end.expires, i64::MAX);
        // Extreme times in the token itself are only compared, never added to.
        let far = SessionToken {
            not_before: i64::MIN,
            expires: i64::MAX,
            served: Some(i64::MIN),
            ..token()
        };
        assert!(far.next(1_000, None, 500).is_some());
    }
}
