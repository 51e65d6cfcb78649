use crate::error::Error;

pub(crate) const ALGORITHM: &str = "AWS4-HMAC-SHA256";
pub(crate) const TERMINATOR: &str = "aws4_request";

/// A parsed `Authorization: AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/service/aws4_request,
/// SignedHeaders=host;x-amz-date, Signature=hex` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    pub access_key_id: String,
    /// The credential scope's date, `yyyymmdd`.
    pub date: String,
    pub region: String,
    pub service: String,
    /// Lowercase, in the order given (which signers sort).
    pub signed_headers: Vec<String>,
    pub signature: String,
}

pub fn parse_authorization(header_value: &str) -> Result<Authorization, Error> {
    let parts = parse_parts(header_value)?;
    Ok(Authorization {
        access_key_id: parts.access_key_id.to_owned(),
        date: parts.date.to_owned(),
        region: parts.region.to_owned(),
        service: parts.service.to_owned(),
        signed_headers: parts.signed_headers.split(';').map(str::to_ascii_lowercase).collect(),
        signature: parts.signature.to_owned(),
    })
}

/// The credential scope's region of an `Authorization` header that [`parse_authorization`]
/// accepts (and the same error for one it refuses), without building the [`Authorization`]: all
/// a server running without credentials reads, on every request.
pub fn authorization_region(header_value: &str) -> Result<&str, Error> {
    parse_parts(header_value).map(|parts| parts.region)
}

/// A checked `Authorization` header, borrowed from it.
struct Parts<'a> {
    access_key_id: &'a str,
    date: &'a str,
    region: &'a str,
    service: &'a str,
    /// As given: `;`-separated, each name checked.
    signed_headers: &'a str,
    signature: &'a str,
}

fn parse_parts(header_value: &str) -> Result<Parts<'_>, Error> {
    let header = header_value.trim();
    let (algorithm, params) = header.split_once([' ', '\t']).unwrap_or((header, ""));
    if algorithm != ALGORITHM {
        return Err(Error::Incomplete(format!(
            "Unsupported AWS 'algorithm': '{algorithm}'. Only '{ALGORITHM}' is supported."
        )));
    }

    let mut credential = None;
    let mut signed_headers = None;
    let mut signature = None;
    for param in params.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let Some((key, value)) = param.split_once('=') else {
            return Err(Error::Incomplete(format!(
                "Authorization header parameter '{param}' is not of the form key=value. Authorization={header}"
            )));
        };
        let slot = match key.trim() {
            "Credential" => &mut credential,
            "SignedHeaders" => &mut signed_headers,
            "Signature" => &mut signature,
            // AWS ignores parameters it does not know, and so do we.
            _ => continue,
        };
        if slot.is_some() {
            return Err(Error::Incomplete(format!(
                "Authorization header has more than one '{}' parameter. Authorization={header}",
                key.trim()
            )));
        }
        *slot = Some(value.trim()).filter(|v| !v.is_empty());
    }

    // AWS names every missing parameter at once, so a client sees all it has to fix.
    let missing: Vec<String> = [
        ("Credential", credential.is_none()),
        ("Signature", signature.is_none()),
        ("SignedHeaders", signed_headers.is_none()),
    ]
    .iter()
    .filter(|(_, is_missing)| *is_missing)
    .map(|(name, _)| format!("Authorization header requires '{name}' parameter."))
    .collect();
    let (Some(credential), Some(signed_headers), Some(signature)) = (credential, signed_headers, signature) else {
        return Err(Error::Incomplete(format!(
            "{} Authorization={header}",
            missing.join(" ")
        )));
    };

    let (access_key_id, date, region, service) = parse_credential(credential)?;
    check_signed_headers(signed_headers)?;
    Ok(Parts {
        access_key_id,
        date,
        region,
        service,
        signed_headers,
        signature,
    })
}

fn parse_credential(credential: &str) -> Result<(&str, &str, &str, &str), Error> {
    let mut split = credential.split('/');
    let parts = [(); 6].map(|()| split.next());
    let [
        Some(access_key_id),
        Some(date),
        Some(region),
        Some(service),
        Some(terminator),
        None,
    ] = parts
    else {
        return Err(Error::Incomplete(format!(
            "Credential must have exactly 5 slash-delimited elements, \
             e.g. keyid/date/region/service/{TERMINATOR}, got '{credential}'"
        )));
    };
    for (name, part) in [
        ("access key id", access_key_id),
        ("region", region),
        ("service", service),
    ] {
        if part.is_empty() {
            return Err(Error::Incomplete(format!(
                "Credential has an empty {name}; it must be AKID/date/region/service/{TERMINATOR}, got '{credential}'"
            )));
        }
    }
    if date.len() != 8 || !date.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::Incomplete(format!(
            "Credential date must be in the format yyyyMMdd, got '{date}' in '{credential}'"
        )));
    }
    if terminator != TERMINATOR {
        return Err(Error::Incomplete(format!(
            "Credential should be scoped with a valid terminator: '{TERMINATOR}', not '{terminator}'."
        )));
    }
    Ok((access_key_id, date, region, service))
}

/// Every name non-empty and untrimmed, `host` among them.
fn check_signed_headers(signed_headers: &str) -> Result<(), Error> {
    if signed_headers
        .split(';')
        .any(|name| name.is_empty() || name.trim() != name)
    {
        return Err(Error::Incomplete(format!(
            "SignedHeaders must be a ';'-separated list of header names, got '{signed_headers}'"
        )));
    }
    if signed_headers.split(';').any(|name| name.eq_ignore_ascii_case("host")) {
        Ok(())
    } else {
        Err(missing_host())
    }
}

/// Without `host` a signature could be replayed against another endpoint; AWS refuses it.
pub(crate) fn require_host(signed_headers: &[String]) -> Result<(), Error> {
    if signed_headers.iter().any(|name| name.eq_ignore_ascii_case("host")) {
        Ok(())
    } else {
        Err(missing_host())
    }
}

fn missing_host() -> Error {
    Error::Incomplete("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.".to_owned())
}

pub(crate) fn format_authorization(access_key_id: &str, scope: &str, signed_headers: &str, signature: &str) -> String {
    format!("{ALGORITHM} Credential={access_key_id}/{scope}, SignedHeaders={signed_headers}, Signature={signature}")
}
