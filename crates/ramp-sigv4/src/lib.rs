//! AWS Signature Version 4 (`AWS4-HMAC-SHA256`, header form) for non-S3 services.
//!
//! The server parses the `Authorization` header with [`parse_authorization`], looks up the
//! secret for its access key id, and calls [`verify`]. [`sign`] produces the same signature
//! from the client side, for tests, benchmarks and tools.
//!
//! Nothing here reads the clock or does I/O: the caller passes the time in.

mod authorization;
mod canonical;
mod error;
mod request_time;
mod signing;

#[cfg(test)]
mod tests;

pub use authorization::{Authorization, authorization_region, parse_authorization};
pub use error::Error;
pub use signing::{sign, verify};

/// Maximum allowed difference between the request's X-Amz-Date and now.
pub const MAX_CLOCK_SKEW_MILLIS: i64 = 15 * 60 * 1000;

/// What is signed, as the server received it.
#[derive(Debug, Clone, Copy)]
pub struct SignedRequest<'a> {
    pub method: &'a http::Method,
    /// The path exactly as it came over the wire, still percent-encoded
    /// (`/tags/arn%3Aaws%3A...`): the SDKs sign this encoded form, encoded once more.
    pub raw_path: &'a str,
    /// The query string decoded into (key, value) pairs, in arrival order; a key with no
    /// `=` has an empty value.
    pub query: &'a [(String, String)],
    pub headers: &'a http::HeaderMap,
    pub body: &'a [u8],
}
