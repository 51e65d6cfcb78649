//! Tests of the `source` module against servers started by the tests: a scripted HTTP server on
//! loopback (`server`) and moto's S3 server (`moto`).

#![allow(clippy::unwrap_used, reason = "test helpers panic on broken fixtures by design")]

mod bucket;
mod fetch;
mod moto;
mod refusals;
mod server;
