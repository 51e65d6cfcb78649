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

/// Runs `work`, returning its output, wall time and the CPU seconds this process used (all
/// threads: runtime, blocking pool, rayon), from `/proc/self/stat`; the machine is shared, so
/// CPU time is the steadier figure.
async fn timed<T>(work: impl std::future::Future<Output = T>) -> (T, std::time::Duration, f64) {
    let cpu_before = process_cpu_seconds();
    let started = Instant::now();
    let output = work.await;
    (output, started.elapsed(), process_cpu_seconds() - cpu_before)
}

fn process_cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // After the command name (which ends with ')') come the state (a letter, dropped by the
    // parse) and numbers from field 4 (ppid) on: utime (field 14) is index 10, stime index 11.
    // Clock ticks are 100 a second on Linux.
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<f64> = after_name
        .split_whitespace()
        .filter_map(|field| field.parse().ok())
        .collect();
    let ticks = fields.get(10).copied().unwrap_or(0.0) + fields.get(11).copied().unwrap_or(0.0);
    ticks / 100.0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement; run in release mode with --ignored --nocapture"]
async fn measure_a_realistic_deploy() {
    let bytes = realistic_site();
    let limits = IngestLimits::default();

    let (in_memory, wall, cpu) = timed(ingest_with(&Blobs::in_memory(), &bytes, &limits, None)).await;
    println!("first deploy into memory (no disk writes): {wall:?} wall, {cpu:.2} s CPU");
    drop(in_memory);

    let dir = tempfile::tempdir().unwrap();
    let location = BlobLocation::Directory(dir.path().join("blobs"));
    let blobs = Blobs::open(&location, &S3Options::default()).await.unwrap();
    let (first, first_time, first_cpu) = timed(ingest_with(&blobs, &bytes, &limits, None)).await;
    let first = first.unwrap();
    let (again, again_time, again_cpu) = timed(ingest_with(&blobs, &bytes, &limits, Some(&first.manifest))).await;
    let again = again.unwrap();
    println!("into a directory: first deploy {first_time:?} wall, {first_cpu:.2} s CPU");
    println!("again with reuse: {again_time:?} wall, {again_cpu:.2} s CPU");

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
    assert_eq!(first.files, u64::from(TEXT_FILES + BINARY_FILES));
    assert_eq!(again.reused, first.files);
    assert_eq!(again.manifest, first.manifest);
}

/// Throughput and ratio of the candidate gzip levels and brotli qualities on 8 KB web-like
/// text, the figures behind the choices in `compress.rs`.
#[test]
#[ignore = "a measurement; run in release mode with --ignored --nocapture"]
fn measure_compression_levels() {
    use std::io::Write as _;
    let text: Vec<u8> = (0..2000).flat_map(|i| page(i + 1, 8000)).collect();
    let megabytes = text.len() as f64 / 1e6;
    let report = |what: String, started: Instant, compressed: usize| {
        let speed = megabytes / started.elapsed().as_secs_f64();
        println!(
            "{what}: {speed:.0} MB/s, ratio {:.2}",
            text.len() as f64 / compressed as f64
        );
    };
    let started = Instant::now();
    let _ = ramp_blobs::Digest::of(&text);
    report("sha256".to_owned(), started, text.len());
    for level in [1, 6, 9] {
        let started = Instant::now();
        let mut compressed = 0;
        for chunk in text.chunks(8000) {
            let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(level));
            encoder.write_all(chunk).unwrap();
            compressed += encoder.finish().unwrap().len();
        }
        report(format!("gzip {level}"), started, compressed);
    }
    for (quality, fitted_window) in [(3, true), (4, true), (5, true), (4, false), (5, false)] {
        let started = Instant::now();
        let mut compressed = 0;
        for chunk in text.chunks(8000) {
            let window_bits = if fitted_window {
                (usize::BITS - chunk.len().leading_zeros()).clamp(10, 22)
            } else {
                22
            };
            let params = brotli::enc::BrotliEncoderParams {
                quality,
                lgwin: window_bits as i32,
                size_hint: chunk.len(),
                ..Default::default()
            };
            let mut out = Vec::new();
            brotli::enc::BrotliCompress(&mut &chunk[..], &mut out, &params).unwrap();
            compressed += out.len();
        }
        report(
            format!("brotli {quality}, window fitted: {fitted_window}"),
            started,
            compressed,
        );
    }
}

/// How much of a deploy is the directory store itself: 28,000 small puts (the blob count of
/// the realistic deploy: files plus variants), 32 at a time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement; run in release mode with --ignored --nocapture"]
async fn measure_directory_puts() {
    use futures::StreamExt as _;
    let dir = tempfile::tempdir().unwrap();
    let location = BlobLocation::Directory(dir.path().join("blobs"));
    let blobs = Blobs::open(&location, &S3Options::default()).await.unwrap();
    let contents: Vec<bytes::Bytes> = (0..28_000).map(|i| noise(i + 1, 3000).into()).collect();
    let (_, wall, cpu) = timed(
        futures::stream::iter(contents)
            .map(|content| blobs.put(content))
            .buffer_unordered(32)
            .for_each(|result| {
                result.unwrap();
                futures::future::ready(())
            }),
    )
    .await;
    println!("28,000 puts of 3 KB into a directory store: {wall:?} wall, {cpu:.2} s CPU");
}
