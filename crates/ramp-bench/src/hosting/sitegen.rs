//! Deterministic web sites to deploy: every byte follows from a seed (ChaCha8, portable), so
//! every run deploys the same archive.
//!
//! A generated site mixes what a built front end holds: HTML pages, JavaScript chunks, CSS,
//! JSON data (text of ordinary compressibility, words from a small vocabulary inside each type's
//! syntax) and images and fonts (random bytes: incompressible, as PNG, JPEG and WOFF2 are).

use std::io::Write as _;

use anyhow::Context;
use bytes::Bytes;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use zip::CompressionMethod;
use zip::write::SimpleFileOptions;

/// Share of files that are binaries, and share of the bytes they carry.
const BINARY_FILES_PERCENT: usize = 8;
const BINARY_BYTES_PERCENT: usize = 50;
/// Words of the generated text: about the variety of minified code and prose.
const VOCABULARY: usize = 600;

/// One file of a site.
pub struct SiteFile {
    pub path: String,
    pub content: Vec<u8>,
}

/// A site of `count` files totalling about `total_bytes` (± a few percent), with `index.html`
/// at its root.
pub fn generate(seed: u64, count: usize, total_bytes: usize) -> Vec<SiteFile> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let words = vocabulary(&mut rng);
    let binaries = (count * BINARY_FILES_PERCENT / 100).max(1);
    let texts = count.saturating_sub(binaries).max(1);
    let mean_binary = total_bytes * BINARY_BYTES_PERCENT / 100 / binaries;
    let mean_text = total_bytes * (100 - BINARY_BYTES_PERCENT) / 100 / texts;
    (0..count)
        .map(|i| {
            // Binaries spread evenly through the site, the rest cycling through the text types.
            if i > 0 && i % (count / binaries).max(1) == 0 {
                let size = rng.random_range(mean_binary / 4..=mean_binary * 7 / 4);
                binary(&mut rng, i, size)
            } else {
                let size = rng.random_range(mean_text / 10..=mean_text * 19 / 10);
                if i == 0 {
                    let mut index = text(&mut rng, &words, Kind::Html, i, size);
                    index.path = "index.html".to_owned();
                    return index;
                }
                text(&mut rng, &words, Kind::ALL[i % Kind::ALL.len()], i, size)
            }
        })
        .collect()
}

/// The serving benchmark's two files: a page of `html_bytes` and a script of `js_bytes`.
pub fn page_and_script(seed: u64, html_bytes: usize, js_bytes: usize) -> [SiteFile; 2] {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let words = vocabulary(&mut rng);
    let mut page = text(&mut rng, &words, Kind::Html, 0, html_bytes);
    page.path = "index.html".to_owned();
    let mut script = text(&mut rng, &words, Kind::Js, 0, js_bytes);
    script.path = "assets/app.js".to_owned();
    [page, script]
}

/// The files as a zip, as `zip -r` makes one: text deflated, binaries stored (deflate would not
/// shrink them). Entry times are the zip default, so the archive is the same every run.
pub fn zip(files: &[SiteFile]) -> anyhow::Result<Bytes> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for file in files {
        let method = if is_binary(&file.path) {
            CompressionMethod::Stored
        } else {
            CompressionMethod::Deflated
        };
        writer
            .start_file(
                file.path.as_str(),
                SimpleFileOptions::default().compression_method(method),
            )
            .with_context(|| format!("adding {} to the zip", file.path))?;
        writer.write_all(&file.content)?;
    }
    Ok(Bytes::from(writer.finish()?.into_inner()))
}

#[derive(Clone, Copy)]
enum Kind {
    Html,
    Js,
    Css,
    Json,
}

impl Kind {
    const ALL: [Kind; 4] = [Kind::Html, Kind::Js, Kind::Css, Kind::Json];
}

fn vocabulary(rng: &mut ChaCha8Rng) -> Vec<String> {
    (0..VOCABULARY)
        .map(|_| {
            let len = rng.random_range(2..=10);
            (0..len).map(|_| char::from(rng.random_range(b'a'..=b'z'))).collect()
        })
        .collect()
}

/// A text file of about `size` bytes (at least `size`, cut at a line end).
fn text(rng: &mut ChaCha8Rng, words: &[String], kind: Kind, i: usize, size: usize) -> SiteFile {
    let mut word = || words[rng.random_range(0..words.len())].as_str();
    let mut out = String::with_capacity(size + 256);
    let (path, open, close) = match kind {
        Kind::Html => (
            format!("pages/{:02}/page-{i}.html", i % 50),
            "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Page</title>\n\
             <link rel=\"stylesheet\" href=\"/assets/css/site.css\"></head>\n<body>\n",
            "<script src=\"/assets/js/app.js\" defer></script>\n</body></html>\n",
        ),
        Kind::Js => (format!("assets/js/{:02}/chunk-{i}.js", i % 20), "\"use strict\";\n", ""),
        Kind::Css => (format!("assets/css/{:02}/style-{i}.css", i % 10), "", ""),
        Kind::Json => (format!("data/{:02}/item-{i}.json", i % 40), "[\n", "{}]\n"),
    };
    out.push_str(open);
    while out.len() + close.len() < size {
        let line = match kind {
            Kind::Html => format!(
                "<section class=\"{}\"><h2>{} {}</h2><p>{} {} {} {} {} {} {}.</p></section>\n",
                word(),
                word(),
                word(),
                word(),
                word(),
                word(),
                word(),
                word(),
                word(),
                word()
            ),
            Kind::Js => format!(
                "function {}_{}(e,t){{return e.{}(t.{},\"{}\")||{}.{}(t)}}\n",
                word(),
                out.len() % 997,
                word(),
                word(),
                word(),
                word(),
                word()
            ),
            Kind::Css => format!(
                ".{}-{} .{}{{margin:{}px;color:#{:06x};font-family:{}}}\n",
                word(),
                word(),
                word(),
                out.len() % 32,
                out.len() % 0xff_ffff,
                word()
            ),
            Kind::Json => format!(
                "{{\"id\":{},\"name\":\"{} {}\",\"tags\":[\"{}\",\"{}\"],\"text\":\"{} {} {}\"}},\n",
                out.len(),
                word(),
                word(),
                word(),
                word(),
                word(),
                word(),
                word()
            ),
        };
        out.push_str(&line);
    }
    out.push_str(close);
    SiteFile {
        path,
        content: out.into_bytes(),
    }
}

fn binary(rng: &mut ChaCha8Rng, i: usize, size: usize) -> SiteFile {
    let extension = ["png", "jpg", "woff2", "webp"][i % 4];
    let mut content = vec![0u8; size];
    rng.fill(content.as_mut_slice());
    SiteFile {
        path: format!("static/{:02}/asset-{i}.{extension}", i % 30),
        content,
    }
}

fn is_binary(path: &str) -> bool {
    [".png", ".jpg", ".woff2", ".webp"]
        .iter()
        .any(|ext| path.ends_with(ext))
}
