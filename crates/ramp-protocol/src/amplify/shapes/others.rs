//! Webhooks, backend environments, access logs and tags.

use super::*;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Webhook {
    pub webhook_arn: String,
    pub webhook_id: String,
    pub webhook_url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
    pub branch_name: String,
    pub description: String,
    #[serde(with = "epoch_seconds")]
    pub create_time: Timestamp,
    #[serde(with = "epoch_seconds")]
    pub update_time: Timestamp,
}

/// `{"webhook": …}`: Create/Get/Update/DeleteWebhook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WebhookOutput {
    pub webhook: Webhook,
}

/// ListWebhooks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListWebhooksOutput {
    pub webhooks: Vec<Webhook>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BackendEnvironment {
    pub backend_environment_arn: String,
    pub environment_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stack_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deployment_artifacts: Option<String>,
    #[serde(with = "epoch_seconds")]
    pub create_time: Timestamp,
    #[serde(with = "epoch_seconds")]
    pub update_time: Timestamp,
}

/// `{"backendEnvironment": …}`: Create/Get/DeleteBackendEnvironment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BackendEnvironmentOutput {
    pub backend_environment: BackendEnvironment,
}

/// ListBackendEnvironments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListBackendEnvironmentsOutput {
    pub backend_environments: Vec<BackendEnvironment>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// GenerateAccessLogs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GenerateAccessLogsOutput {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_url: Option<String>,
}

/// ListTagsForResource. The model leaves `tags` optional; ramp always sends the map.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListTagsForResourceOutput {
    pub tags: HashMap<String, String>,
}
