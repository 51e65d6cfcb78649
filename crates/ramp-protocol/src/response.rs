//! A successful AWS response: JSON document, raw payload with header bindings, or no content.

use bytes::Bytes;
use http::{HeaderName, HeaderValue, StatusCode};
use serde::Serialize;

use crate::AwsError;

#[derive(Debug, Clone)]
pub struct AwsResponse {
    pub status: StatusCode,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub body: Bytes,
}

impl AwsResponse {
    /// A JSON document (`application/json`).
    pub fn json<T: Serialize>(status: StatusCode, value: &T) -> Result<Self, AwsError> {
        let body = serde_json::to_vec(value).map_err(|_| AwsError::internal())?;
        Ok(Self::payload(status, "application/json", Bytes::from(body)))
    }

    /// A raw payload whose media type is the member bound to `Content-Type`.
    pub fn payload(status: StatusCode, content_type: &str, body: Bytes) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body,
        }
        .header(http::header::CONTENT_TYPE, content_type)
    }

    /// An empty body (`204 No Content` for deletes and tag operations).
    pub fn no_content() -> Self {
        Self {
            status: StatusCode::NO_CONTENT,
            headers: Vec::new(),
            body: Bytes::new(),
        }
    }

    /// Adds a header binding. Members bound to headers are validated as ASCII on input, so a value
    /// that is not a valid header value is a bug upstream; it is left out rather than failing the call.
    pub fn header(mut self, name: HeaderName, value: impl AsRef<str>) -> Self {
        if let Ok(value) = HeaderValue::from_str(value.as_ref()) {
            self.headers.push((name, value));
        }
        self
    }

    /// Adds a header binding when the member is set.
    pub fn opt_header(self, name: HeaderName, value: Option<impl AsRef<str>>) -> Self {
        match value {
            Some(v) => self.header(name, v),
            None => self,
        }
    }
}
