//! `NextToken`s: opaque to clients, stable across restarts (signed with a key kept in the
//! store), bound to the list they came from, and refused with a 400 when altered.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::error::{Error, Result};

/// Default and maximum page size of every List operation (spec/appconfig.md §16 "Pagination").
pub const MAX_PAGE_SIZE: usize = 50;

pub struct PageTokens {
    key: Vec<u8>,
}

impl PageTokens {
    pub fn new(key: Vec<u8>) -> Self {
        Self { key }
    }

    fn mac(&self, payload: &str) -> Hmac<Sha256> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key).expect("HMAC-SHA256 takes keys of any length");
        mac.update(payload.as_bytes());
        mac
    }

    /// A token continuing list `list` (an operation name plus the parent it lists) after `cursor`.
    pub fn issue(&self, list: &str, cursor: i64) -> String {
        let payload = format!("{list}|{cursor}");
        let tag = self.mac(&payload).finalize().into_bytes();
        format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(&payload),
            URL_SAFE_NO_PAD.encode(&tag[..16])
        )
    }

    /// The cursor inside `token`, if the token is intact and was issued for `list`.
    pub fn open(&self, list: &str, token: &str) -> Result<i64> {
        let invalid = || Error::BadRequest("The NextToken is not valid for this request.".to_owned());
        let (payload, tag) = token.split_once('.').ok_or_else(invalid)?;
        let payload = URL_SAFE_NO_PAD.decode(payload).map_err(|_| invalid())?;
        let tag = URL_SAFE_NO_PAD.decode(tag).map_err(|_| invalid())?;
        let payload = String::from_utf8(payload).map_err(|_| invalid())?;
        self.mac(&payload).verify_truncated_left(&tag).map_err(|_| invalid())?;
        let (issued_for, cursor) = payload.rsplit_once('|').ok_or_else(invalid)?;
        if issued_for != list {
            return Err(invalid());
        }
        cursor.parse().map_err(|_| invalid())
    }

    /// Resolves a List request's `MaxResults`/`NextToken` into the store's slice.
    pub fn slice(&self, list: &str, max_results: Option<i64>, next_token: Option<&str>) -> Result<crate::store::Slice> {
        let limit = max_results.map_or(MAX_PAGE_SIZE, |n| {
            usize::try_from(n).unwrap_or(MAX_PAGE_SIZE).min(MAX_PAGE_SIZE)
        });
        let after = next_token.map(|t| self.open(list, t)).transpose()?;
        Ok(crate::store::Slice { after, limit })
    }

    /// Builds a page from up to `limit + 1` listed items: the extra one only says there is more.
    pub fn page<T>(
        &self,
        list: &str,
        mut listed: Vec<crate::store::Listed<T>>,
        limit: usize,
    ) -> (Vec<T>, Option<String>) {
        let more = listed.len() > limit;
        listed.truncate(limit);
        let token = if more {
            listed.last().map(|last| self.issue(list, last.cursor))
        } else {
            None
        };
        (listed.into_iter().map(|l| l.item).collect(), token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_resist_tampering() {
        let tokens = PageTokens::new(b"key".to_vec());
        let token = tokens.issue("ListEnvironments/abc1234", 42);
        assert_eq!(tokens.open("ListEnvironments/abc1234", &token), Ok(42));
        assert!(tokens.open("ListEnvironments/zzz9999", &token).is_err());
        assert!(
            PageTokens::new(b"other".to_vec())
                .open("ListEnvironments/abc1234", &token)
                .is_err()
        );
        let mut forged = token.clone().into_bytes();
        forged[2] ^= 1;
        assert!(
            tokens
                .open("ListEnvironments/abc1234", &String::from_utf8_lossy(&forged))
                .is_err()
        );
        assert!(tokens.open("ListEnvironments/abc1234", "garbage").is_err());
    }
}
