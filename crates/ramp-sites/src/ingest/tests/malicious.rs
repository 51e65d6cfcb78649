//! Hostile and broken archives: each is refused with a message that names the problem, and
//! nothing of it is published.

use std::io::Write as _;

use futures::TryStreamExt as _;
use ramp_blobs::Blobs;
use zip::System;

use super::*;
use crate::ingest::PathError;

/// Ingests `bytes` and returns the refusal, checking that the store stayed empty when the
/// refusal came from the central directory.
async fn refused(bytes: &[u8]) -> IngestError {
    refused_with(bytes, &IngestLimits::default()).await
}

async fn refused_with(bytes: &[u8], limits: &IngestLimits) -> IngestError {
    let blobs = Blobs::in_memory();
    let error = ingest_with(&blobs, bytes, limits, None)
        .await
        .expect_err("the archive must be refused");
    let stored: Vec<_> = blobs.list().try_collect().await.unwrap();
    assert!(stored.is_empty(), "{error}: {} blobs were stored", stored.len());
    error
}

#[tokio::test]
async fn zip_slip_and_absolute_names_are_refused() {
    let cases: [(&str, PathError); 6] = [
        ("../evil.html", PathError::EscapesRoot),
        ("assets/../../evil.html", PathError::EscapesRoot),
        ("..\\evil.html", PathError::EscapesRoot),
        ("/etc/passwd", PathError::Absolute),
        ("C:\\Windows\\evil.dll", PathError::DriveLetter),
        ("index.html\0.png", PathError::ControlCharacter('\0')),
    ];
    for (name, reason) in cases {
        let bytes = archive_of(&[("index.html", b"<h1>hi</h1>"), (name, b"pwned")]);
        let error = refused(&bytes).await;
        match &error {
            IngestError::Path { reason: actual, .. } => assert_eq!(actual, &reason, "{name:?}"),
            other => panic!("{name:?}: {other}"),
        }
    }
    let error = refused(&archive_of(&[("../x", b"x")])).await;
    assert_eq!(error.to_string(), "archive entry `../x` escapes the site root");
}

#[tokio::test]
async fn links_and_special_files_are_refused() {
    let bytes = archive(|zip| {
        zip.start_file("index.html", deflated()).unwrap();
        zip.write_all(b"hi").unwrap();
        zip.add_symlink("passwd.html", "/etc/passwd", deflated()).unwrap();
    });
    let error = refused(&bytes).await;
    assert_eq!(
        error.to_string(),
        "archive entry `passwd.html` is a symbolic link; links and special files are refused"
    );
    for (mode, kind) in [
        (0o010_644, "a named pipe"),
        (0o020_644, "a character device"),
        (0o060_644, "a block device"),
        (0o140_644, "a socket"),
    ] {
        let bytes = archive(|zip| {
            let options = stored().system(System::Unix).external_attributes(mode << 16);
            zip.start_file("special", options).unwrap();
        });
        match refused(&bytes).await {
            IngestError::SpecialFile { kind: actual, .. } => assert_eq!(actual, kind),
            other => panic!("mode {mode:o}: {other}"),
        }
    }
}

#[tokio::test]
async fn encrypted_entries_and_unknown_methods_are_refused() {
    let mut bytes = archive_of(&[("index.html", b"<h1>secret</h1>")]);
    patch_flags(&mut bytes, |flags| flags | 1);
    assert!(matches!(refused(&bytes).await, IngestError::Encrypted { .. }));

    let mut bytes = archive(|zip| {
        zip.start_file("index.html", stored()).unwrap();
        zip.write_all(b"<h1>bzip2?</h1>").unwrap();
    });
    patch_method(&mut bytes, 12);
    let error = refused(&bytes).await;
    assert_eq!(
        error.to_string(),
        "archive entry `index.html` is compressed with Bzip2; only stored, deflate and deflate64 entries are supported"
    );
}

#[tokio::test]
async fn a_zip_bomb_of_zeros_is_refused_by_its_ratio() {
    let zeros = vec![0u8; 8 << 20];
    let bytes = archive_of(&[("index.html", b"hi"), ("zeros.bin", &zeros)]);
    assert!(bytes.len() < 64 << 10, "the bomb is {} bytes", bytes.len());
    let error = refused(&bytes).await;
    assert_eq!(
        error.to_string(),
        "archive entry `zeros.bin` inflates beyond the ratio limit of 200:1"
    );
}

#[tokio::test]
async fn a_bomb_that_lies_about_its_size_is_refused_while_inflating() {
    let zeros = vec![0u8; 8 << 20];
    let mut bytes = archive_of(&[("zeros.bin", &zeros)]);
    // Declared uncompressed size (central offset 24, local offset 22): 8 MiB → 1000 bytes.
    let declared = (8u32 << 20).to_le_bytes();
    patch_bytes(&mut bytes, &declared, &1000u32.to_le_bytes());
    let blobs = Blobs::in_memory();
    let error = ingest_with(&blobs, &bytes, &IngestLimits::default(), None)
        .await
        .unwrap_err();
    // Whichever check fires first, no more than the declared bytes were ever produced.
    assert!(
        matches!(error, IngestError::Corrupt { .. } | IngestError::RatioExceeded { .. }),
        "{error}"
    );
}

#[tokio::test]
async fn overlapping_entries_are_refused() {
    // Two directory entries sharing one entry's data: the non-recursive bomb's trick.
    let bytes = archive(|zip| {
        zip.start_file("a.html", deflated()).unwrap();
        zip.write_all(&page(1, 10_000)).unwrap();
        zip.shallow_copy_file("a.html", "b.html").unwrap();
    });
    let error = refused(&bytes).await;
    assert_eq!(
        error.to_string(),
        "archive entries share their data (an overlapping zip bomb); refused"
    );
}

#[tokio::test]
async fn duplicate_names_are_refused() {
    let mut bytes = archive_of(&[("a.html", b"one"), ("b.html", b"two")]);
    patch_bytes(&mut bytes, b"b.html", b"a.html");
    assert!(matches!(refused(&bytes).await, IngestError::DuplicateInDirectory));

    let bytes = archive_of(&[("docs/a.html", b"one"), ("docs\\a.html", b"two")]);
    let error = refused(&bytes).await;
    assert_eq!(
        error.to_string(),
        "the archive holds `docs\\\\a.html` twice (first as `docs/a.html`)"
    );
}

#[tokio::test]
async fn every_limit_is_enforced() {
    let files: Vec<(String, Vec<u8>)> = (0..11).map(|i| (format!("f{i}.txt"), page(i, 100))).collect();
    let named: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(name, content)| (name.as_str(), content.as_slice()))
        .collect();
    let bytes = archive_of(&named);

    let few_files = IngestLimits {
        max_files: 10,
        ..IngestLimits::default()
    };
    let error = refused_with(&bytes, &few_files).await;
    assert_eq!(error.to_string(), "the archive holds 11 entries; the limit is 10");

    let few_bytes = IngestLimits {
        max_total_bytes: 1000,
        ..IngestLimits::default()
    };
    let error = refused_with(&bytes, &few_bytes).await;
    assert_eq!(
        error.to_string(),
        "the files add up to more than the total limit of 1000 bytes"
    );

    let small_files = IngestLimits {
        max_file_bytes: 99,
        ..IngestLimits::default()
    };
    let error = refused_with(&bytes, &small_files).await;
    assert_eq!(
        error.to_string(),
        "archive entry `f0.txt` is larger than the single-file limit of 99 bytes"
    );

    let small_archive = IngestLimits {
        max_archive_bytes: 100,
        ..IngestLimits::default()
    };
    let error = refused_with(&bytes, &small_archive).await;
    assert!(error.to_string().ends_with("; the limit is 100 bytes"), "{error}");

    let deep = format!("{}index.html", "d/".repeat(32));
    let error = refused(&archive_of(&[(&deep, b"deep")])).await;
    assert!(
        error.to_string().ends_with("is 33 segments deep; the limit is 32"),
        "{error}"
    );

    let long = format!("{}.html", "a".repeat(251));
    let error = refused(&archive_of(&[(&long, b"long")])).await;
    assert!(
        error.to_string().ends_with("is 256 bytes long; the limit is 255"),
        "{error}"
    );
}

#[tokio::test]
async fn what_is_not_a_zip_is_refused() {
    let error = refused(b"<html>not a zip</html>").await;
    assert!(error.to_string().starts_with("not a zip archive: "), "{error}");
    let error = refused(b"").await;
    assert!(matches!(error, IngestError::NotZip(_)), "{error}");
    // A truncated archive loses its central directory.
    let bytes = archive_of(&[("index.html", &page(1, 5000))]);
    let error = refused(&bytes[..bytes.len() / 2]).await;
    assert!(matches!(error, IngestError::NotZip(_)), "{error}");
}

#[tokio::test]
async fn an_archive_with_nothing_to_serve_is_refused() {
    assert_eq!(
        refused(&archive(|_| {})).await.to_string(),
        "the archive holds no files to deploy"
    );
    let only_junk = archive(|zip| {
        zip.add_directory("assets/", stored()).unwrap();
        zip.start_file("__MACOSX/._index.html", stored()).unwrap();
        zip.start_file(".DS_Store", stored()).unwrap();
    });
    assert!(matches!(refused(&only_junk).await, IngestError::Empty { .. }));
}

#[tokio::test]
async fn a_damaged_entry_is_named() {
    let mut bytes = archive(|zip| {
        zip.start_file("index.html", stored()).unwrap();
        zip.write_all(b"<h1>original</h1>").unwrap();
    });
    patch_bytes(&mut bytes, b"original", b"tampered");
    let error = ingest(&bytes).await.unwrap_err();
    assert!(
        error.to_string().starts_with("archive entry `index.html` is damaged: "),
        "{error}"
    );
}

#[tokio::test]
async fn custom_headers_must_be_text() {
    let bytes = archive_of(&[("index.html", b"hi"), ("customHttp.yml", &[0xff, 0xfe, 0x00])]);
    let error = ingest(&bytes).await.unwrap_err();
    assert_eq!(error.to_string(), "`customHttp.yml` (custom headers) is not UTF-8 text");
}
