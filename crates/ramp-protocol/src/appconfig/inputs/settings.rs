//! Inputs of the account settings operations.

use super::*;

#[derive(Debug)]
pub struct GetAccountSettings;

impl Input for GetAccountSettings {
    fn parse(_: &AwsRequest, _: &Labels) -> Result<Self, AwsError> {
        Ok(Self)
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateAccountSettings {
    pub deletion_protection: Option<DeletionProtectionSettings>,
}

impl Input for UpdateAccountSettings {
    fn parse(req: &AwsRequest, _: &Labels) -> Result<Self, AwsError> {
        let input: Self = req.json_body()?;
        if let Some(period) = input
            .deletion_protection
            .as_ref()
            .and_then(|d| d.protection_period_in_minutes)
        {
            v::range("DeletionProtection.ProtectionPeriodInMinutes", period, 15, 1440)?;
        }
        Ok(input)
    }
}
