//! The per-file upload style: files already stored by the upload handler.

use ramp_blobs::{Blobs, Digest};

use super::*;
use crate::Encoded;
use crate::ingest::{UploadedFile, ingest_files};

/// Stores each `(key, content)` as the upload handler would and describes the uploads.
async fn upload(blobs: &Blobs, files: &[(&str, Vec<u8>)]) -> Vec<UploadedFile> {
    let mut uploads = Vec::new();
    for (key, content) in files {
        let blob = blobs.put(content.clone().into()).await.unwrap();
        uploads.push(UploadedFile {
            path: (*key).to_owned(),
            blob,
            size: content.len() as u64,
        });
    }
    uploads
}

fn site() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("index.html", page(1, 10_000)),
        ("/assets/app.js", page(2, 10_000)),
        ("assets\\logo.png", noise(3, 3000)),
        ("customHeaders.yaml", b"customHeaders: []\n".to_vec()),
        (".DS_Store", b"finder".to_vec()),
    ]
}

#[tokio::test]
async fn uploaded_files_become_a_manifest_with_variants() {
    let blobs = Blobs::in_memory();
    let mut files = site();
    // A leading slash is refused in a key like in an entry name.
    files.retain(|(key, _)| !key.starts_with('/'));
    files.push(("assets/app.js", page(2, 10_000)));
    let uploads = upload(&blobs, &files).await;
    let ingested = ingest_files(&blobs, uploads, &IngestLimits::default(), None)
        .await
        .unwrap();
    let manifest = &ingested.manifest;
    assert_eq!(
        manifest.files.keys().collect::<Vec<_>>(),
        ["assets/app.js", "assets/logo.png", "index.html"]
    );
    assert_eq!(manifest.custom_headers.as_deref(), Some("customHeaders: []\n"));
    let app = &manifest.files["assets/app.js"];
    assert_eq!(app.content_type, "text/javascript; charset=utf-8");
    assert_eq!(app.blob, Digest::of(&page(2, 10_000)));
    let br = blobs.get(app.br.unwrap().blob).await.unwrap().unwrap();
    assert_eq!(unbrotli(&br), page(2, 10_000));
    let gzip = blobs.get(app.gzip.unwrap().blob).await.unwrap().unwrap();
    assert_eq!(gunzip(&gzip), page(2, 10_000));
    assert_eq!(manifest.files["assets/logo.png"].gzip, None);
    assert_eq!(ingested.files, 3);
}

#[tokio::test]
async fn bad_keys_missing_uploads_and_limits_are_refused() {
    let blobs = Blobs::in_memory();
    let uploads = upload(&blobs, &site()).await;
    let error = ingest_files(&blobs, uploads, &IngestLimits::default(), None)
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "fileMap key `/assets/app.js` is an absolute path; paths must be relative to the site root"
    );

    let uploads = upload(&blobs, &[("../x.html", b"x".to_vec())]).await;
    let error = ingest_files(&blobs, uploads, &IngestLimits::default(), None)
        .await
        .unwrap_err();
    assert_eq!(error.to_string(), "fileMap key `../x.html` escapes the site root");

    let uploads = upload(&blobs, &[("a.html", b"x".to_vec()), ("./a.html", b"y".to_vec())]).await;
    let error = ingest_files(&blobs, uploads, &IngestLimits::default(), None)
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "the file map holds `./a.html` twice (first as `a.html`)"
    );

    let missing = vec![UploadedFile {
        path: "index.html".to_owned(),
        blob: Digest::of(b"never uploaded"),
        size: 14,
    }];
    let error = ingest_files(&blobs, missing, &IngestLimits::default(), None)
        .await
        .unwrap_err();
    assert_eq!(error.to_string(), "the upload for `index.html` is missing");

    let mut wrong_size = upload(&blobs, &[("index.html", page(1, 5000))]).await;
    wrong_size[0].size = 4000;
    let error = ingest_files(&blobs, wrong_size, &IngestLimits::default(), None)
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "the upload for `index.html` is 5000 bytes, not the 4000 declared"
    );

    let uploads = upload(&blobs, &[("a.html", page(1, 600)), ("b.html", page(2, 600))]).await;
    let limits = IngestLimits {
        max_files: 1,
        ..IngestLimits::default()
    };
    let error = ingest_files(&blobs, uploads.clone(), &limits, None).await.unwrap_err();
    assert_eq!(error.to_string(), "the file map holds 2 files; the limit is 1");
    let limits = IngestLimits {
        max_total_bytes: 1000,
        ..IngestLimits::default()
    };
    let error = ingest_files(&blobs, uploads.clone(), &limits, None).await.unwrap_err();
    assert!(matches!(error, IngestError::TotalTooLarge { limit: 1000 }), "{error}");
    let limits = IngestLimits {
        max_file_bytes: 500,
        ..IngestLimits::default()
    };
    let error = ingest_files(&blobs, uploads, &limits, None).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "fileMap key `a.html` is larger than the single-file limit of 500 bytes"
    );

    let error = ingest_files(&blobs, Vec::new(), &IngestLimits::default(), None)
        .await
        .unwrap_err();
    assert_eq!(error.to_string(), "the file map holds no files to deploy");
}

#[tokio::test]
async fn unchanged_uploads_reuse_the_previous_variants() {
    let blobs = Blobs::in_memory();
    let files = [("index.html", page(1, 10_000)), ("app.css", page(2, 10_000))];
    let first = ingest_files(&blobs, upload(&blobs, &files).await, &IngestLimits::default(), None)
        .await
        .unwrap();
    assert_eq!(first.reused, 0);
    let mut previous = first.manifest.clone();
    let planted = Encoded {
        blob: blobs.put("planted".into()).await.unwrap(),
        size: 7,
    };
    previous.files.get_mut("app.css").unwrap().br = Some(planted);
    let again = ingest_files(
        &blobs,
        upload(&blobs, &files).await,
        &IngestLimits::default(),
        Some(&previous),
    )
    .await
    .unwrap();
    assert_eq!(again.reused, 2);
    assert_eq!(again.manifest.files["app.css"].br, Some(planted));
}
