//! Precompression at deploy time (spec amplify.md §8.7): each compressible file gets its gzip
//! and brotli variants once, so serving never compresses per request.

use std::io::Write as _;
use std::panic::AssertUnwindSafe;

use bytes::Bytes;
use flate2::Compression;
use flate2::write::GzEncoder;

use super::IngestError;
use super::content_type::is_compressible;

/// Smaller files are served as they are: a few hundred bytes saved do not pay for the lookups.
const MIN_BYTES: usize = 1024;
/// Larger files are served as they are: compressing one would hold the deploy for seconds.
const MAX_BYTES: usize = 64 << 20;
/// zlib's default level: within a few percent of level 9 at several times the speed.
const GZIP_LEVEL: u32 = 6;
/// Measured on 8 KB web-like text with this crate (release, one core): quality 4 makes 32 MB/s
/// at a better ratio than gzip 6 (56 MB/s); quality 5 and up drop to 9 MB/s or less, and 11
/// (the usual "static" setting) is far slower still, which the deploy time budget (a 10,000
/// file, 100 MB zip in seconds) cannot afford.
const BROTLI_QUALITY: i32 = 4;
/// The window never exceeds the default 4 MiB, and shrinks to fit the file: the encoder sizes
/// its tables by the window, and a 4 MiB window on an 8 KB file made brotli 3 times slower.
const BROTLI_MAX_WINDOW_BITS: u32 = 22;
const BROTLI_MIN_WINDOW_BITS: u32 = 10;

/// The precompressed forms of one file; `None` where the type does not compress, the file is
/// outside the sizes above, or the variant would not be meaningfully smaller.
#[derive(Debug, Default)]
pub(crate) struct Variants {
    pub gzip: Option<Bytes>,
    pub br: Option<Bytes>,
}

/// Compresses `content` (served as `content_type`) with gzip and brotli.
pub(crate) fn precompress(content: &[u8], content_type: &str) -> Variants {
    if !is_compressible(content_type) || !(MIN_BYTES..=MAX_BYTES).contains(&content.len()) {
        return Variants::default();
    }
    Variants {
        gzip: gzip(content).filter(|gzip| worth_keeping(content.len(), gzip.len())),
        br: brotli(content).filter(|br| worth_keeping(content.len(), br.len())),
    }
}

/// A variant is kept when it saves at least a tenth: less is not worth a second blob and the
/// `Vary` bookkeeping.
fn worth_keeping(original: usize, compressed: usize) -> bool {
    compressed <= original - original / 10
}

fn gzip(content: &[u8]) -> Option<Bytes> {
    let mut encoder = GzEncoder::new(Vec::with_capacity(content.len() / 3), Compression::new(GZIP_LEVEL));
    // Writing to a Vec cannot fail; a failure only means "no variant".
    encoder.write_all(content).ok()?;
    encoder.finish().ok().map(Bytes::from)
}

fn brotli(content: &[u8]) -> Option<Bytes> {
    let fitting = usize::BITS - content.len().leading_zeros();
    let window_bits = fitting.clamp(BROTLI_MIN_WINDOW_BITS, BROTLI_MAX_WINDOW_BITS);
    let params = brotli::enc::BrotliEncoderParams {
        quality: BROTLI_QUALITY,
        lgwin: i32::try_from(window_bits).unwrap_or(22),
        size_hint: content.len(),
        ..brotli::enc::BrotliEncoderParams::default()
    };
    let mut out = Vec::with_capacity(content.len() / 3);
    brotli::enc::BrotliCompress(&mut &content[..], &mut out, &params).ok()?;
    Some(Bytes::from(out))
}

/// Runs CPU-bound `work` on rayon's pool (one thread per core) and waits for it without
/// blocking the async runtime. A panic in `work` becomes an error, not an abort.
pub(crate) async fn on_cpu<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, IngestError> {
    let (done, result) = tokio::sync::oneshot::channel();
    rayon::spawn(move || {
        let outcome = std::panic::catch_unwind(AssertUnwindSafe(work));
        // The receiver is gone only when the ingest was abandoned.
        let _ = done.send(outcome);
    });
    match result.await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(_)) => Err(IngestError::Internal("a compression task panicked".to_owned())),
        Err(_) => Err(IngestError::Internal("a compression task was lost".to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read as _;

    use super::*;

    fn text(bytes: usize) -> Vec<u8> {
        "<p>The quick brown fox jumps over the lazy dog.</p>\n"
            .bytes()
            .cycle()
            .take(bytes)
            .collect()
    }

    #[test]
    fn compressible_text_gets_both_variants_that_decompress_to_the_original() {
        let page = text(10_000);
        let variants = precompress(&page, "text/html; charset=utf-8");
        let gzip = variants.gzip.expect("gzip variant");
        let br = variants.br.expect("brotli variant");
        let mut unzipped = Vec::new();
        flate2::read::GzDecoder::new(&gzip[..])
            .read_to_end(&mut unzipped)
            .unwrap();
        assert_eq!(unzipped, page);
        let mut unbrotlied = Vec::new();
        brotli::Decompressor::new(&br[..], 4096)
            .read_to_end(&mut unbrotlied)
            .unwrap();
        assert_eq!(unbrotlied, page);
    }

    #[test]
    fn small_incompressible_or_binary_files_get_none() {
        assert!(precompress(&text(1000), "text/html; charset=utf-8").gzip.is_none());
        assert!(precompress(&text(10_000), "image/png").br.is_none());
        // Pseudo-random bytes do not shrink by a tenth.
        let mut state = 1u32;
        let noise: Vec<u8> = (0..10_000)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                state.to_le_bytes()[0]
            })
            .collect();
        let variants = precompress(&noise, "application/wasm");
        assert!(variants.gzip.is_none() && variants.br.is_none());
    }

    #[tokio::test]
    async fn a_panic_on_the_pool_is_an_error() {
        assert_eq!(on_cpu(|| 2 + 2).await.unwrap(), 4);
        let error = on_cpu(|| -> u32 { panic!("boom") }).await.unwrap_err();
        assert!(matches!(error, IngestError::Internal(_)), "{error}");
    }
}
