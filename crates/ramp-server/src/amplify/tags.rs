//! Tags of apps, branches and jobs, by ARN (`/tags/{resourceArn}`). An unknown resource is a
//! `ResourceNotFoundException` here, not a `NotFoundException` (spec amplify.md §2 "Notes").

use ramp_protocol::amplify::{inputs, shapes};
use ramp_protocol::{AwsError, AwsResponse};

use super::errors::tags_to_aws;
use super::{Ctx, ok, ordered, unordered};

pub async fn list(cx: &Ctx<'_>, input: inputs::ResourceRef) -> Result<AwsResponse, AwsError> {
    let tags = cx
        .amplify
        .tags_of(cx.scope, &input.resource_arn)
        .await
        .map_err(tags_to_aws)?;
    ok(&shapes::ListTagsForResourceOutput { tags: unordered(tags) })
}

pub async fn tag(cx: &Ctx<'_>, input: inputs::TagResource) -> Result<AwsResponse, AwsError> {
    cx.amplify
        .tag_resource(cx.scope, &input.resource_arn, ordered(input.tags))
        .await
        .map_err(tags_to_aws)?;
    ok(&shapes::Empty {})
}

pub async fn untag(cx: &Ctx<'_>, input: inputs::UntagResource) -> Result<AwsResponse, AwsError> {
    cx.amplify
        .untag_resource(cx.scope, &input.resource_arn, &input.tag_keys)
        .await
        .map_err(tags_to_aws)?;
    ok(&shapes::Empty {})
}
