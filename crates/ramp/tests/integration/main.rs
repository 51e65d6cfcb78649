//! Integration tests: the real `ramp` binary driven by the official AWS SDK for Rust and by
//! raw HTTP for what the SDK would never send.

#![allow(clippy::unwrap_used)]

mod harness;

mod amplify_common;
mod amplify_durability;
mod amplify_gc;
mod amplify_hosting;
mod amplify_jobs;
mod amplify_resources;
mod amplify_serving;
mod amplify_skew;
mod amplify_sources;
mod applications;
mod auth;
mod cli_amplify;
mod cli_deploy;
mod cli_quickstart;
mod configuration_profiles;
mod dashboard;
mod dataplane;
mod deployment_strategies;
mod deployments;
mod durability;
mod environments;
mod extension_actions;
mod extension_targets;
mod extensions;
mod hosted_versions;
mod metrics;
mod model_conformance;
mod nodes;
mod operating;
mod protocol;
mod receiver;
mod settings;
mod tags;
