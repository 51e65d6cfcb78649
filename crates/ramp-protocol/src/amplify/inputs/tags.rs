//! Inputs of the tag operations (`/tags/{resourceArn}`, the ARN percent-encoded as one segment).

use super::*;

/// ListTagsForResource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceRef {
    pub resource_arn: String,
}

impl Input for ResourceRef {
    fn parse(_: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        let arn = labels.get("resourceArn");
        v::length("resourceArn", arn, 0, 2048)?;
        RESOURCE_ARN.check("resourceArn", arn)?;
        Ok(Self {
            resource_arn: arn.to_owned(),
        })
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TagResource {
    /// From the path.
    #[serde(skip)]
    pub resource_arn: String,
    pub tags: HashMap<String, String>,
}

impl Input for TagResource {
    fn parse(req: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        let target = ResourceRef::parse(req, labels)?;
        let mut input: Self = req.json_body()?;
        tag_map(&input.tags)?;
        input.resource_arn = target.resource_arn;
        Ok(input)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UntagResource {
    pub resource_arn: String,
    pub tag_keys: Vec<String>,
}

impl Input for UntagResource {
    fn parse(req: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        let target = ResourceRef::parse(req, labels)?;
        // Required, 1–50 keys: the model's `TagKeyList` (a repeated `tagKeys` query parameter).
        let tag_keys: Vec<String> = req.query_all("tagKeys").into_iter().map(str::to_owned).collect();
        if tag_keys.is_empty() {
            return Err(missing("tagKeys"));
        }
        v::count("tagKeys", tag_keys.len(), 1, 50)?;
        for key in &tag_keys {
            v::tag_key("tagKeys", key)?;
            TAG_KEY.check("tagKeys", key)?;
        }
        Ok(Self {
            resource_arn: target.resource_arn,
            tag_keys,
        })
    }
}
