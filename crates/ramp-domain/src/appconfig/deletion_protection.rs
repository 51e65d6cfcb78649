//! Deletion protection (spec/appconfig.md §9): an environment or profile that served a
//! configuration within the protection period cannot be deleted, unless the caller bypasses it.

use ramp_clock::Timestamp;

use super::AppConfig;
use crate::arn::Scope;
use crate::entities::AccountSettings;
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

/// Whether deletion protection holds back deleting a resource created at `created_at` and last
/// used to retrieve configuration at `last_accessed_at`. A pure function of its inputs.
pub fn blocks_deletion(
    check: DeletionProtectionCheck,
    settings: &AccountSettings,
    created_at: Timestamp,
    last_accessed_at: Option<Timestamp>,
    now: Timestamp,
) -> bool {
    let applies = match check {
        DeletionProtectionCheck::Bypass => false,
        DeletionProtectionCheck::Apply => true,
        DeletionProtectionCheck::AccountDefault => {
            settings.deletion_protection_enabled && now.millis() - created_at.millis() >= GRACE_MILLIS
        }
    };
    let period_millis = settings.protection_period_in_minutes * 60_000;
    applies && last_accessed_at.is_some_and(|at| now.millis() - at.millis() < period_millis)
}

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
        if blocks_deletion(check, &settings, created_at, last_accessed_at, self.now()) {
            // Error type and text are UNCONFIRMED (spec §9); ramp follows spec §15's recommendation.
            return Err(Error::BadRequest(format!(
                "Deletion protection is enabled: {kind} {id} was used to retrieve configuration within the \
                 last {} minutes. Retry later or send x-amzn-deletion-protection-check: BYPASS.",
                settings.protection_period_in_minutes
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: i64 = 60_000;

    fn at(minutes: i64) -> Timestamp {
        Timestamp::from_millis(minutes * MINUTE)
    }

    fn settings(enabled: bool) -> AccountSettings {
        AccountSettings {
            deletion_protection_enabled: enabled,
            protection_period_in_minutes: 60,
        }
    }

    #[test]
    fn recently_used_resources_are_protected_when_enabled() {
        let (created, used, now) = (at(0), Some(at(100)), at(120));
        assert!(blocks_deletion(
            DeletionProtectionCheck::AccountDefault,
            &settings(true),
            created,
            used,
            now
        ));
        assert!(!blocks_deletion(
            DeletionProtectionCheck::AccountDefault,
            &settings(false),
            created,
            used,
            now
        ));
        assert!(!blocks_deletion(
            DeletionProtectionCheck::Bypass,
            &settings(true),
            created,
            used,
            now
        ));
    }

    #[test]
    fn protection_lapses_after_the_period_and_never_used_is_unprotected() {
        let created = at(0);
        assert!(!blocks_deletion(
            DeletionProtectionCheck::AccountDefault,
            &settings(true),
            created,
            Some(at(100)),
            at(160)
        ));
        assert!(blocks_deletion(
            DeletionProtectionCheck::AccountDefault,
            &settings(true),
            created,
            Some(at(100)),
            at(159)
        ));
        assert!(!blocks_deletion(
            DeletionProtectionCheck::Apply,
            &settings(true),
            created,
            None,
            at(120)
        ));
    }

    #[test]
    fn young_resources_are_exempt_unless_apply() {
        let (created, used, now) = (at(0), Some(at(10)), at(30));
        assert!(!blocks_deletion(
            DeletionProtectionCheck::AccountDefault,
            &settings(true),
            created,
            used,
            now
        ));
        assert!(blocks_deletion(
            DeletionProtectionCheck::Apply,
            &settings(true),
            created,
            used,
            now
        ));
        assert!(blocks_deletion(
            DeletionProtectionCheck::Apply,
            &settings(false),
            created,
            used,
            now
        ));
    }
}
