//! Amplify Hosting as ramp implements it (spec/amplify.md): apps, branches, jobs (manual
//! deploys), domain associations, webhooks and backend environments, and the rules between them.
//! No HTTP and no SQL: the server maps the wire to these types, the store keeps them, and the
//! server's job runner does the DEPLOY step and reports back through the `job_*` methods.

mod apps;
pub mod arn;
mod branches;
mod domains;
mod gc;
pub mod ids;
mod jobs;
pub mod links;
mod resources;
mod service;
mod tags;
mod webhooks;

pub use domains::DomainSettings;
pub use gc::SKEW_WINDOW_MILLIS;
pub use jobs::{DEPLOY_STEP, StartJobRequest, VERIFY_STEP, parse_job_id};
pub use resources::*;
pub use service::{Amplify, Quotas, UPLOAD_WINDOW_MILLIS};
