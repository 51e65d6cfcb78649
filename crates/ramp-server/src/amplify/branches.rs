//! Branches (spec amplify.md §3.2).

use ramp_domain::amplify::{Branch, DomainAssociation, arn};
use ramp_domain::entities::Tags;
use ramp_protocol::amplify::{Sensitive, Stage, inputs, shapes};
use ramp_protocol::{AwsError, AwsResponse};

use super::errors::to_aws;
use super::{
    Ctx, every_page, non_empty, ok, ordered, set, set_optional, unless_vanished, unordered, update_credentials,
    update_environment,
};

/// Every branch of the app.
pub(super) async fn all(cx: &Ctx<'_>, app_id: &str) -> ramp_domain::Result<Vec<Branch>> {
    every_page(|token| async move { cx.amplify.list_branches(cx.scope, app_id, None, token.as_deref()).await }).await
}

/// `prefix.domain` (the domain itself for the apex prefix `""`) of every sub-domain of the
/// app's domain associations that serves `branch_name`.
fn custom_domains(domains: &[DomainAssociation], branch_name: &str) -> Vec<String> {
    domains
        .iter()
        .flat_map(|domain| {
            domain
                .sub_domains
                .iter()
                .filter(move |sub| sub.branch_name == branch_name)
                .map(move |sub| match sub.prefix.as_str() {
                    "" => domain.domain_name.clone(),
                    prefix => format!("{prefix}.{}", domain.domain_name),
                })
        })
        .collect()
}

/// The branch as the wire shows it: stage `"NONE"` when unset, `activeJobId` `""` before the
/// first deploy, `totalNumberOfJobs` as a string (spec §1.4, §3.2).
fn shape(cx: &Ctx<'_>, branch: Branch, tags: Option<Tags>, custom_domains: Vec<String>) -> shapes::Branch {
    shapes::Branch {
        branch_arn: arn::branch(cx.scope, &branch.app_id, &branch.branch_name),
        branch_name: branch.branch_name,
        description: branch.description,
        tags: tags.map(unordered),
        stage: branch.stage.as_deref().and_then(Stage::from_wire),
        display_name: branch.display_name,
        enable_notification: branch.enable_notification,
        create_time: branch.create_time,
        update_time: branch.update_time,
        environment_variables: unordered(branch.environment_variables),
        enable_auto_build: branch.enable_auto_build,
        enable_skew_protection: Some(branch.enable_skew_protection),
        custom_domains,
        framework: branch.framework,
        active_job_id: branch.active_job_id.map(|n| n.to_string()).unwrap_or_default(),
        total_number_of_jobs: u64::try_from(branch.total_number_of_jobs).unwrap_or(0),
        enable_basic_auth: branch.enable_basic_auth,
        enable_performance_mode: branch.enable_performance_mode,
        thumbnail_url: None,
        basic_auth_credentials: branch.basic_auth_credentials.map(Sensitive::new),
        build_spec: branch.build_spec.map(Sensitive::new),
        ttl: branch.ttl,
        associated_resources: None,
        enable_pull_request_preview: branch.enable_pull_request_preview,
        pull_request_environment_name: branch.pull_request_environment_name,
        destination_branch: None,
        source_branch: None,
        backend_environment_arn: branch.backend_environment_arn,
        backend: branch.backend_stack_arn.map(|stack_arn| shapes::Backend {
            stack_arn: Some(stack_arn),
        }),
        compute_role_arn: branch.compute_role_arn,
    }
}

/// The branch with its tags and custom domains.
async fn described(cx: &Ctx<'_>, branch: Branch) -> Result<shapes::Branch, AwsError> {
    let domains = super::domains::all(cx, &branch.app_id).await.map_err(to_aws)?;
    let arn = arn::branch(cx.scope, &branch.app_id, &branch.branch_name);
    let tags = cx.amplify.tags_of(cx.scope, &arn).await.map_err(to_aws)?;
    let custom = custom_domains(&domains, &branch.branch_name);
    Ok(shape(cx, branch, Some(tags), custom))
}

pub async fn create(cx: &Ctx<'_>, input: inputs::CreateBranch) -> Result<AwsResponse, AwsError> {
    let settings = Branch {
        branch_name: input.branch_name,
        description: input.description.unwrap_or_default(),
        stage: input.stage.map(|s| s.as_str().to_owned()),
        framework: input.framework.unwrap_or_default(),
        enable_notification: input.enable_notification.unwrap_or(false),
        // What AWS (and Terraform) default it to (spec §3.2).
        enable_auto_build: input.enable_auto_build.unwrap_or(true),
        enable_skew_protection: input.enable_skew_protection.unwrap_or(false),
        enable_performance_mode: input.enable_performance_mode,
        enable_basic_auth: input.enable_basic_auth.unwrap_or(false),
        basic_auth_credentials: non_empty(input.basic_auth_credentials.map(Sensitive::into_inner)),
        environment_variables: input.environment_variables.map(ordered).unwrap_or_default(),
        build_spec: input.build_spec.map(Sensitive::into_inner),
        // Empty: the domain's defaults ("5", the branch name made a DNS label).
        ttl: input.ttl.unwrap_or_default(),
        display_name: input.display_name.unwrap_or_default(),
        enable_pull_request_preview: input.enable_pull_request_preview.unwrap_or(false),
        pull_request_environment_name: non_empty(input.pull_request_environment_name),
        backend_environment_arn: non_empty(input.backend_environment_arn),
        backend_stack_arn: input.backend.and_then(|b| b.stack_arn),
        compute_role_arn: non_empty(input.compute_role_arn),
        ..Branch::default()
    };
    let tags: Tags = input.tags.map(ordered).unwrap_or_default();
    let branch = cx
        .amplify
        .create_branch(cx.scope, &input.app_id, settings, tags.clone())
        .await
        .map_err(to_aws)?;
    cx.events.changed().await;
    // A new branch: no sub-domain can name it yet.
    ok(&shapes::BranchOutput {
        branch: shape(cx, branch, Some(tags), Vec::new()),
    })
}

pub async fn get(cx: &Ctx<'_>, input: inputs::BranchRef) -> Result<AwsResponse, AwsError> {
    let branch = cx
        .amplify
        .branch(cx.scope, &input.app_id, &input.branch_name)
        .await
        .map_err(to_aws)?;
    ok(&shapes::BranchOutput {
        branch: described(cx, branch).await?,
    })
}

pub async fn list(cx: &Ctx<'_>, input: inputs::ListBranches) -> Result<AwsResponse, AwsError> {
    let (branches, next_token) = cx
        .amplify
        .list_branches(
            cx.scope,
            &input.app_id,
            input.page.max_results,
            input.page.next_token.as_deref(),
        )
        .await
        .map_err(to_aws)?;
    let domains = unless_vanished(super::domains::all(cx, &input.app_id).await)?.unwrap_or_default();
    let mut shapes = Vec::with_capacity(branches.len());
    for branch in branches {
        let arn = arn::branch(cx.scope, &branch.app_id, &branch.branch_name);
        let tags = unless_vanished(cx.amplify.tags_of(cx.scope, &arn).await)?;
        let custom = custom_domains(&domains, &branch.branch_name);
        shapes.push(shape(cx, branch, tags, custom));
    }
    ok(&shapes::ListBranchesOutput {
        branches: shapes,
        next_token,
    })
}

/// Changes only the members sent, with the same quirks as UpdateApp (spec §3.1).
pub async fn update(cx: &Ctx<'_>, input: inputs::UpdateBranch) -> Result<AwsResponse, AwsError> {
    let branch = cx
        .amplify
        .update_branch(cx.scope, &input.app_id, &input.branch_name, |branch| {
            set(&mut branch.description, input.description);
            set(&mut branch.framework, input.framework);
            if let Some(stage) = input.stage {
                branch.stage = Some(stage.as_str().to_owned());
            }
            set(&mut branch.enable_notification, input.enable_notification);
            set(&mut branch.enable_auto_build, input.enable_auto_build);
            set(&mut branch.enable_skew_protection, input.enable_skew_protection);
            update_environment(&mut branch.environment_variables, input.environment_variables);
            update_credentials(&mut branch.basic_auth_credentials, input.basic_auth_credentials);
            set(&mut branch.enable_basic_auth, input.enable_basic_auth);
            if input.enable_performance_mode.is_some() {
                branch.enable_performance_mode = input.enable_performance_mode;
            }
            if let Some(spec) = input.build_spec {
                branch.build_spec = Some(spec.into_inner());
            }
            // An empty TTL or display name is no value: the stored one stays.
            set(&mut branch.ttl, non_empty(input.ttl));
            set(&mut branch.display_name, non_empty(input.display_name));
            set(
                &mut branch.enable_pull_request_preview,
                input.enable_pull_request_preview,
            );
            set_optional(
                &mut branch.pull_request_environment_name,
                input.pull_request_environment_name,
            );
            set_optional(&mut branch.backend_environment_arn, input.backend_environment_arn);
            if let Some(backend) = input.backend {
                branch.backend_stack_arn = backend.stack_arn;
            }
            set_optional(&mut branch.compute_role_arn, input.compute_role_arn);
        })
        .await
        .map_err(to_aws)?;
    cx.events.changed().await;
    ok(&shapes::BranchOutput {
        branch: described(cx, branch).await?,
    })
}

pub async fn delete(cx: &Ctx<'_>, input: inputs::BranchRef) -> Result<AwsResponse, AwsError> {
    let branch = cx
        .amplify
        .delete_branch(cx.scope, &input.app_id, &input.branch_name)
        .await
        .map_err(to_aws)?;
    cx.events.changed().await;
    // Its tags went with it; its sub-domains no longer serve it.
    ok(&shapes::BranchOutput {
        branch: shape(cx, branch, None, Vec::new()),
    })
}

#[cfg(test)]
mod tests {
    use ramp_domain::amplify::SubDomain;

    use super::*;

    fn domain(name: &str, subs: &[(&str, &str)]) -> DomainAssociation {
        DomainAssociation {
            domain_name: name.into(),
            sub_domains: subs
                .iter()
                .map(|(prefix, branch)| SubDomain {
                    prefix: (*prefix).into(),
                    branch_name: (*branch).into(),
                })
                .collect(),
            ..DomainAssociation::default()
        }
    }

    #[test]
    fn custom_domains_are_the_sub_domains_naming_the_branch() {
        let domains = [
            domain("example.com", &[("", "main"), ("www", "main"), ("dev", "develop")]),
            domain("example.org", &[("app", "main")]),
        ];
        assert_eq!(
            custom_domains(&domains, "main"),
            ["example.com", "www.example.com", "app.example.org"]
        );
        assert_eq!(custom_domains(&domains, "develop"), ["dev.example.com"]);
        assert!(custom_domains(&domains, "feature/x").is_empty());
    }
}
