use bytes::Bytes;

use super::AppConfig;
use super::environments::child_error;
use super::extension_points::{Level, PreRequest};
use crate::arn::Scope;
use crate::entities::{ConfigurationProfile, HostedVersion, HostedVersionInfo, NewHostedVersion};
use crate::error::{Error, InvalidConfigurationDetail, Result};
use crate::extensions::ActionPoint;
use crate::extensions::payload::Content;
use crate::store::{self, LabelFilter, ResourceKind};

pub struct NewHostedVersionRequest {
    pub description: Option<String>,
    pub content: Bytes,
    pub content_type: String,
    pub latest_version_number: Option<i64>,
    pub version_label: Option<String>,
}

impl AppConfig {
    pub async fn create_hosted_version(
        &self,
        scope: &Scope,
        application_id: &str,
        profile_id: &str,
        request: NewHostedVersionRequest,
    ) -> Result<HostedVersion> {
        // 1. The size limit comes first, before any parsing of what may be a huge body.
        let size = request.content.len() as u64;
        if size > self.quotas.hosted_configuration_bytes {
            return Err(Error::PayloadTooLarge {
                limit: self.quotas.hosted_configuration_bytes,
                size,
            });
        }
        // 2. The profile must exist and live in the hosted store.
        let profile = self.configuration_profile(scope, application_id, profile_id).await?;
        if !profile.is_hosted() {
            return Err(Error::BadRequest(format!(
                "Configuration profile {profile_id} does not use the hosted configuration store (LocationUri is '{}')",
                profile.location_uri
            )));
        }
        // 3. PRE_CREATE_HOSTED_CONFIGURATION_VERSION actions may refuse or replace the content
        //    (spec/appconfig.md §8.1); associations of the application and the profile apply.
        let content = self
            .pre_create_actions(scope, application_id, &profile, &request)
            .await?;
        // 4. Feature flags are validated and stamped with AppConfig's metadata (spec §12).
        let now = self.now();
        let content = if profile.is_feature_flags() {
            self.prepare_feature_flags(application_id, profile_id, &content, now)
                .await?
        } else {
            content
        };
        // 5. One atomic write: number, optimistic lock, label uniqueness, storage quota.
        let new = NewHostedVersion {
            application_id: application_id.to_owned(),
            configuration_profile_id: profile_id.to_owned(),
            description: request.description,
            content_type: request.content_type,
            version_label: request.version_label,
            content: content.clone(),
            created_at: now,
        };
        let stored = self
            .store
            .create_hosted_version(
                &scope.region,
                &new,
                request.latest_version_number,
                self.quotas.hosted_storage_bytes,
            )
            .await;
        let info = match stored {
            Ok(info) => info,
            Err(store::Error::QuotaExceeded) => {
                return Err(Error::QuotaExceeded(format!(
                    "The hosted configuration store of this account and region is limited to {} bytes.",
                    self.quotas.hosted_storage_bytes
                )));
            }
            Err(e) => return Err(child_error(e, application_id, profile_id)),
        };
        Ok(HostedVersion {
            info: self.with_kms_arn(scope, &profile, info),
            content,
        })
    }

    async fn prepare_feature_flags(
        &self,
        application_id: &str,
        profile_id: &str,
        content: &Bytes,
        now: ramp_clock::Timestamp,
    ) -> Result<Bytes> {
        let previous = self.store.latest_hosted_version(application_id, profile_id).await?;
        let previous = previous.as_ref().map(|v| v.content.as_ref());
        let stored =
            ramp_feature_flags::prepare_for_storage(content, previous, &now.to_iso8601()).map_err(invalid_flags)?;
        // What is stored must be servable: this also checks multi-variant rules, which only the
        // retrieval format parses (as Amazon Ion). A bad rule is the caller's mistake, found now
        // rather than as a failure when clients fetch it.
        ramp_feature_flags::to_retrieval(&stored).map_err(invalid_flags)?;
        Ok(Bytes::from(stored))
    }

    fn with_kms_arn(
        &self,
        scope: &Scope,
        profile: &ConfigurationProfile,
        mut info: HostedVersionInfo,
    ) -> HostedVersionInfo {
        if info.kms_key_arn.is_none() {
            info.kms_key_arn = profile
                .kms_key_identifier
                .as_deref()
                .map(|k| self.kms_key_arn(scope, k));
        }
        info
    }

    pub async fn hosted_version(
        &self,
        scope: &Scope,
        application_id: &str,
        profile_id: &str,
        number: i64,
    ) -> Result<HostedVersion> {
        let profile = self.configuration_profile(scope, application_id, profile_id).await?;
        let mut version = self
            .store
            .hosted_version(application_id, profile_id, number)
            .await?
            .ok_or_else(|| Error::not_found(ResourceKind::HostedConfigurationVersion, number))?;
        version.info = self.with_kms_arn(scope, &profile, version.info);
        Ok(version)
    }

    pub async fn list_hosted_versions(
        &self,
        scope: &Scope,
        application_id: &str,
        profile_id: &str,
        version_label: Option<&str>,
        max_results: Option<i64>,
        next_token: Option<&str>,
    ) -> Result<(Vec<HostedVersionInfo>, Option<String>)> {
        let profile = self.configuration_profile(scope, application_id, profile_id).await?;
        // A trailing `*` makes the label a prefix (spec/appconfig.md §12 "VersionLabel").
        let filter = version_label.map(|label| match label.strip_suffix('*') {
            Some(prefix) => LabelFilter::Prefix(prefix.to_owned()),
            None => LabelFilter::Exact(label.to_owned()),
        });
        let list = format!(
            "ListHostedConfigurationVersions/{application_id}/{profile_id}/{}",
            version_label.unwrap_or("")
        );
        let (items, token) = self
            .paged(&list, max_results, next_token, |slice| {
                self.store
                    .hosted_versions(application_id, profile_id, filter.as_ref(), slice)
            })
            .await?;
        Ok((
            items
                .into_iter()
                .map(|i| self.with_kms_arn(scope, &profile, i))
                .collect(),
            token,
        ))
    }

    pub async fn delete_hosted_version(
        &self,
        scope: &Scope,
        application_id: &str,
        profile_id: &str,
        number: i64,
    ) -> Result<()> {
        self.configuration_profile(scope, application_id, profile_id).await?;
        match self
            .store
            .delete_hosted_version(application_id, profile_id, number)
            .await
        {
            Err(store::Error::NotFound(ResourceKind::HostedConfigurationVersion)) => {
                Err(Error::not_found(ResourceKind::HostedConfigurationVersion, number))
            }
            other => other.map_err(|e| child_error(e, application_id, profile_id)),
        }
    }

    /// A hosted version named by number or by VersionLabel (labels always contain a non-digit,
    /// spec/appconfig.md §2.3, so the two can't be confused).
    pub async fn resolve_hosted_version(
        &self,
        application_id: &str,
        profile_id: &str,
        version: &str,
    ) -> Result<HostedVersion> {
        let found = match version.parse::<i64>() {
            Ok(number) => self.store.hosted_version(application_id, profile_id, number).await?,
            Err(_) => {
                self.store
                    .hosted_version_by_label(application_id, profile_id, version)
                    .await?
            }
        };
        found.ok_or_else(|| Error::not_found(ResourceKind::HostedConfigurationVersion, version))
    }

    async fn pre_create_actions(
        &self,
        scope: &Scope,
        application_id: &str,
        profile: &ConfigurationProfile,
        request: &NewHostedVersionRequest,
    ) -> Result<Bytes> {
        let level = Level {
            application_id,
            environment_id: None,
            profile,
        };
        let point = ActionPoint::PreCreateHostedConfigurationVersion;
        let applied = self.applied_extensions(scope, &level, &Default::default()).await?;
        let content = Content {
            bytes: request.content.clone(),
            content_type: request.content_type.clone(),
        };
        let pre = PreRequest {
            level: &level,
            description: request.description.clone(),
            configuration_version: None,
        };
        let (content, _) = self.run_pre_actions(scope, point, &applied, &pre, content).await?;
        Ok(content.bytes)
    }

    /// Runs the profile's validators over a document not stored yet (the dashboard checks an
    /// edited version before CreateHostedConfigurationVersion stores it), as StartDeployment
    /// and ValidateConfiguration run them over a stored one.
    pub async fn validate_draft(
        &self,
        scope: &Scope,
        application_id: &str,
        profile_id: &str,
        content: &Bytes,
    ) -> Result<()> {
        let profile = self.configuration_profile(scope, application_id, profile_id).await?;
        self.run_validators(scope, &profile, "draft", content).await
    }

    /// ValidateConfiguration: runs the profile's validators over a stored version.
    pub async fn validate_configuration(
        &self,
        scope: &Scope,
        application_id: &str,
        profile_id: &str,
        version: &str,
    ) -> Result<()> {
        let profile = self.configuration_profile(scope, application_id, profile_id).await?;
        if !profile.is_hosted() {
            return Err(Error::BadRequest(format!(
                "ramp can only validate configurations in its hosted store; {} is not reachable from ramp",
                profile.location_uri
            )));
        }
        let resolved = self.resolve_hosted_version(application_id, profile_id, version).await?;
        self.run_validators(scope, &profile, version, &resolved.content).await
    }
}

fn invalid_flags(violations: Vec<ramp_feature_flags::Violation>) -> Error {
    Error::InvalidConfiguration {
        message: ramp_feature_flags::error_message(&violations).to_owned(),
        details: violations
            .into_iter()
            .map(|v| InvalidConfigurationDetail {
                constraint: v.constraint,
                location: v.location,
                reason: v.reason,
                detail_type: v.r#type,
                value: v.value,
            })
            .collect(),
    }
}
