//! Inputs of the custom domain operations.

use super::*;

fn sub_domain_settings(settings: Option<&[SubDomainSetting]>) -> Result<(), AwsError> {
    let Some(settings) = settings else { return Ok(()) };
    v::count("subDomainSettings", settings.len(), 0, 500)?;
    for (i, setting) in settings.iter().enumerate() {
        v::length(&format!("subDomainSettings[{i}].prefix"), &setting.prefix, 0, 255)?;
        branch_name(&format!("subDomainSettings[{i}].branchName"), &setting.branch_name)?;
    }
    Ok(())
}

fn auto_sub_domain_iam_role(value: Option<&str>) -> Result<(), AwsError> {
    if let Some(role) = value {
        v::length("autoSubDomainIAMRole", role, 0, 1000)?;
        AUTO_SUB_DOMAIN_IAM_ROLE.check("autoSubDomainIAMRole", role)?;
    }
    Ok(())
}

fn certificate_settings(value: Option<&CertificateSettings>) -> Result<(), AwsError> {
    if let Some(arn) = value.and_then(|c| c.custom_certificate_arn.as_deref()) {
        v::length("certificateSettings.customCertificateArn", arn, 0, 1000)?;
        CERTIFICATE_ARN.check("certificateSettings.customCertificateArn", arn)?;
    }
    Ok(())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateDomainAssociation {
    /// From the path.
    #[serde(skip)]
    pub app_id: String,
    pub domain_name: String,
    pub enable_auto_sub_domain: Option<bool>,
    pub sub_domain_settings: Vec<SubDomainSetting>,
    pub auto_sub_domain_creation_patterns: Option<Vec<String>>,
    #[serde(rename = "autoSubDomainIAMRole")]
    pub auto_sub_domain_iam_role: Option<String>,
    pub certificate_settings: Option<CertificateSettings>,
}

impl Input for CreateDomainAssociation {
    fn parse(req: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        let app_id = app_id_label(labels)?;
        let mut input: Self = req.json_body()?;
        domain_name("domainName", &input.domain_name)?;
        sub_domain_settings(Some(&input.sub_domain_settings))?;
        creation_patterns(
            "autoSubDomainCreationPatterns",
            input.auto_sub_domain_creation_patterns.as_deref(),
        )?;
        auto_sub_domain_iam_role(input.auto_sub_domain_iam_role.as_deref())?;
        certificate_settings(input.certificate_settings.as_ref())?;
        input.app_id = app_id;
        Ok(input)
    }
}

/// GetDomainAssociation, DeleteDomainAssociation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainRef {
    pub app_id: String,
    pub domain_name: String,
}

impl Input for DomainRef {
    fn parse(_: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        let app_id = app_id_label(labels)?;
        let name = labels.get("domainName");
        domain_name("domainName", name)?;
        Ok(Self {
            app_id,
            domain_name: name.to_owned(),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListDomainAssociations {
    pub app_id: String,
    pub page: PageRequest,
}

impl Input for ListDomainAssociations {
    fn parse(req: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        Ok(Self {
            app_id: app_id_label(labels)?,
            page: PageRequest::parse(req, 50)?,
        })
    }
}

/// UpdateDomainAssociation: absent members are unchanged.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateDomainAssociation {
    /// From the path.
    #[serde(skip)]
    pub app_id: String,
    /// From the path.
    #[serde(skip)]
    pub domain_name: String,
    pub enable_auto_sub_domain: Option<bool>,
    pub sub_domain_settings: Option<Vec<SubDomainSetting>>,
    pub auto_sub_domain_creation_patterns: Option<Vec<String>>,
    #[serde(rename = "autoSubDomainIAMRole")]
    pub auto_sub_domain_iam_role: Option<String>,
    pub certificate_settings: Option<CertificateSettings>,
}

impl Input for UpdateDomainAssociation {
    fn parse(req: &AwsRequest, labels: &Labels) -> Result<Self, AwsError> {
        let target = DomainRef::parse(req, labels)?;
        let mut input: Self = req.json_body()?;
        sub_domain_settings(input.sub_domain_settings.as_deref())?;
        creation_patterns(
            "autoSubDomainCreationPatterns",
            input.auto_sub_domain_creation_patterns.as_deref(),
        )?;
        auto_sub_domain_iam_role(input.auto_sub_domain_iam_role.as_deref())?;
        certificate_settings(input.certificate_settings.as_ref())?;
        input.app_id = target.app_id;
        input.domain_name = target.domain_name;
        Ok(input)
    }
}
