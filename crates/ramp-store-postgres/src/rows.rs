//! Rows to domain entities. Each `*_columns!()` macro (a literal, so SQL is built at compile
//! time) matches its mapper's column indexes; the lists are the SQLite store's, column for column.

use bytes::Bytes;
use ramp_clock::Timestamp;
use ramp_domain::deployment::{
    Alarm, AlarmState, DeployedContent, Deployment, DeploymentEvent, DeploymentState, StepTiming, StrategySnapshot,
};
use ramp_domain::entities::{
    Application, ConfigurationProfile, DeploymentStrategy, Environment, EnvironmentState, GrowthType, HostedVersion,
    HostedVersionInfo, Monitor, Validator,
};
use ramp_domain::extensions::AppliedExtension;
use ramp_domain::store::{Error, Listed, Result, Slice};
use sqlx::postgres::PgRow;

use crate::sql::{from_json, get};

macro_rules! application_columns {
    () => {
        "seq, id, region, name, description, created_at"
    };
}
pub(crate) use application_columns;

pub(crate) fn application(row: &PgRow) -> Result<Listed<Application>> {
    Ok(Listed {
        cursor: get(row, 0)?,
        item: Application {
            id: get(row, 1)?,
            region: get(row, 2)?,
            name: get(row, 3)?,
            description: get(row, 4)?,
            created_at: timestamp(row, 5)?,
        },
    })
}

macro_rules! environment_columns {
    () => {
        "seq, application_id, id, name, description, state, monitors, created_at, last_accessed_at"
    };
}
pub(crate) use environment_columns;

pub(crate) fn environment(row: &PgRow) -> Result<Listed<Environment>> {
    let state: String = get(row, 5)?;
    let state = EnvironmentState::parse(&state).ok_or_else(|| bad(format!("unknown environment state {state:?}")))?;
    Ok(Listed {
        cursor: get(row, 0)?,
        item: Environment {
            application_id: get(row, 1)?,
            id: get(row, 2)?,
            name: get(row, 3)?,
            description: get(row, 4)?,
            state,
            monitors: from_json::<Vec<Monitor>>(row, 6)?,
            created_at: timestamp(row, 7)?,
            last_accessed_at: optional_timestamp(row, 8)?,
        },
    })
}

macro_rules! profile_columns {
    () => {
        "seq, application_id, id, name, description, location_uri, \
     retrieval_role_arn, validators, profile_type, kms_key_identifier, created_at, last_accessed_at"
    };
}
pub(crate) use profile_columns;

pub(crate) fn profile(row: &PgRow) -> Result<Listed<ConfigurationProfile>> {
    Ok(Listed {
        cursor: get(row, 0)?,
        item: ConfigurationProfile {
            application_id: get(row, 1)?,
            id: get(row, 2)?,
            name: get(row, 3)?,
            description: get(row, 4)?,
            location_uri: get(row, 5)?,
            retrieval_role_arn: get(row, 6)?,
            validators: from_json::<Vec<Validator>>(row, 7)?,
            profile_type: get(row, 8)?,
            kms_key_identifier: get(row, 9)?,
            created_at: timestamp(row, 10)?,
            last_accessed_at: optional_timestamp(row, 11)?,
        },
    })
}

macro_rules! hosted_info_columns {
    () => {
        "version_number, application_id, configuration_profile_id, \
     description, content_type, version_label, kms_key_arn, created_at"
    };
}
pub(crate) use hosted_info_columns;

/// `hosted_info_columns!()` then `content`.
macro_rules! hosted_columns {
    () => {
        concat!($crate::rows::hosted_info_columns!(), ", content")
    };
}
pub(crate) use hosted_columns;

pub(crate) fn hosted_info(row: &PgRow) -> Result<Listed<HostedVersionInfo>> {
    Ok(Listed {
        cursor: get(row, 0)?,
        item: HostedVersionInfo {
            version_number: get(row, 0)?,
            application_id: get(row, 1)?,
            configuration_profile_id: get(row, 2)?,
            description: get(row, 3)?,
            content_type: get(row, 4)?,
            version_label: get(row, 5)?,
            kms_key_arn: get(row, 6)?,
            created_at: timestamp(row, 7)?,
        },
    })
}

pub(crate) fn hosted(row: &PgRow) -> Result<HostedVersion> {
    let info = hosted_info(row)?.item;
    let content: Vec<u8> = get(row, 8)?;
    Ok(HostedVersion {
        info,
        content: Bytes::from(content),
    })
}

macro_rules! strategy_columns {
    () => {
        "seq, id, region, name, description, deployment_duration_in_minutes, \
     growth_type, growth_factor, final_bake_time_in_minutes, replicate_to, created_at"
    };
}
pub(crate) use strategy_columns;

pub(crate) fn strategy(row: &PgRow) -> Result<Listed<DeploymentStrategy>> {
    let growth: String = get(row, 6)?;
    let growth_type = GrowthType::parse(&growth).ok_or_else(|| bad(format!("unknown growth type {growth:?}")))?;
    Ok(Listed {
        cursor: get(row, 0)?,
        item: DeploymentStrategy {
            id: get(row, 1)?,
            region: get(row, 2)?,
            name: get(row, 3)?,
            description: get(row, 4)?,
            deployment_duration_in_minutes: get(row, 5)?,
            growth_type,
            growth_factor: get(row, 7)?,
            final_bake_time_in_minutes: get(row, 8)?,
            replicate_to: get(row, 9)?,
            created_at: timestamp(row, 10)?,
        },
    })
}

macro_rules! deployment_columns {
    () => {
        "application_id, environment_id, deployment_number, configuration_profile_id, \
     deployment_strategy_id, configuration_name, configuration_location_uri, configuration_version, \
     hosted_version_number, version_label, description, deployment_duration_in_minutes, growth_type, \
     growth_factor, final_bake_time_in_minutes, step_timing, state, percentage_complete, started_at, \
     completed_at, event_log, kms_key_identifier, monitors, next_due_at, revision, applied_extensions"
    };
}
pub(crate) use deployment_columns;

/// A deployment; its cursor is its number.
pub(crate) fn deployment(row: &PgRow) -> Result<Listed<Deployment>> {
    let growth: String = get(row, 12)?;
    let growth_type = GrowthType::parse(&growth).ok_or_else(|| bad(format!("unknown growth type {growth:?}")))?;
    let timing: String = get(row, 15)?;
    let step_timing = parse_step_timing(&timing).ok_or_else(|| bad(format!("unknown step timing {timing:?}")))?;
    let state: String = get(row, 16)?;
    let state = DeploymentState::parse(&state).ok_or_else(|| bad(format!("unknown deployment state {state:?}")))?;
    let number: i64 = get(row, 2)?;
    Ok(Listed {
        cursor: number,
        item: Deployment {
            application_id: get(row, 0)?,
            environment_id: get(row, 1)?,
            deployment_number: number,
            configuration_profile_id: get(row, 3)?,
            deployment_strategy_id: get(row, 4)?,
            configuration_name: get(row, 5)?,
            configuration_location_uri: get(row, 6)?,
            configuration_version: get(row, 7)?,
            hosted_version_number: get(row, 8)?,
            version_label: get(row, 9)?,
            description: get(row, 10)?,
            strategy: StrategySnapshot {
                deployment_duration_in_minutes: get(row, 11)?,
                growth_type,
                growth_factor: get(row, 13)?,
                final_bake_time_in_minutes: get(row, 14)?,
            },
            step_timing,
            state,
            percentage_complete: get(row, 17)?,
            started_at: timestamp(row, 18)?,
            completed_at: optional_timestamp(row, 19)?,
            event_log: from_json::<Vec<DeploymentEvent>>(row, 20)?,
            kms_key_identifier: get(row, 21)?,
            monitors: from_json::<Vec<Monitor>>(row, 22)?,
            next_due_at: optional_timestamp(row, 23)?,
            revision: get(row, 24)?,
            applied_extensions: from_json::<Vec<AppliedExtension>>(row, 25)?,
        },
    })
}

/// The `step_timing` column's text.
pub(crate) fn step_timing_str(timing: StepTiming) -> &'static str {
    match timing {
        StepTiming::Observed => "OBSERVED",
        StepTiming::Documented => "DOCUMENTED",
    }
}

fn parse_step_timing(text: &str) -> Option<StepTiming> {
    [StepTiming::Observed, StepTiming::Documented]
        .into_iter()
        .find(|t| step_timing_str(*t) == text)
}

/// `content_type, content` of `deployment_content`.
pub(crate) fn deployed_content(row: &PgRow) -> Result<DeployedContent> {
    let content: Vec<u8> = get(row, 1)?;
    Ok(DeployedContent {
        content_type: get(row, 0)?,
        content: Bytes::from(content),
    })
}

macro_rules! alarm_columns {
    () => {
        "name, state, reason, updated_at"
    };
}
pub(crate) use alarm_columns;

pub(crate) fn alarm(row: &PgRow) -> Result<Alarm> {
    let state: String = get(row, 1)?;
    let state = AlarmState::parse(&state).ok_or_else(|| bad(format!("unknown alarm state {state:?}")))?;
    Ok(Alarm {
        name: get(row, 0)?,
        state,
        reason: get(row, 2)?,
        updated_at: timestamp(row, 3)?,
    })
}

/// Maps every row with `map`.
pub(crate) fn each<T>(rows: &[PgRow], map: impl Fn(&PgRow) -> Result<T>) -> Result<Vec<T>> {
    rows.iter().map(map).collect()
}

/// The exclusive lower bound of an ascending (creation order) page.
pub(crate) fn after_ascending(slice: Slice) -> i64 {
    slice.after.unwrap_or(i64::MIN)
}

/// The exclusive upper bound of a descending (newest first) page.
pub(crate) fn after_descending(slice: Slice) -> i64 {
    slice.after.unwrap_or(i64::MAX)
}

pub(crate) fn limit(slice: Slice) -> i64 {
    crate::sql::to_i64(slice.limit)
}

fn timestamp(row: &PgRow, idx: usize) -> Result<Timestamp> {
    get(row, idx).map(Timestamp::from_millis)
}

fn optional_timestamp(row: &PgRow, idx: usize) -> Result<Option<Timestamp>> {
    Ok(get::<Option<i64>>(row, idx)?.map(Timestamp::from_millis))
}

fn bad(message: String) -> Error {
    Error::Unavailable(message)
}
