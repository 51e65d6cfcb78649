//! Branches (spec/amplify.md §3.2).

use super::apps::app_not_found;
use super::service::{Amplify, MAX_PAGE};
use super::{Branch, arn, ids};
use crate::arn::Scope;
use crate::entities::Tags;
use crate::error::{Error, Result};
use crate::store::{self, Conflict, ResourceKind};

/// The TTL AWS reports for a branch that never set one (spec §3.2).
const DEFAULT_TTL: &str = "5";

pub(super) fn branch_not_found(app_id: &str, branch_name: &str) -> Error {
    Error::NotFound {
        resource_name: "Branch".to_owned(),
        message: format!("Branch {branch_name} not found for app {app_id}."),
    }
}

impl Amplify {
    /// Creates a branch from `settings`; the display name defaults to the branch name with
    /// `/` and `.` as `-` (spec §3.2) and the TTL to `"5"`.
    pub async fn create_branch(&self, scope: &Scope, app_id: &str, settings: Branch, tags: Tags) -> Result<Branch> {
        super::tags::check_count(&tags)?;
        let now = self.now();
        let display_name = if settings.display_name.is_empty() {
            ids::default_display_name(&settings.branch_name)
        } else {
            settings.display_name.clone()
        };
        let ttl = if settings.ttl.is_empty() {
            DEFAULT_TTL.to_owned()
        } else {
            settings.ttl.clone()
        };
        let branch = Branch {
            region: scope.region.clone(),
            app_id: app_id.to_owned(),
            display_name,
            ttl,
            active_job_id: None,
            total_number_of_jobs: 0,
            create_time: now,
            update_time: now,
            ..settings
        };
        let arn = arn::branch(scope, app_id, &branch.branch_name);
        match self
            .store
            .create_branch(&branch, &arn, &tags, self.quotas.branches_per_app)
            .await
        {
            Ok(()) => Ok(branch),
            Err(store::Error::NotFound(_)) => Err(app_not_found(app_id)),
            Err(store::Error::Conflict(Conflict::AlreadyExists(_))) => Err(Error::BadRequest(format!(
                "Branch {} already exists for app {app_id}.",
                branch.branch_name
            ))),
            Err(store::Error::QuotaExceeded) => Err(Error::QuotaExceeded(format!(
                "App {app_id} already has the maximum number of branches ({}).",
                self.quotas.branches_per_app
            ))),
            Err(e) => Err(e.into()),
        }
    }

    pub async fn branch(&self, scope: &Scope, app_id: &str, branch_name: &str) -> Result<Branch> {
        if let Some(branch) = self.store.branch(&scope.region, app_id, branch_name).await? {
            return Ok(branch);
        }
        // Which one is missing, the app or the branch, is what the client needs to know.
        self.app(scope, app_id).await?;
        Err(branch_not_found(app_id, branch_name))
    }

    pub async fn list_branches(
        &self,
        scope: &Scope,
        app_id: &str,
        max_results: Option<i64>,
        next_token: Option<&str>,
    ) -> Result<(Vec<Branch>, Option<String>)> {
        self.app(scope, app_id).await?;
        let list = format!("amplify/ListBranches/{}/{app_id}", scope.region);
        self.paged(&list, MAX_PAGE, max_results, next_token, |slice| {
            self.store.branches(&scope.region, app_id, slice)
        })
        .await
    }

    pub async fn update_branch(
        &self,
        scope: &Scope,
        app_id: &str,
        branch_name: &str,
        change: impl FnOnce(&mut Branch),
    ) -> Result<Branch> {
        let mut branch = self.branch(scope, app_id, branch_name).await?;
        change(&mut branch);
        branch.update_time = self.now();
        match self.store.update_branch(&branch).await {
            Ok(()) => {}
            Err(store::Error::NotFound(_)) => return Err(branch_not_found(app_id, branch_name)),
            Err(e) => return Err(e.into()),
        }
        // The store keeps the job fields; answer with what it holds.
        self.branch(scope, app_id, branch_name).await
    }

    pub async fn delete_branch(&self, scope: &Scope, app_id: &str, branch_name: &str) -> Result<Branch> {
        let arn = arn::branch(scope, app_id, branch_name);
        match self.store.delete_branch(&scope.region, app_id, branch_name, &arn).await {
            Ok(branch) => Ok(branch),
            Err(store::Error::NotFound(ResourceKind::AmplifyApp)) => Err(app_not_found(app_id)),
            Err(store::Error::NotFound(_)) => Err(branch_not_found(app_id, branch_name)),
            Err(e) => Err(e.into()),
        }
    }
}
