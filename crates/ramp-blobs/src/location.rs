//! Where blobs live: [`BlobLocation`] (read from one string, e.g. a `--blob-store` flag) and the
//! connection settings of an S3-compatible service ([`S3Options`]).

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use percent_encoding::percent_decode_str;

/// Where a [`Blobs`](crate::Blobs) store keeps its objects.
///
/// Its text form is one of:
/// * a filesystem path (`/var/lib/ramp/blobs`, `blobs`), or the same as a `file:///…` URL;
/// * `s3://bucket` or `s3://bucket/key/prefix`, with the endpoint, region and credentials given
///   separately in [`S3Options`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlobLocation {
    /// A directory on a filesystem every ramp node shares (or a single node's own disk).
    Directory(PathBuf),
    /// A bucket of an S3-compatible service.
    S3(S3Location),
}

/// A bucket, and optionally a key prefix inside it, so several ramp installations (or other
/// data) can share one bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Location {
    bucket: String,
    prefix: Option<String>,
}

/// How to reach an S3-compatible service. Every field is optional: with none set, ramp talks to
/// AWS S3 with the credentials and region of the usual `AWS_*` environment variables.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct S3Options {
    /// The service's base URL, e.g. `http://127.0.0.1:9000` for MinIO; `None` means AWS S3.
    /// Plain `http://` is allowed because self-hosted services often run without TLS.
    pub endpoint: Option<String>,
    /// The signing region; `None` means `AWS_REGION`/`AWS_DEFAULT_REGION`, else `us-east-1`.
    pub region: Option<String>,
    /// With [`secret_access_key`](Self::secret_access_key), static credentials; `None` means
    /// the `AWS_*` environment (keys, web identity, ECS/EKS container credentials, instance
    /// metadata).
    pub access_key_id: Option<String>,
    /// The secret paired with [`access_key_id`](Self::access_key_id).
    pub secret_access_key: Option<String>,
    /// `Some(true)` puts the bucket in the host name (`bucket.s3.example.com`), `Some(false)` in
    /// the path (`s3.example.com/bucket`). `None`: path-style with a custom endpoint (what
    /// MinIO, Ceph and moto expect by default), virtual-hosted on AWS (its recommended style).
    pub virtual_hosted_style: Option<bool>,
}

/// A string that is not a [`BlobLocation`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid blob store location {location:?}: {reason}")]
pub struct InvalidLocation {
    location: String,
    reason: String,
}

impl BlobLocation {
    /// Reads a location from its text form (see [`BlobLocation`]).
    pub fn parse(text: &str) -> Result<BlobLocation, InvalidLocation> {
        let invalid = |reason: &str| InvalidLocation {
            location: text.to_owned(),
            reason: reason.to_owned(),
        };
        if text.trim().is_empty() {
            return Err(invalid("it is empty; give a directory path or s3://bucket[/prefix]"));
        }
        let Some((scheme, rest)) = text.split_once("://") else {
            return Ok(BlobLocation::Directory(PathBuf::from(text)));
        };
        match scheme.to_ascii_lowercase().as_str() {
            "s3" => S3Location::parse(rest)
                .map(BlobLocation::S3)
                .map_err(|reason| invalid(&reason)),
            "file" => parse_file_url(rest)
                .map(BlobLocation::Directory)
                .map_err(|reason| invalid(&reason)),
            _ => Err(invalid(&format!(
                "unsupported scheme {scheme:?}; give a directory path, file:///path or s3://bucket[/prefix]"
            ))),
        }
    }
}

impl FromStr for BlobLocation {
    type Err = InvalidLocation;

    fn from_str(text: &str) -> Result<BlobLocation, InvalidLocation> {
        BlobLocation::parse(text)
    }
}

impl fmt::Display for BlobLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BlobLocation::Directory(path) => write!(f, "{}", path.display()),
            BlobLocation::S3(s3) => write!(f, "{s3}"),
        }
    }
}

impl S3Location {
    /// A bucket and an optional key prefix (leading and trailing `/` are ignored).
    pub fn new(bucket: &str, prefix: Option<&str>) -> Result<S3Location, InvalidLocation> {
        let text = match prefix {
            Some(prefix) => format!("{bucket}/{prefix}"),
            None => bucket.to_owned(),
        };
        S3Location::parse(&text).map_err(|reason| InvalidLocation {
            location: format!("s3://{text}"),
            reason,
        })
    }

    /// The bucket name.
    pub fn bucket(&self) -> &str {
        &self.bucket
    }

    /// The key prefix without leading or trailing `/`, e.g. `ramp/prod`.
    pub fn prefix(&self) -> Option<&str> {
        self.prefix.as_deref()
    }

    /// Parses what follows `s3://`.
    fn parse(rest: &str) -> Result<S3Location, String> {
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err("no bucket name; expected s3://bucket[/prefix]".to_owned());
        }
        // Only characters that are safe both in a host name and in a URL path. AWS's own rules
        // are stricter (3-63 characters, lowercase), but some S3-compatible services and legacy
        // buckets are not, and the service itself rejects a name it does not accept.
        if let Some(c) = bucket
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')))
        {
            return Err(format!("bucket name {bucket:?} contains {c:?}"));
        }
        let prefix = prefix.trim_matches('/');
        if prefix.is_empty() {
            return Ok(S3Location {
                bucket: bucket.to_owned(),
                prefix: None,
            });
        }
        // Same rules object_store applies to its paths, so the prefix means exactly what it says.
        if let Some(segment) = prefix
            .split('/')
            .find(|s| s.is_empty() || *s == "." || *s == ".." || s.chars().any(char::is_control))
        {
            return Err(format!("key prefix {prefix:?} has an invalid segment {segment:?}"));
        }
        Ok(S3Location {
            bucket: bucket.to_owned(),
            prefix: Some(prefix.to_owned()),
        })
    }
}

impl fmt::Display for S3Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.prefix {
            Some(prefix) => write!(f, "s3://{}/{prefix}", self.bucket),
            None => write!(f, "s3://{}", self.bucket),
        }
    }
}

/// What follows `file://`: an absolute path, optionally after the host `localhost`
/// (RFC 8089), percent-decoded.
fn parse_file_url(rest: &str) -> Result<PathBuf, String> {
    let path = rest.strip_prefix("localhost").unwrap_or(rest);
    if !path.starts_with('/') {
        return Err("a file URL needs an absolute path: file:///path (three slashes)".to_owned());
    }
    let decoded = percent_decode_str(path)
        .decode_utf8()
        .map_err(|_| "the percent-encoded path is not UTF-8".to_owned())?;
    Ok(PathBuf::from(decoded.as_ref()))
}

// The secret must not reach logs through `{:?}`.
impl fmt::Debug for S3Options {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("S3Options")
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .field(
                "secret_access_key",
                &self.secret_access_key.as_ref().map(|_| "<redacted>"),
            )
            .field("virtual_hosted_style", &self.virtual_hosted_style)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s3(bucket: &str, prefix: Option<&str>) -> BlobLocation {
        BlobLocation::S3(S3Location::new(bucket, prefix).unwrap())
    }

    #[test]
    fn paths_and_file_urls_are_directories() {
        let dir = |p: &str| BlobLocation::Directory(PathBuf::from(p));
        assert_eq!(
            BlobLocation::parse("/var/lib/ramp/blobs").unwrap(),
            dir("/var/lib/ramp/blobs")
        );
        assert_eq!(BlobLocation::parse("blobs").unwrap(), dir("blobs"));
        assert_eq!(BlobLocation::parse("./data/blobs").unwrap(), dir("./data/blobs"));
        assert_eq!(BlobLocation::parse("file:///srv/blobs").unwrap(), dir("/srv/blobs"));
        assert_eq!(
            BlobLocation::parse("file://localhost/srv/blobs").unwrap(),
            dir("/srv/blobs")
        );
        assert_eq!(BlobLocation::parse("FILE:///my%20blobs").unwrap(), dir("/my blobs"));
    }

    #[test]
    fn s3_urls_have_a_bucket_and_an_optional_prefix() {
        assert_eq!(BlobLocation::parse("s3://site-files").unwrap(), s3("site-files", None));
        assert_eq!(BlobLocation::parse("s3://site-files/").unwrap(), s3("site-files", None));
        let prefixed = BlobLocation::parse("s3://site-files/ramp/prod/").unwrap();
        assert_eq!(prefixed, s3("site-files", Some("ramp/prod")));
        let BlobLocation::S3(location) = &prefixed else {
            panic!("{prefixed:?}")
        };
        assert_eq!(
            (location.bucket(), location.prefix()),
            ("site-files", Some("ramp/prod"))
        );
        assert_eq!(prefixed.to_string(), "s3://site-files/ramp/prod");
        assert_eq!(BlobLocation::parse("s3://b").unwrap().to_string(), "s3://b");
    }

    #[test]
    fn bad_locations_are_rejected_with_the_reason() {
        let reason = |text: &str| BlobLocation::parse(text).unwrap_err().to_string();
        assert_eq!(
            reason("s3://"),
            "invalid blob store location \"s3://\": no bucket name; expected s3://bucket[/prefix]"
        );
        assert!(reason("s3:///prefix").contains("no bucket name"));
        assert!(reason("").contains("it is empty"));
        assert!(reason("   ").contains("it is empty"));
        assert!(reason("s3://bucket:9000/x").contains("bucket name \"bucket:9000\" contains ':'"));
        assert!(reason("s3://my bucket").contains("contains ' '"));
        assert!(reason("s3://b/a//c").contains("invalid segment \"\""));
        assert!(reason("s3://b/a/../c").contains("invalid segment \"..\""));
        assert!(reason("gs://bucket").contains("unsupported scheme \"gs\""));
        assert!(reason("https://s3.amazonaws.com/bucket").contains("unsupported scheme \"https\""));
        assert!(reason("file://relative/path").contains("absolute path"));
        assert!(reason("file:///bad%FF").contains("not UTF-8"));
        assert!(S3Location::new("", Some("p")).is_err());
    }

    #[test]
    fn debug_output_hides_the_secret() {
        let options = S3Options {
            access_key_id: Some("AKID".into()),
            secret_access_key: Some("very-secret".into()),
            ..S3Options::default()
        };
        let debug = format!("{options:?}");
        assert!(debug.contains("AKID") && debug.contains("<redacted>"), "{debug}");
        assert!(!debug.contains("very-secret"), "{debug}");
    }
}
