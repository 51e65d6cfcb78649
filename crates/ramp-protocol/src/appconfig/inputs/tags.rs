//! Inputs of the tags operations.

use super::*;

#[derive(Debug)]
pub struct ResourceRef {
    pub resource_arn: String,
}

impl Input for ResourceRef {
    fn parse(_: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        let arn = labels.get("ResourceArn");
        v::length("ResourceArn", arn, 20, 2048)?;
        v::ARN.check("ResourceArn", arn)?;
        Ok(Self {
            resource_arn: arn.to_owned(),
        })
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct TagResourceBody {
    tags: HashMap<String, String>,
}

#[derive(Debug)]
pub struct TagResource {
    pub resource_arn: String,
    pub tags: HashMap<String, String>,
}

impl Input for TagResource {
    fn parse(req: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        let target = ResourceRef::parse(req, labels)?;
        let body: TagResourceBody = req.json_body()?;
        v::tags("Tags", &body.tags)?;
        Ok(Self {
            resource_arn: target.resource_arn,
            tags: body.tags,
        })
    }
}

#[derive(Debug)]
pub struct UntagResource {
    pub resource_arn: String,
    pub tag_keys: Vec<String>,
}

impl Input for UntagResource {
    fn parse(req: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        let target = ResourceRef::parse(req, labels)?;
        // An SDK sends no `tagKeys` at all for an empty list, so absent reads as empty.
        let tag_keys: Vec<String> = req.query_all("tagKeys").into_iter().map(str::to_owned).collect();
        v::count("TagKeys", tag_keys.len(), 0, 50)?;
        for key in &tag_keys {
            v::length("TagKeys", key, 1, 128)?;
        }
        Ok(Self {
            resource_arn: target.resource_arn,
            tag_keys,
        })
    }
}
