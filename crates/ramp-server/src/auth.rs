//! Who is calling, and from which region (DESIGN.md "auth", "regions").
//!
//! With credentials configured, every AWS request must carry a valid SigV4 signature; without,
//! any signature (or none) is accepted and only the region is read from the credential scope.

use std::collections::HashMap;
use std::path::Path;

use http::StatusCode;
use ramp_clock::Timestamp;
use ramp_protocol::{AwsError, AwsRequest};
use ramp_sigv4::{Authorization, SignedRequest};

/// Access key id → secret access key.
#[derive(Debug, Clone, Default)]
pub struct Credentials {
    keys: HashMap<String, String>,
}

impl Credentials {
    pub fn new(pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        Self {
            keys: pairs.into_iter().collect(),
        }
    }

    /// Both sets of keys; `other` wins where an access key id is in both.
    pub fn merged(mut self, other: Credentials) -> Self {
        self.keys.extend(other.keys);
        self
    }

    /// No credentials: ramp runs open (and refuses a non-loopback listen unless `--insecure`).
    pub fn is_open(&self) -> bool {
        self.keys.is_empty()
    }

    /// Whether `access_key_id` is one of the configured keys.
    pub fn has_key(&self, access_key_id: &str) -> bool {
        self.keys.contains_key(access_key_id)
    }

    /// Whether `secret` is the secret of `access_key_id` (the dashboard's login). The digests
    /// are compared in constant time, so neither the secret's bytes nor its length leak.
    pub fn check_secret(&self, access_key_id: &str, secret: &str) -> bool {
        use sha2::{Digest, Sha256};
        use subtle::ConstantTimeEq;
        let Some(known) = self.keys.get(access_key_id) else {
            return false;
        };
        let (known, given) = (Sha256::digest(known.as_bytes()), Sha256::digest(secret.as_bytes()));
        known.ct_eq(&given).into()
    }

    /// Reads every profile of a file in the AWS shared-credentials format
    /// (`[name]`, `aws_access_key_id = …`, `aws_secret_access_key = …`).
    pub fn load_file(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)?;
        let mut keys = HashMap::new();
        let mut pending: (Option<String>, Option<String>) = (None, None);
        let mut flush = |pending: &mut (Option<String>, Option<String>)| {
            if let (Some(id), Some(secret)) = std::mem::take(pending) {
                keys.insert(id, secret);
            }
        };
        for line in text.lines().map(str::trim) {
            if line.starts_with('[') {
                flush(&mut pending);
            } else if let Some((k, v)) = line.split_once('=') {
                match k.trim() {
                    "aws_access_key_id" => pending.0 = Some(v.trim().to_owned()),
                    "aws_secret_access_key" => pending.1 = Some(v.trim().to_owned()),
                    _ => {}
                }
            }
        }
        flush(&mut pending);
        anyhow::ensure!(
            !keys.is_empty(),
            "{} holds no aws_access_key_id/aws_secret_access_key pair",
            path.display()
        );
        Ok(Self { keys })
    }
}

/// What authentication learned about the caller.
#[derive(Debug, Clone, Default)]
pub struct Caller {
    /// The region of the SigV4 credential scope, when there was one.
    pub region: Option<String>,
}

fn forbidden(code: &'static str, message: impl Into<String>) -> AwsError {
    AwsError::new(code, StatusCode::FORBIDDEN, message)
}

/// Authenticates `request` for an API whose SigV4 signing name is `service`.
pub fn authenticate(
    credentials: &Credentials,
    request: &AwsRequest,
    service: &str,
    now: Timestamp,
) -> Result<Caller, AwsError> {
    let header = request
        .headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    if credentials.is_open() {
        // Only the region is read, so the header is checked without building its parts.
        let region = header
            .and_then(|h| ramp_sigv4::authorization_region(h).ok())
            .map(str::to_owned);
        return Ok(Caller { region });
    }
    let header =
        header.ok_or_else(|| forbidden("MissingAuthenticationTokenException", "Missing Authentication Token"))?;
    let authorization = ramp_sigv4::parse_authorization(header)
        .map_err(|e| AwsError::new("IncompleteSignatureException", StatusCode::BAD_REQUEST, e.message()))?;
    verify(credentials, request, &authorization, service, now)?;
    Ok(Caller {
        region: Some(authorization.region),
    })
}

fn verify(
    credentials: &Credentials,
    request: &AwsRequest,
    authorization: &Authorization,
    service: &str,
    now: Timestamp,
) -> Result<(), AwsError> {
    let secret = credentials.keys.get(&authorization.access_key_id).ok_or_else(|| {
        forbidden(
            "UnrecognizedClientException",
            "The security token included in the request is invalid.",
        )
    })?;
    if authorization.service != service {
        return Err(forbidden(
            "InvalidSignatureException",
            format!("Credential should be scoped to correct service: '{service}'."),
        ));
    }
    let signed = SignedRequest {
        method: &request.method,
        raw_path: &request.path,
        query: &request.query,
        headers: &request.headers,
        body: &request.body,
    };
    ramp_sigv4::verify(&signed, authorization, secret, now).map_err(|e| match e {
        ramp_sigv4::Error::Incomplete(_) => {
            AwsError::new("IncompleteSignatureException", StatusCode::BAD_REQUEST, e.message())
        }
        _ => forbidden("InvalidSignatureException", e.message()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_shared_credentials_files() {
        let dir = std::env::temp_dir().join(format!("ramp-creds-{}", std::process::id()));
        std::fs::write(&dir, "[default]\naws_access_key_id = AK1\naws_secret_access_key=S1\n\n[ci]\naws_access_key_id=AK2\naws_secret_access_key = S2\n").unwrap();
        let creds = Credentials::load_file(&dir).unwrap();
        assert_eq!(creds.keys.get("AK1").map(String::as_str), Some("S1"));
        assert_eq!(creds.keys.get("AK2").map(String::as_str), Some("S2"));
        std::fs::write(&dir, "nothing").unwrap();
        assert!(Credentials::load_file(&dir).is_err());
        std::fs::remove_file(&dir).unwrap();
    }
}
