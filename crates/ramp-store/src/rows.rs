//! Rows to domain entities. Each `*_columns!()` macro (a literal, so SQL is built at compile time) matches its mapper's column indexes.

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
use ramp_domain::store::{Listed, Slice};
use rusqlite::Row;
use rusqlite::types::Type;

macro_rules! application_columns {
    () => {
        "seq, id, region, name, description, created_at"
    };
}
pub(crate) use application_columns;

pub(crate) fn application(row: &Row<'_>) -> rusqlite::Result<Listed<Application>> {
    Ok(Listed {
        cursor: row.get(0)?,
        item: Application {
            id: row.get(1)?,
            region: row.get(2)?,
            name: row.get(3)?,
            description: row.get(4)?,
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

pub(crate) fn environment(row: &Row<'_>) -> rusqlite::Result<Listed<Environment>> {
    let state: String = row.get(5)?;
    let state =
        EnvironmentState::parse(&state).ok_or_else(|| bad(5, format!("unknown environment state {state:?}")))?;
    Ok(Listed {
        cursor: row.get(0)?,
        item: Environment {
            application_id: row.get(1)?,
            id: row.get(2)?,
            name: row.get(3)?,
            description: row.get(4)?,
            state,
            monitors: json::<Vec<Monitor>>(row, 6)?,
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

pub(crate) fn profile(row: &Row<'_>) -> rusqlite::Result<Listed<ConfigurationProfile>> {
    Ok(Listed {
        cursor: row.get(0)?,
        item: ConfigurationProfile {
            application_id: row.get(1)?,
            id: row.get(2)?,
            name: row.get(3)?,
            description: row.get(4)?,
            location_uri: row.get(5)?,
            retrieval_role_arn: row.get(6)?,
            validators: json::<Vec<Validator>>(row, 7)?,
            profile_type: row.get(8)?,
            kms_key_identifier: row.get(9)?,
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

pub(crate) fn hosted_info(row: &Row<'_>) -> rusqlite::Result<Listed<HostedVersionInfo>> {
    Ok(Listed {
        cursor: row.get(0)?,
        item: HostedVersionInfo {
            version_number: row.get(0)?,
            application_id: row.get(1)?,
            configuration_profile_id: row.get(2)?,
            description: row.get(3)?,
            content_type: row.get(4)?,
            version_label: row.get(5)?,
            kms_key_arn: row.get(6)?,
            created_at: timestamp(row, 7)?,
        },
    })
}

pub(crate) fn hosted(row: &Row<'_>) -> rusqlite::Result<HostedVersion> {
    let info = hosted_info(row)?.item;
    let content: Vec<u8> = row.get(8)?;
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

pub(crate) fn strategy(row: &Row<'_>) -> rusqlite::Result<Listed<DeploymentStrategy>> {
    let growth: String = row.get(6)?;
    let growth_type = GrowthType::parse(&growth).ok_or_else(|| bad(6, format!("unknown growth type {growth:?}")))?;
    Ok(Listed {
        cursor: row.get(0)?,
        item: DeploymentStrategy {
            id: row.get(1)?,
            region: row.get(2)?,
            name: row.get(3)?,
            description: row.get(4)?,
            deployment_duration_in_minutes: row.get(5)?,
            growth_type,
            growth_factor: row.get(7)?,
            final_bake_time_in_minutes: row.get(8)?,
            replicate_to: row.get(9)?,
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
pub(crate) fn deployment(row: &Row<'_>) -> rusqlite::Result<Listed<Deployment>> {
    let growth: String = row.get(12)?;
    let growth_type = GrowthType::parse(&growth).ok_or_else(|| bad(12, format!("unknown growth type {growth:?}")))?;
    let timing: String = row.get(15)?;
    let step_timing = parse_step_timing(&timing).ok_or_else(|| bad(15, format!("unknown step timing {timing:?}")))?;
    let state: String = row.get(16)?;
    let state = DeploymentState::parse(&state).ok_or_else(|| bad(16, format!("unknown deployment state {state:?}")))?;
    let number: i64 = row.get(2)?;
    Ok(Listed {
        cursor: number,
        item: Deployment {
            application_id: row.get(0)?,
            environment_id: row.get(1)?,
            deployment_number: number,
            configuration_profile_id: row.get(3)?,
            deployment_strategy_id: row.get(4)?,
            configuration_name: row.get(5)?,
            configuration_location_uri: row.get(6)?,
            configuration_version: row.get(7)?,
            hosted_version_number: row.get(8)?,
            version_label: row.get(9)?,
            description: row.get(10)?,
            strategy: StrategySnapshot {
                deployment_duration_in_minutes: row.get(11)?,
                growth_type,
                growth_factor: row.get(13)?,
                final_bake_time_in_minutes: row.get(14)?,
            },
            step_timing,
            state,
            percentage_complete: row.get(17)?,
            started_at: timestamp(row, 18)?,
            completed_at: optional_timestamp(row, 19)?,
            event_log: json::<Vec<DeploymentEvent>>(row, 20)?,
            kms_key_identifier: row.get(21)?,
            monitors: json::<Vec<Monitor>>(row, 22)?,
            next_due_at: optional_timestamp(row, 23)?,
            revision: row.get(24)?,
            applied_extensions: json::<Vec<AppliedExtension>>(row, 25)?,
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
pub(crate) fn deployed_content(row: &Row<'_>) -> rusqlite::Result<DeployedContent> {
    let content: Vec<u8> = row.get(1)?;
    Ok(DeployedContent {
        content_type: row.get(0)?,
        content: Bytes::from(content),
    })
}

macro_rules! alarm_columns {
    () => {
        "name, state, reason, updated_at"
    };
}
pub(crate) use alarm_columns;

pub(crate) fn alarm(row: &Row<'_>) -> rusqlite::Result<Alarm> {
    let state: String = row.get(1)?;
    let state = AlarmState::parse(&state).ok_or_else(|| bad(1, format!("unknown alarm state {state:?}")))?;
    Ok(Alarm {
        name: row.get(0)?,
        state,
        reason: row.get(2)?,
        updated_at: timestamp(row, 3)?,
    })
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
    i64::try_from(slice.limit).unwrap_or(i64::MAX)
}

fn timestamp(row: &Row<'_>, idx: usize) -> rusqlite::Result<Timestamp> {
    row.get(idx).map(Timestamp::from_millis)
}

fn optional_timestamp(row: &Row<'_>, idx: usize) -> rusqlite::Result<Option<Timestamp>> {
    Ok(row.get::<_, Option<i64>>(idx)?.map(Timestamp::from_millis))
}

fn json<T: serde::de::DeserializeOwned>(row: &Row<'_>, idx: usize) -> rusqlite::Result<T> {
    let text: String = row.get(idx)?;
    serde_json::from_str(&text).map_err(|e| rusqlite::Error::FromSqlConversionFailure(idx, Type::Text, Box::new(e)))
}

fn bad(idx: usize, message: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(idx, Type::Text, message.into())
}
