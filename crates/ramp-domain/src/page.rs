//! `NextToken`s: opaque to clients, stable across restarts (signed with a key kept in the
//! store), bound to the list they came from, and refused with a 400 when altered.

use crate::error::{Error, Result};
use crate::signed::Signer;

/// What `NextToken`s are signed for: never a session token or any other token.
const PURPOSE: &str = "ramp/appconfig/next-token";

/// Default and maximum page size of every List operation (spec/appconfig.md §16 "Pagination").
pub const MAX_PAGE_SIZE: usize = 50;

pub struct PageTokens {
    signer: Signer,
}

impl PageTokens {
    pub fn new(key: Vec<u8>) -> Self {
        Self {
            signer: Signer::new(&key),
        }
    }

    /// A token continuing list `list` (an operation name plus the parent it lists) after `cursor`.
    pub fn issue(&self, list: &str, cursor: i64) -> String {
        self.signer.sign(PURPOSE, format!("{list}|{cursor}").as_bytes())
    }

    /// The cursor inside `token`, if the token is intact and was issued for `list`.
    pub fn open(&self, list: &str, token: &str) -> Result<i64> {
        let invalid = || Error::BadRequest("The NextToken is not valid for this request.".to_owned());
        let payload = self.signer.open(PURPOSE, token).map_err(|_| invalid())?;
        let payload = String::from_utf8(payload).map_err(|_| invalid())?;
        let (issued_for, cursor) = payload.rsplit_once('|').ok_or_else(invalid)?;
        if issued_for != list {
            return Err(invalid());
        }
        // The store only compares cursors (`seq > ?`), so any i64 is safe to pass on.
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

/// Every item of a paginated domain listing: `page` is called with each `NextToken` in turn
/// (`None` first) until a page comes without one. For answers built from a whole collection
/// (an Amplify app's production branch, a branch's custom domains, the dashboard's pages).
pub async fn every_page<T, F, Fut>(mut page: F) -> Result<Vec<T>>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<(Vec<T>, Option<String>)>>,
{
    let mut items = Vec::new();
    let mut token = None;
    loop {
        let (mut batch, next) = page(token).await?;
        items.append(&mut batch);
        match next {
            Some(next) => token = Some(next),
            None => return Ok(items),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_page_follows_next_tokens_to_the_end() {
        let pages = |token: Option<String>| async move {
            Ok(match token.as_deref() {
                None => (vec![1, 2], Some("2".to_owned())),
                Some("2") => (vec![3], Some("3".to_owned())),
                _ => (vec![], None),
            })
        };
        assert_eq!(every_page(pages).await, Ok(vec![1, 2, 3]));
    }
    use crate::dataplane::tokens::{SessionToken, TokenCodec};
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    const LIST: &str = "ListEnvironments/abc1234";

    #[test]
    fn tokens_round_trip_and_resist_tampering() {
        let tokens = PageTokens::new(b"key".to_vec());
        let token = tokens.issue(LIST, 42);
        assert_eq!(tokens.open(LIST, &token), Ok(42));
        assert!(tokens.open("ListEnvironments/zzz9999", &token).is_err());
        assert!(PageTokens::new(b"other".to_vec()).open(LIST, &token).is_err());
        let mut forged = token.clone().into_bytes();
        forged[2] ^= 1;
        assert!(tokens.open(LIST, &String::from_utf8_lossy(&forged)).is_err());
        assert!(tokens.open(LIST, "garbage").is_err());
    }

    #[test]
    fn cursors_at_the_extremes_round_trip() {
        let tokens = PageTokens::new(b"key".to_vec());
        for cursor in [i64::MIN, -1, 0, i64::MAX] {
            assert_eq!(tokens.open(LIST, &tokens.issue(LIST, cursor)), Ok(cursor));
        }
    }

    #[test]
    fn refuses_tags_truncated_to_one_byte_or_none() {
        let tokens = PageTokens::new(b"key".to_vec());
        let token = tokens.issue(LIST, 42);
        let (payload, tag) = token.split_once('.').unwrap();
        let tag = URL_SAFE_NO_PAD.decode(tag).unwrap();
        for kept in [0, 1, 16] {
            let truncated = format!("{payload}.{}", URL_SAFE_NO_PAD.encode(&tag[..kept]));
            assert!(tokens.open(LIST, &truncated).is_err(), "{kept} bytes");
        }
    }

    #[test]
    fn a_session_token_is_not_a_next_token_even_under_one_key() {
        let key = b"one key for both".to_vec();
        let session = SessionToken {
            session: "x".into(),
            application_id: "a".into(),
            environment_id: "e".into(),
            profile_id: "p".into(),
            interval_seconds: 60,
            sequence: 0,
            served: None,
            not_before: 0,
            expires: 1,
        };
        let token = TokenCodec::new(key.clone()).encode(&session);
        assert!(PageTokens::new(key).open(LIST, &token).is_err());
    }
}
