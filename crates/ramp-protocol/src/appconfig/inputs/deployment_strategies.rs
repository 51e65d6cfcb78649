//! Inputs of the deployment strategies operations.

use super::*;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateDeploymentStrategy {
    pub name: String,
    pub description: Option<String>,
    pub deployment_duration_in_minutes: i64,
    pub final_bake_time_in_minutes: Option<i64>,
    pub growth_factor: f64,
    pub growth_type: Option<String>,
    pub replicate_to: Option<String>,
    pub tags: Option<HashMap<String, String>>,
}

impl Input for CreateDeploymentStrategy {
    fn parse(req: &AwsRequest, _: &Labels) -> Result<Self, AwsError> {
        let input: Self = req.json_body()?;
        name("Name", &input.name)?;
        description(input.description.as_deref())?;
        v::range(
            "DeploymentDurationInMinutes",
            input.deployment_duration_in_minutes,
            0,
            1440,
        )?;
        if let Some(bake) = input.final_bake_time_in_minutes {
            v::range("FinalBakeTimeInMinutes", bake, 0, 1440)?;
        }
        v::float_range("GrowthFactor", input.growth_factor, 1.0, 100.0)?;
        if let Some(t) = &input.growth_type {
            v::one_of("GrowthType", t, GROWTH_TYPES)?;
        }
        if let Some(r) = &input.replicate_to {
            v::one_of("ReplicateTo", r, REPLICATE_TO)?;
        }
        tags(&input.tags)?;
        Ok(input)
    }
}

#[derive(Debug)]
pub struct DeploymentStrategyRef {
    pub deployment_strategy_id: String,
}

impl Input for DeploymentStrategyRef {
    fn parse(_: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        let id = labels.get("DeploymentStrategyId");
        v::DEPLOYMENT_STRATEGY_ID.check("DeploymentStrategyId", id)?;
        Ok(Self {
            deployment_strategy_id: id.to_owned(),
        })
    }
}

#[derive(Debug)]
pub struct ListDeploymentStrategies {
    pub page: PageRequest,
}

impl Input for ListDeploymentStrategies {
    fn parse(req: &AwsRequest, _: &Labels) -> Result<Self, AwsError> {
        Ok(Self {
            page: PageRequest::parse(req)?,
        })
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct UpdateDeploymentStrategyBody {
    description: Option<String>,
    deployment_duration_in_minutes: Option<i64>,
    final_bake_time_in_minutes: Option<i64>,
    growth_factor: Option<f64>,
    growth_type: Option<String>,
}

#[derive(Debug)]
pub struct UpdateDeploymentStrategy {
    pub deployment_strategy_id: String,
    pub description: Option<String>,
    pub deployment_duration_in_minutes: Option<i64>,
    pub final_bake_time_in_minutes: Option<i64>,
    pub growth_factor: Option<f64>,
    pub growth_type: Option<String>,
}

impl Input for UpdateDeploymentStrategy {
    fn parse(req: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        let target = DeploymentStrategyRef::parse(req, labels)?;
        let body: UpdateDeploymentStrategyBody = req.json_body()?;
        description(body.description.as_deref())?;
        if let Some(d) = body.deployment_duration_in_minutes {
            v::range("DeploymentDurationInMinutes", d, 0, 1440)?;
        }
        if let Some(b) = body.final_bake_time_in_minutes {
            v::range("FinalBakeTimeInMinutes", b, 0, 1440)?;
        }
        if let Some(g) = body.growth_factor {
            v::float_range("GrowthFactor", g, 1.0, 100.0)?;
        }
        if let Some(t) = &body.growth_type {
            v::one_of("GrowthType", t, GROWTH_TYPES)?;
        }
        Ok(Self {
            deployment_strategy_id: target.deployment_strategy_id,
            description: body.description,
            deployment_duration_in_minutes: body.deployment_duration_in_minutes,
            final_bake_time_in_minutes: body.final_bake_time_in_minutes,
            growth_factor: body.growth_factor,
            growth_type: body.growth_type,
        })
    }
}
