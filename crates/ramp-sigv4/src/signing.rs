use std::fmt;

use hmac::{Hmac, Mac};
use http::{HeaderName, HeaderValue};
use ramp_clock::Timestamp;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::SignedRequest;
use crate::authorization::{ALGORITHM, Authorization, TERMINATOR, format_authorization, require_host};
use crate::canonical::{
    canonical_query, canonical_request, canonical_uri, canonical_uri_candidates, header_value, signed_headers_line,
};
use crate::error::Error;
use crate::request_time::{check_scope_date, check_skew, request_time};

const X_AMZ_DATE: &str = "x-amz-date";
const X_AMZ_CONTENT_SHA256: &str = "x-amz-content-sha256";
const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// The credential scope: which day, region and service a signing key is good for.
pub(crate) struct Scope<'a> {
    pub(crate) date: &'a str,
    pub(crate) region: &'a str,
    pub(crate) service: &'a str,
}

impl fmt::Display for Scope<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}/{}/{TERMINATOR}", self.date, self.region, self.service)
    }
}

/// Every intermediate of one signature, so tests can hold each against the AWS suite.
#[derive(Debug)]
#[cfg_attr(
    not(test),
    allow(dead_code, reason = "the intermediates are read by the suite tests")
)]
pub(crate) struct Computed {
    pub(crate) canonical_request: String,
    pub(crate) string_to_sign: String,
    pub(crate) signature: String,
}

/// `headers` are the signed (lowercase name, canonical value) pairs in signing order.
pub(crate) fn compute(
    request: &SignedRequest<'_>,
    canonical_uri: &str,
    headers: &[(String, String)],
    amz_date: &str,
    scope: &Scope<'_>,
    payload_hash: &str,
    secret_access_key: &str,
) -> Computed {
    let canonical_request = canonical_request(
        request.method.as_str(),
        canonical_uri,
        &canonical_query(request.query),
        headers,
        payload_hash,
    );
    let string_to_sign = format!(
        "{ALGORITHM}\n{amz_date}\n{scope}\n{}",
        sha256_hex(canonical_request.as_bytes())
    );
    let key = signing_key(secret_access_key, scope);
    let signature = hex::encode(hmac_sha256(&key, string_to_sign.as_bytes()));
    Computed {
        canonical_request,
        string_to_sign,
        signature,
    }
}

fn signing_key(secret_access_key: &str, scope: &Scope<'_>) -> [u8; 32] {
    let mut key = hmac_sha256(format!("AWS4{secret_access_key}").as_bytes(), scope.date.as_bytes());
    for part in [scope.region, scope.service, TERMINATOR] {
        key = hmac_sha256(&key, part.as_bytes());
    }
    key
}

fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    // HMAC takes keys of any length (longer ones are hashed first): this never fails.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

pub(crate) fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// Verifies the request's signature with the secret key for `auth.access_key_id`.
/// `now` is the server clock's time.
///
/// Checks run cheapest and most telling first: a malformed or stale request is named as such
/// before any signature is computed.
pub fn verify(
    request: &SignedRequest<'_>,
    auth: &Authorization,
    secret_access_key: &str,
    now: Timestamp,
) -> Result<(), Error> {
    require_host(&auth.signed_headers)?;
    let (amz_date, request_time) = request_time(request.headers)?;
    check_scope_date(&auth.date, &amz_date)?;
    check_skew(&amz_date, request_time, now)?;
    let payload_hash = payload_hash(request)?;

    // A signed header the request lacks is signed as empty: the signatures then differ, as
    // they would at AWS.
    let headers: Vec<(String, String)> = auth
        .signed_headers
        .iter()
        .map(|name| (name.clone(), header_value(request.headers, name).unwrap_or_default()))
        .collect();
    let scope = Scope {
        date: &auth.date,
        region: &auth.region,
        service: &auth.service,
    };
    let provided = auth.signature.to_ascii_lowercase();
    for uri in canonical_uri_candidates(request.raw_path) {
        let computed = compute(
            request,
            &uri,
            &headers,
            &amz_date,
            &scope,
            &payload_hash,
            secret_access_key,
        );
        if bool::from(computed.signature.as_bytes().ct_eq(provided.as_bytes())) {
            return Ok(());
        }
    }
    Err(Error::SignatureMismatch)
}

/// What the canonical request ends with: the signer's declared hash if it sent one (held
/// against the body, so a body swapped in transit is caught), else the body's own hash.
fn payload_hash(request: &SignedRequest<'_>) -> Result<String, Error> {
    let body_hash = sha256_hex(request.body);
    let Some(declared) = request.headers.get(X_AMZ_CONTENT_SHA256) else {
        return Ok(body_hash);
    };
    let declared = declared.to_str().map_err(|_| Error::PayloadHashMismatch)?.trim();
    if declared == UNSIGNED_PAYLOAD || declared.eq_ignore_ascii_case(&body_hash) {
        Ok(declared.to_owned())
    } else {
        Err(Error::PayloadHashMismatch)
    }
}

/// Signs a request: returns the headers to add, `authorization`, `x-amz-date` and
/// `x-amz-content-sha256`. `headers` must already contain `host`. Signs every header in
/// `headers` (except an old `authorization`) plus `x-amz-date` and `x-amz-content-sha256`.
///
/// An access key id, region or service that cannot appear in an HTTP header leaves the
/// `authorization` header out, so the request is refused rather than signed wrongly.
pub fn sign(
    request: &SignedRequest<'_>,
    access_key_id: &str,
    secret_access_key: &str,
    region: &str,
    service: &str,
    now: Timestamp,
) -> Vec<(HeaderName, HeaderValue)> {
    let amz_date = now.to_amz_date();
    let payload_hash = sha256_hex(request.body);
    let mut headers: Vec<(String, String)> = request
        .headers
        .keys()
        .map(HeaderName::as_str)
        .filter(|name| !matches!(*name, "authorization" | X_AMZ_DATE | X_AMZ_CONTENT_SHA256))
        .filter_map(|name| header_value(request.headers, name).map(|value| (name.to_owned(), value)))
        .collect();
    headers.push((X_AMZ_DATE.to_owned(), amz_date.clone()));
    headers.push((X_AMZ_CONTENT_SHA256.to_owned(), payload_hash.clone()));
    headers.sort();

    let scope = Scope {
        date: amz_date.get(..8).unwrap_or_default(),
        region,
        service,
    };
    let computed = compute(
        request,
        &canonical_uri(request.raw_path),
        &headers,
        &amz_date,
        &scope,
        &payload_hash,
        secret_access_key,
    );
    let authorization = format_authorization(
        access_key_id,
        &scope.to_string(),
        &signed_headers_line(&headers),
        &computed.signature,
    );
    [
        (http::header::AUTHORIZATION, authorization),
        (HeaderName::from_static(X_AMZ_DATE), amz_date),
        (HeaderName::from_static(X_AMZ_CONTENT_SHA256), payload_hash),
    ]
    .into_iter()
    .filter_map(|(name, value)| HeaderValue::from_str(&value).ok().map(|value| (name, value)))
    .collect()
}
