//! The request path → the site path looked up in the manifest (spec amplify.md §11.3).
//!
//! The path is percent-decoded exactly once, segment by segment, so an encoded `/` (`%2F`) can be
//! told apart from a real one. Anything that could mean "somewhere else" after decoding is refused
//! with 400 rather than normalized: NUL, `\`, an encoded `/`, `.` and `..` segments, and bytes that
//! are not UTF-8 (which covers overlong encodings such as `%c0%af`). Browsers never send these
//! (they resolve dot segments themselves), so refusing costs real visitors nothing. Lookup is then
//! an exact match against manifest keys; nothing ever touches a filesystem.

use std::borrow::Cow;

use percent_encoding::percent_decode_str;

/// Why a request path was refused (each is answered 400 Bad Request).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadPath {
    /// The path does not start with `/` (e.g. `OPTIONS *`).
    NotAbsolute,
    /// A segment decodes to something with a NUL, a `\` or a `/` in it.
    ForbiddenByte,
    /// A segment is `.` or `..` after decoding.
    DotSegment,
    /// A segment does not decode to UTF-8 (including overlong encodings).
    NotUtf8,
}

/// The decoded request path, starting with `/`. Borrowed from the request when it had no escapes,
/// so the common case allocates nothing.
pub fn decode(raw: &str) -> Result<Cow<'_, str>, BadPath> {
    if !raw.starts_with('/') {
        return Err(BadPath::NotAbsolute);
    }
    if !raw.contains('%') {
        check_segments(raw)?;
        return Ok(Cow::Borrowed(raw));
    }
    let mut decoded = String::with_capacity(raw.len());
    for (index, segment) in raw.split('/').enumerate() {
        if index > 0 {
            decoded.push('/');
        }
        let bytes: Cow<'_, [u8]> = percent_decode_str(segment).into();
        // Checked before UTF-8 so `%2F`, `%5C` and `%00` are named as what they are.
        if bytes.iter().any(|&b| matches!(b, b'/' | b'\\' | 0)) {
            return Err(BadPath::ForbiddenByte);
        }
        let text = std::str::from_utf8(&bytes).map_err(|_| BadPath::NotUtf8)?;
        if text == "." || text == ".." {
            return Err(BadPath::DotSegment);
        }
        decoded.push_str(text);
    }
    Ok(Cow::Owned(decoded))
}

/// The same checks for a path that is already decoded (no escapes in the request, or a rule's
/// target after substitution): it is never decoded again.
pub fn check_segments(path: &str) -> Result<(), BadPath> {
    for segment in path.split('/') {
        if segment.bytes().any(|b| b == b'\\' || b == 0) {
            return Err(BadPath::ForbiddenByte);
        }
        if segment == "." || segment == ".." {
            return Err(BadPath::DotSegment);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_paths_are_borrowed_and_escapes_decoded_once() {
        assert!(matches!(decode("/a/b.html"), Ok(Cow::Borrowed("/a/b.html"))));
        assert_eq!(decode("/caf%C3%A9/x%20y").unwrap(), "/café/x y");
        // `%2525` is `%25` after one decoding, never `%`.
        assert_eq!(decode("/100%2525").unwrap(), "/100%25");
    }

    #[test]
    fn traversal_tricks_are_refused() {
        for (raw, why) in [
            ("/../etc/passwd", BadPath::DotSegment),
            ("/a/./b", BadPath::DotSegment),
            ("/a/%2e%2e/b", BadPath::DotSegment),
            ("/a/%2E%2e", BadPath::DotSegment),
            ("/a/.%2e/b", BadPath::DotSegment),
            ("/a%2Fb", BadPath::ForbiddenByte),
            ("/a%2f..%2fb", BadPath::ForbiddenByte),
            ("/a%5C..%5Cb", BadPath::ForbiddenByte),
            ("/a\\b", BadPath::ForbiddenByte),
            ("/index.html%00.png", BadPath::ForbiddenByte),
            ("/%c0%af", BadPath::NotUtf8),
            ("/%c0%ae%c0%ae/x", BadPath::NotUtf8),
            ("/%ff", BadPath::NotUtf8),
            ("*", BadPath::NotAbsolute),
        ] {
            assert_eq!(decode(raw), Err(why), "{raw}");
        }
    }
}
