//! The canonical request: the one byte string both sides hash and sign.

use http::HeaderMap;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// SigV4 leaves only RFC 3986's unreserved characters alone.
const RESERVED: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');
/// In the path, `/` separates segments and stays as is.
const RESERVED_IN_PATH: &AsciiSet = &RESERVED.remove(b'/');

/// The canonical URIs to try for a raw path, most likely first, without duplicates.
///
/// Signers disagree on normalizing: the AWS test suite, current SDKs and the CRT drop `.`,
/// `..` and empty segments (`//a//` → `/a/`), older aws-sigv4 releases drop only `.` and `..`,
/// and signers that skip normalization sign the path untouched (the suite's `*-unnormalized`
/// cases). Paths the AppConfig SDKs build are already normal, so the forms coincide and one
/// signature is computed; they differ only for odd paths, where accepting any keeps every
/// signer working.
pub(crate) fn canonical_uri_candidates(raw_path: &str) -> Vec<String> {
    let mut candidates = vec![canonical_uri(raw_path)];
    for other in [
        encode_path(&remove_dot_segments(raw_path, false)),
        encode_path(if raw_path.is_empty() { "/" } else { raw_path }),
    ] {
        if !candidates.contains(&other) {
            candidates.push(other);
        }
    }
    candidates
}

/// The canonical URI as the AWS test suite computes it, which is also what [`crate::sign`] uses.
pub(crate) fn canonical_uri(raw_path: &str) -> String {
    encode_path(&remove_dot_segments(raw_path, true))
}

/// Encoding the raw path, already percent-encoded on the wire, encodes it a second time: this
/// "double encoding" is what every non-S3 signer does (`%3A` → `%253A`).
fn encode_path(path: &str) -> String {
    utf8_percent_encode(path, RESERVED_IN_PATH).to_string()
}

/// RFC 3986 §5.2.4 dot-segment removal on an absolute path; also drops empty segments when
/// `drop_empty`. The result always starts with `/`.
fn remove_dot_segments(path: &str, drop_empty: bool) -> String {
    let body = path.strip_prefix('/').unwrap_or(path);
    let mut segments: Vec<&str> = Vec::new();
    for segment in body.split('/') {
        match segment {
            "." => {}
            ".." => {
                segments.pop();
            }
            "" if drop_empty => {}
            other => segments.push(other),
        }
    }
    let mut normalized = String::with_capacity(path.len() + 1);
    normalized.push('/');
    normalized.push_str(&segments.join("/"));
    // "/a/b/." and "/a/b/.." name directories, so per the RFC they keep a trailing slash.
    let names_directory = [".", "..", "/", "/.", "/.."]
        .iter()
        .any(|end| path == *end || (end.starts_with('/') && path.ends_with(end)));
    if names_directory && !normalized.ends_with('/') {
        normalized.push('/');
    }
    normalized
}

/// Each decoded key and value encoded, sorted by key then value (on the encoded form, as
/// the signers sort), `key=value` joined with `&`.
pub(crate) fn canonical_query(query: &[(String, String)]) -> String {
    let mut pairs: Vec<(String, String)> = query
        .iter()
        .map(|(key, value)| {
            (
                utf8_percent_encode(key, RESERVED).to_string(),
                utf8_percent_encode(value, RESERVED).to_string(),
            )
        })
        .collect();
    pairs.sort();
    let mut canonical = String::new();
    for (key, value) in &pairs {
        if !canonical.is_empty() {
            canonical.push('&');
        }
        canonical.push_str(key);
        canonical.push('=');
        canonical.push_str(value);
    }
    canonical
}

/// All values of header `name`, each trimmed with inner runs of spaces collapsed, joined with
/// `,` in the order received; `None` when the header is absent.
pub(crate) fn header_value(headers: &HeaderMap, name: &str) -> Option<String> {
    let mut values = headers.get_all(name).iter().peekable();
    values.peek()?;
    let normalized: Vec<String> = values
        .map(|value| {
            String::from_utf8_lossy(value.as_bytes())
                .split([' ', '\t'])
                .filter(|word| !word.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    Some(normalized.join(","))
}

/// `headers` are (lowercase name, canonical value) in signing order.
pub(crate) fn canonical_request(
    method: &str,
    canonical_uri: &str,
    canonical_query: &str,
    headers: &[(String, String)],
    payload_hash: &str,
) -> String {
    let mut request = String::with_capacity(256);
    for part in [method, "\n", canonical_uri, "\n", canonical_query, "\n"] {
        request.push_str(part);
    }
    for (name, value) in headers {
        request.push_str(name);
        request.push(':');
        request.push_str(value);
        request.push('\n');
    }
    request.push('\n');
    request.push_str(&signed_headers_line(headers));
    request.push('\n');
    request.push_str(payload_hash);
    request
}

pub(crate) fn signed_headers_line(headers: &[(String, String)]) -> String {
    headers
        .iter()
        .map(|(name, _)| name.as_str())
        .collect::<Vec<_>>()
        .join(";")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_segments_and_slashes() {
        for (raw, collapsed, kept) in [
            ("", "/", "/"),
            ("/", "/", "/"),
            ("/./", "/", "/"),
            ("/.", "/", "/"),
            ("/..", "/", "/"),
            ("/foo/bar/.", "/foo/bar/", "/foo/bar/"),
            ("/foo/bar/..", "/foo/", "/foo/"),
            ("/example1/example2/../..", "/", "/"),
            ("/example/..", "/", "/"),
            ("/./example", "/example", "/example"),
            ("/a/b/c/./../../g", "/a/g", "/a/g"),
            ("//example//", "/example/", "//example//"),
            ("/foo%2F.%2Fbar", "/foo%2F.%2Fbar", "/foo%2F.%2Fbar"),
        ] {
            assert_eq!(remove_dot_segments(raw, true), collapsed, "{raw}");
            assert_eq!(remove_dot_segments(raw, false), kept, "{raw}");
        }
    }

    #[test]
    fn path_is_encoded_again() {
        assert_eq!(
            canonical_uri("/tags/arn%3Aaws%3Aappconfig%3Aus-east-1%3A000000000000%3Aapplication%2Fabc1234"),
            "/tags/arn%253Aaws%253Aappconfig%253Aus-east-1%253A000000000000%253Aapplication%252Fabc1234"
        );
        assert_eq!(canonical_uri("/example space/ሴ"), "/example%20space/%E1%88%B4");
    }

    #[test]
    fn candidates_are_unique() {
        assert_eq!(canonical_uri_candidates("/applications/abc"), vec!["/applications/abc"]);
        assert_eq!(canonical_uri_candidates("//a/./b"), vec!["/a/b", "//a/b", "//a/./b"]);
    }

    #[test]
    fn query_is_encoded_and_sorted() {
        let query: Vec<(String, String)> = [("b", "2"), ("a", "x y"), ("A", ""), ("a", "+/=")]
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        assert_eq!(canonical_query(&query), "A=&a=%2B%2F%3D&a=x%20y&b=2");
        assert_eq!(canonical_query(&[]), "");
    }

    #[test]
    fn header_values_are_trimmed_collapsed_and_joined() {
        let mut headers = HeaderMap::new();
        headers.append("my-header", "  a   b  ".parse().unwrap());
        headers.append("my-header", "c".parse().unwrap());
        assert_eq!(header_value(&headers, "my-header").as_deref(), Some("a b,c"));
        assert_eq!(header_value(&headers, "absent"), None);
        assert_eq!(header_value(&headers, "not a header name"), None);
    }
}
