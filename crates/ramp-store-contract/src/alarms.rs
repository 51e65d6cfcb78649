//! Alarms: global, by name, upserted whole and listed by name.

use ramp_domain::deployment::{Alarm, AlarmState};

use super::{Store, at};

fn alarm(name: &str, state: AlarmState, reason: &str, t: i64) -> Alarm {
    Alarm {
        name: name.to_owned(),
        state,
        reason: reason.to_owned(),
        updated_at: at(t),
    }
}

pub async fn alarms_upsert_get_list(store: &dyn Store) {
    assert!(store.alarms().await.expect("list").is_empty());
    assert_eq!(store.alarm("b").await.expect("get"), None);

    let b = alarm("b", AlarmState::Alarm, "threshold crossed", 1);
    let a = alarm("a", AlarmState::Ok, "", 2);
    let c = alarm("c", AlarmState::InsufficientData, "no data", 3);
    for x in [&b, &a, &c] {
        store.put_alarm(x).await.expect("put");
    }
    assert_eq!(store.alarm("b").await.expect("get"), Some(b.clone()));
    assert_eq!(store.alarm("B").await.expect("names are exact"), None);
    assert_eq!(
        store.alarms().await.expect("list"),
        [a.clone(), b.clone(), c.clone()],
        "by name"
    );

    // A second put replaces everything but the name.
    let b2 = alarm("b", AlarmState::Ok, "recovered", 10);
    store.put_alarm(&b2).await.expect("upsert");
    assert_eq!(store.alarm("b").await.expect("get"), Some(b2.clone()));
    assert_eq!(store.alarms().await.expect("list"), [a, b2, c]);
}
