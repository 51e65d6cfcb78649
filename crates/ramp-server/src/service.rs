//! Services as plug-ins: each AWS API ramp speaks implements [`Service`] in its own module and is
//! registered with one line in [`crate::services`]. The pipeline owns what every API shares
//! (request id, body reading, SigV4, rendering, logging); a service owns its routes, signing
//! name, error dialect, per-operation body policy and handlers (STYLE-ANCHORS §11, Garage's
//! `ApiHandler`).

use std::future::Future;
use std::pin::Pin;

use axum::body::Body;
use ramp_domain::arn::Scope;
use ramp_protocol::routing::{Labels, Match, Router};
use ramp_protocol::{AwsError, AwsRequest, AwsResponse, Dialect};

use crate::AppState;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// One AWS API: AppConfig, AppConfigData, Amplify.
pub trait Service: Send + Sync + 'static {
    /// Its operations, as its route table names them.
    type Op: Copy + Send + Sync + 'static;

    /// Its name, for logs (`AppConfig`).
    const NAME: &'static str;
    /// Its SigV4 signing name: the service of the credential scope its clients sign with.
    const SIGNING_NAME: &'static str;
    /// How it spells errors, for everything answered once a request is routed to it.
    const DIALECT: &'static Dialect;
    /// The service part of its resources' ARNs (`arn:aws:{service}:…`) when `/tags/{ResourceArn}`
    /// is one of its routes: tag requests go to the service their ARN names.
    const ARN_SERVICE: Option<&'static str> = None;

    /// Its route table, matched in order.
    fn routes(&self) -> &Router<Self::Op>;

    /// The operation's name in its model.
    fn operation_name(&self, op: Self::Op) -> &'static str;

    /// How the pipeline hands the operation its body.
    fn body_policy(&self, state: &AppState, op: Self::Op) -> BodyPolicy;

    /// Who checks the caller.
    fn auth(&self, _op: Self::Op) -> Auth {
        Auth::SigV4
    }

    /// Runs the operation on a request that passed its body policy and authentication.
    fn call<'a>(
        &'a self,
        op: Self::Op,
        call: Call<'a>,
    ) -> impl Future<Output = Result<AwsResponse, AwsError>> + Send + 'a;
}

/// How an operation's request body reaches it.
#[derive(Debug, Clone, Copy)]
pub enum BodyPolicy {
    /// Read whole before authentication, at most `limit` bytes. A larger body (declared by
    /// `Content-Length` or found while reading) is answered with `too_large(limit, size)`:
    /// the operation's modelled error, or [`AwsError::body_too_large`] (named by the dialect).
    Buffered {
        limit: usize,
        too_large: fn(u64, u64) -> AwsError,
    },
    /// Handed to the operation unread, in [`Call::stream`] (uploads, which must never be held
    /// whole in memory); `request.body` is empty. With [`Auth::SigV4`] the signature can cover
    /// the headers only, so with credentials configured the pipeline refuses a streamed request
    /// not signed as `x-amz-content-sha256: UNSIGNED-PAYLOAD`.
    Streamed,
}

impl BodyPolicy {
    /// Buffered, at most `limit` bytes, with the dialect's error past it.
    pub const fn buffered(limit: usize) -> Self {
        Self::Buffered {
            limit,
            too_large: AwsError::body_too_large,
        }
    }
}

/// Who authenticates an operation's caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// The pipeline checks the request's SigV4 signature for the service's signing name
    /// (when ramp has credentials; DESIGN.md "auth").
    SigV4,
    /// The operation checks credentials of its own (the signature of a URL ramp handed out);
    /// the pipeline checks none. The scope's region is then ramp's default region.
    Own,
}

/// What an operation gets.
pub struct Call<'a> {
    pub state: &'a AppState,
    pub scope: &'a Scope,
    pub request: &'a AwsRequest,
    pub labels: &'a Labels,
    /// The unread body of a [`BodyPolicy::Streamed`] operation; `None` for buffered ones.
    pub stream: Option<Body>,
}

/// A [`Service`] with its operation type erased, as the registry holds it. An operation is
/// named by the index of its route in the service's table.
pub(crate) trait Plugged: Send + Sync {
    fn name(&self) -> &'static str;
    fn signing_name(&self) -> &'static str;
    fn dialect(&self) -> &'static Dialect;
    fn arn_service(&self) -> Option<&'static str>;
    fn find(&self, method: &http::Method, path: &str) -> Result<Match<usize>, AwsError>;
    fn operation_name(&self, op: usize) -> &'static str;
    fn body_policy(&self, state: &AppState, op: usize) -> BodyPolicy;
    fn auth(&self, op: usize) -> Auth;
    fn call<'a>(&'a self, op: usize, call: Call<'a>) -> BoxFuture<'a, Result<AwsResponse, AwsError>>;
}

impl<S: Service> Plugged for S {
    fn name(&self) -> &'static str {
        S::NAME
    }

    fn signing_name(&self) -> &'static str {
        S::SIGNING_NAME
    }

    fn dialect(&self) -> &'static Dialect {
        S::DIALECT
    }

    fn arn_service(&self) -> Option<&'static str> {
        S::ARN_SERVICE
    }

    fn find(&self, method: &http::Method, path: &str) -> Result<Match<usize>, AwsError> {
        self.routes().find_index(method, path)
    }

    fn operation_name(&self, op: usize) -> &'static str {
        self.routes()
            .op(op)
            .map_or("unknown", |op| Service::operation_name(self, op))
    }

    // An index comes from `find` on the same table, so `op(index)` is always `Some`; the `None`
    // arms only keep a bug from being a panic.
    fn body_policy(&self, state: &AppState, op: usize) -> BodyPolicy {
        self.routes()
            .op(op)
            .map_or(BodyPolicy::buffered(0), |op| Service::body_policy(self, state, op))
    }

    fn auth(&self, op: usize) -> Auth {
        self.routes().op(op).map_or(Auth::SigV4, |op| Service::auth(self, op))
    }

    fn call<'a>(&'a self, op: usize, call: Call<'a>) -> BoxFuture<'a, Result<AwsResponse, AwsError>> {
        match self.routes().op(op) {
            Some(op) => Box::pin(Service::call(self, op, call)),
            None => Box::pin(std::future::ready(Err(AwsError::internal()))),
        }
    }
}
