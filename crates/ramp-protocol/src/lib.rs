//! The AWS wire, and nothing else: this crate knows neither storage nor business rules
//! (ARCHITECTURE.md, "protocol knows nothing of storage").
//!
//! * [`request`] — an AWS request as received, with restJson1 query/header/JSON-body bindings.
//! * [`routing`] — method + URI-template matching with percent-decoded labels.
//! * [`validate`] — the model's constraints (lengths, patterns, ranges, enums) as 400s naming the member.
//! * [`error`] — the one AWS error type and its rendering (`x-amzn-ErrorType`, JSON body) in a
//!   service's [`Dialect`] (the body's message member, the names of generic errors).
//! * SigV4 itself lives in the `ramp-sigv4` crate.
//! * One module per AWS API, each with its route table (one line per operation), inputs, outputs,
//!   dialect and own exceptions: [`appconfig`] (`appconfig` 2019-10-09), [`appconfigdata`]
//!   (`appconfigdata` 2021-11-11) and [`amplify`] (`amplify` 2017-07-25, Amplify Hosting).

pub mod amplify;
pub mod appconfig;
pub mod appconfigdata;
pub mod error;
pub mod request;
pub mod response;
pub mod routing;
pub mod validate;

pub use error::{AwsError, Dialect};
pub use request::{AwsRequest, Input};
pub use response::AwsResponse;
