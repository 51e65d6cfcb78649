//! [`Digest`]: the SHA-256 that names a blob.

use std::fmt;
use std::str::FromStr;

use sha2::{Digest as _, Sha256};

/// The SHA-256 of a blob's content, which is also its name in the store.
///
/// Its text form is 64 lowercase hex characters. Parsing accepts exactly that and nothing else
/// (no uppercase, no `sha256:` prefix, no whitespace), because digests arrive in requests and
/// one blob must have exactly one spelling.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Digest([u8; 32]);

/// A string that is not a digest's text form, as [`Digest::parse`] reports it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a SHA-256 digest: {reason} (expected 64 lowercase hex characters)")]
pub struct InvalidDigest {
    reason: String,
}

impl Digest {
    /// The digest of `content`.
    pub fn of(content: &[u8]) -> Digest {
        Digest(Sha256::digest(content).into())
    }

    /// Reads a digest from its text form: exactly 64 lowercase hex characters.
    pub fn parse(text: &str) -> Result<Digest, InvalidDigest> {
        if text.len() != 64 {
            return Err(InvalidDigest {
                reason: format!("{} characters", text.chars().count()),
            });
        }
        if let Some((position, c)) = text.char_indices().find(|&(_, c)| !matches!(c, '0'..='9' | 'a'..='f')) {
            return Err(InvalidDigest {
                reason: format!("{c:?} at position {position}"),
            });
        }
        let mut bytes = [0; 32];
        // Cannot fail after the checks above; mapped rather than unwrapped all the same.
        hex::decode_to_slice(text, &mut bytes).map_err(|e| InvalidDigest { reason: e.to_string() })?;
        Ok(Digest(bytes))
    }

    /// The digest whose raw bytes are `bytes` (a SHA-256 computed elsewhere, e.g. while
    /// streaming).
    pub fn from_bytes(bytes: [u8; 32]) -> Digest {
        Digest(bytes)
    }

    /// The 32 raw bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The text form: 64 lowercase hex characters.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

/// Serialized as its text form, so manifests and logs name blobs the way the store does.
impl serde::Serialize for Digest {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_hex())
    }
}

impl<'de> serde::Deserialize<'de> for Digest {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Digest, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Digest::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl FromStr for Digest {
    type Err = InvalidDigest;

    fn from_str(text: &str) -> Result<Digest, InvalidDigest> {
        Digest::parse(text)
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Digest({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // SHA-256 of "abc", from FIPS 180-2 appendix B.1.
    const ABC: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    #[test]
    fn digest_of_content_matches_the_published_vector() {
        assert_eq!(Digest::of(b"abc").to_hex(), ABC);
        assert_eq!(Digest::of(b"abc").to_string(), ABC);
    }

    #[test]
    fn parse_round_trips_the_text_form() {
        let digest = Digest::parse(ABC).unwrap();
        assert_eq!(digest, Digest::of(b"abc"));
        assert_eq!(ABC.parse::<Digest>().unwrap(), digest);
        assert_eq!(digest.as_bytes()[0], 0xba);
    }

    #[test]
    fn parse_rejects_everything_but_64_lowercase_hex_characters() {
        let upper = ABC.to_uppercase();
        let with_prefix = format!("sha256:{ABC}");
        let too_long = format!("{ABC}0");
        let with_space = format!(" {}", &ABC[1..]);
        let non_hex = format!("{}g", &ABC[..63]);
        let non_ascii = format!("{}é", &ABC[..62]); // 64 bytes, 63 characters
        for bad in [
            "",
            &ABC[..63],
            &too_long,
            &upper,
            &with_prefix,
            &with_space,
            &non_hex,
            &non_ascii,
            "../../../../etc/passwd",
        ] {
            let error = Digest::parse(bad).expect_err(bad);
            assert!(error.to_string().starts_with("not a SHA-256 digest"), "{error}");
        }
        assert_eq!(
            Digest::parse(&non_hex).unwrap_err().to_string(),
            "not a SHA-256 digest: 'g' at position 63 (expected 64 lowercase hex characters)"
        );
        assert_eq!(
            Digest::parse("abc").unwrap_err().to_string(),
            "not a SHA-256 digest: 3 characters (expected 64 lowercase hex characters)"
        );
    }
}
