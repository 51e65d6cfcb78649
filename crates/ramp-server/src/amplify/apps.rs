//! Apps (spec amplify.md §3.1).

use ramp_domain::amplify::{self as domain, App, BranchDefaults, arn};
use ramp_domain::entities::Tags;
use ramp_protocol::amplify::{
    BuildComputeType, CacheConfigType, Platform, RepositoryCloneMethod, Sensitive, Stage, inputs, shapes,
};
use ramp_protocol::{AwsError, AwsResponse};

use super::errors::to_aws;
use super::{
    Ctx, non_empty, ok, ordered, set, set_optional, unless_vanished, unordered, update_credentials, update_environment,
};

/// Rules and headers are compiled when they are stored, so a site never meets settings it
/// cannot serve: a bad one is a 400 naming it (spec/amplify.md §8.3, §8.5).
fn check_site_settings(
    custom_rules: Option<&[shapes::CustomRule]>,
    custom_headers: Option<&str>,
) -> Result<(), AwsError> {
    if let Some(rules) = custom_rules {
        let rules: Vec<ramp_sites::serve::Rule> = rules.iter().map(|r| site_rule(&rule(r.clone()))).collect();
        ramp_sites::serve::rules::compile(&rules).map_err(|e| AwsError::bad_request(format!("customRules: {e}")))?;
    }
    if let Some(headers) = custom_headers.filter(|h| !h.trim().is_empty()) {
        ramp_sites::serve::headers::validate(headers)
            .map_err(|e| AwsError::bad_request(format!("customHeaders: {e}")))?;
    }
    Ok(())
}

/// A stored rule as the site server takes it; a rule without a status rewrites (200).
pub(crate) fn site_rule(rule: &domain::CustomRule) -> ramp_sites::serve::Rule {
    ramp_sites::serve::Rule {
        source: rule.source.clone(),
        target: rule.target.clone(),
        status: rule.status.clone().unwrap_or_else(|| "200".to_owned()),
        condition: rule.condition.clone(),
    }
}

fn rule(rule: shapes::CustomRule) -> domain::CustomRule {
    domain::CustomRule {
        source: rule.source,
        target: rule.target,
        status: rule.status,
        condition: rule.condition,
    }
}

fn wire_rule(rule: domain::CustomRule) -> shapes::CustomRule {
    shapes::CustomRule {
        source: rule.source,
        target: rule.target,
        status: rule.status,
        condition: rule.condition,
    }
}

fn branch_defaults(config: shapes::AutoBranchCreationConfig) -> BranchDefaults {
    BranchDefaults {
        stage: config.stage.map(|s| s.as_str().to_owned()),
        framework: config.framework,
        enable_auto_build: config.enable_auto_build,
        environment_variables: config.environment_variables.map(ordered),
        basic_auth_credentials: config.basic_auth_credentials.map(Sensitive::into_inner),
        enable_basic_auth: config.enable_basic_auth,
        enable_performance_mode: config.enable_performance_mode,
        build_spec: config.build_spec.map(Sensitive::into_inner),
        enable_pull_request_preview: config.enable_pull_request_preview,
        pull_request_environment_name: config.pull_request_environment_name,
    }
}

fn wire_branch_defaults(defaults: BranchDefaults) -> shapes::AutoBranchCreationConfig {
    shapes::AutoBranchCreationConfig {
        stage: defaults.stage.as_deref().and_then(Stage::from_wire),
        framework: defaults.framework,
        enable_auto_build: defaults.enable_auto_build,
        environment_variables: defaults.environment_variables.map(unordered),
        basic_auth_credentials: defaults.basic_auth_credentials.map(Sensitive::new),
        enable_basic_auth: defaults.enable_basic_auth,
        enable_performance_mode: defaults.enable_performance_mode,
        build_spec: defaults.build_spec.map(Sensitive::new),
        enable_pull_request_preview: defaults.enable_pull_request_preview,
        pull_request_environment_name: defaults.pull_request_environment_name,
    }
}

/// The app as the wire shows it. `cacheConfig` is always present: an app that never set it
/// answers `AMPLIFY_MANAGED_NO_COOKIES`, the default AWS documents today (spec §3.1).
fn shape(
    cx: &Ctx<'_>,
    app: App,
    tags: Option<Tags>,
    production_branch: Option<shapes::ProductionBranch>,
) -> shapes::App {
    let cache_type = app.cache_config_type.as_deref().and_then(CacheConfigType::from_wire);
    shapes::App {
        app_arn: arn::app(cx.scope, &app.app_id),
        default_domain: cx.amplify.default_domain(&app.app_id),
        app_id: app.app_id,
        name: app.name,
        tags: tags.map(unordered),
        description: app.description,
        repository: app.repository,
        platform: Platform::from_wire(&app.platform).unwrap_or(Platform::Web),
        create_time: app.create_time,
        update_time: app.update_time,
        compute_role_arn: app.compute_role_arn,
        iam_service_role_arn: app.iam_service_role_arn,
        environment_variables: unordered(app.environment_variables),
        enable_branch_auto_build: app.enable_branch_auto_build,
        enable_branch_auto_deletion: Some(app.enable_branch_auto_deletion),
        enable_basic_auth: app.enable_basic_auth,
        basic_auth_credentials: app.basic_auth_credentials.map(Sensitive::new),
        custom_rules: Some(app.custom_rules.into_iter().map(wire_rule).collect()),
        production_branch,
        build_spec: app.build_spec.map(Sensitive::new),
        custom_headers: app.custom_headers,
        enable_auto_branch_creation: Some(app.enable_auto_branch_creation),
        auto_branch_creation_patterns: Some(app.auto_branch_creation_patterns),
        auto_branch_creation_config: app.auto_branch_creation_config.map(wire_branch_defaults),
        repository_clone_method: app
            .repository_clone_method
            .as_deref()
            .and_then(RepositoryCloneMethod::from_wire),
        cache_config: Some(shapes::CacheConfig {
            r#type: cache_type.unwrap_or(CacheConfigType::AmplifyManagedNoCookies),
        }),
        webhook_create_time: app.webhook_create_time,
        waf_configuration: None,
        job_config: app
            .build_compute_type
            .as_deref()
            .and_then(BuildComputeType::from_wire)
            .map(|build_compute_type| shapes::JobConfig { build_compute_type }),
    }
}

/// What an app shows beside its own settings: its tags and its production branch.
struct Extras {
    tags: Tags,
    production_branch: Option<shapes::ProductionBranch>,
}

async fn extras(cx: &Ctx<'_>, app_id: &str) -> ramp_domain::Result<Extras> {
    Ok(Extras {
        tags: cx.amplify.tags_of(cx.scope, &arn::app(cx.scope, app_id)).await?,
        production_branch: production_branch(cx, app_id).await?,
    })
}

async fn described(cx: &Ctx<'_>, app: App) -> Result<shapes::App, AwsError> {
    let extras = extras(cx, &app.app_id).await.map_err(to_aws)?;
    Ok(shape(cx, app, Some(extras.tags), extras.production_branch))
}

/// The branch whose stage is PRODUCTION, with its latest job's status and end (spec §3.1).
async fn production_branch(cx: &Ctx<'_>, app_id: &str) -> ramp_domain::Result<Option<shapes::ProductionBranch>> {
    let branches = super::branches::all(cx, app_id).await?;
    let Some(branch) = branches
        .into_iter()
        .find(|b| b.stage.as_deref() == Some(Stage::Production.as_str()))
    else {
        return Ok(None);
    };
    let (jobs, _) = cx
        .amplify
        .list_jobs(cx.scope, app_id, &branch.branch_name, Some(1), None)
        .await?;
    let latest = jobs.into_iter().next();
    Ok(Some(shapes::ProductionBranch {
        last_deploy_time: latest.as_ref().map(|job| job.end_time.unwrap_or(job.start_time)),
        status: latest.map(|job| job.status.as_str().to_owned()),
        thumbnail_url: None,
        branch_name: Some(branch.branch_name),
    }))
}

pub async fn create(cx: &Ctx<'_>, input: inputs::CreateApp) -> Result<AwsResponse, AwsError> {
    check_site_settings(input.custom_rules.as_deref(), input.custom_headers.as_deref())?;
    // The OAuth and access tokens connect a repository; ramp builds from none, so they are
    // checked by the model and not kept (AWS never returns them either).
    let settings = App {
        name: input.name,
        description: input.description.unwrap_or_default(),
        repository: input.repository.unwrap_or_default(),
        platform: input.platform.map(|p| p.as_str().to_owned()).unwrap_or_default(),
        iam_service_role_arn: non_empty(input.iam_service_role_arn),
        compute_role_arn: non_empty(input.compute_role_arn),
        environment_variables: input.environment_variables.map(ordered).unwrap_or_default(),
        enable_branch_auto_build: input.enable_branch_auto_build.unwrap_or(false),
        enable_branch_auto_deletion: input.enable_branch_auto_deletion.unwrap_or(false),
        enable_basic_auth: input.enable_basic_auth.unwrap_or(false),
        basic_auth_credentials: non_empty(input.basic_auth_credentials.map(Sensitive::into_inner)),
        custom_rules: input.custom_rules.unwrap_or_default().into_iter().map(rule).collect(),
        build_spec: input.build_spec.map(Sensitive::into_inner),
        custom_headers: non_empty(input.custom_headers),
        enable_auto_branch_creation: input.enable_auto_branch_creation.unwrap_or(false),
        auto_branch_creation_patterns: input.auto_branch_creation_patterns.unwrap_or_default(),
        auto_branch_creation_config: input.auto_branch_creation_config.map(branch_defaults),
        cache_config_type: input.cache_config.map(|c| c.r#type.as_str().to_owned()),
        build_compute_type: input.job_config.map(|j| j.build_compute_type.as_str().to_owned()),
        ..App::default()
    };
    let tags: Tags = input.tags.map(ordered).unwrap_or_default();
    let app = cx
        .amplify
        .create_app(cx.scope, settings, tags.clone())
        .await
        .map_err(to_aws)?;
    // A new app has no branch yet, so no production branch, and serves nothing yet.
    ok(&shapes::AppOutput {
        app: shape(cx, app, Some(tags), None),
    })
}

pub async fn get(cx: &Ctx<'_>, input: inputs::AppRef) -> Result<AwsResponse, AwsError> {
    let app = cx.amplify.app(cx.scope, &input.app_id).await.map_err(to_aws)?;
    ok(&shapes::AppOutput {
        app: described(cx, app).await?,
    })
}

pub async fn list(cx: &Ctx<'_>, input: inputs::ListApps) -> Result<AwsResponse, AwsError> {
    let (apps, next_token) = cx
        .amplify
        .list_apps(cx.scope, input.page.max_results, input.page.next_token.as_deref())
        .await
        .map_err(to_aws)?;
    let mut shapes = Vec::with_capacity(apps.len());
    for app in apps {
        let shown = match unless_vanished(extras(cx, &app.app_id).await)? {
            Some(extras) => shape(cx, app, Some(extras.tags), extras.production_branch),
            None => shape(cx, app, None, None),
        };
        shapes.push(shown);
    }
    ok(&shapes::ListAppsOutput {
        apps: shapes,
        next_token,
    })
}

/// Changes only the members sent (spec §3.1's quirks: see `update_environment` and
/// `update_credentials`); an empty `customHeaders` or role ARN clears it.
pub async fn update(cx: &Ctx<'_>, input: inputs::UpdateApp) -> Result<AwsResponse, AwsError> {
    check_site_settings(input.custom_rules.as_deref(), input.custom_headers.as_deref())?;
    let app = cx
        .amplify
        .update_app(cx.scope, &input.app_id, |app| {
            set(&mut app.name, input.name);
            set(&mut app.description, input.description);
            set(&mut app.repository, input.repository);
            set(&mut app.platform, input.platform.map(|p| p.as_str().to_owned()));
            set_optional(&mut app.compute_role_arn, input.compute_role_arn);
            set_optional(&mut app.iam_service_role_arn, input.iam_service_role_arn);
            update_environment(&mut app.environment_variables, input.environment_variables);
            set(&mut app.enable_branch_auto_build, input.enable_branch_auto_build);
            set(&mut app.enable_branch_auto_deletion, input.enable_branch_auto_deletion);
            set(&mut app.enable_basic_auth, input.enable_basic_auth);
            update_credentials(&mut app.basic_auth_credentials, input.basic_auth_credentials);
            if let Some(rules) = input.custom_rules {
                app.custom_rules = rules.into_iter().map(rule).collect();
            }
            // A build spec is sticky (spec §3.1): it can be replaced, not removed.
            if let Some(spec) = input.build_spec {
                app.build_spec = Some(spec.into_inner());
            }
            set_optional(&mut app.custom_headers, input.custom_headers);
            set(&mut app.enable_auto_branch_creation, input.enable_auto_branch_creation);
            set(
                &mut app.auto_branch_creation_patterns,
                input.auto_branch_creation_patterns,
            );
            if let Some(config) = input.auto_branch_creation_config {
                app.auto_branch_creation_config = Some(branch_defaults(config));
            }
            if let Some(cache) = input.cache_config {
                app.cache_config_type = Some(cache.r#type.as_str().to_owned());
            }
            if let Some(job) = input.job_config {
                app.build_compute_type = Some(job.build_compute_type.as_str().to_owned());
            }
        })
        .await
        .map_err(to_aws)?;
    cx.events.changed().await;
    ok(&shapes::AppOutput {
        app: described(cx, app).await?,
    })
}

pub async fn delete(cx: &Ctx<'_>, input: inputs::AppRef) -> Result<AwsResponse, AwsError> {
    let app = cx.amplify.delete_app(cx.scope, &input.app_id).await.map_err(to_aws)?;
    cx.events.changed().await;
    // Its tags and branches went with it.
    ok(&shapes::AppOutput {
        app: shape(cx, app, None, None),
    })
}
