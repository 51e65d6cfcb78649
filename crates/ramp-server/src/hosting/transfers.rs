//! The endpoints behind the links Amplify answers carry (`/_ramp/amplify/…`), and the sites by
//! path (`/_ramp/sites/{appId}/{branch}/…`). Links check their own signature and expiry
//! (`ramp_domain::amplify::links`), so these routes need no SigV4 (DESIGN.md "auth").
//!
//! Upload links behave like S3 presigned PUTs, which is what clients of `zipUploadUrl` expect
//! (`curl -T file URL`, spec §6.3): `PUT` of the raw bytes with a `Content-Length`, answered
//! with S3-style XML errors.

use std::io::Read as _;
use std::path::Path;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{Path as UrlPath, Request, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post, put};
use futures::StreamExt as _;
use http::{HeaderMap, StatusCode};
use md5::Digest as _;
use ramp_blobs::Digest;
use ramp_domain::amplify::links::{Link, LinkError};
use ramp_domain::amplify::{JobKey, JobSource, StoredBlob, UploadedFile};
use ramp_domain::arn::Scope;
use tokio::io::AsyncWriteExt as _;

use super::{Hosting, access_log, runner};
use crate::AppState;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/amplify/uploads/{token}", put(upload).fallback(any(wrong_method)))
        .route("/amplify/downloads/{token}", get(download).fallback(any(wrong_method)))
        .route("/amplify/webhooks/{token}", post(webhook).fallback(any(wrong_method)))
        .route("/sites/{app_id}/{branch}", any(site_root_redirect))
        .route("/sites/{app_id}/{branch}/", any(site))
        .route("/sites/{app_id}/{branch}/{*path}", any(site))
}

/// An S3-style error, as a presigned-URL client expects.
#[derive(Debug)]
struct S3Error {
    status: StatusCode,
    code: &'static str,
    message: String,
}

fn s3_error(status: StatusCode, code: &'static str, message: &str) -> S3Error {
    S3Error {
        status,
        code,
        message: message.to_owned(),
    }
}

impl IntoResponse for S3Error {
    fn into_response(self) -> Response {
        let body = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{}</Code><Message>{}</Message></Error>\n",
            self.code,
            self.message
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
        );
        (self.status, [(http::header::CONTENT_TYPE, "application/xml")], body).into_response()
    }
}

fn hosting(state: &AppState) -> Result<&Arc<Hosting>, S3Error> {
    state.hosting.as_ref().ok_or_else(|| {
        s3_error(
            StatusCode::NOT_FOUND,
            "NotFound",
            "This server does not host Amplify sites.",
        )
    })
}

fn open_link(hosting: &Hosting, token: &str) -> Result<Link, S3Error> {
    hosting
        .amplify
        .links()
        .open(token, hosting.amplify.now())
        .map_err(|e| match e {
            LinkError::Expired => s3_error(StatusCode::FORBIDDEN, "AccessDenied", "Request has expired"),
            LinkError::Invalid => s3_error(StatusCode::FORBIDDEN, "SignatureDoesNotMatch", &e.to_string()),
        })
}

async fn wrong_method(request: Request) -> S3Error {
    s3_error(
        StatusCode::METHOD_NOT_ALLOWED,
        "MethodNotAllowed",
        &format!(
            "The specified method {} is not allowed against this resource (uploads take PUT of the raw bytes, downloads GET).",
            request.method()
        ),
    )
}

// ---- uploads ----

async fn upload(State(state): State<Arc<AppState>>, UrlPath(token): UrlPath<String>, request: Request) -> Response {
    match receive_upload(&state, &token, request).await {
        Ok(response) => response,
        Err(error) => error.into_response(),
    }
}

async fn receive_upload(state: &AppState, token: &str, request: Request) -> Result<Response, S3Error> {
    let hosting = hosting(state)?;
    let Link::Upload { job, file } = open_link(hosting, token)? else {
        return Err(s3_error(
            StatusCode::FORBIDDEN,
            "AccessDenied",
            "This link does not grant an upload.",
        ));
    };
    let key = JobKey::from(job);
    let expected_md5 = expected_md5(hosting, &key, file.as_deref()).await?;
    let limit = if file.is_some() {
        hosting.config.ingest.max_file_bytes
    } else {
        hosting.config.ingest.max_archive_bytes
    };
    let length = content_length(request.headers(), limit)?;
    let scratch = tempfile::NamedTempFile::new_in(&hosting.config.scratch_dir)
        .map_err(|e| internal(&format!("ramp could not make a scratch file: {e}")))?;
    let received = receive_body(request.into_body(), scratch.path(), length).await?;
    if let Some(expected) = expected_md5
        && !expected.eq_ignore_ascii_case(&received.md5)
    {
        return Err(s3_error(
            StatusCode::BAD_REQUEST,
            "BadDigest",
            &format!(
                "The MD5 of the uploaded file ({}) is not the one its fileMap entry gives ({expected}).",
                received.md5
            ),
        ));
    }
    hosting
        .blobs
        .put_file(scratch.path(), received.digest)
        .await
        .map_err(|e| internal(&format!("ramp could not store the upload: {e}")))?;
    let record = UploadedFile {
        path: file.unwrap_or_else(|| runner::ZIP_UPLOAD_PATH.to_owned()),
        blob: StoredBlob {
            sha256: received.digest.to_hex(),
            size: length,
        },
    };
    hosting
        .amplify
        .record_upload(&key, &record)
        .await
        .map_err(|e| s3_error(StatusCode::CONFLICT, "InvalidRequest", &e.to_string()))?;
    Ok((StatusCode::OK, [(http::header::ETAG, format!("\"{}\"", received.md5))]).into_response())
}

/// The MD5 the job's fileMap gives for `file` (none for a zip upload).
async fn expected_md5(hosting: &Hosting, key: &JobKey, file: Option<&str>) -> Result<Option<String>, S3Error> {
    let Some(file) = file else {
        return Ok(None);
    };
    let job = hosting
        .store
        .job(key)
        .await
        .map_err(|e| internal(&e.to_string()))?
        .ok_or_else(|| {
            s3_error(
                StatusCode::NOT_FOUND,
                "NoSuchUpload",
                "The job of this upload no longer exists.",
            )
        })?;
    match job.source {
        JobSource::Files { file_map } => Ok(file_map.get(file).cloned()),
        _ => Ok(None),
    }
}

/// `Content-Length` is required (spec §11.2) and capped; a chunked upload cannot be sized.
fn content_length(headers: &HeaderMap, limit: u64) -> Result<u64, S3Error> {
    let length = headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .ok_or_else(|| {
            s3_error(
                StatusCode::LENGTH_REQUIRED,
                "MissingContentLength",
                "You must provide the Content-Length HTTP header.",
            )
        })?;
    if length > limit {
        return Err(s3_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "EntityTooLarge",
            &format!("Your proposed upload of {length} bytes exceeds the maximum allowed size of {limit} bytes."),
        ));
    }
    Ok(length)
}

struct Received {
    digest: Digest,
    md5: String,
}

/// Streams the body to `path`, hashing it, never holding it whole in memory.
async fn receive_body(body: Body, path: &Path, length: u64) -> Result<Received, S3Error> {
    let mut file = tokio::fs::File::create(path)
        .await
        .map_err(|e| internal(&format!("ramp could not write the upload: {e}")))?;
    let mut sha = sha2::Sha256::new();
    let mut md5 = md5::Md5::new();
    let mut received = 0u64;
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| {
            s3_error(
                StatusCode::BAD_REQUEST,
                "IncompleteBody",
                &format!("The upload was interrupted: {e}"),
            )
        })?;
        received += chunk.len() as u64;
        if received > length {
            return Err(s3_error(
                StatusCode::BAD_REQUEST,
                "IncompleteBody",
                "The body is longer than its Content-Length.",
            ));
        }
        sha.update(&chunk);
        md5.update(&chunk);
        file.write_all(&chunk)
            .await
            .map_err(|e| internal(&format!("ramp could not write the upload: {e}")))?;
    }
    if received != length {
        return Err(s3_error(
            StatusCode::BAD_REQUEST,
            "IncompleteBody",
            "You did not provide the number of bytes specified by the Content-Length HTTP header.",
        ));
    }
    file.flush()
        .await
        .map_err(|e| internal(&format!("ramp could not write the upload: {e}")))?;
    Ok(Received {
        digest: Digest::from_bytes(sha.finalize().into()),
        md5: hex::encode(md5.finalize()),
    })
}

/// SHA-256 and size of a file, read in blocks (run on a blocking thread).
pub fn hash_file(path: &Path) -> std::io::Result<(Digest, u64)> {
    let mut file = std::fs::File::open(path)?;
    let mut sha = sha2::Sha256::new();
    let mut buffer = vec![0; 1 << 20];
    let mut size = 0u64;
    loop {
        let read = file.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        size += read as u64;
        sha.update(&buffer[..read]);
    }
    Ok((Digest::from_bytes(sha.finalize().into()), size))
}

fn internal(message: &str) -> S3Error {
    tracing::error!(%message, "Amplify transfer failed");
    s3_error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "InternalError",
        "We encountered an internal error. Please try again.",
    )
}

// ---- downloads ----

async fn download(State(state): State<Arc<AppState>>, UrlPath(token): UrlPath<String>) -> Response {
    match send_download(&state, &token).await {
        Ok(response) => response,
        Err(error) => error.into_response(),
    }
}

async fn send_download(state: &AppState, token: &str) -> Result<Response, S3Error> {
    let hosting = hosting(state)?;
    match open_link(hosting, token)? {
        Link::Artifact { job } => {
            let job = find_job(hosting, &JobKey::from(job)).await?;
            let archive = job
                .archive
                .ok_or_else(|| s3_error(StatusCode::NOT_FOUND, "NoSuchKey", "The job has no archive."))?;
            let digest = Digest::parse(&archive.sha256).map_err(|e| internal(&e.to_string()))?;
            let content = hosting
                .blobs
                .get(digest)
                .await
                .map_err(|e| internal(&e.to_string()))?
                .ok_or_else(|| s3_error(StatusCode::NOT_FOUND, "NoSuchKey", "The archive is no longer stored."))?;
            Ok(([(http::header::CONTENT_TYPE, "application/zip")], content).into_response())
        }
        Link::JobLog { job } => {
            let job = find_job(hosting, &JobKey::from(job)).await?;
            let mut log = job.log.join("\n");
            log.push('\n');
            Ok(([(http::header::CONTENT_TYPE, "text/plain; charset=utf-8")], log).into_response())
        }
        Link::AccessLog {
            region,
            app_id,
            from,
            to,
        } => {
            let entries = hosting
                .store
                .access_log(
                    &region,
                    &app_id,
                    ramp_clock::Timestamp::from_millis(from),
                    ramp_clock::Timestamp::from_millis(to),
                    1_000_000,
                )
                .await
                .map_err(|e| internal(&e.to_string()))?;
            Ok((
                [(http::header::CONTENT_TYPE, "text/csv; charset=utf-8")],
                access_log::csv(&entries),
            )
                .into_response())
        }
        Link::Upload { .. } | Link::Webhook { .. } => Err(s3_error(
            StatusCode::FORBIDDEN,
            "AccessDenied",
            "This link does not grant a download.",
        )),
    }
}

async fn find_job(hosting: &Hosting, key: &JobKey) -> Result<ramp_domain::amplify::Job, S3Error> {
    hosting
        .store
        .job(key)
        .await
        .map_err(|e| internal(&e.to_string()))?
        .ok_or_else(|| s3_error(StatusCode::NOT_FOUND, "NoSuchKey", "The job no longer exists."))
}

// ---- webhooks ----

async fn webhook(State(state): State<Arc<AppState>>, UrlPath(token): UrlPath<String>) -> Response {
    let hosting = match hosting(&state) {
        Ok(hosting) => hosting,
        Err(error) => return error.into_response(),
    };
    let Link::Webhook { region, webhook_id } = (match open_link(hosting, &token) {
        Ok(link) => link,
        Err(error) => return error.into_response(),
    }) else {
        return s3_error(StatusCode::FORBIDDEN, "AccessDenied", "This link is not a webhook.").into_response();
    };
    let scope = Scope::new(region, state.account_id.clone());
    match hosting.amplify.trigger_webhook(&scope, &webhook_id).await {
        Ok(job) => {
            hosting.runner.enqueue(job.key());
            axum::Json(serde_json::json!({ "jobId": job.number.to_string(), "status": job.status.as_str() }))
                .into_response()
        }
        Err(e) => s3_error(StatusCode::BAD_REQUEST, "BadRequest", &e.to_string()).into_response(),
    }
}

// ---- sites by path ----

/// `/_ramp/sites/{appId}/{branch}` → `/_ramp/sites/{appId}/{branch}/`, so relative links resolve.
async fn site_root_redirect(UrlPath((app_id, branch)): UrlPath<(String, String)>) -> Response {
    let branch = percent_encoding::utf8_percent_encode(&branch, percent_encoding::NON_ALPHANUMERIC);
    (
        StatusCode::MOVED_PERMANENTLY,
        [(http::header::LOCATION, format!("/_ramp/sites/{app_id}/{branch}/"))],
    )
        .into_response()
}

async fn site(State(state): State<Arc<AppState>>, request: Request) -> Response {
    let Some(hosting) = state.hosting.as_ref() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    // Matched on the raw path so an encoded `/` in the branch name stays inside its segment.
    let original = request
        .extensions()
        .get::<axum::extract::OriginalUri>()
        .map_or_else(|| request.uri().clone(), |o| o.0.clone());
    let raw = original.path();
    let Some(rest) = raw.strip_prefix("/_ramp/sites/") else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mut parts = rest.splitn(3, '/');
    let (Some(app_id), Some(branch)) = (parts.next(), parts.next()) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Ok(branch) = percent_encoding::percent_decode_str(branch).decode_utf8() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let path = format!("/{}", parts.next().unwrap_or(""));
    let path_and_query = match original.query() {
        Some(query) => format!("{path}?{query}"),
        None => path,
    };
    let (mut head, body) = request.into_parts();
    head.uri = match path_and_query.parse() {
        Ok(uri) => uri,
        Err(_) => return StatusCode::BAD_REQUEST.into_response(),
    };
    hosting
        .table
        .serve_path(app_id, &branch, Request::from_parts(head, body))
        .await
}
