//! Amplify Hosting as a [`Service`]: each operation parses its wire input (ramp-protocol), calls
//! the domain ([`ramp_domain::amplify::Amplify`]), tells the hosting runtime what changed, and
//! answers with the wire shape. One file per resource; [`errors`] maps domain errors, [`links`]
//! makes the signed URLs the answers carry.

mod apps;
pub(crate) use apps::site_rule;
mod artifacts;
mod backend_environments;
mod branches;
mod domains;
mod errors;
mod jobs;
mod links;
mod tags;
mod webhooks;

use std::collections::{BTreeMap, HashMap};

use http::StatusCode;
use ramp_domain::amplify::Amplify as Domain;
use ramp_domain::arn::Scope;
pub(crate) use ramp_domain::page::every_page;
use ramp_protocol::amplify::inputs::Input;
use ramp_protocol::amplify::{self as wire, Op, Sensitive};
use ramp_protocol::routing::{Labels, Router};
use ramp_protocol::{AwsError, AwsRequest, AwsResponse, Dialect};

use crate::service::{BodyPolicy, Call, Service};
use crate::{AppState, HostingEvents};

/// Largest Amplify request body: the biggest modelled inputs (an app's build spec and custom
/// headers, 25,000 characters each, its rules) fit many times over; a CreateDeployment
/// `fileMap` of a few thousand files does too.
const MAX_BODY_BYTES: usize = 1024 * 1024;

/// AWS Amplify (`amplify` 2017-07-25).
pub struct Amplify;

impl Service for Amplify {
    type Op = Op;
    const NAME: &'static str = "Amplify";
    const SIGNING_NAME: &'static str = "amplify";
    const DIALECT: &'static Dialect = &wire::DIALECT;
    const ARN_SERVICE: Option<&'static str> = Some("amplify");

    fn routes(&self) -> &Router<Op> {
        &wire::ROUTES
    }

    fn operation_name(&self, op: Op) -> &'static str {
        op.name()
    }

    /// Every operation is small JSON; a larger body is the dialect's 400 (Amplify models no 413).
    fn body_policy(&self, _state: &AppState, _op: Op) -> BodyPolicy {
        BodyPolicy::buffered(MAX_BODY_BYTES)
    }

    async fn call<'a>(&'a self, op: Op, call: Call<'a>) -> Result<AwsResponse, AwsError> {
        let Some(hosting) = &call.state.amplify else {
            return Err(not_enabled());
        };
        let cx = Ctx {
            amplify: &hosting.service,
            events: hosting.events.as_ref(),
            scope: call.scope,
            request: call.request,
        };
        dispatch(&cx, op, call.labels).await
    }
}

/// What a server without Amplify Hosting answers to every Amplify operation.
fn not_enabled() -> AwsError {
    AwsError::new(
        "NotImplementedException",
        StatusCode::NOT_IMPLEMENTED,
        "Amplify Hosting is not enabled on this ramp server.",
    )
}

/// What every Amplify handler works with.
pub(super) struct Ctx<'a> {
    pub amplify: &'a Domain,
    /// Told after each write that changes what the sites serve, or makes a job pending.
    pub events: &'a dyn HostingEvents,
    pub scope: &'a Scope,
    /// The request, for the links' base URL (its `Host`).
    pub request: &'a AwsRequest,
}

fn parse<T: Input>(request: &AwsRequest, labels: &Labels) -> Result<T, AwsError> {
    T::parse(request, labels)
}

/// Wire maps (unordered) as the domain keeps them (ordered).
fn ordered(map: HashMap<String, String>) -> BTreeMap<String, String> {
    map.into_iter().collect()
}

fn unordered(map: BTreeMap<String, String>) -> HashMap<String, String> {
    map.into_iter().collect()
}

/// An optional string member as stored: an empty one is no value.
fn non_empty(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.is_empty())
}

/// Sets `field` when the member was sent.
fn set<T>(field: &mut T, sent: Option<T>) {
    if let Some(value) = sent {
        *field = value;
    }
}

/// Sets an optional `field` when the member was sent; an empty value clears it.
fn set_optional(field: &mut Option<String>, sent: Option<String>) {
    if let Some(value) = sent {
        *field = non_empty(Some(value));
    }
}

/// The JSON answer of every Amplify operation: 200 (spec amplify.md §1.1).
fn ok<T: serde::Serialize>(output: &T) -> Result<AwsResponse, AwsError> {
    AwsResponse::json(StatusCode::OK, output)
}

/// What a List answer shows beside an item (its tags, its production branch…) when the item
/// was deleted between the listing and that read: nothing, rather than failing the listing.
fn unless_vanished<T>(result: ramp_domain::Result<T>) -> Result<Option<T>, AwsError> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(ramp_domain::Error::NotFound { .. }) => Ok(None),
        Err(e) => Err(errors::to_aws(e)),
    }
}

/// UpdateApp's and UpdateBranch's `environmentVariables` (spec amplify.md §3.1, as AWS
/// behaves for Terraform): `{"": ""}` clears them, `{}` leaves them as they are, and any other
/// map replaces them (without an empty key).
fn update_environment(current: &mut BTreeMap<String, String>, sent: Option<HashMap<String, String>>) {
    let Some(sent) = sent else { return };
    if sent.is_empty() {
        return;
    }
    *current = sent.into_iter().filter(|(key, _)| !key.is_empty()).collect();
}

/// UpdateApp's and UpdateBranch's `basicAuthCredentials` (spec amplify.md §3.1): an empty value
/// does not clear the stored one; `enableBasicAuth: false` is how a client turns it off.
fn update_credentials(current: &mut Option<String>, sent: Option<Sensitive>) {
    if let Some(sent) = non_empty(sent.map(Sensitive::into_inner)) {
        *current = Some(sent);
    }
}

async fn dispatch(cx: &Ctx<'_>, op: Op, labels: &Labels) -> Result<AwsResponse, AwsError> {
    let (r, l) = (cx.request, labels);
    match op {
        Op::CreateApp => apps::create(cx, parse(r, l)?).await,
        Op::GetApp => apps::get(cx, parse(r, l)?).await,
        Op::ListApps => apps::list(cx, parse(r, l)?).await,
        Op::UpdateApp => apps::update(cx, parse(r, l)?).await,
        Op::DeleteApp => apps::delete(cx, parse(r, l)?).await,

        Op::CreateBranch => branches::create(cx, parse(r, l)?).await,
        Op::GetBranch => branches::get(cx, parse(r, l)?).await,
        Op::ListBranches => branches::list(cx, parse(r, l)?).await,
        Op::UpdateBranch => branches::update(cx, parse(r, l)?).await,
        Op::DeleteBranch => branches::delete(cx, parse(r, l)?).await,

        Op::CreateDeployment => jobs::create_deployment(cx, parse(r, l)?).await,
        Op::StartDeployment => jobs::start_deployment(cx, parse(r, l)?).await,
        Op::StartJob => jobs::start(cx, parse(r, l)?).await,
        Op::GetJob => jobs::get(cx, parse(r, l)?).await,
        Op::ListJobs => jobs::list(cx, parse(r, l)?).await,
        Op::StopJob => jobs::stop(cx, parse(r, l)?).await,
        Op::DeleteJob => jobs::delete(cx, parse(r, l)?).await,

        Op::ListArtifacts => artifacts::list(cx, parse(r, l)?).await,
        Op::GetArtifactUrl => artifacts::url(cx, parse(r, l)?).await,
        Op::GenerateAccessLogs => artifacts::access_logs(cx, parse(r, l)?).await,

        Op::CreateDomainAssociation => domains::create(cx, parse(r, l)?).await,
        Op::GetDomainAssociation => domains::get(cx, parse(r, l)?).await,
        Op::ListDomainAssociations => domains::list(cx, parse(r, l)?).await,
        Op::UpdateDomainAssociation => domains::update(cx, parse(r, l)?).await,
        Op::DeleteDomainAssociation => domains::delete(cx, parse(r, l)?).await,

        Op::CreateWebhook => webhooks::create(cx, parse(r, l)?).await,
        Op::GetWebhook => webhooks::get(cx, parse(r, l)?).await,
        Op::ListWebhooks => webhooks::list(cx, parse(r, l)?).await,
        Op::UpdateWebhook => webhooks::update(cx, parse(r, l)?).await,
        Op::DeleteWebhook => webhooks::delete(cx, parse(r, l)?).await,

        Op::CreateBackendEnvironment => backend_environments::create(cx, parse(r, l)?).await,
        Op::GetBackendEnvironment => backend_environments::get(cx, parse(r, l)?).await,
        Op::ListBackendEnvironments => backend_environments::list(cx, parse(r, l)?).await,
        Op::DeleteBackendEnvironment => backend_environments::delete(cx, parse(r, l)?).await,

        Op::ListTagsForResource => tags::list(cx, parse(r, l)?).await,
        Op::TagResource => tags::tag(cx, parse(r, l)?).await,
        Op::UntagResource => tags::untag(cx, parse(r, l)?).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn environment_updates_follow_awss_quirks() {
        let stored: BTreeMap<_, _> = ordered(env(&[("A", "1")]));
        let updated = |sent| {
            let mut current = stored.clone();
            update_environment(&mut current, sent);
            current
        };
        assert_eq!(updated(None), stored);
        assert_eq!(updated(Some(env(&[]))), stored, "{{}} leaves them");
        assert_eq!(
            updated(Some(env(&[("", "")]))),
            BTreeMap::new(),
            "{{\"\": \"\"}} clears them"
        );
        assert_eq!(updated(Some(env(&[("B", "2")]))), ordered(env(&[("B", "2")])));
    }

    #[test]
    fn empty_credentials_do_not_clear_stored_ones() {
        let mut current = Some("dXNlcjpwYXNz".to_owned());
        update_credentials(&mut current, Some(Sensitive::new("")));
        update_credentials(&mut current, None);
        assert_eq!(current.as_deref(), Some("dXNlcjpwYXNz"));
        update_credentials(&mut current, Some(Sensitive::new("bmV3OnBhc3M=")));
        assert_eq!(current.as_deref(), Some("bmV3OnBhc3M="));
    }

    #[test]
    fn a_vanished_item_shows_nothing_beside_it_but_other_failures_fail() {
        let gone = ramp_domain::Error::NotFound {
            resource_name: "App".into(),
            message: "gone".into(),
        };
        assert_eq!(unless_vanished(Ok(1)), Ok(Some(1)));
        assert_eq!(unless_vanished::<i32>(Err(gone)), Ok(None));
        let failed = unless_vanished::<i32>(Err(ramp_domain::Error::Internal("disk".into())));
        assert_eq!(
            failed.map_err(|e| e.name(&wire::DIALECT)),
            Err("InternalFailureException")
        );
    }
}
