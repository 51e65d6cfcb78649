//! Webhooks: a URL that starts a RELEASE job of its branch when POSTed to (served by the
//! hosting runtime under `/_ramp/amplify/webhooks/`).

use ramp_domain::amplify::{Webhook, arn};
use ramp_protocol::amplify::{inputs, shapes};
use ramp_protocol::{AwsError, AwsResponse};

use super::errors::to_aws;
use super::links::Links;
use super::{Ctx, ok};

fn shape(cx: &Ctx<'_>, links: &Links<'_>, webhook: Webhook) -> shapes::Webhook {
    shapes::Webhook {
        webhook_arn: arn::webhook(cx.scope, &webhook.app_id, &webhook.webhook_id),
        webhook_url: links.webhook(&webhook.region, &webhook.webhook_id),
        webhook_id: webhook.webhook_id,
        app_id: Some(webhook.app_id),
        branch_name: webhook.branch_name,
        description: webhook.description,
        create_time: webhook.create_time,
        update_time: webhook.update_time,
    }
}

fn output(cx: &Ctx<'_>, links: &Links<'_>, webhook: Webhook) -> Result<AwsResponse, AwsError> {
    ok(&shapes::WebhookOutput {
        webhook: shape(cx, links, webhook),
    })
}

pub async fn create(cx: &Ctx<'_>, input: inputs::CreateWebhook) -> Result<AwsResponse, AwsError> {
    let links = Links::new(cx)?;
    let webhook = cx
        .amplify
        .create_webhook(cx.scope, &input.app_id, &input.branch_name, input.description)
        .await
        .map_err(to_aws)?;
    output(cx, &links, webhook)
}

pub async fn get(cx: &Ctx<'_>, input: inputs::WebhookRef) -> Result<AwsResponse, AwsError> {
    let links = Links::new(cx)?;
    let webhook = cx.amplify.webhook(cx.scope, &input.webhook_id).await.map_err(to_aws)?;
    output(cx, &links, webhook)
}

pub async fn list(cx: &Ctx<'_>, input: inputs::ListWebhooks) -> Result<AwsResponse, AwsError> {
    let links = Links::new(cx)?;
    let (webhooks, next_token) = cx
        .amplify
        .list_webhooks(
            cx.scope,
            &input.app_id,
            input.page.max_results,
            input.page.next_token.as_deref(),
        )
        .await
        .map_err(to_aws)?;
    ok(&shapes::ListWebhooksOutput {
        webhooks: webhooks.into_iter().map(|w| shape(cx, &links, w)).collect(),
        next_token,
    })
}

pub async fn update(cx: &Ctx<'_>, input: inputs::UpdateWebhook) -> Result<AwsResponse, AwsError> {
    let links = Links::new(cx)?;
    let webhook = cx
        .amplify
        .update_webhook(cx.scope, &input.webhook_id, input.branch_name, input.description)
        .await
        .map_err(to_aws)?;
    output(cx, &links, webhook)
}

pub async fn delete(cx: &Ctx<'_>, input: inputs::WebhookRef) -> Result<AwsResponse, AwsError> {
    let links = Links::new(cx)?;
    let webhook = cx
        .amplify
        .delete_webhook(cx.scope, &input.webhook_id)
        .await
        .map_err(to_aws)?;
    output(cx, &links, webhook)
}
