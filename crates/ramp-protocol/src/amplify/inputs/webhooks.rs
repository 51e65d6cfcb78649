//! Inputs of the webhook operations.

use super::*;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateWebhook {
    /// From the path.
    #[serde(skip)]
    pub app_id: String,
    pub branch_name: String,
    pub description: Option<String>,
}

impl Input for CreateWebhook {
    fn parse(req: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        let app_id = app_id_label(labels)?;
        let mut input: Self = req.json_body()?;
        branch_name("branchName", &input.branch_name)?;
        description(input.description.as_deref())?;
        input.app_id = app_id;
        Ok(input)
    }
}

/// GetWebhook, DeleteWebhook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookRef {
    pub webhook_id: String,
}

impl Input for WebhookRef {
    fn parse(_: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        let id = labels.get("webhookId");
        v::length("webhookId", id, 0, 255)?;
        Ok(Self {
            webhook_id: id.to_owned(),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListWebhooks {
    pub app_id: String,
    pub page: PageRequest,
}

impl Input for ListWebhooks {
    fn parse(req: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        Ok(Self {
            app_id: app_id_label(labels)?,
            page: PageRequest::parse(req, 50)?,
        })
    }
}

/// UpdateWebhook: absent members are unchanged.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateWebhook {
    /// From the path.
    #[serde(skip)]
    pub webhook_id: String,
    pub branch_name: Option<String>,
    pub description: Option<String>,
}

impl Input for UpdateWebhook {
    fn parse(req: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        let target = WebhookRef::parse(req, labels)?;
        let mut input: Self = req.json_body()?;
        if let Some(name) = &input.branch_name {
            branch_name("branchName", name)?;
        }
        description(input.description.as_deref())?;
        input.webhook_id = target.webhook_id;
        Ok(input)
    }
}
