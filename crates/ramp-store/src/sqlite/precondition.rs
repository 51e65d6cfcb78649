//! Preconditions of deployment writes (`store::Precondition`), checked inside the write's job:
//! the single writer makes the check and the write one atomic step.

use ramp_domain::deployment::Deployment;
use ramp_domain::store::{Error, Precondition, Refusal, Result};
use rusqlite::{Connection, params};

use super::sql::optional_row;

pub(super) fn check(conn: &Connection, d: &Deployment, precondition: Precondition) -> Result<()> {
    match precondition {
        Precondition::None => Ok(()),
        Precondition::NoLaterDeploymentOfProfile => {
            let later: Option<i64> = optional_row(
                conn,
                "SELECT deployment_number FROM deployments WHERE application_id = ?1 AND environment_id = ?2 \
                 AND configuration_profile_id = ?3 AND deployment_number > ?4 ORDER BY deployment_number LIMIT 1",
                params![
                    d.application_id,
                    d.environment_id,
                    d.configuration_profile_id,
                    d.deployment_number
                ],
                |row| row.get(0),
            )?;
            match later {
                Some(later) => Err(Error::Refused(Refusal::LaterDeploymentOfProfile { later })),
                None => Ok(()),
            }
        }
    }
}
