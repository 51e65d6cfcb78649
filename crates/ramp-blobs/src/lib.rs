//! ramp's content-addressed blob store, which holds the files of Amplify Hosting deploys.
//!
//! Content is stored under its SHA-256 ([`Digest`]), so every ramp node behind a load balancer
//! that opens the same [`BlobLocation`] sees the same files, a file shared by many deploys is
//! stored once, and what is read back is checked against its name.
//!
//! Two backends, both through `object_store`:
//! * a directory ([`BlobLocation::Directory`], ramp's default `{data_dir}/blobs`), written with
//!   fsync so a stored blob survives a crash;
//! * a bucket of an S3-compatible service ([`BlobLocation::S3`] with [`S3Options`]): AWS S3,
//!   MinIO, Ceph, moto and the like.
//!
//! This crate reads no flags; `AWS_*` environment variables are read (by object_store) only
//! when [`S3Options`] carries no credentials.

mod backend;
mod blobs;
mod digest;
mod error;
mod location;

pub use backend::bucket_client;
pub use blobs::{Blobs, ListedBlob};
pub use digest::{Digest, InvalidDigest};
pub use error::Error;
pub use location::{BlobLocation, InvalidLocation, S3Location, S3Options};

#[cfg(test)]
mod tests;
