//! Leases: one holder at a time, renewable by the holder, free once expired or released.

use super::{Store, at, join_all};

const TTL: i64 = 6_000;

pub async fn lease_one_holder_until_expiry(store: &dyn Store) {
    assert_eq!(store.lease("engine").await.expect("read"), None);
    assert!(store.acquire_lease("engine", "a", at(0), TTL).await.expect("take"));
    assert!(!store.acquire_lease("engine", "b", at(1), TTL).await.expect("refused"));
    // The holder renews; the other still cannot take it until the renewed expiry.
    assert!(store.acquire_lease("engine", "a", at(5_000), TTL).await.expect("renew"));
    assert!(
        !store
            .acquire_lease("engine", "b", at(10_999), TTL)
            .await
            .expect("still held")
    );
    let lease = store.lease("engine").await.expect("read").expect("held");
    assert_eq!((lease.holder.as_str(), lease.expires_at), ("a", at(11_000)));
    // Expired: the next caller takes it, and the old holder has lost it.
    assert!(
        store
            .acquire_lease("engine", "b", at(11_000), TTL)
            .await
            .expect("take over")
    );
    assert!(!store.acquire_lease("engine", "a", at(11_001), TTL).await.expect("lost"));
    assert_eq!(store.lease("engine").await.expect("read").expect("held").holder, "b");
    // Leases are independent by name.
    assert!(
        store
            .acquire_lease("other", "a", at(11_001), TTL)
            .await
            .expect("other name")
    );
}

pub async fn lease_release_hands_over(store: &dyn Store) {
    assert!(store.acquire_lease("engine", "a", at(0), TTL).await.expect("take"));
    // Only the holder can release.
    store.release_lease("engine", "b").await.expect("no-op");
    assert!(!store.acquire_lease("engine", "b", at(1), TTL).await.expect("still a's"));
    store.release_lease("engine", "a").await.expect("release");
    assert_eq!(store.lease("engine").await.expect("read"), None);
    assert!(
        store
            .acquire_lease("engine", "b", at(2), TTL)
            .await
            .expect("free at once")
    );
}

pub async fn lease_raced_has_one_winner(store: &dyn Store) {
    let holders: Vec<String> = (0..10).map(|i| format!("node-{i}")).collect();
    let tries = holders
        .iter()
        .map(|h| store.acquire_lease("engine", h, at(0), TTL))
        .collect();
    let won: Vec<bool> = join_all(tries).await.into_iter().map(|r| r.expect("try")).collect();
    assert_eq!(won.iter().filter(|w| **w).count(), 1, "exactly one winner: {won:?}");
    let winner = &holders[won.iter().position(|w| *w).expect("a winner")];
    assert_eq!(
        &store.lease("engine").await.expect("read").expect("held").holder,
        winner
    );
}
