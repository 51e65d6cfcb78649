//! AppConfig ARNs (spec/appconfig.md §2.2): building them for resources, and reading a resource
//! back out of one for the tag operations.

use std::fmt;

/// Where a request is served: the region from its SigV4 scope and ramp's account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub region: String,
    pub account_id: String,
}

impl Scope {
    pub fn new(region: impl Into<String>, account_id: impl Into<String>) -> Self {
        Self {
            region: region.into(),
            account_id: account_id.into(),
        }
    }

    /// `arn:{partition}:appconfig:{region}:{account}:`, which every resource ARN extends.
    pub fn resource_arn_prefix(&self) -> String {
        self.prefix()
    }

    fn prefix(&self) -> String {
        format!(
            "arn:{}:appconfig:{}:{}:",
            partition(&self.region),
            self.region,
            self.account_id
        )
    }

    pub fn resource_arn(&self, resource: &Resource) -> String {
        format!("{}{resource}", self.prefix())
    }

    /// Reads an AppConfig ARN of this scope. `None` for other services, regions, accounts or
    /// resource forms: to the caller such an ARN names nothing that exists here.
    pub fn parse_arn(&self, arn: &str) -> Option<Resource> {
        Resource::parse(arn.strip_prefix(&self.prefix())?)
    }
}

/// The partition of a region, for ARNs.
pub(crate) fn partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

/// A taggable AppConfig resource, as named by the resource part of its ARN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resource {
    Application {
        application_id: String,
    },
    Environment {
        application_id: String,
        environment_id: String,
    },
    ConfigurationProfile {
        application_id: String,
        profile_id: String,
    },
    Deployment {
        application_id: String,
        environment_id: String,
        deployment_number: i64,
    },
    DeploymentStrategy {
        strategy_id: String,
    },
    /// One version of an extension (spec/appconfig.md §8.5: the ARN names the version).
    Extension {
        extension_id: String,
        version_number: i64,
    },
    ExtensionAssociation {
        association_id: String,
    },
}

impl Resource {
    fn parse(resource: &str) -> Option<Self> {
        let parts: Vec<&str> = resource.split('/').collect();
        let owned = |s: &str| s.to_owned();
        Some(match parts.as_slice() {
            ["application", app] => Self::Application {
                application_id: owned(app),
            },
            ["application", app, "environment", env] => Self::Environment {
                application_id: owned(app),
                environment_id: owned(env),
            },
            ["application", app, "configurationprofile", profile] => Self::ConfigurationProfile {
                application_id: owned(app),
                profile_id: owned(profile),
            },
            ["application", app, "environment", env, "deployment", number] => Self::Deployment {
                application_id: owned(app),
                environment_id: owned(env),
                deployment_number: number.parse().ok()?,
            },
            ["deploymentstrategy", id] => Self::DeploymentStrategy { strategy_id: owned(id) },
            ["extension", id, version] => Self::Extension {
                extension_id: owned(id),
                version_number: version.parse().ok()?,
            },
            ["extensionassociation", id] => Self::ExtensionAssociation {
                association_id: owned(id),
            },
            _ => return None,
        })
    }
}

impl fmt::Display for Resource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Application { application_id } => write!(f, "application/{application_id}"),
            Self::Environment {
                application_id,
                environment_id,
            } => {
                write!(f, "application/{application_id}/environment/{environment_id}")
            }
            Self::ConfigurationProfile {
                application_id,
                profile_id,
            } => {
                write!(f, "application/{application_id}/configurationprofile/{profile_id}")
            }
            Self::Deployment {
                application_id,
                environment_id,
                deployment_number,
            } => {
                write!(
                    f,
                    "application/{application_id}/environment/{environment_id}/deployment/{deployment_number}"
                )
            }
            Self::DeploymentStrategy { strategy_id } => write!(f, "deploymentstrategy/{strategy_id}"),
            Self::Extension {
                extension_id,
                version_number,
            } => write!(f, "extension/{extension_id}/{version_number}"),
            Self::ExtensionAssociation { association_id } => write!(f, "extensionassociation/{association_id}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns_round_trip() {
        let scope = Scope::new("us-east-1", "000000000000");
        let env = Resource::Environment {
            application_id: "abc1234".into(),
            environment_id: "def5678".into(),
        };
        let arn = scope.resource_arn(&env);
        assert_eq!(
            arn,
            "arn:aws:appconfig:us-east-1:000000000000:application/abc1234/environment/def5678"
        );
        assert_eq!(scope.parse_arn(&arn), Some(env.clone()));
        assert_eq!(Scope::new("eu-west-1", "000000000000").parse_arn(&arn), None);
        assert_eq!(scope.parse_arn("arn:aws:amplify:us-east-1:000000000000:apps/abc"), None);
        assert_eq!(
            scope.parse_arn("arn:aws:appconfig:us-east-1:000000000000:application/a/x/y"),
            None
        );
        assert!(
            Scope::new("cn-north-1", "1")
                .resource_arn(&env)
                .starts_with("arn:aws-cn:")
        );
    }
}
