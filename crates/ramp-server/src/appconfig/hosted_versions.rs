use http::{HeaderName, StatusCode};
use ramp_domain::appconfig::NewHostedVersionRequest;
use ramp_domain::arn::Scope;
use ramp_domain::entities::{HostedVersion, HostedVersionInfo};
use ramp_protocol::appconfig::{inputs, shapes};
use ramp_protocol::{AwsError, AwsResponse};

use crate::AppState;
use crate::errors::to_aws;

/// A hosted version travels as its raw content with its metadata in headers (spec §12 "Create").
fn payload(status: StatusCode, version: HostedVersion) -> AwsResponse {
    let info = version.info;
    let header = HeaderName::from_static;
    AwsResponse::payload(status, &info.content_type, version.content)
        .header(header("application-id"), &info.application_id)
        .header(header("configuration-profile-id"), &info.configuration_profile_id)
        .header(header("version-number"), info.version_number.to_string())
        .opt_header(header("description"), info.description.as_deref())
        .opt_header(header("versionlabel"), info.version_label.as_deref())
        .opt_header(header("kmskeyarn"), info.kms_key_arn.as_deref())
}

fn summary(info: HostedVersionInfo) -> shapes::HostedConfigurationVersionSummary {
    shapes::HostedConfigurationVersionSummary {
        application_id: info.application_id,
        configuration_profile_id: info.configuration_profile_id,
        version_number: info.version_number,
        description: info.description,
        content_type: info.content_type,
        version_label: info.version_label,
        kms_key_arn: info.kms_key_arn,
    }
}

pub async fn create(
    state: &AppState,
    scope: &Scope,
    input: inputs::CreateHostedConfigurationVersion,
) -> Result<AwsResponse, AwsError> {
    let request = NewHostedVersionRequest {
        description: input.description,
        content: input.content,
        content_type: input.content_type,
        latest_version_number: input.latest_version_number,
        version_label: input.version_label,
    };
    let version = state
        .appconfig
        .create_hosted_version(scope, &input.application_id, &input.configuration_profile_id, request)
        .await
        .map_err(to_aws)?;
    Ok(payload(StatusCode::CREATED, version))
}

pub async fn get(
    state: &AppState,
    scope: &Scope,
    input: inputs::HostedConfigurationVersionRef,
) -> Result<AwsResponse, AwsError> {
    let version = state
        .appconfig
        .hosted_version(
            scope,
            &input.application_id,
            &input.configuration_profile_id,
            input.version_number,
        )
        .await
        .map_err(to_aws)?;
    Ok(payload(StatusCode::OK, version))
}

pub async fn list(
    state: &AppState,
    scope: &Scope,
    input: inputs::ListHostedConfigurationVersions,
) -> Result<AwsResponse, AwsError> {
    let (items, next_token) = state
        .appconfig
        .list_hosted_versions(
            scope,
            &input.application_id,
            &input.configuration_profile_id,
            input.version_label.as_deref(),
            input.page.max_results,
            input.page.next_token.as_deref(),
        )
        .await
        .map_err(to_aws)?;
    AwsResponse::json(
        StatusCode::OK,
        &shapes::Page {
            items: items.into_iter().map(summary).collect(),
            next_token,
        },
    )
}

pub async fn delete(
    state: &AppState,
    scope: &Scope,
    input: inputs::HostedConfigurationVersionRef,
) -> Result<AwsResponse, AwsError> {
    state
        .appconfig
        .delete_hosted_version(
            scope,
            &input.application_id,
            &input.configuration_profile_id,
            input.version_number,
        )
        .await
        .map_err(to_aws)?;
    Ok(AwsResponse::no_content())
}
