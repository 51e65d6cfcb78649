//! The registered services and how a request finds its operation among them.
//!
//! * A request goes to the first service, in registration order, whose route table has its method
//!   and path (the APIs' paths do not overlap).
//! * `/tags/{ResourceArn}` is the one path several APIs share (restJson1 tagging: AppConfig and
//!   Amplify both model GET/POST/DELETE on it). It goes to the service whose
//!   [`ARN_SERVICE`](crate::service::Service::ARN_SERVICE) is the ARN's service part. An ARN that
//!   does not parse goes to the first service that tags (AppConfig), whose input validation answers
//!   `BadRequestException` naming `ResourceArn`, as before services were plug-ins. A well-formed ARN
//!   of a service ramp does not host (`amplify` before Amplify is registered, `s3`) is a
//!   `BadRequestException` (400) naming that service: every tagging API ramp speaks models a 400
//!   `BadRequestException` for its tag operations, and the ARN is one no resource of this endpoint
//!   can have, rather than a resource that is missing (404).
//! * A request no service takes is answered in the dialect of the registered service its SigV4
//!   credential scope names (an Amplify client reads `message`), else of the first registered
//!   service (AppConfig).

use std::borrow::Cow;

use http::{HeaderMap, Method};
use percent_encoding::percent_decode_str;
use ramp_protocol::routing::{Labels, Match};
use ramp_protocol::{AwsError, Dialect};

use crate::service::{Plugged, Service};

/// Every AWS API this server speaks, in routing order.
#[derive(Default)]
pub struct Registry {
    services: Vec<Box<dyn Plugged>>,
}

/// A request's operation: the service, the route index in its table, the labels.
pub(crate) struct Routed<'r> {
    pub service: &'r dyn Plugged,
    pub op: usize,
    pub labels: Labels,
}

/// Why no operation takes a request, and in which dialect to say so.
pub(crate) struct Unrouted {
    pub error: AwsError,
    pub dialect: &'static Dialect,
}

const TAGS_PREFIX: &str = "/tags/";

impl Registry {
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers `service` after those already registered.
    pub fn with(mut self, service: impl Service) -> Self {
        self.services.push(Box::new(service));
        self
    }

    /// The names of the registered services, in routing order.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.services.iter().map(|s| s.name())
    }

    /// Finds the operation for `method` and the raw `path`; `headers` only choose the dialect
    /// of the error when there is none.
    pub(crate) fn route(&self, method: &Method, path: &str, headers: &HeaderMap) -> Result<Routed<'_>, Unrouted> {
        let unrouted = |error| Unrouted {
            error,
            dialect: self.unrouted_dialect(headers),
        };
        if let Some(arn) = path.strip_prefix(TAGS_PREFIX).filter(|arn| !arn.contains('/')) {
            return match self.tagging_service(arn) {
                Ok(Some(service)) => route_in(service, method, path),
                Ok(None) => Err(unrouted(AwsError::unknown_operation(method.as_str(), path))),
                Err(error) => Err(unrouted(error)),
            };
        }
        let mut path_known_to = None;
        for service in &self.services {
            match service.find(method, path) {
                Ok(Match::Found(op, labels)) => {
                    return Ok(Routed {
                        service: service.as_ref(),
                        op,
                        labels,
                    });
                }
                Ok(Match::MethodNotAllowed) => {
                    path_known_to.get_or_insert(service.dialect());
                }
                Ok(Match::NotFound) => {}
                Err(error) => {
                    return Err(Unrouted {
                        error,
                        dialect: service.dialect(),
                    });
                }
            }
        }
        Err(Unrouted {
            error: AwsError::unknown_operation(method.as_str(), path),
            // A wrong method on one service's path is that service's unknown operation.
            dialect: path_known_to.unwrap_or_else(|| self.unrouted_dialect(headers)),
        })
    }

    /// The service a `/tags/{ResourceArn}` request goes to (see the module's documentation);
    /// `None` when no registered service tags.
    fn tagging_service(&self, raw_arn: &str) -> Result<Option<&dyn Plugged>, AwsError> {
        let mut tagging = self.services.iter().filter(|s| s.arn_service().is_some());
        let Some(first) = tagging.clone().next() else {
            return Ok(None);
        };
        let arn = percent_decode_str(raw_arn).decode_utf8().unwrap_or(Cow::Borrowed(""));
        let Some(named) = arn_service(&arn) else {
            return Ok(Some(first.as_ref()));
        };
        match tagging.find(|s| s.arn_service() == Some(named)) {
            Some(service) => Ok(Some(service.as_ref())),
            None => {
                let hosted: Vec<_> = self.services.iter().filter_map(|s| s.arn_service()).collect();
                Err(AwsError::bad_request(format!(
                    "ResourceArn {arn} names the service '{named}', which this endpoint does not host; \
                     it tags resources of: {}",
                    hosted.join(", ")
                )))
            }
        }
    }

    /// The dialect of the registered service the request is signed for, else the first's.
    fn unrouted_dialect(&self, headers: &HeaderMap) -> &'static Dialect {
        let signed_for = headers
            .get(http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| ramp_sigv4::parse_authorization(v).ok())
            .map(|authorization| authorization.service);
        signed_for
            .and_then(|name| self.services.iter().find(|s| s.signing_name() == name))
            .or(self.services.first())
            .map_or(&ramp_protocol::appconfig::DIALECT, |s| s.dialect())
    }
}

/// Routes a request within the one service it can be for.
fn route_in<'r>(service: &'r dyn Plugged, method: &Method, path: &str) -> Result<Routed<'r>, Unrouted> {
    let unrouted = |error| Unrouted {
        error,
        dialect: service.dialect(),
    };
    match service.find(method, path) {
        Ok(Match::Found(op, labels)) => Ok(Routed { service, op, labels }),
        Ok(Match::MethodNotAllowed | Match::NotFound) => {
            Err(unrouted(AwsError::unknown_operation(method.as_str(), path)))
        }
        Err(error) => Err(unrouted(error)),
    }
}

/// The service part of an ARN (`arn:{partition}:{service}:{region}:{account}:{resource}`), when
/// it is one.
pub(crate) fn arn_service(arn: &str) -> Option<&str> {
    let mut parts = arn.splitn(6, ':');
    let (Some("arn"), Some(partition), Some(service), Some(_region), Some(_account), Some(resource)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return None;
    };
    let service_ok = !service.is_empty()
        && service
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    (!partition.is_empty() && service_ok && !resource.is_empty()).then_some(service)
}
