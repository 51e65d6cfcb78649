//! The local directory backend end to end, on a temporary directory. The S3 backend runs the
//! same operations against moto in `tests/s3.rs`.

use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};

use bytes::Bytes;
use futures::TryStreamExt as _;

use crate::{BlobLocation, Blobs, Digest, Error, S3Options};

async fn open(dir: &Path) -> Blobs {
    Blobs::open(&BlobLocation::Directory(dir.to_owned()), &S3Options::default())
        .await
        .unwrap()
}

/// Where the local backend keeps the blob named `digest` (the documented key layout).
fn file_of(dir: &Path, digest: Digest) -> PathBuf {
    let hex = digest.to_hex();
    dir.join("sha256").join(&hex[..2]).join(&hex[2..])
}

async fn listed(blobs: &Blobs) -> Vec<Digest> {
    blobs.list().try_collect().await.unwrap()
}

#[tokio::test]
async fn round_trip_stores_content_once_under_its_sha256() {
    let dir = tempfile::tempdir().unwrap();
    let blobs = open(dir.path()).await;
    let content = Bytes::from_static(b"<h1>hello</h1>");

    let digest = blobs.put(content.clone()).await.unwrap();
    assert_eq!(digest, Digest::of(&content));
    let file = file_of(dir.path(), digest);
    assert_eq!(std::fs::read(&file).unwrap(), content);
    let first_write = std::fs::metadata(&file).unwrap();

    // A second put of the same content leaves the object alone: a rewrite would replace the
    // file (object_store writes a temporary file and renames it) and change its inode.
    assert_eq!(blobs.put(content.clone()).await.unwrap(), digest);
    let after_second_put = std::fs::metadata(&file).unwrap();
    assert_eq!(
        (after_second_put.ino(), after_second_put.mtime_nsec()),
        (first_write.ino(), first_write.mtime_nsec())
    );
    assert_eq!(listed(&blobs).await, vec![digest]);

    assert_eq!(blobs.get(digest).await.unwrap(), Some(content));
    assert!(blobs.contains(digest).await.unwrap());
}

#[tokio::test]
async fn missing_content_is_none_and_deleting_it_succeeds() {
    let dir = tempfile::tempdir().unwrap();
    let blobs = open(dir.path()).await;
    let digest = blobs.put(Bytes::from_static(b"body {}")).await.unwrap();
    let absent = Digest::of(b"never stored");

    assert_eq!(blobs.get(absent).await.unwrap(), None);
    assert!(!blobs.contains(absent).await.unwrap());
    blobs.delete(absent).await.unwrap();

    blobs.delete(digest).await.unwrap();
    assert!(!blobs.contains(digest).await.unwrap());
    assert_eq!(blobs.get(digest).await.unwrap(), None);
    assert!(!file_of(dir.path(), digest).exists());
    blobs.delete(digest).await.unwrap();
    assert_eq!(listed(&blobs).await, vec![]);
}

#[tokio::test]
async fn corrupt_content_on_disk_is_an_error_and_never_returned() {
    let dir = tempfile::tempdir().unwrap();
    let blobs = open(dir.path()).await;
    let content = Bytes::from_static(b"console.log('app')");
    let digest = blobs.put(content.clone()).await.unwrap();
    let file = file_of(dir.path(), digest);

    // Same length, one byte flipped: only the hash can tell.
    let mut damaged = content.to_vec();
    damaged[0] ^= 1;
    std::fs::write(&file, &damaged).unwrap();
    let error = blobs.get(digest).await.unwrap_err();
    assert!(matches!(error, Error::Corrupt { actual, .. } if actual == Digest::of(&damaged)));
    let message = error.to_string();
    assert!(message.contains(&blobs.describe().to_string()), "{message}");
    assert!(message.contains(&format!("sha256/{}/{}", &digest.to_hex()[..2], &digest.to_hex()[2..])));

    // A truncated copy cannot be the content, so storing the content again repairs it.
    std::fs::write(&file, &content[..4]).unwrap();
    assert!(matches!(blobs.get(digest).await, Err(Error::Corrupt { .. })));
    blobs.put(content.clone()).await.unwrap();
    assert_eq!(blobs.get(digest).await.unwrap(), Some(content));
}

#[tokio::test]
async fn large_content_round_trips() {
    // Above the inline hashing limit, so hashing goes through a blocking thread.
    let content = Bytes::from((0..1_000_000u32).map(|i| (i % 251) as u8).collect::<Vec<u8>>());
    let dir = tempfile::tempdir().unwrap();
    let blobs = open(dir.path()).await;
    let digest = blobs.put(content.clone()).await.unwrap();
    assert_eq!(digest, Digest::of(&content));
    assert_eq!(blobs.get(digest).await.unwrap(), Some(content));
}

#[tokio::test]
async fn open_creates_the_directory_and_describes_it_canonically() {
    let dir = tempfile::tempdir().unwrap();
    let nested = dir.path().join("data").join("blobs");
    let blobs = open(&nested.join("..").join("blobs")).await;
    assert!(nested.is_dir());
    assert_eq!(
        blobs.describe(),
        std::fs::canonicalize(&nested).unwrap().display().to_string()
    );

    // A second node on the same directory sees what the first stored.
    let digest = blobs.put(Bytes::from_static(b"shared")).await.unwrap();
    let other = open(&nested).await;
    assert_eq!(other.get(digest).await.unwrap().as_deref(), Some(&b"shared"[..]));
}

#[tokio::test]
async fn open_fails_on_a_path_that_is_not_a_directory() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, b"").unwrap();
    let error = Blobs::open(&BlobLocation::Directory(file.join("blobs")), &S3Options::default())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Directory { .. }), "{error:?}");
    let message = error.to_string();
    assert!(
        message.starts_with(&format!("blob directory {}", file.join("blobs").display())),
        "{message}"
    );
}

#[tokio::test]
async fn list_skips_files_that_are_not_blobs() {
    let dir = tempfile::tempdir().unwrap();
    let blobs = open(dir.path()).await;
    let digest = blobs.put(Bytes::from_static(b"a")).await.unwrap();
    std::fs::create_dir_all(dir.path().join("sha256/zz")).unwrap();
    std::fs::write(dir.path().join("sha256/zz/not-a-digest"), b"").unwrap();
    std::fs::write(dir.path().join("sha256/README"), b"").unwrap();
    std::fs::write(dir.path().join("notes.txt"), b"").unwrap();
    assert_eq!(listed(&blobs).await, vec![digest]);
}

#[tokio::test]
async fn in_memory_store_behaves_like_the_others() {
    let blobs = Blobs::in_memory();
    let digest = blobs.put(Bytes::from_static(b"x")).await.unwrap();
    assert!(blobs.contains(digest).await.unwrap());
    assert_eq!(blobs.clone().get(digest).await.unwrap().as_deref(), Some(&b"x"[..]));
    assert_eq!(blobs.describe(), "memory");
}

#[tokio::test]
async fn files_stream_in_and_out_checked_against_their_digest() {
    let dir = tempfile::tempdir().unwrap();
    let blobs = open(&dir.path().join("blobs")).await;
    // Larger than one streamed part, so the multipart path writes several parts.
    let content: Vec<u8> = (0..9 * 1024 * 1024).map(|i| (i % 251) as u8).collect();
    let source = dir.path().join("upload.zip");
    std::fs::write(&source, &content).unwrap();
    let digest = Digest::of(&content);

    blobs.put_file(&source, digest).await.unwrap();
    assert_eq!(blobs.get(digest).await.unwrap().unwrap(), content);

    let copy = dir.path().join("copy.zip");
    assert!(blobs.get_to_file(digest, &copy).await.unwrap());
    assert_eq!(std::fs::read(&copy).unwrap(), content);
    assert!(!blobs.get_to_file(Digest::of(b"absent"), &copy).await.unwrap());

    // A file whose content is not what its digest says is stored under that name only if
    // the caller lied; reading it back then reports the corruption instead of the content.
    let liar = Digest::of(b"something else");
    blobs.put_file(&source, liar).await.unwrap();
    let error = blobs.get_to_file(liar, &copy).await.unwrap_err();
    assert!(matches!(error, Error::Corrupt { .. }), "{error}");
}

#[tokio::test]
async fn listing_with_times_gives_each_blobs_size_and_last_write() {
    let dir = tempfile::tempdir().unwrap();
    let blobs = open(dir.path()).await;
    let old = blobs.put(Bytes::from_static(b"old deploy")).await.unwrap();
    let new = blobs.put(Bytes::from_static(b"a newer deploy")).await.unwrap();
    // A blob written long ago, as garbage collection would find it after a day.
    let long_ago = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_600_000_000);
    std::fs::File::options()
        .write(true)
        .open(file_of(dir.path(), old))
        .unwrap()
        .set_modified(long_ago)
        .unwrap();
    std::fs::write(dir.path().join("sha256").join("not-a-blob"), b"x").unwrap();

    let mut with_times: Vec<crate::ListedBlob> = blobs.list_with_times().try_collect().await.unwrap();
    with_times.sort_by_key(|blob| blob.size);

    let written = std::fs::metadata(file_of(dir.path(), new)).unwrap().modified().unwrap();
    assert_eq!(
        with_times,
        vec![
            crate::ListedBlob {
                digest: old,
                size: 10,
                last_modified: long_ago,
            },
            crate::ListedBlob {
                digest: new,
                size: 14,
                last_modified: written,
            },
        ]
    );
    let mut digests = listed(&blobs).await;
    digests.sort_by_key(|d| d != &old);
    assert_eq!(digests, vec![old, new], "list gives the same blobs");
}
