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
            store::Error::Conflict(text) => Self::Conflict(text),
            store::Error::HasChildren(kind) => Self::BadRequest(format!("{} still exist.", kind_name(kind))),
            store::Error::Unavailable(text) => Self::Internal(text),
            // The domain words each refusal where it asks for the precondition; this is a fallback.
            store::Error::Refused(refusal) => Self::BadRequest(format!("Refused: {refusal:?}.")),
        }
    }
}
