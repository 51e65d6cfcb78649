//! ramp's PostgreSQL store: [`PostgresStore`] implements [`ramp_domain::store::Store`] on a
//! database that several ramp nodes share.
//!
//! * SQLite serializes every write; PostgreSQL runs transactions side by side (READ COMMITTED),
//!   so every check-then-write of the trait's contract takes a lock first: the parent's row
//!   (`SELECT … FOR UPDATE`, or the `UPDATE` of a counter on it), or a transaction-scoped
//!   advisory lock for per-region counts. Lock order is always application → environment or
//!   profile → deployment or hosted version → region total → tags, so two writers never wait
//!   on each other in a cycle. Amplify's rows have an order of their own, never mixed with
//!   AppConfig's in one transaction: app (advisory lock on the region for the app quota, then
//!   the app's row) → branch (every job write takes its branch's row first) → job → tags →
//!   the one-row `amplify_generation` counter, which every Amplify write updates last.
//!   Extensions have theirs, never mixed with the others either: the region's lock for
//!   extension creations → the extension's row → the version's → the region's lock for
//!   association creations → the association's row → tags (`extensions/`); recording
//!   invocations locks the deployments they belong to, and nothing before them. A tag write
//!   locks the tagged resource's row `FOR KEY SHARE` before its tags (deletes wait for it,
//!   ordinary updates do not), and a delete reads the deletion-protection mark under its
//!   `FOR UPDATE`, so neither acts on a stale check.
//! * The schema (`migrations/`, mirroring the SQLite store's table for table) is applied on
//!   connect under sqlx's advisory lock, so nodes starting together apply it once.
//! * Deployment writes `pg_notify` the change inside their transaction; a background
//!   `LISTEN` task turns other instances' notifications into [`ClusterStore::changes`].
//!
//! [`ClusterStore::changes`]: ramp_domain::store::ClusterStore::changes

/// Runs `$work` (an expression using `$conn: &mut PgConnection`) in a transaction of
/// `$store`'s pool and commits it if the work succeeded; the work's value. (Defined before the
/// modules, so that each of them can use it.)
macro_rules! transaction {
    ($store:expr, |$conn:ident| $work:expr) => {{
        let mut tx = $store.pool.begin().await.map_err($crate::sql::unavailable)?;
        let $conn: &mut ::sqlx::PgConnection = &mut tx;
        let value = $work.await?;
        tx.commit().await.map_err($crate::sql::unavailable)?;
        Ok(value)
    }};
}

mod alarms;
mod amplify;
mod applications;
mod configuration_profiles;
mod deployment_strategies;
mod deployments;
mod environments;
mod extensions;
mod feed;
mod hosted_versions;
mod leases;
mod operations;
mod outbox;
mod rows;
mod settings;
mod sql;
mod store;
mod tags;
#[cfg(test)]
mod tests;

#[cfg(any(test, feature = "testing"))]
pub mod testing;

pub use store::{PostgresOptions, PostgresStore};

/// A database URL fit for a log or a report: its password, if any, replaced by `***`.
pub fn without_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) if userinfo.contains(':') => {
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{scheme}://{user}:***@{host}{tail}")
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod redaction_tests {
    use super::without_password;

    #[test]
    fn passwords_stay_out_of_logs_and_reports() {
        assert_eq!(
            without_password("postgres://ramp:s3cret@db:5432/ramp?sslmode=disable"),
            "postgres://ramp:***@db:5432/ramp?sslmode=disable"
        );
        assert_eq!(
            without_password("postgres://postgres@127.0.0.1:5432/test"),
            "postgres://postgres@127.0.0.1:5432/test"
        );
        assert_eq!(without_password("mysql://u:p@x"), "mysql://u:***@x");
    }
}
