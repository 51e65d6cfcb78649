use super::AppConfig;
use crate::arn::Scope;
use crate::entities::AccountSettings;
use crate::error::Result;

/// UpdateAccountSettings: members left out stay as they are.
#[derive(Debug, Default)]
pub struct SettingsUpdate {
    pub deletion_protection_enabled: Option<bool>,
    pub protection_period_in_minutes: Option<i64>,
}

impl AppConfig {
    pub async fn account_settings(&self, scope: &Scope) -> Result<AccountSettings> {
        Ok(self.store.account_settings(&scope.region).await?.unwrap_or_default())
    }

    pub async fn update_account_settings(&self, scope: &Scope, update: SettingsUpdate) -> Result<AccountSettings> {
        let mut settings = self.account_settings(scope).await?;
        if let Some(enabled) = update.deletion_protection_enabled {
            settings.deletion_protection_enabled = enabled;
        }
        if let Some(period) = update.protection_period_in_minutes {
            settings.protection_period_in_minutes = period;
        }
        self.store.put_account_settings(&scope.region, &settings).await?;
        Ok(settings)
    }
}
