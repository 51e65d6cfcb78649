use http::StatusCode;
use ramp_domain::appconfig::SettingsUpdate;
use ramp_domain::arn::Scope;
use ramp_domain::entities::AccountSettings;
use ramp_protocol::appconfig::{inputs, shapes};
use ramp_protocol::{AwsError, AwsResponse};

use crate::AppState;
use crate::errors::to_aws;

fn shape(settings: AccountSettings) -> shapes::AccountSettings {
    shapes::AccountSettings {
        deletion_protection: shapes::DeletionProtectionSettings {
            enabled: Some(settings.deletion_protection_enabled),
            protection_period_in_minutes: Some(settings.protection_period_in_minutes),
        },
    }
}

pub async fn get(state: &AppState, scope: &Scope, _: inputs::GetAccountSettings) -> Result<AwsResponse, AwsError> {
    let settings = state.appconfig.account_settings(scope).await.map_err(to_aws)?;
    AwsResponse::json(StatusCode::OK, &shape(settings))
}

pub async fn update(
    state: &AppState,
    scope: &Scope,
    input: inputs::UpdateAccountSettings,
) -> Result<AwsResponse, AwsError> {
    let protection = input.deletion_protection.unwrap_or(shapes::DeletionProtectionSettings {
        enabled: None,
        protection_period_in_minutes: None,
    });
    let update = SettingsUpdate {
        deletion_protection_enabled: protection.enabled,
        protection_period_in_minutes: protection.protection_period_in_minutes,
    };
    let settings = state
        .appconfig
        .update_account_settings(scope, update)
        .await
        .map_err(to_aws)?;
    AwsResponse::json(StatusCode::OK, &shape(settings))
}
