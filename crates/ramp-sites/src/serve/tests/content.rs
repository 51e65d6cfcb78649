use super::*;

#[tokio::test]
async fn the_cache_stays_within_its_byte_capacity() {
    let blobs = Blobs::in_memory();
    let capacity = 16 * 1024;
    let content = Content::new(blobs.clone(), capacity);
    let mut digests = Vec::new();
    for i in 0..64u8 {
        digests.push(blobs.put(Bytes::from(vec![i; 1000])).await.unwrap());
    }
    for digest in &digests {
        assert_eq!(content.get(*digest).await.unwrap().len(), 1000);
    }
    assert!(content.cached_bytes() <= capacity, "{} cached", content.cached_bytes());
    assert!(content.cached_blobs() > 0 && content.cached_blobs() < 64);
}

#[tokio::test]
async fn a_hit_shares_the_cached_bytes() {
    let blobs = Blobs::in_memory();
    let content = Content::new(blobs.clone(), 1 << 20);
    let digest = blobs.put(Bytes::from_static(b"shared")).await.unwrap();
    let first = content.get(digest).await.unwrap();
    let second = content.get(digest).await.unwrap();
    assert_eq!(first.as_ptr(), second.as_ptr());
    assert_eq!(content.cached_blobs(), 1);
}

#[tokio::test]
async fn large_blobs_are_served_but_not_cached() {
    let blobs = Blobs::in_memory();
    let content = Content::new(blobs.clone(), 8 * 1024);
    let digest = blobs.put(Bytes::from(vec![7; 2000])).await.unwrap();
    assert_eq!(content.get(digest).await.unwrap().len(), 2000);
    assert_eq!(content.cached_blobs(), 0);
}

#[tokio::test]
async fn a_missing_blob_is_an_error() {
    let content = Content::new(Blobs::in_memory(), 1024);
    let error = content.get(digest_of("absent")).await.unwrap_err();
    assert!(error.to_string().contains("not in the blob store"), "{error}");
}
