//! Webhook signatures, Stripe-style: `X-Ramp-Signature: t=<unix seconds>,v1=<hex HMAC>` where the
//! HMAC-SHA256 (keyed with the webhook secret) covers `"<t>.<raw body>"`. Signing the timestamp
//! with the body lets a receiver both check the origin and refuse a replayed old request.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// The header ramp signs webhook requests with.
pub const SIGNATURE_HEADER: &str = "X-Ramp-Signature";

/// The value of [`SIGNATURE_HEADER`] for `body` sent at `timestamp_secs`.
pub fn sign(secret: &[u8], timestamp_secs: i64, body: &[u8]) -> String {
    format!(
        "t={timestamp_secs},v1={}",
        hex::encode(mac(secret, timestamp_secs, body))
    )
}

/// Whether `header` (a [`SIGNATURE_HEADER`] value) signs `body` with `secret`. Any `v1` entry may
/// match, so a sender can sign with an old and a new secret while receivers rotate. The
/// timestamp is not checked against a clock here: see [`signature_timestamp`].
pub fn verify_signature(secret: &[u8], header: &str, body: &[u8]) -> bool {
    let Some((timestamp, signatures)) = parse(header) else {
        return false;
    };
    let expected = mac(secret, timestamp, body);
    let mut matched = false;
    for candidate in signatures {
        // Decoding is not secret-dependent; only the comparison with the MAC must be constant-time.
        if let Ok(candidate) = hex::decode(candidate) {
            matched |= bool::from(candidate.as_slice().ct_eq(&expected));
        }
    }
    matched
}

/// The `t` of a signature header, for receivers that refuse requests older than a few minutes.
pub fn signature_timestamp(header: &str) -> Option<i64> {
    parse(header).map(|(timestamp, _)| timestamp)
}

/// `t=<digits>` exactly once and at least one `v1=…`; other schemes are ignored (forward
/// compatibility), anything unparsable rejects the whole header.
fn parse(header: &str) -> Option<(i64, Vec<&str>)> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        let (key, value) = part.trim().split_once('=')?;
        match key {
            "t" => {
                if timestamp.is_some() || value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                timestamp = Some(value.parse().ok()?);
            }
            "v1" => signatures.push(value),
            _ => {}
        }
    }
    if signatures.is_empty() {
        return None;
    }
    timestamp.map(|t| (t, signatures))
}

fn mac(secret: &[u8], timestamp_secs: i64, body: &[u8]) -> [u8; 32] {
    // HMAC takes keys of any length (longer ones are hashed first): this never fails.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret).expect("HMAC accepts keys of any length");
    mac.update(timestamp_secs.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.finalize().into_bytes().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"whsec_test";
    const BODY: &[u8] = br#"{"Type":"OnDeploymentComplete"}"#;

    #[test]
    fn a_signature_verifies_and_names_its_time() {
        let header = sign(SECRET, 1_700_000_000, BODY);
        assert!(header.starts_with("t=1700000000,v1="), "{header}");
        assert_eq!(header.len(), "t=1700000000,v1=".len() + 64);
        assert!(verify_signature(SECRET, &header, BODY));
        assert_eq!(signature_timestamp(&header), Some(1_700_000_000));
    }

    #[test]
    fn the_mac_covers_timestamp_dot_body() {
        // An independent computation of HMAC-SHA256(secret, "<t>.<body>").
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(SECRET).expect("any key length");
        mac.update(b"42.");
        mac.update(BODY);
        let expected = hex::encode(mac.finalize().into_bytes());
        assert_eq!(sign(SECRET, 42, BODY), format!("t=42,v1={expected}"));
    }

    #[test]
    fn tampering_is_detected() {
        let header = sign(SECRET, 1_700_000_000, BODY);
        assert!(!verify_signature(
            SECRET,
            &header,
            br#"{"Type":"OnDeploymentRolledBack"}"#
        ));
        assert!(!verify_signature(b"another secret", &header, BODY));
        // A replayed signature with a fresher timestamp no longer matches.
        let moved = header.replace("t=1700000000", "t=1700000300");
        assert!(!verify_signature(SECRET, &moved, BODY));
        // One flipped hex digit.
        let mut flipped = header.clone();
        let last = flipped.pop().map(|c| if c == '0' { '1' } else { '0' });
        flipped.extend(last);
        assert!(!verify_signature(SECRET, &flipped, BODY));
    }

    #[test]
    fn malformed_headers_are_rejected() {
        let good = sign(SECRET, 7, BODY);
        let v1 = good.split_once(",v1=").map(|(_, v)| v).unwrap_or_default().to_owned();
        for bad in [
            String::new(),
            "garbage".to_owned(),
            format!("v1={v1}"),
            "t=7".to_owned(),
            format!("t=,v1={v1}"),
            format!("t=-7,v1={v1}"),
            format!("t=7x,v1={v1}"),
            format!("t=7,t=7,v1={v1}"),
            format!("t=7,v1=zz{v1}"),
            format!("t=7,v1={}", &v1[..10]),
            format!("t=7;v1={v1}"),
        ] {
            assert!(!verify_signature(SECRET, &bad, BODY), "{bad}");
        }
        assert_eq!(signature_timestamp("v1=00"), None);
    }

    #[test]
    fn any_v1_may_match_and_unknown_schemes_are_ignored() {
        let good = sign(SECRET, 7, BODY);
        let v1 = good.split_once(",v1=").map(|(_, v)| v).unwrap_or_default().to_owned();
        let wrong = "0".repeat(64);
        assert!(verify_signature(SECRET, &format!("t=7, v1={wrong}, v1={v1}"), BODY));
        assert!(verify_signature(SECRET, &format!("t=7,v0=abc,v1={v1}"), BODY));
        assert!(!verify_signature(SECRET, &format!("t=7,v1={wrong}"), BODY));
    }
}
