//! Domain associations (spec/amplify.md §8.1). ramp serves `prefix.domain` from the
//! sub-domain's branch as soon as the association exists: there is no DNS or certificate to
//! wait for, so the association and its sub-domains report AVAILABLE with an Amplify-managed
//! certificate.

use super::apps::app_not_found;
use super::service::{Amplify, MAX_PAGE};
use super::{DomainAssociation, SubDomain};
use crate::arn::Scope;
use crate::error::{Error, Result};
use crate::store::{self, Conflict, ResourceKind};

fn domain_not_found(app_id: &str, domain_name: &str) -> Error {
    Error::NotFound {
        resource_name: "DomainAssociation".to_owned(),
        message: format!("Domain association {domain_name} not found for app {app_id}."),
    }
}

/// What Create/UpdateDomainAssociation set.
#[derive(Debug, Clone, Default)]
pub struct DomainSettings {
    pub enable_auto_sub_domain: Option<bool>,
    pub auto_sub_domain_creation_patterns: Option<Vec<String>>,
    pub auto_sub_domain_iam_role: Option<String>,
    pub sub_domains: Option<Vec<SubDomain>>,
    pub certificate_type: Option<String>,
    pub custom_certificate_arn: Option<String>,
}

impl DomainSettings {
    fn apply(self, domain: &mut DomainAssociation) {
        if let Some(v) = self.enable_auto_sub_domain {
            domain.enable_auto_sub_domain = v;
        }
        if let Some(v) = self.auto_sub_domain_creation_patterns {
            domain.auto_sub_domain_creation_patterns = v;
        }
        if self.auto_sub_domain_iam_role.is_some() {
            domain.auto_sub_domain_iam_role = self.auto_sub_domain_iam_role;
        }
        if let Some(v) = self.sub_domains {
            domain.sub_domains = v;
        }
        if self.certificate_type.is_some() {
            domain.certificate_type = self.certificate_type;
        }
        if self.custom_certificate_arn.is_some() {
            domain.custom_certificate_arn = self.custom_certificate_arn;
        }
    }
}

impl Amplify {
    /// The domain name lowercased: host names compare case-insensitively.
    fn normalized_domain(domain_name: &str) -> String {
        domain_name.trim_end_matches('.').to_ascii_lowercase()
    }

    /// A custom domain must not take over the hosts ramp already answers on: the sites domain
    /// (branch hosts live under it) or an IP address (the API's own address).
    fn check_domain_name(&self, domain_name: &str) -> Result<()> {
        let name = Self::normalized_domain(domain_name);
        let sites = self.sites_domain();
        if name == sites || name.ends_with(&format!(".{sites}")) {
            return Err(Error::BadRequest(format!(
                "Domain {name} is ramp's sites domain or under it; associate a domain of your own."
            )));
        }
        if name.parse::<std::net::IpAddr>().is_ok() {
            return Err(Error::BadRequest(format!(
                "Domain {name} is an IP address; associate a domain name."
            )));
        }
        Ok(())
    }

    /// Every sub-domain must name an existing branch of the app, and no prefix twice.
    async fn check_sub_domains(&self, scope: &Scope, app_id: &str, sub_domains: &[SubDomain]) -> Result<()> {
        let mut seen = std::collections::BTreeSet::new();
        for sub in sub_domains {
            if !seen.insert(sub.prefix.to_ascii_lowercase()) {
                return Err(Error::BadRequest(format!(
                    "Sub-domain prefix {:?} appears more than once.",
                    sub.prefix
                )));
            }
            if self
                .store
                .branch(&scope.region, app_id, &sub.branch_name)
                .await?
                .is_none()
            {
                return Err(Error::BadRequest(format!(
                    "Branch {} of sub-domain {:?} does not exist in app {app_id}.",
                    sub.branch_name, sub.prefix
                )));
            }
        }
        Ok(())
    }

    pub async fn create_domain_association(
        &self,
        scope: &Scope,
        app_id: &str,
        domain_name: &str,
        settings: DomainSettings,
    ) -> Result<DomainAssociation> {
        self.app(scope, app_id).await?;
        self.check_domain_name(domain_name)?;
        let now = self.now();
        let mut domain = DomainAssociation {
            region: scope.region.clone(),
            app_id: app_id.to_owned(),
            domain_name: Self::normalized_domain(domain_name),
            create_time: now,
            update_time: now,
            ..DomainAssociation::default()
        };
        settings.apply(&mut domain);
        self.check_sub_domains(scope, app_id, &domain.sub_domains).await?;
        match self.store.create_domain_association(&domain).await {
            Ok(()) => Ok(domain),
            Err(store::Error::NotFound(_)) => Err(app_not_found(app_id)),
            Err(store::Error::Conflict(Conflict::AlreadyExists(_))) => Err(Error::BadRequest(format!(
                "Domain {} is already associated with an app.",
                domain.domain_name
            ))),
            Err(e) => Err(e.into()),
        }
    }

    pub async fn domain_association(
        &self,
        scope: &Scope,
        app_id: &str,
        domain_name: &str,
    ) -> Result<DomainAssociation> {
        let name = Self::normalized_domain(domain_name);
        if let Some(domain) = self.store.domain_association(&scope.region, app_id, &name).await? {
            return Ok(domain);
        }
        self.app(scope, app_id).await?;
        Err(domain_not_found(app_id, domain_name))
    }

    pub async fn list_domain_associations(
        &self,
        scope: &Scope,
        app_id: &str,
        max_results: Option<i64>,
        next_token: Option<&str>,
    ) -> Result<(Vec<DomainAssociation>, Option<String>)> {
        self.app(scope, app_id).await?;
        let list = format!("amplify/ListDomainAssociations/{}/{app_id}", scope.region);
        self.paged(&list, MAX_PAGE, max_results, next_token, |slice| {
            self.store.domain_associations(&scope.region, app_id, slice)
        })
        .await
    }

    pub async fn update_domain_association(
        &self,
        scope: &Scope,
        app_id: &str,
        domain_name: &str,
        settings: DomainSettings,
    ) -> Result<DomainAssociation> {
        let mut domain = self.domain_association(scope, app_id, domain_name).await?;
        settings.apply(&mut domain);
        self.check_sub_domains(scope, app_id, &domain.sub_domains).await?;
        domain.update_time = self.now();
        match self.store.update_domain_association(&domain).await {
            Ok(()) => Ok(domain),
            Err(store::Error::NotFound(_)) => Err(domain_not_found(app_id, domain_name)),
            Err(e) => Err(e.into()),
        }
    }

    pub async fn delete_domain_association(
        &self,
        scope: &Scope,
        app_id: &str,
        domain_name: &str,
    ) -> Result<DomainAssociation> {
        let name = Self::normalized_domain(domain_name);
        match self.store.delete_domain_association(&scope.region, app_id, &name).await {
            Ok(domain) => Ok(domain),
            Err(store::Error::NotFound(ResourceKind::AmplifyApp)) => Err(app_not_found(app_id)),
            Err(store::Error::NotFound(_)) => Err(domain_not_found(app_id, domain_name)),
            Err(e) => Err(e.into()),
        }
    }
}
