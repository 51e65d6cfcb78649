//! Archives that deploy: what the manifest holds, and reuse of the previous deploy's work.

use std::io::Write as _;

use ramp_blobs::Blobs;

use super::*;
use crate::{Encoded, SiteFile};

const HEADERS: &str =
    "customHeaders:\n  - pattern: '**'\n    headers:\n      - key: X-Frame-Options\n        value: DENY\n";

/// A small site as a Mac user would zip it: nested folders, several types, directory
/// entries, macOS metadata, Windows separators for one file, and custom headers.
fn site() -> Vec<u8> {
    archive(|zip| {
        zip.add_directory("assets/", stored()).unwrap();
        zip.add_directory("assets/js/", stored()).unwrap();
        for (name, content) in [
            ("index.html", page(1, 20_000)),
            ("assets/js/app.js", page(2, 50_000)),
            ("assets/js/app.mjs", page(3, 3000)),
            ("assets/site.css", page(4, 8000)),
            ("assets/logo.png", noise(5, 4000)),
            ("assets/app.wasm", noise(6, 4000)),
            ("assets/font.woff2", noise(7, 2000)),
            ("tiny.txt", b"small".to_vec()),
            ("assets\\data.json", page(8, 5000)),
            ("__MACOSX/._index.html", b"resource fork".to_vec()),
            ("assets/.DS_Store", b"finder".to_vec()),
            ("customHttp.yml", HEADERS.as_bytes().to_vec()),
        ] {
            zip.start_file(name, deflated()).unwrap();
            zip.write_all(&content).unwrap();
        }
    })
}

#[tokio::test]
async fn a_site_becomes_a_manifest_of_its_files() {
    let blobs = Blobs::in_memory();
    let ingested = ingest_with(&blobs, &site(), &IngestLimits::default(), None)
        .await
        .unwrap();
    let manifest = &ingested.manifest;
    let paths: Vec<&str> = manifest.files.keys().map(String::as_str).collect();
    assert_eq!(
        paths,
        [
            "assets/app.wasm",
            "assets/data.json",
            "assets/font.woff2",
            "assets/js/app.js",
            "assets/js/app.mjs",
            "assets/logo.png",
            "assets/site.css",
            "index.html",
            "tiny.txt",
        ]
    );
    assert_eq!(ingested.files, 9);
    assert_eq!(
        ingested.bytes,
        20_000 + 50_000 + 3000 + 8000 + 4000 + 4000 + 2000 + 5 + 5000
    );
    assert_eq!(manifest.custom_headers.as_deref(), Some(HEADERS));

    let types: Vec<(&str, &str)> = manifest
        .files
        .iter()
        .map(|(path, file)| (path.as_str(), file.content_type.as_str()))
        .collect();
    assert_eq!(
        types,
        [
            ("assets/app.wasm", "application/wasm"),
            ("assets/data.json", "application/json; charset=utf-8"),
            ("assets/font.woff2", "font/woff2"),
            ("assets/js/app.js", "text/javascript; charset=utf-8"),
            ("assets/js/app.mjs", "text/javascript; charset=utf-8"),
            ("assets/logo.png", "image/png"),
            ("assets/site.css", "text/css; charset=utf-8"),
            ("index.html", "text/html; charset=utf-8"),
            ("tiny.txt", "text/plain; charset=utf-8"),
        ]
    );
    assert!(
        ingested
            .log
            .iter()
            .any(|line| line.contains("Skipped 2 macOS metadata entries")),
        "{:?}",
        ingested.log
    );
    assert!(
        ingested.log.iter().any(|line| line.contains("customHttp.yml")),
        "{:?}",
        ingested.log
    );
}

#[tokio::test]
async fn stored_content_and_its_variants_read_back_as_the_original() {
    let blobs = Blobs::in_memory();
    let ingested = ingest_with(&blobs, &site(), &IngestLimits::default(), None)
        .await
        .unwrap();
    let index = &ingested.manifest.files["index.html"];
    let original = page(1, 20_000);
    assert_eq!(blobs.get(index.blob).await.unwrap().unwrap(), original);
    assert_eq!(index.size, 20_000);
    let gzip = index.gzip.expect("html is precompressed with gzip");
    let br = index.br.expect("html is precompressed with brotli");
    let gzip_bytes = blobs.get(gzip.blob).await.unwrap().unwrap();
    let br_bytes = blobs.get(br.blob).await.unwrap().unwrap();
    assert_eq!(gzip.size, gzip_bytes.len() as u64);
    assert_eq!(br.size, br_bytes.len() as u64);
    assert_eq!(gunzip(&gzip_bytes), original);
    assert_eq!(unbrotli(&br_bytes), original);
    assert!(br.size < gzip.size && gzip.size < index.size / 2, "{br:?} {gzip:?}");

    // Incompressible types, and files too small to matter, are served as they are.
    for path in ["assets/logo.png", "assets/app.wasm", "assets/font.woff2", "tiny.txt"] {
        let file = &ingested.manifest.files[path];
        assert_eq!((file.gzip, file.br), (None, None), "{path}");
    }
    // The custom headers file is not a blob of the deploy.
    let headers = ramp_blobs::Digest::of(HEADERS.as_bytes());
    assert!(ingested.manifest.blobs().all(|blob| blob != headers));
}

#[tokio::test]
async fn the_same_archive_again_reuses_the_previous_variants() {
    let blobs = Blobs::in_memory();
    let first = ingest_with(&blobs, &site(), &IngestLimits::default(), None)
        .await
        .unwrap();
    assert_eq!(first.reused, 0);

    // Plant a variant that compression would never produce: if it comes back, nothing was
    // compressed again.
    let mut previous = first.manifest.clone();
    let planted_content = blobs.put("planted".into()).await.unwrap();
    let planted = Encoded {
        blob: planted_content,
        size: 7,
    };
    previous.files.get_mut("index.html").unwrap().gzip = Some(planted);

    let again = ingest_with(&blobs, &site(), &IngestLimits::default(), Some(&previous))
        .await
        .unwrap();
    assert_eq!(again.reused, again.files);
    assert_eq!(again.manifest.files["index.html"].gzip, Some(planted));
    assert_eq!(
        again.manifest.files["assets/js/app.js"],
        first.manifest.files["assets/js/app.js"]
    );
    assert!(
        again.log.iter().any(|line| line.contains("9 unchanged files reused")),
        "{:?}",
        again.log
    );
}

#[tokio::test]
async fn reuse_is_skipped_for_blobs_that_are_gone_or_a_changed_type() {
    let blobs = Blobs::in_memory();
    let first = ingest_with(&blobs, &site(), &IngestLimits::default(), None)
        .await
        .unwrap();

    // The previous deploy's variants were collected meanwhile: they are made again.
    let index = first.manifest.files["index.html"].clone();
    let gzip = index.gzip.unwrap();
    blobs.delete(gzip.blob).await.unwrap();
    let again = ingest_with(&blobs, &site(), &IngestLimits::default(), Some(&first.manifest))
        .await
        .unwrap();
    assert_eq!(again.reused, again.files - 1);
    assert_eq!(again.manifest.files["index.html"], index);
    assert!(blobs.contains(gzip.blob).await.unwrap());

    // The same bytes under another extension get that extension's type.
    let renamed = archive_of(&[("index.txt", &page(1, 20_000))]);
    let moved = ingest_with(&blobs, &renamed, &IngestLimits::default(), Some(&first.manifest))
        .await
        .unwrap();
    let file: &SiteFile = &moved.manifest.files["index.txt"];
    assert_eq!(file.content_type, "text/plain; charset=utf-8");
    assert_eq!(moved.reused, 0);
}

#[tokio::test]
async fn a_wrapping_folder_is_deployed_as_is_with_a_warning() {
    let bytes = archive_of(&[("dist/index.html", b"<h1>hi</h1>"), ("dist/app.js", b"1")]);
    let ingested = ingest(&bytes).await.unwrap();
    assert!(ingested.manifest.files.contains_key("dist/index.html"));
    assert!(
        ingested
            .log
            .iter()
            .any(|line| line.starts_with("[WARNING]: The root has no index.html and one folder, `dist/`")),
        "{:?}",
        ingested.log
    );
}

#[tokio::test]
async fn stored_and_large_entries_round_trip() {
    // A stored (uncompressed) entry, and one bigger than the memory budget's chunking.
    let big = page(9, 3 << 20);
    let bytes = archive(|zip| {
        zip.start_file("raw.html", stored()).unwrap();
        zip.write_all(b"<p>raw</p>").unwrap();
        zip.start_file("big.js", deflated()).unwrap();
        zip.write_all(&big).unwrap();
    });
    let blobs = Blobs::in_memory();
    let ingested = ingest_with(&blobs, &bytes, &IngestLimits::default(), None)
        .await
        .unwrap();
    let raw = &ingested.manifest.files["raw.html"];
    assert_eq!(blobs.get(raw.blob).await.unwrap().unwrap(), &b"<p>raw</p>"[..]);
    let stored_big = &ingested.manifest.files["big.js"];
    assert_eq!(blobs.get(stored_big.blob).await.unwrap().unwrap(), big);
}
