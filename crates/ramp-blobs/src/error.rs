//! The blob store's [`Error`]. Every message names the backend ([`Blobs::describe`]) so a log
//! line says which directory, bucket or endpoint failed.
//!
//! [`Blobs::describe`]: crate::Blobs::describe

use std::fmt::Write as _;
use std::path::PathBuf;

use crate::Digest;

/// A failure of the blob store.
///
/// Causes are rendered into the message (their whole chain, as one line) rather than kept as
/// `source()`: object_store's errors already repeat their sources in their own messages, so a
/// chain would print each cause several times.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The configuration cannot describe a working store (e.g. a malformed endpoint URL).
    #[error("blob store {backend}: {reason}")]
    Config { backend: String, reason: String },

    /// The local blob directory could not be created or opened.
    #[error("blob directory {}: {cause}", path.display())]
    Directory { path: PathBuf, cause: String },

    /// The store answered the start-up check with an error or not at all.
    #[error("blob store {backend} is not usable: {cause}")]
    Unreachable { backend: String, cause: String },

    /// A read, write or delete failed.
    #[error("blob store {backend}: {operation} {key} failed: {cause}")]
    Storage {
        backend: String,
        operation: &'static str,
        key: String,
        cause: String,
    },

    /// The stored object does not hash to its name: it was damaged or replaced behind ramp's
    /// back. Its content is never returned.
    #[error("blob store {backend}: object {key} is corrupt: its content hashes to {actual}")]
    Corrupt {
        backend: String,
        key: String,
        actual: Digest,
    },
}

/// `error` and its sources as one line, skipping a source whose message the previous one
/// already contains (object_store and reqwest nest their causes' messages). Line breaks (an
/// S3 error's XML body is quoted whole) become spaces, so a log line stays one line.
pub(crate) fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut last = text.clone();
    let mut source = error.source();
    while let Some(cause) = source {
        let message = cause.to_string();
        if !last.contains(&message) {
            let _ = write!(text, ": {message}");
        }
        last = message;
        source = cause.source();
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("outer: {0}")]
    struct Repeats(#[source] Inner);

    #[derive(Debug, thiserror::Error)]
    #[error("inner")]
    struct Inner(#[source] std::io::Error);

    #[test]
    fn chain_renders_every_cause_once_on_one_line() {
        let error = Repeats(Inner(std::io::Error::other("connection refused")));
        assert_eq!(chain(&error), "outer: inner: connection refused");
        let error = Inner(std::io::Error::other(
            "404: <?xml?>\n<Error>\n  <Code>NoSuchBucket</Code>",
        ));
        assert_eq!(chain(&error), "inner: 404: <?xml?> <Error> <Code>NoSuchBucket</Code>");
    }
}
