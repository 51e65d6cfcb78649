//! The `Content-Type` a file is served with, decided once at ingest (spec amplify.md §11.6).

/// Types `mime_guess` answers differently from what browsers need, or that AWS has served
/// wrongly (spec §11.6): module scripts must be JavaScript, `WebAssembly.instantiateStreaming`
/// insists on `application/wasm`, and fonts have had their own top-level type since RFC 8081.
const OVERRIDES: &[(&str, &str)] = &[
    ("js", "text/javascript"),
    ("mjs", "text/javascript"),
    ("cjs", "text/javascript"),
    ("wasm", "application/wasm"),
    ("woff", "font/woff"),
    ("woff2", "font/woff2"),
    ("ttf", "font/ttf"),
    ("otf", "font/otf"),
    ("webmanifest", "application/manifest+json"),
    ("json", "application/json"),
    ("map", "application/json"),
    ("svg", "image/svg+xml"),
    ("avif", "image/avif"),
    ("webp", "image/webp"),
    ("ico", "image/x-icon"),
    ("txt", "text/plain"),
    ("md", "text/markdown"),
    ("xml", "application/xml"),
];

const UNKNOWN: &str = "application/octet-stream";

/// The content type for the site path `path`, from its extension (case-insensitive). Text
/// types (and JavaScript and JSON, which are text) say `charset=utf-8`, as spec §11.6 asks;
/// a file without a known extension is `application/octet-stream`.
pub fn content_type(path: &str) -> String {
    let file_name = path.rsplit('/').next().unwrap_or(path);
    let Some((stem, extension)) = file_name.rsplit_once('.') else {
        return UNKNOWN.to_owned();
    };
    // `.htaccess` is a name, not an extension.
    if stem.is_empty() {
        return UNKNOWN.to_owned();
    }
    let extension = extension.to_ascii_lowercase();
    let essence = OVERRIDES
        .iter()
        .find(|(known, _)| *known == extension)
        .map(|(_, essence)| (*essence).to_owned())
        .or_else(|| {
            mime_guess::from_ext(&extension)
                .first()
                .map(|mime| mime.essence_str().to_owned())
        })
        .unwrap_or_else(|| UNKNOWN.to_owned());
    if is_text(&essence) {
        format!("{essence}; charset=utf-8")
    } else {
        essence
    }
}

fn is_text(essence: &str) -> bool {
    essence.starts_with("text/")
        || matches!(
            essence,
            "application/javascript" | "application/json" | "application/xml"
        )
        || essence.ends_with("+json")
}

/// Whether a file of this type gains from gzip or brotli. Images, fonts in WOFF (already
/// compressed), archives, audio and video do not; text, JSON, SVG, WebAssembly and the old
/// uncompressed font formats do.
pub(crate) fn is_compressible(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or(content_type).trim();
    is_text(essence)
        || matches!(
            essence,
            "image/svg+xml"
                | "image/x-icon"
                | "image/vnd.microsoft.icon"
                | "image/bmp"
                | "application/wasm"
                | "application/xhtml+xml"
                | "application/rss+xml"
                | "application/atom+xml"
                | "application/x-javascript"
                | "application/vnd.ms-fontobject"
                | "font/ttf"
                | "font/otf"
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_follow_the_extension_with_the_aws_pain_points_fixed() {
        let cases = [
            ("index.html", "text/html; charset=utf-8"),
            ("INDEX.HTM", "text/html; charset=utf-8"),
            ("assets/app.js", "text/javascript; charset=utf-8"),
            ("assets/app.mjs", "text/javascript; charset=utf-8"),
            ("assets/app.css", "text/css; charset=utf-8"),
            ("assets/app.js.map", "application/json; charset=utf-8"),
            ("data.json", "application/json; charset=utf-8"),
            ("site.webmanifest", "application/manifest+json; charset=utf-8"),
            ("app.wasm", "application/wasm"),
            ("font.woff2", "font/woff2"),
            ("font.woff", "font/woff"),
            ("logo.svg", "image/svg+xml"),
            ("photo.avif", "image/avif"),
            ("photo.webp", "image/webp"),
            ("photo.JPG", "image/jpeg"),
            ("image.png", "image/png"),
            ("favicon.ico", "image/x-icon"),
            ("robots.txt", "text/plain; charset=utf-8"),
            ("feed.xml", "application/xml; charset=utf-8"),
            ("doc.pdf", "application/pdf"),
            ("video.mp4", "video/mp4"),
            ("README", "application/octet-stream"),
            (".htaccess", "application/octet-stream"),
            ("file.unknownext", "application/octet-stream"),
            ("dir.d/file", "application/octet-stream"),
            ("trailing.", "application/octet-stream"),
        ];
        for (path, expected) in cases {
            assert_eq!(content_type(path), expected, "{path}");
        }
    }

    #[test]
    fn only_types_that_shrink_are_compressible() {
        for compressible in [
            "text/html; charset=utf-8",
            "text/javascript; charset=utf-8",
            "application/json; charset=utf-8",
            "application/manifest+json; charset=utf-8",
            "image/svg+xml",
            "application/wasm",
            "font/ttf",
        ] {
            assert!(is_compressible(compressible), "{compressible}");
        }
        for incompressible in [
            "image/png",
            "image/jpeg",
            "font/woff2",
            "application/zip",
            "video/mp4",
            UNKNOWN,
        ] {
            assert!(!is_compressible(incompressible), "{incompressible}");
        }
    }
}
