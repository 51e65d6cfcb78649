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

pub async fn alarm_history_keeps_every_put_newest_first(store: &dyn Store) {
    assert!(store.alarm_history("a", 10).await.expect("history").is_empty());
    let puts = [
        alarm("a", AlarmState::Ok, "", 1),
        alarm("b", AlarmState::Alarm, "other alarm", 2),
        alarm("a", AlarmState::Alarm, "5xx above 2 %", 3),
        alarm("a", AlarmState::Ok, "recovered", 4),
    ];
    for x in &puts {
        store.put_alarm(x).await.expect("put");
    }
    assert_eq!(
        store.alarm_history("a", 10).await.expect("history"),
        [puts[3].clone(), puts[2].clone(), puts[0].clone()],
        "newest first, only this alarm's"
    );
    assert_eq!(
        store.alarm_history("a", 2).await.expect("history"),
        [puts[3].clone(), puts[2].clone()],
        "at most `limit`"
    );
    assert_eq!(store.alarm_history("A", 10).await.expect("names are exact"), []);
}

pub async fn alarm_history_keeps_the_newest_entries_only(store: &dyn Store) {
    use ramp_domain::store::ALARM_HISTORY_KEPT;
    let total = ALARM_HISTORY_KEPT as i64 + 5;
    for t in 0..total {
        store
            .put_alarm(&alarm("flappy", AlarmState::Ok, &format!("put {t}"), t))
            .await
            .expect("put");
    }
    let history = store.alarm_history("flappy", usize::MAX).await.expect("history");
    assert_eq!(history.len(), ALARM_HISTORY_KEPT);
    assert_eq!(history.first().map(|a| a.updated_at), Some(at(total - 1)));
    assert_eq!(
        history.last().map(|a| a.updated_at),
        Some(at(total - ALARM_HISTORY_KEPT as i64))
    );
}
