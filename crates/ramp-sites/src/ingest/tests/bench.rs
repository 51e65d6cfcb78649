//! A measurement, not a test: a realistic 10,000-file, ~100 MB zip ingested into a directory
//! store, first deploy and again with reuse. Run it in release mode:
//! `cargo test --release -p ramp-sites -- --ignored --nocapture measure_`.
//! It reads the wall clock (std `Instant`) only to report figures; it asserts nothing timed.

use std::io::Write as _;
use std::time::Instant;

use ramp_blobs::{BlobLocation, Blobs, S3Options};

use super::*;

const TEXT_FILES: u32 = 9_000;
const BINARY_FILES: u32 = 1_000;

/// 9,000 text files (HTML, JS, CSS, JSON; 1–15 KB, ~63 MB) and 1,000 incompressible binaries
/// (images and fonts, 10–65 KB, ~37 MB) in nested folders.
fn realistic_site() -> Vec<u8> {
    archive(|zip| {
        for i in 0..TEXT_FILES {
            let extension = ["html", "js", "css", "json"][i as usize % 4];
            let size = 1000 + (i as usize * 7919) % 14_000;
            let name = format!("section{}/page{}/file{i}.{extension}", i % 20, i % 97);
            zip.start_file(name, deflated()).unwrap();
            zip.write_all(&page(i + 1, size)).unwrap();
        }
        for i in 0..BINARY_FILES {
            let extension = ["png", "jpg", "woff2", "webp"][i as usize % 4];
            let size = 10_000 + (i as usize * 104_729) % 55_000;
            zip.start_file(format!("media/{}/asset{i}.{extension}", i % 10), stored())
                .unwrap();
            zip.write_all(&noise(u64::from(i) + 1, size)).unwrap();
        }
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement; run in release mode with --ignored --nocapture"]
async fn measure_a_realistic_deploy() {
    let bytes = realistic_site();
    let dir = tempfile::tempdir().unwrap();
    let blobs = Blobs::open(
        &BlobLocation::Directory(dir.path().join("blobs")),
        &S3Options::default(),
    )
    .await
    .unwrap();
    let limits = IngestLimits::default();

    let started = Instant::now();
    let first = ingest_with(&blobs, &bytes, &limits, None).await.unwrap();
    let first_time = started.elapsed();

    let started = Instant::now();
    let again = ingest_with(&blobs, &bytes, &limits, Some(&first.manifest))
        .await
        .unwrap();
    let again_time = started.elapsed();

    let variants = first.manifest.files.values().filter(|file| file.br.is_some()).count();
    let (plain, gzip, br) = first
        .manifest
        .files
        .values()
        .fold((0, 0, 0), |(plain, gzip, br), file| {
            (
                plain + file.size,
                gzip + file.gzip.map_or(file.size, |e| e.size),
                br + file.br.map_or(file.size, |e| e.size),
            )
        });
    println!(
        "archive {} bytes, {} files, {} bytes inflated; {variants} files precompressed; \
         served bytes: identity {plain}, gzip {gzip}, brotli {br}",
        bytes.len(),
        first.files,
        first.bytes
    );
    println!(
        "first deploy: {first_time:?}; same archive with reuse: {again_time:?} ({} reused)",
        again.reused
    );
    assert_eq!(first.files, u64::from(TEXT_FILES + BINARY_FILES));
    assert_eq!(again.reused, first.files);
    assert_eq!(again.manifest, first.manifest);
}
