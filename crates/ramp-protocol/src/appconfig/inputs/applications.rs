//! Inputs of the applications operations.

use super::*;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateApplication {
    pub name: String,
    pub description: Option<String>,
    pub tags: Option<HashMap<String, String>>,
}

impl Input for CreateApplication {
    fn parse(req: &AwsRequest, _: &Labels) -> Result<Self, AwsError> {
        let input: Self = req.json_body()?;
        name("Name", &input.name)?;
        description(input.description.as_deref())?;
        tags(&input.tags)?;
        Ok(input)
    }
}

#[derive(Debug)]
pub struct ApplicationRef {
    pub application_id: String,
}

impl Input for ApplicationRef {
    fn parse(_: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        Ok(Self {
            application_id: id_label(labels, "ApplicationId")?,
        })
    }
}

#[derive(Debug)]
pub struct ListApplications {
    pub page: PageRequest,
}

impl Input for ListApplications {
    fn parse(req: &AwsRequest, _: &Labels) -> Result<Self, AwsError> {
        Ok(Self {
            page: PageRequest::parse(req)?,
        })
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct UpdateApplicationBody {
    name: Option<String>,
    description: Option<String>,
}

#[derive(Debug)]
pub struct UpdateApplication {
    pub application_id: String,
    pub name: Option<String>,
    pub description: Option<String>,
}

impl Input for UpdateApplication {
    fn parse(req: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        let application_id = id_label(labels, "ApplicationId")?;
        let body: UpdateApplicationBody = req.json_body()?;
        v::opt_length("Name", body.name.as_deref(), 1, 64)?;
        description(body.description.as_deref())?;
        Ok(Self {
            application_id,
            name: body.name,
            description: body.description,
        })
    }
}
