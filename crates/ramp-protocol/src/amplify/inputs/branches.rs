//! Inputs of the branch operations.

use super::*;

/// The members CreateBranch and UpdateBranch share, checked on either.
macro_rules! check_branch_settings {
    ($input:expr) => {{
        let input = $input;
        description(input.description.as_deref())?;
        v::opt_length("framework", input.framework.as_deref(), 0, 255)?;
        environment_variables("environmentVariables", input.environment_variables.as_ref())?;
        sensitive("basicAuthCredentials", input.basic_auth_credentials.as_ref(), 0, 2000)?;
        sensitive("buildSpec", input.build_spec.as_ref(), 1, 25000)?;
        if let Some(ttl) = &input.ttl {
            v::length("ttl", ttl, 0, 32)?;
            TTL.check("ttl", ttl)?;
        }
        v::opt_length("displayName", input.display_name.as_deref(), 0, 255)?;
        v::opt_length(
            "pullRequestEnvironmentName",
            input.pull_request_environment_name.as_deref(),
            0,
            20,
        )?;
        v::opt_length(
            "backendEnvironmentArn",
            input.backend_environment_arn.as_deref(),
            0,
            1000,
        )?;
        backend(input.backend.as_ref())?;
        v::opt_length("computeRoleArn", input.compute_role_arn.as_deref(), 0, 1000)?;
    }};
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateBranch {
    /// From the path.
    #[serde(skip)]
    pub app_id: String,
    pub branch_name: String,
    pub description: Option<String>,
    pub stage: Option<Stage>,
    pub framework: Option<String>,
    pub enable_notification: Option<bool>,
    pub enable_auto_build: Option<bool>,
    pub enable_skew_protection: Option<bool>,
    pub environment_variables: Option<HashMap<String, String>>,
    pub basic_auth_credentials: Option<Sensitive>,
    pub enable_basic_auth: Option<bool>,
    pub enable_performance_mode: Option<bool>,
    pub tags: Option<HashMap<String, String>>,
    pub build_spec: Option<Sensitive>,
    pub ttl: Option<String>,
    pub display_name: Option<String>,
    pub enable_pull_request_preview: Option<bool>,
    pub pull_request_environment_name: Option<String>,
    pub backend_environment_arn: Option<String>,
    pub backend: Option<Backend>,
    pub compute_role_arn: Option<String>,
}

impl Input for CreateBranch {
    fn parse(req: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        let app_id = app_id_label(labels)?;
        let mut input: Self = req.json_body()?;
        branch_name("branchName", &input.branch_name)?;
        check_branch_settings!(&input);
        tags(input.tags.as_ref())?;
        input.app_id = app_id;
        Ok(input)
    }
}

/// GetBranch, DeleteBranch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BranchRef {
    pub app_id: String,
    pub branch_name: String,
}

impl Input for BranchRef {
    fn parse(_: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        Ok(Self {
            app_id: app_id_label(labels)?,
            branch_name: branch_name_label(labels)?,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListBranches {
    pub app_id: String,
    pub page: PageRequest,
}

impl Input for ListBranches {
    fn parse(req: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        Ok(Self {
            app_id: app_id_label(labels)?,
            page: PageRequest::parse(req, 50)?,
        })
    }
}

/// UpdateBranch: absent members are unchanged.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateBranch {
    /// From the path.
    #[serde(skip)]
    pub app_id: String,
    /// From the path.
    #[serde(skip)]
    pub branch_name: String,
    pub description: Option<String>,
    pub framework: Option<String>,
    pub stage: Option<Stage>,
    pub enable_notification: Option<bool>,
    pub enable_auto_build: Option<bool>,
    pub enable_skew_protection: Option<bool>,
    pub environment_variables: Option<HashMap<String, String>>,
    pub basic_auth_credentials: Option<Sensitive>,
    pub enable_basic_auth: Option<bool>,
    pub enable_performance_mode: Option<bool>,
    pub build_spec: Option<Sensitive>,
    pub ttl: Option<String>,
    pub display_name: Option<String>,
    pub enable_pull_request_preview: Option<bool>,
    pub pull_request_environment_name: Option<String>,
    pub backend_environment_arn: Option<String>,
    pub backend: Option<Backend>,
    pub compute_role_arn: Option<String>,
}

impl Input for UpdateBranch {
    fn parse(req: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        let target = BranchRef::parse(req, labels)?;
        let mut input: Self = req.json_body()?;
        check_branch_settings!(&input);
        input.app_id = target.app_id;
        input.branch_name = target.branch_name;
        Ok(input)
    }
}
