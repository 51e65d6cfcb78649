//! Inputs of the app operations.

use super::*;

/// The members CreateApp and UpdateApp share, checked on either.
macro_rules! check_app_settings {
    ($input:expr) => {{
        let input = $input;
        description(input.description.as_deref())?;
        v::opt_length("repository", input.repository.as_deref(), 0, 1000)?;
        v::opt_length("computeRoleArn", input.compute_role_arn.as_deref(), 0, 1000)?;
        v::opt_length("iamServiceRoleArn", input.iam_service_role_arn.as_deref(), 0, 1000)?;
        sensitive("oauthToken", input.oauth_token.as_ref(), 0, 1000)?;
        sensitive("accessToken", input.access_token.as_ref(), 1, 255)?;
        environment_variables("environmentVariables", input.environment_variables.as_ref())?;
        sensitive("basicAuthCredentials", input.basic_auth_credentials.as_ref(), 0, 2000)?;
        custom_rules(input.custom_rules.as_deref())?;
        sensitive("buildSpec", input.build_spec.as_ref(), 1, 25000)?;
        v::opt_length("customHeaders", input.custom_headers.as_deref(), 0, 25000)?;
        creation_patterns(
            "autoBranchCreationPatterns",
            input.auto_branch_creation_patterns.as_deref(),
        )?;
        auto_branch_creation_config(input.auto_branch_creation_config.as_ref())?;
    }};
}

/// CreateApp. A manual-deploy app needs only `name` (spec amplify.md §2 "Notes").
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateApp {
    pub name: String,
    pub description: Option<String>,
    pub repository: Option<String>,
    pub platform: Option<Platform>,
    pub compute_role_arn: Option<String>,
    pub iam_service_role_arn: Option<String>,
    pub oauth_token: Option<Sensitive>,
    pub access_token: Option<Sensitive>,
    pub environment_variables: Option<HashMap<String, String>>,
    pub enable_branch_auto_build: Option<bool>,
    pub enable_branch_auto_deletion: Option<bool>,
    pub enable_basic_auth: Option<bool>,
    pub basic_auth_credentials: Option<Sensitive>,
    pub custom_rules: Option<Vec<CustomRule>>,
    pub tags: Option<HashMap<String, String>>,
    pub build_spec: Option<Sensitive>,
    pub custom_headers: Option<String>,
    pub enable_auto_branch_creation: Option<bool>,
    pub auto_branch_creation_patterns: Option<Vec<String>>,
    pub auto_branch_creation_config: Option<AutoBranchCreationConfig>,
    pub job_config: Option<JobConfig>,
    pub cache_config: Option<CacheConfig>,
}

impl Input for CreateApp {
    fn parse(req: &AwsRequest, _: &Labels) -> Result<Self, AwsError> {
        let input: Self = req.json_body()?;
        v::length("name", &input.name, 1, 255)?;
        check_app_settings!(&input);
        tags(input.tags.as_ref())?;
        Ok(input)
    }
}

/// GetApp, DeleteApp.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppRef {
    pub app_id: String,
}

impl Input for AppRef {
    fn parse(_: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        Ok(Self {
            app_id: app_id_label(labels)?,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListApps {
    pub page: PageRequest,
}

impl Input for ListApps {
    fn parse(req: &AwsRequest, _: &Labels) -> Result<Self, AwsError> {
        Ok(Self {
            page: PageRequest::parse(req, 100)?,
        })
    }
}

/// UpdateApp: absent members are unchanged.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateApp {
    /// From the path.
    #[serde(skip)]
    pub app_id: String,
    pub name: Option<String>,
    pub description: Option<String>,
    pub platform: Option<Platform>,
    pub compute_role_arn: Option<String>,
    pub iam_service_role_arn: Option<String>,
    pub environment_variables: Option<HashMap<String, String>>,
    pub enable_branch_auto_build: Option<bool>,
    pub enable_branch_auto_deletion: Option<bool>,
    pub enable_basic_auth: Option<bool>,
    pub basic_auth_credentials: Option<Sensitive>,
    pub custom_rules: Option<Vec<CustomRule>>,
    pub build_spec: Option<Sensitive>,
    pub custom_headers: Option<String>,
    pub enable_auto_branch_creation: Option<bool>,
    pub auto_branch_creation_patterns: Option<Vec<String>>,
    pub auto_branch_creation_config: Option<AutoBranchCreationConfig>,
    pub repository: Option<String>,
    pub oauth_token: Option<Sensitive>,
    pub access_token: Option<Sensitive>,
    pub job_config: Option<JobConfig>,
    pub cache_config: Option<CacheConfig>,
}

impl Input for UpdateApp {
    fn parse(req: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        let app_id = app_id_label(labels)?;
        let mut input: Self = req.json_body()?;
        v::opt_length("name", input.name.as_deref(), 1, 255)?;
        check_app_settings!(&input);
        input.app_id = app_id;
        Ok(input)
    }
}
