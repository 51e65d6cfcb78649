//! Signed tokens: the one codec for every token ramp hands to a client and later reads back
//! (configuration session tokens, `NextToken`s, and next Amplify's signed upload URLs).
//!
//! A token is `base64url(payload) "." base64url(tag)`, without padding, where the tag is the full
//! 32-byte HMAC-SHA256 of the purpose (length-prefixed) and the payload. So:
//! - a token opens only with the key that signed it, and only with its full tag: a truncated tag
//!   is refused whatever its length, so forging one means guessing 256 bits;
//! - a token opens only for the purpose it was signed for: a `NextToken` is never a session token,
//!   even under the same key;
//! - the codec checks who made a token and what for, never when: an expiry, like every other
//!   field, is the caller's, in its payload, checked against its clock once the token opens.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Length of a tag: all of HMAC-SHA256's output.
const TAG_BYTES: usize = 32;
/// Length of a tag in unpadded base64url: 32 bytes are 43 characters.
const TAG_CHARS: usize = 43;

/// Not a token this key signed for this purpose: malformed, altered, truncated, signed with
/// another key or for another purpose. Deliberately says no more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Invalid;

/// Signs and opens tokens with one key.
#[derive(Clone)]
pub struct Signer {
    /// HMAC-SHA256 already keyed: each token clones it rather than hashing the key again.
    keyed: Hmac<Sha256>,
}

impl Signer {
    pub fn new(key: &[u8]) -> Self {
        let keyed = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC-SHA256 takes keys of any length");
        Self { keyed }
    }

    /// The tag's MAC over `purpose` and `payload`. The purpose's length goes first, so no
    /// (purpose, payload) pair can be read as another one.
    fn mac(&self, purpose: &str, payload: &[u8]) -> Hmac<Sha256> {
        let mut mac = self.keyed.clone();
        mac.update(&(purpose.len() as u64).to_be_bytes());
        mac.update(purpose.as_bytes());
        mac.update(payload);
        mac
    }

    /// `payload` signed for `purpose` (a fixed name such as `"ramp/appconfigdata/session"`,
    /// possibly followed by the context the token is bound to).
    pub fn sign(&self, purpose: &str, payload: &[u8]) -> String {
        let tag = self.mac(purpose, payload).finalize().into_bytes();
        let mut token = URL_SAFE_NO_PAD.encode(payload);
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(tag, &mut token);
        token
    }

    /// The payload of `token`, if this key signed it for `purpose`, with its whole tag.
    pub fn open(&self, purpose: &str, token: &str) -> Result<Vec<u8>, Invalid> {
        let (payload, tag) = token.split_once('.').ok_or(Invalid)?;
        if tag.len() != TAG_CHARS {
            return Err(Invalid);
        }
        // The decoder refuses non-zero trailing bits: one tag has exactly one spelling.
        let tag = URL_SAFE_NO_PAD.decode(tag).map_err(|_| Invalid)?;
        let payload = URL_SAFE_NO_PAD.decode(payload).map_err(|_| Invalid)?;
        debug_assert_eq!(tag.len(), TAG_BYTES);
        // Constant time, and only the full length passes.
        self.mac(purpose, &payload).verify_slice(&tag).map_err(|_| Invalid)?;
        Ok(payload)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const PURPOSE: &str = "ramp/test";

    fn signer() -> Signer {
        Signer::new(b"key")
    }

    /// `token` with its tag replaced by the first `bytes` bytes of its real tag.
    fn truncated(token: &str, bytes: usize) -> String {
        let (payload, tag) = token.split_once('.').unwrap();
        let tag = URL_SAFE_NO_PAD.decode(tag).unwrap();
        format!("{payload}.{}", URL_SAFE_NO_PAD.encode(&tag[..bytes]))
    }

    #[test]
    fn round_trips() {
        let token = signer().sign(PURPOSE, b"payload");
        assert_eq!(signer().open(PURPOSE, &token), Ok(b"payload".to_vec()));
        assert_eq!(signer().open(PURPOSE, &signer().sign(PURPOSE, b"")), Ok(Vec::new()));
        let (_, tag) = token.split_once('.').unwrap();
        assert_eq!(tag.len(), TAG_CHARS);
    }

    #[test]
    fn refuses_every_truncated_tag_even_a_correct_prefix() {
        let token = signer().sign(PURPOSE, b"payload");
        for bytes in 0..TAG_BYTES {
            assert_eq!(
                signer().open(PURPOSE, &truncated(&token, bytes)),
                Err(Invalid),
                "{bytes} bytes"
            );
        }
        assert_eq!(
            signer().open(PURPOSE, &truncated(&token, TAG_BYTES)),
            Ok(b"payload".to_vec())
        );
    }

    #[test]
    fn refuses_a_longer_tag() {
        let token = signer().sign(PURPOSE, b"payload");
        assert_eq!(signer().open(PURPOSE, &format!("{token}A")), Err(Invalid));
        assert_eq!(signer().open(PURPOSE, &format!("{token}AAAA")), Err(Invalid));
    }

    #[test]
    fn refuses_another_purpose_or_key() {
        let token = signer().sign(PURPOSE, b"payload");
        assert_eq!(signer().open("ramp/other", &token), Err(Invalid));
        assert_eq!(signer().open("", &token), Err(Invalid));
        assert_eq!(Signer::new(b"other").open(PURPOSE, &token), Err(Invalid));
    }

    #[test]
    fn the_purpose_cannot_be_shifted_into_the_payload() {
        // Without the length prefix, ("ab", "c") and ("a", "bc") would be MACed alike.
        let token = signer().sign("ab", b"c");
        let (_, tag) = token.split_once('.').unwrap();
        let shifted = format!("{}.{tag}", URL_SAFE_NO_PAD.encode(b"bc"));
        assert_eq!(signer().open("a", &shifted), Err(Invalid));
    }

    #[test]
    fn refuses_altered_and_malformed_tokens() {
        let token = signer().sign(PURPOSE, b"payload");
        for i in 0..token.len() {
            let mut altered = token.clone().into_bytes();
            altered[i] = if altered[i] == b'A' { b'B' } else { b'A' };
            let altered = String::from_utf8(altered).unwrap();
            assert_eq!(signer().open(PURPOSE, &altered), Err(Invalid), "byte {i}");
        }
        for bad in ["", ".", "no-dot", "a.b.c", "!!!.!!!", &token.replace('.', "")] {
            assert_eq!(signer().open(PURPOSE, bad), Err(Invalid), "{bad:?}");
        }
    }

    proptest! {
        #[test]
        fn random_text_never_opens(text in ".{0,200}") {
            prop_assert_eq!(signer().open(PURPOSE, &text), Err(Invalid));
        }

        #[test]
        fn random_payload_and_tag_never_open(payload in prop::collection::vec(any::<u8>(), 0..100),
                                            tag in prop::collection::vec(any::<u8>(), 0..40)) {
            let token = format!("{}.{}", URL_SAFE_NO_PAD.encode(&payload), URL_SAFE_NO_PAD.encode(&tag));
            prop_assert_eq!(signer().open(PURPOSE, &token), Err(Invalid));
        }
    }
}
