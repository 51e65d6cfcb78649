//! Custom domains (spec amplify.md §8.1). ramp serves a sub-domain as soon as its association
//! exists (there is no DNS or certificate to wait for), so every association answers AVAILABLE
//! with verified sub-domains.

use ramp_domain::amplify::{DomainAssociation, DomainSettings, SubDomain, arn};
use ramp_protocol::amplify::{CertificateType, DomainStatus, inputs, shapes};
use ramp_protocol::{AwsError, AwsResponse};

use super::errors::to_aws;
use super::{Ctx, every_page, ok};

/// Every domain association of the app.
pub(super) async fn all(cx: &Ctx<'_>, app_id: &str) -> ramp_domain::Result<Vec<DomainAssociation>> {
    every_page(|token| async move {
        cx.amplify
            .list_domain_associations(cx.scope, app_id, None, token.as_deref())
            .await
    })
    .await
}

fn sub_domains(settings: Vec<shapes::SubDomainSetting>) -> Vec<SubDomain> {
    settings
        .into_iter()
        .map(|s| SubDomain {
            prefix: s.prefix,
            branch_name: s.branch_name,
        })
        .collect()
}

fn certificate(settings: Option<shapes::CertificateSettings>) -> (Option<String>, Option<String>) {
    match settings {
        Some(c) => (Some(c.r#type.as_str().to_owned()), c.custom_certificate_arn),
        None => (None, None),
    }
}

/// `prefix CNAME target`, as the console shows it (a space-separated DNS record): the target is
/// the app's default domain, which reaches ramp; ramp routes by `Host`.
fn dns_record(prefix: &str, target: &str) -> String {
    format!("{prefix} CNAME {target}")
}

/// The record AWS asks for to validate an Amplify-managed certificate. ramp issues no
/// certificate, so nothing checks it; it has the form clients expect.
fn verification_record(domain_name: &str, target: &str) -> String {
    format!("_ramp-verification.{domain_name}. CNAME _ramp-verification.{target}.")
}

fn shape(cx: &Ctx<'_>, domain: DomainAssociation) -> shapes::DomainAssociation {
    let target = cx.amplify.default_domain(&domain.app_id);
    let custom = domain.certificate_type.as_deref() == Some(CertificateType::Custom.as_str());
    let verification = (!custom).then(|| verification_record(&domain.domain_name, &target));
    shapes::DomainAssociation {
        domain_association_arn: arn::domain_association(cx.scope, &domain.app_id, &domain.domain_name),
        enable_auto_sub_domain: domain.enable_auto_sub_domain,
        auto_sub_domain_creation_patterns: Some(domain.auto_sub_domain_creation_patterns),
        auto_sub_domain_iam_role: domain.auto_sub_domain_iam_role,
        domain_status: DomainStatus::Available,
        update_status: None,
        status_reason: String::new(),
        certificate_verification_dns_record: verification.clone(),
        sub_domains: domain
            .sub_domains
            .into_iter()
            .map(|sub| shapes::SubDomain {
                dns_record: dns_record(&sub.prefix, &target),
                sub_domain_setting: shapes::SubDomainSetting {
                    prefix: sub.prefix,
                    branch_name: sub.branch_name,
                },
                verified: true,
            })
            .collect(),
        certificate: Some(shapes::Certificate {
            r#type: if custom {
                CertificateType::Custom
            } else {
                CertificateType::AmplifyManaged
            },
            custom_certificate_arn: domain.custom_certificate_arn,
            certificate_verification_dns_record: verification,
        }),
        domain_name: domain.domain_name,
    }
}

pub async fn create(cx: &Ctx<'_>, input: inputs::CreateDomainAssociation) -> Result<AwsResponse, AwsError> {
    let (certificate_type, custom_certificate_arn) = certificate(input.certificate_settings);
    let settings = DomainSettings {
        enable_auto_sub_domain: input.enable_auto_sub_domain,
        auto_sub_domain_creation_patterns: input.auto_sub_domain_creation_patterns,
        auto_sub_domain_iam_role: input.auto_sub_domain_iam_role,
        sub_domains: Some(sub_domains(input.sub_domain_settings)),
        certificate_type,
        custom_certificate_arn,
    };
    let domain = cx
        .amplify
        .create_domain_association(cx.scope, &input.app_id, &input.domain_name, settings)
        .await
        .map_err(to_aws)?;
    cx.events.changed().await;
    ok(&shapes::DomainAssociationOutput {
        domain_association: shape(cx, domain),
    })
}

pub async fn get(cx: &Ctx<'_>, input: inputs::DomainRef) -> Result<AwsResponse, AwsError> {
    let domain = cx
        .amplify
        .domain_association(cx.scope, &input.app_id, &input.domain_name)
        .await
        .map_err(to_aws)?;
    ok(&shapes::DomainAssociationOutput {
        domain_association: shape(cx, domain),
    })
}

pub async fn list(cx: &Ctx<'_>, input: inputs::ListDomainAssociations) -> Result<AwsResponse, AwsError> {
    let (domains, next_token) = cx
        .amplify
        .list_domain_associations(
            cx.scope,
            &input.app_id,
            input.page.max_results,
            input.page.next_token.as_deref(),
        )
        .await
        .map_err(to_aws)?;
    ok(&shapes::ListDomainAssociationsOutput {
        domain_associations: domains.into_iter().map(|d| shape(cx, d)).collect(),
        next_token,
    })
}

pub async fn update(cx: &Ctx<'_>, input: inputs::UpdateDomainAssociation) -> Result<AwsResponse, AwsError> {
    let (certificate_type, custom_certificate_arn) = certificate(input.certificate_settings);
    let settings = DomainSettings {
        enable_auto_sub_domain: input.enable_auto_sub_domain,
        auto_sub_domain_creation_patterns: input.auto_sub_domain_creation_patterns,
        auto_sub_domain_iam_role: input.auto_sub_domain_iam_role,
        sub_domains: input.sub_domain_settings.map(sub_domains),
        certificate_type,
        custom_certificate_arn,
    };
    let domain = cx
        .amplify
        .update_domain_association(cx.scope, &input.app_id, &input.domain_name, settings)
        .await
        .map_err(to_aws)?;
    cx.events.changed().await;
    ok(&shapes::DomainAssociationOutput {
        domain_association: shape(cx, domain),
    })
}

pub async fn delete(cx: &Ctx<'_>, input: inputs::DomainRef) -> Result<AwsResponse, AwsError> {
    let domain = cx
        .amplify
        .delete_domain_association(cx.scope, &input.app_id, &input.domain_name)
        .await
        .map_err(to_aws)?;
    cx.events.changed().await;
    ok(&shapes::DomainAssociationOutput {
        domain_association: shape(cx, domain),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_name_the_prefix_and_the_target() {
        assert_eq!(dns_record("www", "d1abc.sites.test"), "www CNAME d1abc.sites.test");
        assert_eq!(dns_record("", "d1abc.sites.test"), " CNAME d1abc.sites.test");
        assert_eq!(
            verification_record("example.com", "d1abc.sites.test"),
            "_ramp-verification.example.com. CNAME _ramp-verification.d1abc.sites.test."
        );
    }
}
