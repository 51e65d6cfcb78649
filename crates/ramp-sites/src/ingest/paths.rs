//! [`site_path`]: the one place where an archive entry's name or a fileMap key becomes a site
//! path (spec amplify.md §11.1).

use std::fmt;

use super::IngestLimits;

/// What a name denotes once checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SitePath {
    /// A file of the site, at this normalized path: `/`-separated, no leading slash, no empty,
    /// `.` or `..` segment. It is the manifest key and is compared byte for byte when serving.
    File(String),
    /// A directory (the name ends with a separator, or is only `.`): nothing to store.
    Directory,
    /// macOS metadata: anything under a top-level `__MACOSX/` (AppleDouble resource forks that
    /// Finder's "Compress" adds) and any `.DS_Store` file. Skipped, not served, not an error:
    /// every zip made on a Mac has them and no site means to publish them. Whether AWS does
    /// the same is UNCONFIRMED (spec §11.1 leaves it as an optional ignore list).
    Junk,
}

/// Why a name is refused. Its Display completes a sentence that starts with the name
/// ("archive entry `../x` escapes the site root").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathError {
    Empty,
    ControlCharacter(char),
    Absolute,
    DriveLetter,
    EscapesRoot,
    OnlyDots(String),
    TooLong { bytes: usize, limit: usize },
    TooDeep { depth: usize, limit: usize },
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathError::Empty => f.write_str("has an empty name"),
            PathError::ControlCharacter(c) => {
                write!(f, "contains the control character U+{:04X}", u32::from(*c))
            }
            PathError::Absolute => f.write_str("is an absolute path; paths must be relative to the site root"),
            PathError::DriveLetter => {
                f.write_str("starts with a drive letter; paths must be relative to the site root")
            }
            PathError::EscapesRoot => f.write_str("escapes the site root"),
            PathError::OnlyDots(segment) => write!(
                f,
                "has the segment `{segment}`; names made only of dots and spaces are refused"
            ),
            PathError::TooLong { bytes, limit } => write!(f, "is {bytes} bytes long; the limit is {limit}"),
            PathError::TooDeep { depth, limit } => {
                write!(f, "is {depth} segments deep; the limit is {limit}")
            }
        }
    }
}

/// Checks `raw`, an archive entry name or a fileMap key, and returns the site path it denotes.
///
/// In this order:
/// 1. Control characters (NUL, C0, DEL, C1) anywhere are refused: they have no business in a
///    URL path and NUL truncates names in C code downstream.
/// 2. `\` is read as `/`: Windows PowerShell 5.1 `Compress-Archive` writes `\` separators, and
///    checking before converting would let `..\x` through (spec §11.1).
/// 3. A leading `/` (absolute, or `//host/share`) and a drive letter (`C:`) are refused.
/// 4. Empty and `.` segments collapse (`a//b`, `./a`); a name ending in one is a directory. A segment made only of dots and spaces
///    other than `.` is refused: `..` escapes the root, and Windows resolves `...` and `.. `
///    the same way, so no legitimate site depends on one. Every `..` is refused, even one that
///    would stay inside (`a/../b`): an honest archiver never writes it.
/// 5. The normalized path's length and depth are checked against `limits`.
///
/// Nothing is decoded: `%2e%2e` is a file name like any other, and serving decodes a request
/// exactly once before an exact lookup (spec §11.3). Case and Unicode normalization are kept as
/// written; see the duplicate policy in [`super::plan`].
pub fn site_path(raw: &str, limits: &IngestLimits) -> Result<SitePath, PathError> {
    if raw.is_empty() {
        return Err(PathError::Empty);
    }
    if let Some(c) = raw.chars().find(|c| c.is_control()) {
        return Err(PathError::ControlCharacter(c));
    }
    let name = raw.replace('\\', "/");
    if name.starts_with('/') {
        return Err(PathError::Absolute);
    }
    if has_drive_letter(&name) {
        return Err(PathError::DriveLetter);
    }
    let mut segments = Vec::new();
    for segment in name.split('/') {
        match segment {
            "" | "." => {}
            ".." => return Err(PathError::EscapesRoot),
            _ if segment.chars().all(|c| c == '.' || c == ' ') => {
                return Err(PathError::OnlyDots(segment.to_owned()));
            }
            _ => segments.push(segment),
        }
    }
    let names_a_directory = matches!(name.rsplit('/').next(), Some("" | "."));
    if names_a_directory || segments.is_empty() {
        return Ok(if is_junk(&segments, true) {
            SitePath::Junk
        } else {
            SitePath::Directory
        });
    }
    let path = segments.join("/");
    if path.len() > limits.max_path_bytes {
        return Err(PathError::TooLong {
            bytes: path.len(),
            limit: limits.max_path_bytes,
        });
    }
    if segments.len() > limits.max_depth {
        return Err(PathError::TooDeep {
            depth: segments.len(),
            limit: limits.max_depth,
        });
    }
    Ok(if is_junk(&segments, false) {
        SitePath::Junk
    } else {
        SitePath::File(path)
    })
}

/// `C:` or `c:` at the start, with or without a separator after it.
fn has_drive_letter(name: &str) -> bool {
    let mut chars = name.chars();
    matches!((chars.next(), chars.next()), (Some(letter), Some(':')) if letter.is_ascii_alphabetic())
}

fn is_junk(segments: &[&str], is_directory: bool) -> bool {
    segments.first() == Some(&"__MACOSX") || (!is_directory && segments.last() == Some(&".DS_Store"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(raw: &str) -> Result<SitePath, PathError> {
        site_path(raw, &IngestLimits::default())
    }

    fn file(path: &str) -> Result<SitePath, PathError> {
        Ok(SitePath::File(path.to_owned()))
    }

    #[test]
    fn ordinary_names_become_site_paths() {
        let cases = [
            ("index.html", file("index.html")),
            ("assets/app.js", file("assets/app.js")),
            ("a/b/c/d.css", file("a/b/c/d.css")),
            ("./index.html", file("index.html")),
            ("a//b///c.txt", file("a/b/c.txt")),
            ("a/./b.txt", file("a/b.txt")),
            ("assets\\img\\logo.png", file("assets/img/logo.png")),
            (".well-known/security.txt", file(".well-known/security.txt")),
            ("..foo", file("..foo")),
            ("foo..", file("foo..")),
            ("a/..b/c", file("a/..b/c")),
            (".htaccess", file(".htaccess")),
            ("%2e%2e/x", file("%2e%2e/x")),
            ("docs/über.html", file("docs/über.html")),
            ("with space.html", file("with space.html")),
            ("ab:c.txt", file("ab:c.txt")),
            ("a/b:c.txt", file("a/b:c.txt")),
            ("1:2/x", file("1:2/x")),
            ("assets/", Ok(SitePath::Directory)),
            ("assets\\", Ok(SitePath::Directory)),
            ("./", Ok(SitePath::Directory)),
            ("a/.", Ok(SitePath::Directory)),
            (".", Ok(SitePath::Directory)),
            ("__MACOSX/", Ok(SitePath::Junk)),
            ("__MACOSX/._index.html", Ok(SitePath::Junk)),
            ("__MACOSX/assets/._app.js", Ok(SitePath::Junk)),
            (".DS_Store", Ok(SitePath::Junk)),
            ("assets/.DS_Store", Ok(SitePath::Junk)),
            ("assets\\.DS_Store", Ok(SitePath::Junk)),
            ("docs/__MACOSX/x.html", file("docs/__MACOSX/x.html")),
            (".DS_Store/x.html", file(".DS_Store/x.html")),
        ];
        for (raw, expected) in cases {
            assert_eq!(check(raw), expected, "{raw:?}");
        }
    }

    #[test]
    fn every_escape_trick_is_refused() {
        let cases = [
            ("", PathError::Empty),
            ("../x", PathError::EscapesRoot),
            ("..", PathError::EscapesRoot),
            ("a/../../x", PathError::EscapesRoot),
            ("a/../b", PathError::EscapesRoot),
            ("..\\x", PathError::EscapesRoot),
            ("a\\..\\..\\x", PathError::EscapesRoot),
            ("./../x", PathError::EscapesRoot),
            ("a//..//x", PathError::EscapesRoot),
            ("a/..", PathError::EscapesRoot),
            ("a/../", PathError::EscapesRoot),
            ("__MACOSX/../../x", PathError::EscapesRoot),
            (".../x", PathError::OnlyDots("...".to_owned())),
            (".. /x", PathError::OnlyDots(".. ".to_owned())),
            ("a/. /x", PathError::OnlyDots(". ".to_owned())),
            (" ", PathError::OnlyDots(" ".to_owned())),
            ("/etc/passwd", PathError::Absolute),
            ("/", PathError::Absolute),
            ("\\x", PathError::Absolute),
            ("//server/share/x", PathError::Absolute),
            ("\\\\server\\share\\x", PathError::Absolute),
            ("C:\\x", PathError::DriveLetter),
            ("C:x", PathError::DriveLetter),
            ("c:/windows/win.ini", PathError::DriveLetter),
            ("z:", PathError::DriveLetter),
            ("a:b.txt", PathError::DriveLetter),
            ("a\0b", PathError::ControlCharacter('\0')),
            ("index.html\0.png", PathError::ControlCharacter('\0')),
            ("a\nb", PathError::ControlCharacter('\n')),
            ("a\rb", PathError::ControlCharacter('\r')),
            ("a\tb", PathError::ControlCharacter('\t')),
            ("a\u{1b}[31m", PathError::ControlCharacter('\u{1b}')),
            ("a\u{7f}", PathError::ControlCharacter('\u{7f}')),
            ("a\u{85}b", PathError::ControlCharacter('\u{85}')),
            ("..\0/x", PathError::ControlCharacter('\0')),
        ];
        for (raw, expected) in cases {
            assert_eq!(check(raw), Err(expected), "{raw:?}");
        }
    }

    #[test]
    fn length_and_depth_are_measured_after_normalizing() {
        let limits = IngestLimits {
            max_path_bytes: 10,
            max_depth: 3,
            ..IngestLimits::default()
        };
        assert_eq!(site_path("abcdefghij", &limits), file("abcdefghij"));
        assert_eq!(
            site_path("abcdefghijk", &limits),
            Err(PathError::TooLong { bytes: 11, limit: 10 })
        );
        // Collapsed separators do not count.
        assert_eq!(site_path("./a////b//c", &limits), file("a/b/c"));
        assert_eq!(
            site_path("a/b/c/d", &limits),
            Err(PathError::TooDeep { depth: 4, limit: 3 })
        );
        // Bytes, not characters: "é" is two bytes.
        assert_eq!(
            site_path("éééééé", &limits),
            Err(PathError::TooLong { bytes: 12, limit: 10 })
        );
        assert_eq!(
            check(&"a".repeat(256)),
            Err(PathError::TooLong { bytes: 256, limit: 255 })
        );
        assert_eq!(check(&"a/".repeat(33)), Ok(SitePath::Directory));
        let deep = format!("{}x", "a/".repeat(32));
        assert_eq!(check(&deep), Err(PathError::TooDeep { depth: 33, limit: 32 }));
    }

    #[test]
    fn refusals_read_as_sentences() {
        assert_eq!(PathError::EscapesRoot.to_string(), "escapes the site root");
        assert_eq!(
            PathError::ControlCharacter('\0').to_string(),
            "contains the control character U+0000"
        );
        assert_eq!(
            PathError::TooLong { bytes: 300, limit: 255 }.to_string(),
            "is 300 bytes long; the limit is 255"
        );
    }
}
