//! A hosted profile with one version, ready to deploy through AppConfig, for the engine's tests.

#![allow(dead_code)]

use std::sync::Arc;

use bytes::Bytes;
use ramp_clock::SharedClock;
use ramp_domain::appconfig::{
    AppConfig, NewConfigurationProfile, NewEnvironment, NewHostedVersionRequest, Quotas, StartDeploymentRequest,
};
use ramp_domain::arn::Scope;
use ramp_domain::deployment::Deployment;
use ramp_domain::store::Store;

pub struct Fixture {
    pub appconfig: Arc<AppConfig>,
    pub scope: Scope,
    pub app: String,
    pub profile: String,
}

impl Fixture {
    /// An application with profile `cfg` (version 1: `{}`), over `store` and `clock`.
    pub async fn new(store: Arc<dyn Store>, clock: SharedClock) -> Self {
        let appconfig = AppConfig::new(store, clock, Quotas::default())
            .await
            .expect("appconfig");
        Self::on(Arc::new(appconfig)).await
    }

    /// The same on an existing AppConfig (another node's, say).
    pub async fn on(appconfig: Arc<AppConfig>) -> Self {
        let scope = Scope::new("us-east-1", "000000000000");
        let app = appconfig
            .create_application(&scope, "app".to_owned(), None, Default::default())
            .await
            .expect("application");
        let profile = appconfig
            .create_configuration_profile(
                &scope,
                &app.id,
                NewConfigurationProfile {
                    name: "cfg".to_owned(),
                    description: None,
                    location_uri: "hosted".to_owned(),
                    retrieval_role_arn: None,
                    validators: Vec::new(),
                    profile_type: None,
                    kms_key_identifier: None,
                    tags: Default::default(),
                },
            )
            .await
            .expect("profile");
        appconfig
            .create_hosted_version(
                &scope,
                &app.id,
                &profile.id,
                NewHostedVersionRequest {
                    description: None,
                    content: Bytes::from_static(b"{}"),
                    content_type: "application/json".to_owned(),
                    latest_version_number: None,
                    version_label: None,
                },
            )
            .await
            .expect("version");
        Self {
            appconfig,
            scope,
            app: app.id,
            profile: profile.id,
        }
    }

    /// A new environment's id.
    pub async fn environment(&self, name: &str) -> String {
        self.appconfig
            .create_environment(
                &self.scope,
                &self.app,
                NewEnvironment {
                    name: name.to_owned(),
                    description: None,
                    monitors: Vec::new(),
                    tags: Default::default(),
                },
            )
            .await
            .expect("environment")
            .id
    }

    /// StartDeployment of version 1 with AppConfig.AllAtOnce (100 % at once, 10 minutes' bake).
    pub async fn start(&self, appconfig: &AppConfig, environment: &str) -> ramp_domain::Result<Deployment> {
        let request = StartDeploymentRequest {
            deployment_strategy_id: "AppConfig.AllAtOnce".to_owned(),
            configuration_profile_id: self.profile.clone(),
            configuration_version: "1".to_owned(),
            description: None,
            kms_key_identifier: None,
            dynamic_extension_parameters: Default::default(),
            tags: Default::default(),
        };
        appconfig
            .start_deployment(&self.scope, &self.app, environment, request)
            .await
    }

    /// StopDeployment (a rollback, or a revert with `allow_revert`).
    pub async fn stop(
        &self,
        appconfig: &AppConfig,
        environment: &str,
        number: i64,
        allow_revert: bool,
    ) -> ramp_domain::Result<Deployment> {
        appconfig
            .stop_deployment(&self.scope, &self.app, environment, number, allow_revert)
            .await
    }
}
