//! Reading the request headers that choose a representation: `Accept-Encoding`,
//! `If-None-Match`, `Range` and `If-Range`. Pure functions over header bytes, no allocation.

/// Which precompressed variant the client accepts, preferring brotli then gzip (spec §8.7:
/// compression is done at deploy time, never per request).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Accepted {
    pub br: bool,
    pub gzip: bool,
}

/// Reads `Accept-Encoding` (RFC 9110 §12.5.3): a coding is accepted when listed with q > 0, or
/// when not listed and `*` is listed with q > 0. No header accepts only identity.
pub fn accepted_encodings(header: Option<&[u8]>) -> Accepted {
    let Some(header) = header else {
        return Accepted::default();
    };
    let (mut br, mut gzip, mut star) = (None, None, None);
    for item in header.split(|&b| b == b',') {
        let mut params = item.split(|&b| b == b';');
        let coding = trim(params.next().unwrap_or_default());
        let accepted = params
            .filter_map(|p| {
                let p = trim(p);
                (p.len() >= 2 && p[..2].eq_ignore_ascii_case(b"q=")).then(|| q_is_positive(&p[2..]))
            })
            .next_back()
            .unwrap_or(true);
        if coding.eq_ignore_ascii_case(b"br") {
            br = Some(accepted);
        } else if coding.eq_ignore_ascii_case(b"gzip") || coding.eq_ignore_ascii_case(b"x-gzip") {
            gzip = Some(accepted);
        } else if coding == b"*" {
            star = Some(accepted);
        }
    }
    let star = star.unwrap_or(false);
    Accepted {
        br: br.unwrap_or(star),
        gzip: gzip.unwrap_or(star),
    }
}

/// Whether a qvalue (`0`, `0.000`, `1`, `0.5`) is above zero; one that does not parse counts as
/// zero (refusing is the safe reading of a malformed preference).
fn q_is_positive(q: &[u8]) -> bool {
    let q = trim(q);
    match q.split_first() {
        Some((b'1', _)) => true,
        Some((b'0', rest)) => rest.iter().skip(1).any(|&d| (b'1'..=b'9').contains(&d)),
        _ => false,
    }
}

/// Whether an `If-None-Match` value names `etag` (weak comparison, RFC 9110 §13.1.2) or is `*`.
pub fn none_match(header: &[u8], etag: &[u8]) -> bool {
    header.split(|&b| b == b',').any(|tag| {
        let tag = trim(tag);
        tag == b"*" || tag.strip_prefix(b"W/").unwrap_or(tag) == etag
    })
}

/// A `Range` header, as far as ramp serves it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeRequest {
    /// Bytes `start..=end` of the file (both inside it).
    Satisfiable { start: u64, end: u64 },
    /// A single range that selects nothing of the file: 416.
    Unsatisfiable,
    /// Several ranges, another unit, or a malformed header: serve the whole file with 200, as
    /// RFC 9110 §14.2 allows (multipart/byteranges is not implemented).
    Whole,
}

/// Reads `Range: bytes=…` against a file of `size` bytes.
pub fn range(header: &[u8], size: u64) -> RangeRequest {
    let Some(spec) = header.strip_prefix(b"bytes=") else {
        return RangeRequest::Whole;
    };
    let spec = trim(spec);
    if spec.contains(&b',') {
        return RangeRequest::Whole;
    }
    let Some(dash) = spec.iter().position(|&b| b == b'-') else {
        return RangeRequest::Whole;
    };
    let (first, last) = (trim(&spec[..dash]), trim(&spec[dash + 1..]));
    match (number(first), number(last)) {
        // `-n`: the last n bytes.
        (None, Some(suffix)) if first.is_empty() => {
            if suffix == 0 || size == 0 {
                RangeRequest::Unsatisfiable
            } else {
                RangeRequest::Satisfiable {
                    start: size.saturating_sub(suffix),
                    end: size - 1,
                }
            }
        }
        // `a-` and `a-b`.
        (Some(start), end) if last.is_empty() || end.is_some() => {
            let end = end.unwrap_or(u64::MAX);
            if end < start {
                RangeRequest::Whole
            } else if start >= size {
                RangeRequest::Unsatisfiable
            } else {
                RangeRequest::Satisfiable {
                    start,
                    end: end.min(size - 1),
                }
            }
        }
        _ => RangeRequest::Whole,
    }
}

fn number(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
}

fn trim(bytes: &[u8]) -> &[u8] {
    bytes.trim_ascii()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_follow_q_values_and_the_wildcard() {
        let read = |h: &str| accepted_encodings(Some(h.as_bytes()));
        assert_eq!(read("gzip, deflate, br"), Accepted { br: true, gzip: true });
        assert_eq!(read("gzip;q=0.5, br;q=0"), Accepted { br: false, gzip: true });
        assert_eq!(read("br;q=0.000, gzip; q=0"), Accepted { br: false, gzip: false });
        assert_eq!(read("*"), Accepted { br: true, gzip: true });
        assert_eq!(read("*;q=0, gzip"), Accepted { br: false, gzip: true });
        assert_eq!(read("identity"), Accepted::default());
        assert_eq!(read("BR;Q=0.1"), Accepted { br: true, gzip: false });
        assert_eq!(accepted_encodings(None), Accepted::default());
    }

    #[test]
    fn ranges_are_read_against_the_size() {
        use RangeRequest::*;
        assert_eq!(range(b"bytes=0-4", 10), Satisfiable { start: 0, end: 4 });
        assert_eq!(range(b"bytes=5-", 10), Satisfiable { start: 5, end: 9 });
        assert_eq!(range(b"bytes=5-100", 10), Satisfiable { start: 5, end: 9 });
        assert_eq!(range(b"bytes=-3", 10), Satisfiable { start: 7, end: 9 });
        assert_eq!(range(b"bytes=-30", 10), Satisfiable { start: 0, end: 9 });
        assert_eq!(range(b"bytes=10-", 10), Unsatisfiable);
        assert_eq!(range(b"bytes=-0", 10), Unsatisfiable);
        assert_eq!(range(b"bytes=0-", 0), Unsatisfiable);
        assert_eq!(range(b"bytes=0-1,3-4", 10), Whole);
        assert_eq!(range(b"bytes=4-2", 10), Whole);
        assert_eq!(range(b"items=0-1", 10), Whole);
        assert_eq!(range(b"bytes=x-1", 10), Whole);
        assert_eq!(range(b"bytes=99999999999999999999999-", 10), Whole);
    }

    #[test]
    fn if_none_match_compares_weakly() {
        assert!(none_match(b"\"a\", W/\"b\"", b"\"b\""));
        assert!(none_match(b"*", b"\"b\""));
        assert!(!none_match(b"\"a\"", b"\"b\""));
    }
}
