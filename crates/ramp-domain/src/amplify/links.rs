//! Signed, expiring links ramp hands out in Amplify answers (spec/amplify.md §6.2, §7.2):
//! upload URLs (`zipUploadUrl`, `fileUploadUrls`), the artifact and job-log downloads, the
//! access-log download, and webhook URLs. A link is a token of [`crate::signed`] under a key
//! kept in the store (so every node accepts every node's links), bound to the purpose
//! `ramp/amplify/link` and carrying what it grants and until when.

use ramp_clock::Timestamp;
use serde::{Deserialize, Serialize};

use super::JobKey;
use crate::signed::Signer;

const PURPOSE: &str = "ramp/amplify/link";

/// What a link grants.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Link {
    /// `PUT` of the job's zip (`file: None`) or of one file of its `fileMap`.
    Upload { job: StoredJobKey, file: Option<String> },
    /// `GET` of the archive the job deployed.
    Artifact { job: StoredJobKey },
    /// `GET` of the job's log.
    JobLog { job: StoredJobKey },
    /// `GET` of the app's access log between two instants (epoch milliseconds).
    AccessLog {
        region: String,
        app_id: String,
        from: i64,
        to: i64,
    },
    /// `POST` starting a job from a webhook; never expires (as a webhook URL does not).
    Webhook { region: String, webhook_id: String },
}

/// [`JobKey`] in a link's payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredJobKey {
    pub region: String,
    pub app_id: String,
    pub branch_name: String,
    pub number: i64,
}

impl From<&JobKey> for StoredJobKey {
    fn from(key: &JobKey) -> Self {
        Self {
            region: key.region.clone(),
            app_id: key.app_id.clone(),
            branch_name: key.branch_name.clone(),
            number: key.number,
        }
    }
}

impl From<StoredJobKey> for JobKey {
    fn from(key: StoredJobKey) -> Self {
        Self {
            region: key.region,
            app_id: key.app_id,
            branch_name: key.branch_name,
            number: key.number,
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct Payload {
    link: Link,
    /// Epoch milliseconds after which the link is refused.
    expires: i64,
}

/// Why a link was refused; its text goes to the client as is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error("The link's signature is not valid: it was altered, truncated or not issued by this server.")]
    Invalid,
    #[error("The link has expired.")]
    Expired,
}

#[derive(Clone)]
pub struct Links {
    signer: Signer,
}

impl Links {
    pub fn new(key: &[u8]) -> Self {
        Self {
            signer: Signer::new(key),
        }
    }

    /// A token granting `link` until `expires`.
    pub fn issue(&self, link: Link, expires: Timestamp) -> String {
        let payload = Payload {
            link,
            expires: expires.millis(),
        };
        // Serializing plain data into JSON cannot fail.
        let json = serde_json::to_vec(&payload).unwrap_or_default();
        self.signer.sign(PURPOSE, &json)
    }

    /// What `token` grants, if it is intact and has not expired at `now`.
    pub fn open(&self, token: &str, now: Timestamp) -> Result<Link, LinkError> {
        let json = self.signer.open(PURPOSE, token).map_err(|_| LinkError::Invalid)?;
        let payload: Payload = serde_json::from_slice(&json).map_err(|_| LinkError::Invalid)?;
        if now.millis() > payload.expires {
            return Err(LinkError::Expired);
        }
        Ok(payload.link)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job() -> StoredJobKey {
        StoredJobKey {
            region: "us-east-1".into(),
            app_id: "d1abc".into(),
            branch_name: "main".into(),
            number: 1,
        }
    }

    #[test]
    fn links_open_until_they_expire() {
        let links = Links::new(b"key");
        let link = Link::Upload { job: job(), file: None };
        let token = links.issue(link.clone(), Timestamp::from_millis(1000));
        assert_eq!(links.open(&token, Timestamp::from_millis(1000)), Ok(link));
        assert_eq!(
            links.open(&token, Timestamp::from_millis(1001)),
            Err(LinkError::Expired)
        );
    }

    #[test]
    fn altered_or_foreign_links_are_invalid() {
        let links = Links::new(b"key");
        let token = links.issue(Link::Artifact { job: job() }, Timestamp::from_millis(1000));
        let now = Timestamp::from_millis(0);
        assert_eq!(Links::new(b"other").open(&token, now), Err(LinkError::Invalid));
        let mut altered = token.clone();
        altered.replace_range(0..1, if token.starts_with('e') { "f" } else { "e" });
        assert_eq!(links.open(&altered, now), Err(LinkError::Invalid));
        assert_eq!(links.open("not-a-token", now), Err(LinkError::Invalid));
    }
}
