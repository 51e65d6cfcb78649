use proptest::prelude::*;

use super::*;
use crate::deployment::StrategySnapshot;

const MIN: i64 = 60_000;

fn strategy(duration: i64, growth_type: GrowthType, factor: f64, bake: i64) -> StrategySnapshot {
    StrategySnapshot {
        deployment_duration_in_minutes: duration,
        growth_type,
        growth_factor: factor,
        final_bake_time_in_minutes: bake,
    }
}

fn started(strategy: StrategySnapshot, timing: StepTiming) -> Deployment {
    let start = Timestamp::from_millis(1_000_000);
    let mut d = Deployment {
        application_id: "app1234".into(),
        environment_id: "env1234".into(),
        deployment_number: 1,
        configuration_profile_id: "pro1234".into(),
        deployment_strategy_id: "str1234".into(),
        configuration_name: "cfg".into(),
        configuration_location_uri: "hosted".into(),
        configuration_version: "1".into(),
        hosted_version_number: 1,
        version_label: None,
        description: None,
        strategy,
        step_timing: timing,
        state: DeploymentState::Deploying,
        percentage_complete: 0.0,
        started_at: start,
        completed_at: None,
        event_log: vec![DeploymentEvent {
            event_type: DeploymentEventType::DeploymentStarted,
            triggered_by: TriggeredBy::User,
            description: "Deployment started".into(),
            occurred_at: start,
            action_invocations: Vec::new(),
        }],
        kms_key_identifier: None,
        monitors: vec![],
        applied_extensions: Vec::new(),
        next_due_at: None,
        revision: 0,
    };
    d.next_due_at = next_due_at(&d);
    d
}

/// (minutes after start, event type, description) of every event after DEPLOYMENT_STARTED.
fn log_in_minutes(d: &Deployment) -> Vec<(f64, &'static str, String)> {
    d.event_log[1..]
        .iter()
        .map(|e| {
            let minutes = (e.occurred_at.millis() - d.started_at.millis()) as f64 / MIN as f64;
            (minutes, e.event_type.as_str(), e.description.clone())
        })
        .collect()
}

fn run_to_end(d: &Deployment) -> Deployment {
    advance(d, Timestamp::from_millis(i64::MAX / 2)).expect("something was due")
}

#[test]
fn reproduces_aws_published_fifteen_minute_log() {
    // spec/appconfig.md §4.2: LINEAR 25 %, 15 minutes, bake 0.
    let d = run_to_end(&started(
        strategy(15, GrowthType::Linear, 25.0, 0),
        StepTiming::Observed,
    ));
    let pct = |p: &str| format!("Configuration available to {p}% of clients");
    assert_eq!(
        log_in_minutes(&d),
        vec![
            (3.0, "PERCENTAGE_UPDATED", pct("25.00")),
            (6.0, "PERCENTAGE_UPDATED", pct("50.00")),
            (9.0, "PERCENTAGE_UPDATED", pct("75.00")),
            (12.0, "PERCENTAGE_UPDATED", pct("100.00")),
            (15.0, "BAKE_TIME_STARTED", "Deployment bake time started".to_owned()),
            (15.0, "DEPLOYMENT_COMPLETED", "Deployment completed".to_owned()),
        ]
    );
    assert_eq!(d.state, DeploymentState::Complete);
    assert_eq!(d.percentage_complete, 100.0);
    assert_eq!(d.completed_at, Some(d.started_at.plus_minutes(15)));
    assert_eq!(d.next_due_at, None);
}

fn step_minutes(s: StrategySnapshot, timing: StepTiming) -> (Vec<(f64, f64)>, f64, f64) {
    let timeline = schedule(&s, timing, Timestamp::from_millis(0));
    let minutes = |t: Timestamp| t.millis() as f64 / MIN as f64;
    let steps = timeline
        .iter()
        .filter_map(|x| match x.milestone {
            Milestone::Percentage(p) => Some((minutes(x.due_at), p)),
            _ => None,
        })
        .collect();
    let bake = timeline
        .iter()
        .find(|x| x.milestone == Milestone::BakeStarted)
        .map(|x| minutes(x.due_at))
        .unwrap();
    let done = timeline
        .iter()
        .find(|x| x.milestone == Milestone::Completed)
        .map(|x| minutes(x.due_at))
        .unwrap();
    (steps, bake, done)
}

#[test]
fn predefined_strategy_timelines_match_the_spec() {
    // spec/appconfig.md §5.3, model A (and B in brackets there).
    let all_at_once = strategy(0, GrowthType::Linear, 100.0, 10);
    assert_eq!(
        step_minutes(all_at_once, StepTiming::Observed),
        (vec![(0.0, 100.0)], 0.0, 10.0)
    );

    let linear50 = strategy(1, GrowthType::Linear, 50.0, 1);
    let (steps, bake, done) = step_minutes(linear50, StepTiming::Observed);
    assert_eq!(steps, vec![(20.0 / 60.0, 50.0), (40.0 / 60.0, 100.0)]);
    assert_eq!((bake, done), (1.0, 2.0));
    assert_eq!(
        step_minutes(linear50, StepTiming::Documented).0,
        vec![(0.5, 50.0), (1.0, 100.0)]
    );

    let canary = strategy(20, GrowthType::Exponential, 10.0, 10);
    let (steps, bake, done) = step_minutes(canary, StepTiming::Observed);
    let percents: Vec<f64> = steps.iter().map(|s| s.1).collect();
    assert_eq!(percents, vec![10.0, 20.0, 40.0, 80.0, 100.0]);
    assert!((steps[0].0 - 20.0 / 6.0).abs() < 1e-6, "{steps:?}");
    assert_eq!(steps[2].0, 10.0);
    assert_eq!((bake, done), (20.0, 30.0));
    let documented: Vec<f64> = step_minutes(canary, StepTiming::Documented)
        .0
        .iter()
        .map(|s| s.0)
        .collect();
    assert_eq!(documented, vec![4.0, 8.0, 12.0, 16.0, 20.0]);

    let linear20 = strategy(30, GrowthType::Linear, 20.0, 30);
    let (steps, bake, done) = step_minutes(linear20, StepTiming::Observed);
    assert_eq!(
        steps,
        vec![(5.0, 20.0), (10.0, 40.0), (15.0, 60.0), (20.0, 80.0), (25.0, 100.0)]
    );
    assert_eq!((bake, done), (30.0, 60.0));
}

#[test]
fn exponential_doubles_and_caps() {
    assert_eq!(
        percentages(GrowthType::Exponential, 2.0),
        vec![2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 100.0]
    );
    assert_eq!(percentages(GrowthType::Linear, 33.0), vec![33.0, 66.0, 99.0, 100.0]);
    assert_eq!(percentages(GrowthType::Linear, 100.0), vec![100.0]);
}

#[test]
fn a_jump_writes_every_missed_event_with_its_due_time_and_nothing_twice() {
    let d = started(strategy(15, GrowthType::Linear, 25.0, 0), StepTiming::Observed);
    assert_eq!(d.next_due_at, Some(d.started_at.plus_minutes(3)));
    assert!(advance(&d, d.started_at.plus_minutes(2)).is_none(), "nothing due yet");
    let at10 = advance(&d, d.started_at.plus_minutes(10)).unwrap();
    assert_eq!(
        log_in_minutes(&at10).iter().map(|e| e.0).collect::<Vec<_>>(),
        vec![3.0, 6.0, 9.0]
    );
    assert_eq!(at10.percentage_complete, 75.0);
    assert_eq!(at10.next_due_at, Some(d.started_at.plus_minutes(12)));
    assert!(
        advance(&at10, d.started_at.plus_minutes(10)).is_none(),
        "applying again adds nothing"
    );
}

#[test]
fn rollback_and_revert_record_who_and_when() {
    let d = started(strategy(15, GrowthType::Linear, 25.0, 0), StepTiming::Observed);
    let at7 = advance(&d, d.started_at.plus_minutes(7)).unwrap();
    let rolled = roll_back(
        &at7,
        d.started_at.plus_minutes(8),
        TriggeredBy::CloudwatchAlarm,
        "alarm x".into(),
    );
    assert_eq!(rolled.state, DeploymentState::RolledBack);
    assert_eq!(rolled.percentage_complete, 50.0, "kept as reached");
    assert_eq!(rolled.next_due_at, None);
    let tail: Vec<_> = rolled
        .event_log
        .iter()
        .rev()
        .take(2)
        .map(|e| (e.event_type, e.triggered_by))
        .collect();
    assert_eq!(
        tail,
        vec![
            (DeploymentEventType::RollbackCompleted, TriggeredBy::CloudwatchAlarm),
            (DeploymentEventType::RollbackStarted, TriggeredBy::CloudwatchAlarm)
        ]
    );
    assert!(
        advance(&rolled, d.started_at.plus_minutes(60)).is_none(),
        "a rolled back deployment stays put"
    );

    let done = run_to_end(&d);
    let reverted = revert(&done, d.started_at.plus_minutes(30));
    assert_eq!(reverted.state, DeploymentState::Reverted);
    assert_eq!(
        reverted.event_log.last().unwrap().event_type,
        DeploymentEventType::RevertCompleted
    );
    assert_eq!(environment_state(reverted.state), EnvironmentState::Reverted);
}

fn any_strategy() -> impl Strategy<Value = (StrategySnapshot, StepTiming)> {
    (
        0i64..=1440,
        prop_oneof![Just(GrowthType::Linear), Just(GrowthType::Exponential)],
        1.0f64..=100.0,
        0i64..=1440,
        prop_oneof![Just(StepTiming::Observed), Just(StepTiming::Documented)],
    )
        .prop_map(|(d, g, f, b, t)| (strategy(d, g, f, b), t))
}

proptest! {
    #[test]
    fn rollout_invariants_hold_for_any_strategy_and_any_way_time_moves(
        (s, timing) in any_strategy(),
        jumps in prop::collection::vec(0i64..=6 * 60 * MIN, 1..40),
    ) {
        let start = started(s, timing);
        let mut d = start.clone();
        let mut now = d.started_at;
        let mut last_percentage = 0.0;
        for jump in jumps {
            now = now.plus_millis(jump);
            if let Some(next) = advance(&d, now) {
                prop_assert!(next.percentage_complete >= last_percentage, "percentage never decreases");
                prop_assert!(next.event_log.iter().all(|e| e.occurred_at <= now), "nothing from the future");
                last_percentage = next.percentage_complete;
                d = next;
            }
            prop_assert!(d.next_due_at.is_none_or(|due| due > now), "nothing due is left behind");
        }
        let finished = advance(&d, Timestamp::from_millis(i64::MAX / 2)).unwrap_or(d);
        let all_at_once = run_to_end(&start);
        prop_assert_eq!(&finished.event_log, &all_at_once.event_log, "the log does not depend on how time moved");

        let bake = finished.event_log.iter().find(|e| e.event_type == DeploymentEventType::BakeTimeStarted).unwrap();
        prop_assert_eq!(bake.occurred_at, start.started_at.plus_minutes(s.deployment_duration_in_minutes));
        let hundred = finished.event_log.iter().find(|e| e.description == describe_percentage(100.0)).unwrap();
        prop_assert!(hundred.occurred_at <= bake.occurred_at, "100 % before the bake");
        let completed_at = start.started_at.plus_minutes(s.deployment_duration_in_minutes + s.final_bake_time_in_minutes);
        prop_assert_eq!(finished.completed_at, Some(completed_at));
        prop_assert_eq!(finished.state, DeploymentState::Complete);
        let times: Vec<_> = finished.event_log.iter().map(|e| e.occurred_at).collect();
        prop_assert!(times.windows(2).all(|w| w[0] <= w[1]), "events in time order");
    }
}

#[test]
fn rollback_and_revert_make_the_previous_version_the_deployed_one_again() {
    let s = strategy(10, GrowthType::Linear, 50.0, 0);
    let numbered = |n: i64, state: DeploymentState| {
        let mut d = started(s, StepTiming::Observed);
        d.deployment_number = n;
        d.state = state;
        d
    };
    let number = |d: Option<&Deployment>| d.map(|d| d.deployment_number);

    // v1 complete, v2 rolling out: clients are split between 2 (the rollout) and 1.
    let history = [
        numbered(2, DeploymentState::Deploying),
        numbered(1, DeploymentState::Complete),
    ];
    let (rolling, deployed) = standing(&history);
    assert_eq!((number(rolling), number(deployed)), (Some(2), Some(1)));

    // v2 rolled back by an alarm: v1 is what everyone gets again.
    let history = [
        numbered(2, DeploymentState::RolledBack),
        numbered(1, DeploymentState::Complete),
    ];
    assert_eq!(standing(&history).1.map(|d| d.deployment_number), Some(1));
    assert!(standing(&history).0.is_none());

    // v3 completed then reverted: back to v2, skipping the rolled back ones.
    let history = [
        numbered(4, DeploymentState::RolledBack),
        numbered(3, DeploymentState::Reverted),
        numbered(2, DeploymentState::Complete),
        numbered(1, DeploymentState::Complete),
    ];
    assert_eq!(number(standing(&history).1), Some(2));

    // The very first deployment rolled back: nothing is deployed.
    let history = [numbered(1, DeploymentState::RolledBack)];
    assert_eq!(standing(&history), (None, None));
}
