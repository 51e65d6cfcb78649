//! Serving one deploy over HTTP as Amplify Hosting does (spec amplify.md §8, §11.3, §11.5, §11.6).
//!
//! The server picks the deploy for a request (Host routing, the branch's active job, or the one
//! [`requested_deploy`] names under skew protection) and hands the request's head to
//! [`Site::respond`], with the node's shared [`Content`] cache. Nothing here knows axum or the
//! AWS API.
//!
//! * [`site`]: [`Site`] and [`SiteSettings`]: everything compiled once, then the pipeline of §8.2.
//! * [`rules`]: custom rules (redirects, rewrites, 404 rules).
//! * [`headers`]: custom headers YAML.
//! * [`content`]: the bounded blob cache.
//! * `path`, `auth`, `negotiate`, `files`, `reply`, `skew`: the pieces of a response.

mod auth;
pub mod content;
mod files;
pub mod headers;
mod negotiate;
mod path;
mod reply;
pub mod rules;
pub mod site;
mod skew;

pub use auth::AuthError;
pub use content::{Content, ContentError};
pub use headers::HeadersError;
pub use rules::{Rule, RuleError};
pub use site::{Site, SiteError, SiteSettings};
pub use skew::{is_deploy_id, requested_deploy};

#[cfg(test)]
mod tests;
