//! Deletion protection (spec/appconfig.md §9): an environment or profile that served a
//! configuration within the protection period cannot be deleted, unless the caller bypasses it.

use ramp_clock::Timestamp;

use super::AppConfig;
use crate::arn::Scope;
use crate::error::{Error, Result};

/// The `x-amzn-deletion-protection-check` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DeletionProtectionCheck {
    /// Follow the account setting; resources created within the last hour are exempt.
    #[default]
    AccountDefault,
    /// Check even when the account setting is off, and for resources of any age.
    Apply,
    /// Never check.
    Bypass,
}

impl DeletionProtectionCheck {
    pub fn parse(text: Option<&str>) -> Self {
        match text {
            Some("APPLY") => Self::Apply,
            Some("BYPASS") => Self::Bypass,
            _ => Self::AccountDefault,
        }
    }
}

/// Resources younger than this are exempt from the default check (spec §9 "Grace").
const GRACE_MILLIS: i64 = 60 * 60 * 1000;

impl AppConfig {
    pub(super) async fn check_deletion_protection(
        &self,
        scope: &Scope,
        check: DeletionProtectionCheck,
        kind: &str,
        id: &str,
        created_at: Timestamp,
        last_accessed_at: Option<Timestamp>,
    ) -> Result<()> {
        let settings = self.account_settings(scope).await?;
        let now = self.now();
        let applies = match check {
            DeletionProtectionCheck::Bypass => false,
            DeletionProtectionCheck::Apply => true,
            DeletionProtectionCheck::AccountDefault => {
                settings.deletion_protection_enabled && now.millis() - created_at.millis() >= GRACE_MILLIS
            }
        };
        let period = settings.protection_period_in_minutes;
        let recently_used = last_accessed_at.is_some_and(|at| now.millis() - at.millis() < period * 60_000);
        if applies && recently_used {
            // Error type and text are UNCONFIRMED (spec §9); ramp follows spec §15's recommendation.
            return Err(Error::BadRequest(format!(
                "Deletion protection is enabled: {kind} {id} was used to retrieve configuration within the \
                 last {period} minutes. Retry later or send x-amzn-deletion-protection-check: BYPASS."
            )));
        }
        Ok(())
    }
}
