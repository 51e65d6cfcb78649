//! [`IngestError`]: why a deploy was refused, in words for the person who uploaded it.

use std::fmt;

use ramp_blobs::Digest;

use super::limits::human_bytes;
use super::paths::PathError;

/// Where a name came from, so a message says "archive entry `x`" or "fileMap key `x`".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Archive,
    FileMap,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Origin::Archive => "archive entry",
            Origin::FileMap => "fileMap key",
        })
    }
}

/// A name as it appears in a message: inside backticks, with control characters escaped so
/// a hostile name cannot forge log lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name(pub String);

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}`", self.0.escape_debug())
    }
}

impl From<&str> for Name {
    fn from(name: &str) -> Name {
        Name(name.to_owned())
    }
}

/// Why ingesting a deploy failed. The Display is the job's failure reason: it names the entry
/// and the rule, and for limits the configured value. Variants up to `Corrupt` are the
/// uploader's to fix; the last three are the server's.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("not a zip archive: {0}")]
    NotZip(String),
    #[error("the archive is {}; the limit is {}", human_bytes(*size), human_bytes(*limit))]
    ArchiveTooLarge { size: u64, limit: u64 },
    #[error("{} holds {count} {}; the limit is {limit}", origin.container(), origin.items())]
    TooManyFiles { origin: Origin, count: u64, limit: u64 },
    #[error("{} holds no files to deploy", origin.container())]
    Empty { origin: Origin },
    #[error("{origin} {name} {reason}")]
    Path {
        origin: Origin,
        name: Name,
        reason: PathError,
    },
    #[error("{origin} {name} is {kind}; links and special files are refused")]
    SpecialFile {
        origin: Origin,
        name: Name,
        kind: &'static str,
    },
    #[error("{origin} {name} is encrypted; upload an archive without a password")]
    Encrypted { name: Name, origin: Origin },
    #[error("{origin} {name} is compressed with {method}; only stored, deflate and deflate64 entries are supported")]
    UnsupportedCompression { origin: Origin, name: Name, method: String },
    #[error("{} holds {name} twice{}", origin.container(), spelled_as(.first, .name))]
    Duplicate { origin: Origin, name: Name, first: Name },
    #[error("{} holds the same name twice in its directory", Origin::Archive.container())]
    DuplicateInDirectory,
    #[error("archive entries share their data (an overlapping zip bomb); refused")]
    Overlapping,
    #[error("{origin} {name} is larger than the single-file limit of {}", human_bytes(*limit))]
    FileTooLarge { origin: Origin, name: Name, limit: u64 },
    #[error("the files add up to more than the total limit of {}", human_bytes(*limit))]
    TotalTooLarge { limit: u64 },
    #[error("{origin} {name} inflates beyond the ratio limit of {limit}:1")]
    RatioExceeded { origin: Origin, name: Name, limit: u64 },
    #[error("{origin} {name} is damaged: {cause}")]
    Corrupt { origin: Origin, name: Name, cause: String },
    #[error("{name} (custom headers) is not UTF-8 text")]
    CustomHeadersNotText { name: Name },
    #[error("the upload for {name} is missing")]
    MissingUpload { name: Name, digest: Digest },
    #[error("the upload for {name} is {actual} bytes, not the {declared} declared")]
    SizeMismatch { name: Name, declared: u64, actual: u64 },
    /// The uploaded archive could not be read from the server's own disk.
    #[error("reading the uploaded archive failed: {0}")]
    Io(String),
    #[error("storing the deploy failed: {0}")]
    Blobs(#[from] ramp_blobs::Error),
    /// A worker thread was lost (a panic, or the runtime shutting down).
    #[error("the deploy could not be processed: {0}")]
    Internal(String),
}

impl Origin {
    fn container(self) -> &'static str {
        match self {
            Origin::Archive => "the archive",
            Origin::FileMap => "the file map",
        }
    }

    fn items(self) -> &'static str {
        match self {
            Origin::Archive => "entries",
            Origin::FileMap => "files",
        }
    }
}

/// `(first as `A.txt`)` when the earlier name was spelled differently (`./a` and `a`).
fn spelled_as(first: &Name, name: &Name) -> String {
    if first == name {
        String::new()
    } else {
        format!(" (first as {first})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_entry_and_the_rule() {
        let cases = [
            (
                IngestError::Path {
                    origin: Origin::Archive,
                    name: "../x".into(),
                    reason: PathError::EscapesRoot,
                },
                "archive entry `../x` escapes the site root",
            ),
            (
                IngestError::TooManyFiles {
                    origin: Origin::Archive,
                    count: 100_001,
                    limit: 100_000,
                },
                "the archive holds 100001 entries; the limit is 100000",
            ),
            (
                IngestError::RatioExceeded {
                    origin: Origin::Archive,
                    name: "a.bin".into(),
                    limit: 1000,
                },
                "archive entry `a.bin` inflates beyond the ratio limit of 1000:1",
            ),
            (
                IngestError::Duplicate {
                    origin: Origin::FileMap,
                    name: "a.html".into(),
                    first: "./a.html".into(),
                },
                "the file map holds `a.html` twice (first as `./a.html`)",
            ),
            (
                IngestError::Path {
                    origin: Origin::FileMap,
                    name: "a\nb".into(),
                    reason: PathError::ControlCharacter('\n'),
                },
                "fileMap key `a\\nb` contains the control character U+000A",
            ),
            (
                IngestError::ArchiveTooLarge {
                    size: 6 << 30,
                    limit: 5 << 30,
                },
                "the archive is 6 GiB; the limit is 5 GiB",
            ),
        ];
        for (error, expected) in cases {
            assert_eq!(error.to_string(), expected);
        }
    }
}
