//! Account settings per region, and secrets that keep their first value.

use ramp_domain::entities::AccountSettings;

use super::{Store, join_all};

pub async fn account_settings_per_region(store: &dyn Store) {
    assert_eq!(store.account_settings("r1").await.expect("get"), None);
    let on = AccountSettings {
        deletion_protection_enabled: true,
        protection_period_in_minutes: 30,
    };
    store.put_account_settings("r1", &on).await.expect("put");
    assert_eq!(store.account_settings("r1").await.expect("get"), Some(on));
    assert_eq!(store.account_settings("r2").await.expect("get"), None);
    let off = AccountSettings::default();
    store.put_account_settings("r1", &off).await.expect("overwrite");
    assert_eq!(store.account_settings("r1").await.expect("get"), Some(off));
}

pub async fn secret_keeps_first_value(store: &dyn Store) {
    assert_eq!(store.secret("signing", b"first").await.expect("secret"), b"first");
    assert_eq!(store.secret("signing", b"second").await.expect("secret"), b"first");
    assert_eq!(store.secret("other", &[0, 1, 2]).await.expect("secret"), [0, 1, 2]);
    // Racing first calls agree on one value.
    let candidates: Vec<Vec<u8>> = (0u8..10).map(|i| vec![i; 4]).collect();
    let answers = join_all(candidates.iter().map(|c| store.secret("raced", c)).collect()).await;
    let answers: Vec<Vec<u8>> = answers.into_iter().map(|a| a.expect("secret")).collect();
    assert!(answers.windows(2).all(|w| w[0] == w[1]), "one winner: {answers:?}");
    assert!(candidates.contains(&answers[0]));
}
