//! Custom domains: DomainAssociation, SubDomain, Certificate.

use super::*;
use crate::amplify::values::{DomainStatus, UpdateStatus};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DomainAssociation {
    pub domain_association_arn: String,
    pub domain_name: String,
    pub enable_auto_sub_domain: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_sub_domain_creation_patterns: Option<Vec<String>>,
    #[serde(rename = "autoSubDomainIAMRole", skip_serializing_if = "Option::is_none")]
    pub auto_sub_domain_iam_role: Option<String>,
    pub domain_status: DomainStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update_status: Option<UpdateStatus>,
    pub status_reason: String,
    #[serde(rename = "certificateVerificationDNSRecord", skip_serializing_if = "Option::is_none")]
    pub certificate_verification_dns_record: Option<String>,
    pub sub_domains: Vec<SubDomain>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate: Option<Certificate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SubDomain {
    pub sub_domain_setting: SubDomainSetting,
    pub verified: bool,
    pub dns_record: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Certificate {
    pub r#type: CertificateType,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_certificate_arn: Option<String>,
    #[serde(rename = "certificateVerificationDNSRecord", skip_serializing_if = "Option::is_none")]
    pub certificate_verification_dns_record: Option<String>,
}

/// `{"domainAssociation": …}`: Create/Get/Update/DeleteDomainAssociation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DomainAssociationOutput {
    pub domain_association: DomainAssociation,
}

/// ListDomainAssociations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListDomainAssociationsOutput {
    pub domain_associations: Vec<DomainAssociation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}
