//! Amplify Hosting as ramp implements it (spec/amplify.md): apps, branches, jobs (manual
//! deploys), domain associations, webhooks and backend environments, and the rules between them.
//! No HTTP and no SQL: the server maps the wire to these types, the store keeps them.

pub mod arn;
pub mod ids;
pub mod resources;

pub use resources::*;
