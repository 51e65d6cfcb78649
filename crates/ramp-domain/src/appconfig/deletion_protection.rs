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

/// The deletion-protection cutoff for a resource created at `created_at`: deleting it is held
/// back when it was used to retrieve configuration after the cutoff; `None` when protection does
/// not apply. A pure function of its inputs; the store compares the cutoff with the resource's
/// last access inside the delete's transaction.
pub fn protection_cutoff(
    check: DeletionProtectionCheck,
    settings: &AccountSettings,
    created_at: Timestamp,
    now: Timestamp,
) -> Option<Timestamp> {
    let applies = match check {
        DeletionProtectionCheck::Bypass => false,
        DeletionProtectionCheck::Apply => true,
        DeletionProtectionCheck::AccountDefault => {
            settings.deletion_protection_enabled && now.millis() - created_at.millis() >= GRACE_MILLIS
        }
    };
    let period_millis = settings.protection_period_in_minutes * 60_000;
    applies.then(|| Timestamp::from_millis(now.millis() - period_millis))
}

/// Whether deletion protection holds back deleting a resource created at `created_at` and last
/// used to retrieve configuration at `last_accessed_at`: the store's rule, on values.
pub fn blocks_deletion(
    check: DeletionProtectionCheck,
    settings: &AccountSettings,
    created_at: Timestamp,
    last_accessed_at: Option<Timestamp>,
    now: Timestamp,
) -> bool {
    protection_cutoff(check, settings, created_at, now)
        .is_some_and(|cutoff| last_accessed_at.is_some_and(|at| at > cutoff))
}

/// Deletion protection for one delete: the cutoff the store checks, and the words for a refusal.
pub(super) struct Protection {
    pub(super) cutoff: Option<Timestamp>,
    period_in_minutes: i64,
}

impl Protection {
    /// The client's error when the store refused the delete (`store::Error::DeletionProtected`).
    pub(super) fn refused(&self, kind: &str, id: &str) -> Error {
        // Error type and text are UNCONFIRMED (spec §9); ramp follows spec §15's recommendation.
        Error::BadRequest(format!(
            "Deletion protection is enabled: {kind} {id} was used to retrieve configuration within the \
             last {} minutes. Retry later or send x-amzn-deletion-protection-check: BYPASS.",
            self.period_in_minutes
        ))
    }
}

impl AppConfig {
    /// The deletion protection a delete of a resource created at `created_at` passes to the store.
    pub(super) async fn deletion_protection(
        &self,
        scope: &Scope,
        check: DeletionProtectionCheck,
        created_at: Timestamp,
    ) -> Result<Protection> {
        let settings = self.account_settings(scope).await?;
        Ok(Protection {
            cutoff: protection_cutoff(check, &settings, created_at, self.now()),
            period_in_minutes: settings.protection_period_in_minutes,
        })
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
