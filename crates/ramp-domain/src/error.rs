//! What can go wrong in an AppConfig operation, in domain terms. The server maps each variant to
//! the modelled AWS exception (spec/appconfig.md §13).

use crate::store::{self, ResourceKind};

/// One `Details.InvalidConfiguration` entry: why a configuration failed validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidConfigurationDetail {
    pub constraint: String,
    pub location: String,
    pub reason: String,
    pub detail_type: String,
    pub value: String,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum Error {
    #[error("{0}")]
    BadRequest(String),
    #[error("{message}")]
    InvalidConfiguration {
        message: String,
        details: Vec<InvalidConfigurationDetail>,
    },
    #[error("{message}")]
    NotFound { resource_name: String, message: String },
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    QuotaExceeded(String),
    #[error("payload of {size} bytes exceeds the limit of {limit} bytes")]
    PayloadTooLarge { limit: u64, size: u64 },
    /// A failure on ramp's side; the text goes to the log, not to the client.
    #[error("internal error: {0}")]
    Internal(String),
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// `{Kind} with Id {id} could not be found.` — the form third-party emulators report for
    /// AppConfig (spec/appconfig.md §3.2, §13.1; exact AWS text UNCONFIRMED).
    pub fn not_found(kind: ResourceKind, id: impl std::fmt::Display) -> Self {
        let name = kind_name(kind);
        Self::NotFound {
            resource_name: name.to_owned(),
            message: format!("{name} with Id {id} could not be found."),
        }
    }
}

pub(crate) fn kind_name(kind: ResourceKind) -> &'static str {
    match kind {
        ResourceKind::Application => "Application",
        ResourceKind::Environment => "Environment",
        ResourceKind::ConfigurationProfile => "ConfigurationProfile",
        ResourceKind::HostedConfigurationVersion => "HostedConfigurationVersion",
        ResourceKind::DeploymentStrategy => "DeploymentStrategy",
        ResourceKind::Deployment => "Deployment",
        ResourceKind::DeployedContent => "DeployedContent",
        ResourceKind::AmplifyApp => "App",
        ResourceKind::AmplifyBranch => "Branch",
        ResourceKind::AmplifyJob => "Job",
        ResourceKind::AmplifyDomainAssociation => "DomainAssociation",
        ResourceKind::AmplifyWebhook => "Webhook",
        ResourceKind::AmplifyBackendEnvironment => "BackendEnvironment",
        ResourceKind::Extension => "Extension",
        ResourceKind::ExtensionAssociation => "ExtensionAssociation",
    }
}

/// The client's words for a store conflict: the one place they are written.
fn conflict_message(conflict: &store::Conflict) -> String {
    use store::Conflict;
    match conflict {
        Conflict::LatestVersion { expected, actual } => {
            format!("the latest version number is {actual}, not {expected}")
        }
        Conflict::LabelTaken { label } => format!("version label {label:?} is already used"),
        Conflict::AlreadyExists(kind) => format!("{} already exists", lowercase_name(*kind)),
        Conflict::DeploymentInProgress { environment_id, number } => {
            format!("Deployment number {number} is in progress in environment {environment_id}.")
        }
        Conflict::RevisionChanged { number, revision } => {
            format!("deployment {number} was changed since revision {revision}")
        }
        // Amplify's own words (spec/amplify.md §5).
        Conflict::JobUnfinished { number } => format!(
            "The last job(deployment) {number} was not finished, please wait until it finish or use StopJob \
             operation to cancel it before creating a new deployment."
        ),
        Conflict::JobActive { number } => {
            format!("Job {number} is the deployment the branch serves; deploy another job before deleting it.")
        }
        Conflict::JobNotCreated { number } => {
            format!("Job {number} has already started; it takes no more uploads.")
        }
    }
}

/// A kind's name within a sentence.
fn lowercase_name(kind: ResourceKind) -> &'static str {
    match kind {
        ResourceKind::Application => "application",
        ResourceKind::Environment => "environment",
        ResourceKind::ConfigurationProfile => "configuration profile",
        ResourceKind::HostedConfigurationVersion => "hosted configuration version",
        ResourceKind::DeploymentStrategy => "deployment strategy",
        ResourceKind::Deployment => "deployment",
        ResourceKind::DeployedContent => "deployment content",
        ResourceKind::AmplifyApp => "app",
        ResourceKind::AmplifyBranch => "branch",
        ResourceKind::AmplifyJob => "job",
        ResourceKind::AmplifyDomainAssociation => "domain association",
        ResourceKind::AmplifyWebhook => "webhook",
        ResourceKind::AmplifyBackendEnvironment => "backend environment",
        ResourceKind::Extension => "extension",
        ResourceKind::ExtensionAssociation => "extension association",
    }
}

impl From<store::Error> for Error {
    /// Store errors that callers did not translate with more context. Operations map the
    /// expected ones (NotFound with the id, quota names) themselves.
    fn from(e: store::Error) -> Self {
        match e {
            store::Error::NotFound(kind) => Self::NotFound {
                resource_name: kind_name(kind).to_owned(),
                message: format!("{} could not be found.", kind_name(kind)),
            },
            store::Error::QuotaExceeded => Self::QuotaExceeded("A service quota was exceeded.".to_owned()),
            store::Error::Conflict(conflict) => Self::Conflict(conflict_message(&conflict)),
            store::Error::HasChildren(kind) => Self::BadRequest(format!("{} still exist.", kind_name(kind))),
            // Operations that pass a cutoff word this with the resource and the period.
            store::Error::DeletionProtected => Self::BadRequest(
                "Deletion protection is enabled: the resource was used to retrieve configuration recently.".to_owned(),
            ),
            store::Error::Unavailable(text) => Self::Internal(text),
            // The domain words each refusal where it asks for the precondition; this is a fallback.
            store::Error::Refused(refusal) => Self::BadRequest(format!("Refused: {refusal:?}.")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Conflict;

    fn client_text(e: store::Error) -> Error {
        e.into()
    }

    /// The texts clients got when the store wrote them itself: unchanged on the wire.
    #[test]
    fn store_conflicts_are_worded_as_before() {
        let cases = [
            (
                Conflict::LatestVersion { expected: 1, actual: 3 },
                "the latest version number is 3, not 1",
            ),
            (
                Conflict::LabelTaken { label: "v1".to_owned() },
                "version label \"v1\" is already used",
            ),
            (
                Conflict::AlreadyExists(ResourceKind::ConfigurationProfile),
                "configuration profile already exists",
            ),
            (
                Conflict::AlreadyExists(ResourceKind::DeployedContent),
                "deployment content already exists",
            ),
            (
                Conflict::DeploymentInProgress {
                    environment_id: "e1".to_owned(),
                    number: 2,
                },
                "Deployment number 2 is in progress in environment e1.",
            ),
            (
                Conflict::RevisionChanged { number: 4, revision: 7 },
                "deployment 4 was changed since revision 7",
            ),
        ];
        for (conflict, text) in cases {
            assert_eq!(
                client_text(store::Error::Conflict(conflict)),
                Error::Conflict(text.to_owned())
            );
        }
    }

    /// StopDeployment and the engine retry only a revision race; any other conflict (a deployment
    /// in progress, a taken label…) is the caller's answer, not a reason to try again.
    #[test]
    fn only_a_revision_change_is_a_race() {
        assert!(store::Error::Conflict(Conflict::RevisionChanged { number: 1, revision: 0 }).is_revision_race());
        for other in [
            store::Error::Conflict(Conflict::DeploymentInProgress {
                environment_id: "e".to_owned(),
                number: 1,
            }),
            store::Error::Conflict(Conflict::AlreadyExists(ResourceKind::Deployment)),
            store::Error::Conflict(Conflict::LatestVersion { expected: 0, actual: 1 }),
            store::Error::NotFound(ResourceKind::Deployment),
            store::Error::DeletionProtected,
        ] {
            assert!(!other.is_revision_race(), "{other:?}");
        }
    }
}
