//! From `--endpoint-url`, `--aws`, `--region`, `--aws-profile` and the usual `AWS_*` variables to
//! SDK clients (and, for a ramp server, its admin API).
//!
//! Against ramp (the default) the credential and region chains stop at the environment and the
//! shared config files: they never probe EC2 instance metadata, which would stall every command
//! for seconds on a laptop. With no credentials anywhere, requests are signed with a dummy key,
//! which a ramp started without credentials accepts, so `ramp deploy` works out of the box.
//! Against AWS (`--aws`), the SDK's own chains and endpoint resolution apply unchanged.

use aws_config::environment::{EnvironmentVariableCredentialsProvider, EnvironmentVariableRegionProvider};
use aws_config::meta::credentials::CredentialsProviderChain;
use aws_config::meta::region::RegionProviderChain;
use aws_config::profile::{ProfileFileCredentialsProvider, ProfileFileRegionProvider};
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;

use super::admin::Admin;
use super::{ConnectArgs, Output};

/// Where ramp listens by default (DESIGN.md "listen").
pub const DEFAULT_ENDPOINT: &str = "http://127.0.0.1:4566";
const DEFAULT_REGION: &str = "us-east-1";

/// A connection to ramp or AWS: the SDK configuration every client is built from.
pub struct Session {
    config: SdkConfig,
    /// ramp's admin API (`/_ramp/…`); `None` against AWS.
    admin: Option<Admin>,
    /// ramp's URL; `None` against AWS.
    endpoint: Option<String>,
    pub output: Output,
}

impl Session {
    pub async fn open(args: &ConnectArgs) -> anyhow::Result<Self> {
        if args.aws {
            Ok(Self::open_aws(args).await)
        } else {
            Self::open_ramp(args).await
        }
    }

    async fn open_aws(args: &ConnectArgs) -> Self {
        let region = RegionProviderChain::first_try(args.region.clone().map(Region::new))
            .or_default_provider()
            .or_else(DEFAULT_REGION);
        let mut loader = aws_config::defaults(BehaviorVersion::latest()).region(region);
        if let Some(profile) = &args.aws_profile {
            loader = loader.profile_name(profile);
        }
        Self {
            config: loader.load().await,
            admin: None,
            endpoint: None,
            output: args.output,
        }
    }

    async fn open_ramp(args: &ConnectArgs) -> anyhow::Result<Self> {
        let endpoint = ramp_endpoint(
            args.endpoint_url.as_deref(),
            std::env::var("RAMP_ENDPOINT_URL").ok().as_deref(),
            std::env::var("AWS_ENDPOINT_URL").ok().as_deref(),
        );
        reqwest::Url::parse(&endpoint)
            .map_err(|e| anyhow::anyhow!("the endpoint URL {endpoint:?} is not a URL: {e}"))?;

        let profile = args.aws_profile.as_deref();
        let mut profile_region = ProfileFileRegionProvider::builder();
        let mut profile_credentials = ProfileFileCredentialsProvider::builder();
        if let Some(profile) = profile {
            profile_region = profile_region.profile_name(profile);
            profile_credentials = profile_credentials.profile_name(profile);
        }
        let region = RegionProviderChain::first_try(args.region.clone().map(Region::new))
            .or_else(EnvironmentVariableRegionProvider::new())
            .or_else(profile_region.build())
            .or_else(DEFAULT_REGION);
        let credentials =
            CredentialsProviderChain::first_try("Environment", EnvironmentVariableCredentialsProvider::new())
                .or_else("Profile", profile_credentials.build())
                .or_else("ramp without credentials", anonymous_credentials());

        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .endpoint_url(&endpoint)
            .region(region)
            .credentials_provider(credentials);
        if let Some(profile) = profile {
            loader = loader.profile_name(profile);
        }
        let config = loader.load().await;
        let admin = Admin::new(&endpoint, &config)?;
        Ok(Self {
            config,
            admin: Some(admin),
            endpoint: Some(endpoint),
            output: args.output,
        })
    }

    pub fn appconfig(&self) -> aws_sdk_appconfig::Client {
        aws_sdk_appconfig::Client::new(&self.config)
    }

    pub fn amplify(&self) -> aws_sdk_amplify::Client {
        aws_sdk_amplify::Client::new(&self.config)
    }

    /// ramp's admin API when talking to ramp.
    pub fn ramp_admin(&self) -> Option<&Admin> {
        self.admin.as_ref()
    }

    /// ramp's URL, when talking to ramp.
    pub fn ramp_endpoint(&self) -> Option<&str> {
        self.endpoint.as_deref()
    }

    /// The time on the server's clock: ramp's (which may be manual or accelerated, and stamps
    /// every event) when it answers `GET /_ramp/clock`, else this machine's.
    pub async fn server_now(&self) -> ramp_clock::Timestamp {
        if let Some(admin) = &self.admin
            && let Ok(now) = admin.clock_now().await
        {
            return now;
        }
        ramp_clock::SystemClock::real_now()
    }

    pub fn is_json(&self) -> bool {
        self.output == Output::Json
    }
}

/// ramp's URL: the flag, else `RAMP_ENDPOINT_URL`, else `AWS_ENDPOINT_URL` (what the AWS CLI
/// and SDKs read), else the local default; without a trailing slash.
fn ramp_endpoint(flag: Option<&str>, ramp_env: Option<&str>, aws_env: Option<&str>) -> String {
    [flag, ramp_env, aws_env]
        .into_iter()
        .flatten()
        .find(|url| !url.trim().is_empty())
        .unwrap_or(DEFAULT_ENDPOINT)
        .trim()
        .trim_end_matches('/')
        .to_owned()
}

/// What requests are signed with when no credentials are configured: a ramp without credentials
/// accepts any signature (DESIGN.md "auth").
fn anonymous_credentials() -> Credentials {
    Credentials::new("ramp-cli", "ramp-cli", None, None, "ramp-cli-anonymous")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flag_wins_then_ramps_variable_then_aws_then_the_default() {
        let flag = Some("http://flag:1/");
        let ramp = Some("http://ramp:2");
        let aws = Some("http://aws:3");
        assert_eq!(ramp_endpoint(flag, ramp, aws), "http://flag:1");
        assert_eq!(ramp_endpoint(None, ramp, aws), "http://ramp:2");
        assert_eq!(ramp_endpoint(None, None, aws), "http://aws:3");
        assert_eq!(ramp_endpoint(None, Some(" "), None), DEFAULT_ENDPOINT);
        assert_eq!(ramp_endpoint(None, None, None), DEFAULT_ENDPOINT);
    }
}
