//! Building responses. A file's response clones precomputed `HeaderValue`s (reference counts or
//! static bytes) and shares the cached body, so the hot path allocates little beyond the header
//! map itself.
//!
//! Decisions:
//! * `Cache-Control: public, max-age=0, must-revalidate` on every file by default, not only HTML:
//!   a deploy replaces files in place, so anything cached longer could outlive its deploy; the
//!   ETag makes revalidation a cheap 304. Long caching of hashed assets is the site's choice
//!   through custom headers, which replace the default (§8.5, §8.7).
//! * Ranges are served from the uncompressed file only; several ranges get the whole file (200).
//! * Error bodies are tiny fixed texts that name nothing of the deploy or of ramp.

use bytes::Bytes;
use http::header::{
    ACCEPT_ENCODING, ACCEPT_RANGES, ALLOW, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_RANGE,
    CONTENT_TYPE, ETAG, IF_NONE_MATCH, IF_RANGE, LOCATION, RANGE, SET_COOKIE, VARY, WWW_AUTHENTICATE,
    X_CONTENT_TYPE_OPTIONS,
};
use http::request::Parts;
use http::{HeaderMap, HeaderName, HeaderValue, Method, Response, StatusCode};

use super::content::Content;
use super::files::{PreparedFile, Representation};
use super::negotiate::{self, RangeRequest};

const REVALIDATE: HeaderValue = HeaderValue::from_static("public, max-age=0, must-revalidate");
const NOSNIFF: HeaderValue = HeaderValue::from_static("nosniff");
const BYTES: HeaderValue = HeaderValue::from_static("bytes");
const HTML: HeaderValue = HeaderValue::from_static("text/html; charset=utf-8");
const TEXT: HeaderValue = HeaderValue::from_static("text/plain; charset=utf-8");
const NO_STORE: HeaderValue = HeaderValue::from_static("no-store");
/// The realm AWS uses is unconfirmed (§8.6).
const CHALLENGE: HeaderValue = HeaderValue::from_static("Basic realm=\"Restricted\", charset=\"UTF-8\"");
const ALLOWED: HeaderValue = HeaderValue::from_static("GET, HEAD, OPTIONS");

const NOT_FOUND_BODY: &[u8] = b"<!doctype html>\n<title>404 Not Found</title>\n<h1>404 Not Found</h1>\n";

/// The response for `file`, with `status` 200, or the status of the 404 rule that chose it.
pub async fn file(
    request: &Parts,
    status: StatusCode,
    file: &PreparedFile,
    cookie: Option<&HeaderValue>,
    content: &Content,
) -> Response<Bytes> {
    let headers = &request.headers;
    // Conditional and range requests apply to the successful answer only (RFC 9110 §13.2.1).
    let range = (status == StatusCode::OK)
        .then(|| requested_range(headers, file))
        .flatten();
    let representation = match range {
        Some(_) => &file.identity,
        None => choose(headers, file),
    };
    let mut response = Response::new(Bytes::new());
    *response.status_mut() = status;
    let out = response.headers_mut();
    out.reserve(10 + file.custom.len());
    out.insert(CONTENT_TYPE, file.content_type.clone());
    out.insert(X_CONTENT_TYPE_OPTIONS, NOSNIFF);
    out.insert(CACHE_CONTROL, REVALIDATE);
    out.insert(ETAG, representation.etag.clone());
    if file.br.is_some() || file.gzip.is_some() {
        out.insert(VARY, HeaderValue::from_static("Accept-Encoding"));
    }
    if status == StatusCode::OK {
        out.insert(ACCEPT_RANGES, BYTES);
    }
    if let Some(cookie) = cookie {
        out.insert(SET_COOKIE, cookie.clone());
    }
    for (name, value) in file.custom.iter() {
        out.insert(name.clone(), value.clone());
    }
    let unchanged = status == StatusCode::OK
        && headers
            .get(IF_NONE_MATCH)
            .is_some_and(|v| negotiate::none_match(v.as_bytes(), representation.etag.as_bytes()));
    if unchanged {
        *response.status_mut() = StatusCode::NOT_MODIFIED;
        response.headers_mut().remove(CONTENT_TYPE);
        return response;
    }
    let (start, end) = match range {
        Some(RangeRequest::Satisfiable { start, end }) => (start, end),
        Some(_) => return unsatisfiable(response, file.identity.size),
        None => {
            if let Some(encoding) = &representation.encoding {
                response.headers_mut().insert(CONTENT_ENCODING, encoding.clone());
            }
            return with_body(request, response, representation, None, content, file).await;
        }
    };
    *response.status_mut() = StatusCode::PARTIAL_CONTENT;
    let total = file.identity.size;
    let content_range = HeaderValue::from_str(&format!("bytes {start}-{end}/{total}"));
    if let Ok(content_range) = content_range {
        response.headers_mut().insert(CONTENT_RANGE, content_range);
    }
    with_body(request, response, representation, Some((start, end)), content, file).await
}

/// The satisfiable-or-not range a GET or HEAD asks for, if it is to be honoured: a single range,
/// and, with `If-Range`, only when the entity tag is still the file's (strong comparison).
fn requested_range(headers: &HeaderMap, file: &PreparedFile) -> Option<RangeRequest> {
    let range = headers.get(RANGE)?;
    if let Some(if_range) = headers.get(IF_RANGE)
        && if_range.as_bytes() != file.identity.etag.as_bytes()
    {
        return None;
    }
    match negotiate::range(range.as_bytes(), file.identity.size) {
        RangeRequest::Whole => None,
        asked => Some(asked),
    }
}

/// The representation to send: brotli, else gzip, else the file itself (§8.7).
fn choose<'f>(headers: &HeaderMap, file: &'f PreparedFile) -> &'f Representation {
    if file.br.is_none() && file.gzip.is_none() {
        return &file.identity;
    }
    let accepted = negotiate::accepted_encodings(headers.get(ACCEPT_ENCODING).map(HeaderValue::as_bytes));
    let br = file.br.as_ref().filter(|_| accepted.br);
    let gzip = file.gzip.as_ref().filter(|_| accepted.gzip);
    br.or(gzip).unwrap_or(&file.identity)
}

/// Adds the length and, for GET, the body (bytes `start..=end` of a range).
async fn with_body(
    request: &Parts,
    mut response: Response<Bytes>,
    representation: &Representation,
    range: Option<(u64, u64)>,
    content: &Content,
    file: &PreparedFile,
) -> Response<Bytes> {
    let length = match range {
        Some((start, end)) => HeaderValue::from(end - start + 1),
        None => representation.length.clone(),
    };
    response.headers_mut().insert(CONTENT_LENGTH, length);
    if request.method == Method::HEAD {
        return response;
    }
    let body = match content.get(representation.blob).await {
        Ok(body) => body,
        Err(error) => {
            tracing::error!(path = %file.path, %error, "a deployed file cannot be read");
            return internal_error();
        }
    };
    let body = match range {
        Some((start, end)) => {
            let slice = usize::try_from(start)
                .ok()
                .zip(usize::try_from(end).ok())
                .and_then(|(start, end)| body.get(start..=end).map(|_| body.slice(start..=end)));
            match slice {
                Some(slice) => slice,
                None => {
                    tracing::error!(path = %file.path, "a deployed file is shorter than its manifest says");
                    return internal_error();
                }
            }
        }
        None => body,
    };
    if body.len() as u64 != representation.size && range.is_none() {
        // The manifest's size is what Content-Length said; trust the bytes instead.
        response
            .headers_mut()
            .insert(CONTENT_LENGTH, HeaderValue::from(body.len()));
    }
    *response.body_mut() = body;
    response
}

fn unsatisfiable(mut response: Response<Bytes>, size: u64) -> Response<Bytes> {
    *response.status_mut() = StatusCode::RANGE_NOT_SATISFIABLE;
    let headers = response.headers_mut();
    headers.remove(CONTENT_TYPE);
    headers.remove(ETAG);
    if let Ok(value) = HeaderValue::from_str(&format!("bytes */{size}")) {
        headers.insert(CONTENT_RANGE, value);
    }
    headers.insert(CONTENT_LENGTH, HeaderValue::from_static("0"));
    response
}

pub fn redirect(status: StatusCode, location: HeaderValue, custom: &[(HeaderName, HeaderValue)]) -> Response<Bytes> {
    let mut response = small(status, None, Bytes::new(), custom);
    response.headers_mut().insert(LOCATION, location);
    response
}

pub fn not_found(custom: &[(HeaderName, HeaderValue)]) -> Response<Bytes> {
    let mut response = small(
        StatusCode::NOT_FOUND,
        Some(HTML),
        Bytes::from_static(NOT_FOUND_BODY),
        custom,
    );
    response.headers_mut().insert(CACHE_CONTROL, REVALIDATE);
    response
}

pub fn options(custom: &[(HeaderName, HeaderValue)]) -> Response<Bytes> {
    let mut response = small(StatusCode::NO_CONTENT, None, Bytes::new(), custom);
    response.headers_mut().insert(ALLOW, ALLOWED);
    response
}

pub fn unauthorized() -> Response<Bytes> {
    let mut response = small(
        StatusCode::UNAUTHORIZED,
        Some(TEXT),
        Bytes::from_static(b"401 Unauthorized\n"),
        &[],
    );
    response.headers_mut().insert(WWW_AUTHENTICATE, CHALLENGE);
    response.headers_mut().insert(CACHE_CONTROL, NO_STORE);
    response
}

pub fn method_not_allowed() -> Response<Bytes> {
    let mut response = small(
        StatusCode::METHOD_NOT_ALLOWED,
        Some(TEXT),
        Bytes::from_static(b"405 Method Not Allowed\n"),
        &[],
    );
    response.headers_mut().insert(ALLOW, ALLOWED);
    response
}

pub fn bad_request() -> Response<Bytes> {
    small(
        StatusCode::BAD_REQUEST,
        Some(TEXT),
        Bytes::from_static(b"400 Bad Request\n"),
        &[],
    )
}

pub fn internal_error() -> Response<Bytes> {
    let body = Bytes::from_static(b"500 Internal Server Error\n");
    small(StatusCode::INTERNAL_SERVER_ERROR, Some(TEXT), body, &[])
}

/// A response without a file: its status, an optional type and body, and the custom headers
/// matching the request path.
fn small(
    status: StatusCode,
    content_type: Option<HeaderValue>,
    body: Bytes,
    custom: &[(HeaderName, HeaderValue)],
) -> Response<Bytes> {
    let length = HeaderValue::from(body.len());
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let headers = response.headers_mut();
    if let Some(content_type) = content_type {
        headers.insert(CONTENT_TYPE, content_type);
    }
    headers.insert(X_CONTENT_TYPE_OPTIONS, NOSNIFF);
    // A 204 has no body and must not say it has (RFC 9110 §8.6).
    if status != StatusCode::NO_CONTENT {
        headers.insert(CONTENT_LENGTH, length);
    }
    for (name, value) in custom {
        headers.insert(name.clone(), value.clone());
    }
    response
}
