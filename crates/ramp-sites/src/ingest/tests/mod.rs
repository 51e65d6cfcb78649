//! Ingest tests: archives are built here with the `zip` crate's writer (and patched byte by
//! byte where the writer refuses to make something hostile).

mod bench;
mod files;
mod good;
mod malicious;

use std::io::{Cursor, Read as _, Write as _};

use ramp_blobs::Blobs;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use super::{IngestError, IngestLimits, Ingested, ingest_zip};
use crate::Manifest;

type Writer = ZipWriter<Cursor<Vec<u8>>>;

fn deflated() -> SimpleFileOptions {
    SimpleFileOptions::default().compression_method(CompressionMethod::Deflated)
}

fn stored() -> SimpleFileOptions {
    SimpleFileOptions::default().compression_method(CompressionMethod::Stored)
}

/// An archive made by `build`.
fn archive(build: impl FnOnce(&mut Writer)) -> Vec<u8> {
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    build(&mut writer);
    writer.finish().unwrap().into_inner()
}

/// An archive of `(name, content)` files, deflated.
fn archive_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    archive(|zip| {
        for (name, content) in files {
            zip.start_file(*name, deflated()).unwrap();
            zip.write_all(content).unwrap();
        }
    })
}

/// Ingests `bytes` as an uploaded archive into a fresh in-memory store.
async fn ingest(bytes: &[u8]) -> Result<Ingested, IngestError> {
    ingest_with(&Blobs::in_memory(), bytes, &IngestLimits::default(), None).await
}

async fn ingest_with(
    blobs: &Blobs,
    bytes: &[u8],
    limits: &IngestLimits,
    reuse: Option<&Manifest>,
) -> Result<Ingested, IngestError> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("artifacts.zip");
    std::fs::write(&path, bytes).unwrap();
    ingest_zip(blobs, &path, limits, reuse).await
}

const LOCAL_HEADER: &[u8] = b"PK\x03\x04";
const CENTRAL_HEADER: &[u8] = b"PK\x01\x02";

/// Rewrites the little-endian u16 at `offset` after every `signature` (the test archives hold
/// text that never contains one).
fn patch_u16(bytes: &mut [u8], signature: &[u8], offset: usize, patch: impl Fn(u16) -> u16) {
    let starts: Vec<usize> = bytes
        .windows(signature.len())
        .enumerate()
        .filter(|(_, window)| *window == signature)
        .map(|(start, _)| start)
        .collect();
    assert!(!starts.is_empty(), "no header to patch");
    for start in starts {
        let field = start + offset;
        let value = u16::from_le_bytes([bytes[field], bytes[field + 1]]);
        bytes[field..field + 2].copy_from_slice(&patch(value).to_le_bytes());
    }
}

/// Sets the general-purpose flags (bit 0: encrypted) in every local and central header.
fn patch_flags(bytes: &mut [u8], patch: impl Fn(u16) -> u16 + Copy) {
    patch_u16(bytes, LOCAL_HEADER, 6, patch);
    patch_u16(bytes, CENTRAL_HEADER, 8, patch);
}

/// Sets the compression method in every local and central header.
fn patch_method(bytes: &mut [u8], method: u16) {
    patch_u16(bytes, LOCAL_HEADER, 8, |_| method);
    patch_u16(bytes, CENTRAL_HEADER, 10, |_| method);
}

/// Replaces every occurrence of `from` with `to` (same length), names included.
fn patch_bytes(bytes: &mut [u8], from: &[u8], to: &[u8]) {
    assert_eq!(from.len(), to.len());
    let mut found = false;
    for start in 0..=bytes.len() - from.len() {
        if &bytes[start..start + from.len()] == from {
            bytes[start..start + from.len()].copy_from_slice(to);
            found = true;
        }
    }
    assert!(found, "nothing to patch");
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes).read_to_end(&mut out).unwrap();
    out
}

fn unbrotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli::Decompressor::new(bytes, 4096).read_to_end(&mut out).unwrap();
    out
}

/// Text that compresses like real pages do (about 4:1), `bytes` long.
fn page(seed: u32, bytes: usize) -> Vec<u8> {
    const WORDS: &[&str] = &[
        "<div class=\"card\">",
        "</div>",
        "<p>",
        "</p>",
        "deploy",
        "static",
        "amplify",
        "branch",
        "function",
        "const",
        "return",
        "=>",
        "{",
        "}",
        "var(--accent)",
        "margin: 0 auto;",
        "hosting",
        "the",
        "a",
        "of",
        "<a href=\"/docs/",
        "\">",
        "</a>",
        "import",
        "export default",
        "padding: 1rem;",
        "window",
        "document",
    ];
    let mut state = seed.max(1);
    let mut out = Vec::with_capacity(bytes + 32);
    while out.len() < bytes {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let word = WORDS[state as usize % WORDS.len()];
        out.extend_from_slice(word.as_bytes());
        // Numbers keep the text from being too repetitive.
        out.extend_from_slice(format!(" {} ", state % 1000).as_bytes());
    }
    out.truncate(bytes);
    out
}

/// Bytes that do not compress, `bytes` long.
fn noise(seed: u64, bytes: usize) -> Vec<u8> {
    let mut state = seed.max(1);
    let mut out = Vec::with_capacity(bytes + 8);
    while out.len() < bytes {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        out.extend_from_slice(&state.to_le_bytes());
    }
    out.truncate(bytes);
    out
}
