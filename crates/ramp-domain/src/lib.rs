//! ramp's domain: the rules of AppConfig as ramp implements them, over a [`store::Store`] and a
//! [`ramp_clock::Clock`]. No HTTP, no SQL (ARCHITECTURE.md invariants).

pub mod arn;
pub mod dataplane;
pub mod deployment;
pub mod entities;
pub mod error;
pub mod extensions;
pub mod ids;
pub mod json_schema;
pub mod outbox;
pub mod page;
pub mod rollout;
pub mod signed;
pub mod store;
pub mod transition;

pub use error::{Error, Result};
pub mod amplify;
pub mod appconfig;
