//! What the Amplify integration tests share: zips, deploys, waiting for jobs, raw HTTP to sites.

use std::collections::HashMap;
use std::io::Write as _;
use std::time::Duration;

use aws_sdk_amplify::types::JobStatus;

use crate::harness::TestServer;

/// A zip holding `files` (name → content), deflated.
pub fn zip(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, content) in files {
        writer
            .start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        writer.write_all(content).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

/// A zip of text files.
pub fn text_zip(files: &[(&str, &str)]) -> Vec<u8> {
    let files: Vec<(&str, &[u8])> = files.iter().map(|(n, c)| (*n, c.as_bytes())).collect();
    zip(&files)
}

/// Polls GetJob until the job finishes (the runner deploys in the background); a generous
/// deadline, never a timing assertion.
pub async fn finished(client: &aws_sdk_amplify::Client, app_id: &str, branch: &str, job_id: &str) -> JobStatus {
    for _ in 0..2400 {
        let status = job_status(client, app_id, branch, job_id).await;
        if matches!(status, JobStatus::Succeed | JobStatus::Failed | JobStatus::Cancelled) {
            return status;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("job {job_id} did not finish");
}

pub async fn job_status(client: &aws_sdk_amplify::Client, app_id: &str, branch: &str, job_id: &str) -> JobStatus {
    client
        .get_job()
        .app_id(app_id)
        .branch_name(branch)
        .job_id(job_id)
        .send()
        .await
        .unwrap()
        .job()
        .unwrap()
        .summary()
        .unwrap()
        .status()
        .clone()
}

/// The DEPLOY step's statusReason of a job.
pub async fn failure_reason(client: &aws_sdk_amplify::Client, app_id: &str, branch: &str, job_id: &str) -> String {
    let job = client
        .get_job()
        .app_id(app_id)
        .branch_name(branch)
        .job_id(job_id)
        .send()
        .await
        .unwrap();
    job.job().unwrap().steps()[0]
        .status_reason()
        .unwrap_or_default()
        .to_owned()
}

/// A response, read whole.
pub struct Reply {
    pub status: u16,
    pub headers: HashMap<String, String>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).map_or("", String::as_str)
    }

    pub async fn read(response: reqwest::Response) -> Reply {
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_owned()))
            .collect();
        Reply {
            status,
            headers,
            body: response.bytes().await.unwrap().to_vec(),
        }
    }
}

/// A client that neither follows redirects nor decompresses.
pub fn raw_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// `method path` on ramp with `Host: host` and extra headers.
pub async fn request(server: &TestServer, method: &str, host: &str, path: &str, headers: &[(&str, &str)]) -> Reply {
    let mut builder = raw_client()
        .request(method.parse().unwrap(), server.url(path))
        .header("host", host);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    Reply::read(builder.send().await.unwrap()).await
}

pub async fn get(server: &TestServer, host: &str, path: &str) -> Reply {
    request(server, "GET", host, path, &[]).await
}

/// A new app with one branch; returns the app ID.
pub async fn app_with_branch(client: &aws_sdk_amplify::Client, branch: &str) -> String {
    let app_id = client
        .create_app()
        .name("site")
        .send()
        .await
        .unwrap()
        .app()
        .unwrap()
        .app_id()
        .to_owned();
    client
        .create_branch()
        .app_id(&app_id)
        .branch_name(branch)
        .send()
        .await
        .unwrap();
    app_id
}

/// CreateDeployment; returns (job ID, zipUploadUrl).
pub async fn create_deployment(client: &aws_sdk_amplify::Client, app_id: &str, branch: &str) -> (String, String) {
    let created = client
        .create_deployment()
        .app_id(app_id)
        .branch_name(branch)
        .send()
        .await
        .unwrap();
    (
        created.job_id().unwrap().to_owned(),
        created.zip_upload_url().to_owned(),
    )
}

/// PUT of `bytes` to an upload URL.
pub async fn put(url: &str, bytes: Vec<u8>) -> Reply {
    Reply::read(raw_client().put(url).body(bytes).send().await.unwrap()).await
}

/// CreateDeployment + PUT of the zip + StartDeployment; returns the job ID.
pub async fn start_zip(server: &TestServer, app_id: &str, branch: &str, zip: Vec<u8>) -> String {
    let client = server.amplify();
    let (job_id, url) = create_deployment(&client, app_id, branch).await;
    let put = put(&url, zip).await;
    assert_eq!(put.status, 200, "{}", put.text());
    let started = client
        .start_deployment()
        .app_id(app_id)
        .branch_name(branch)
        .job_id(&job_id)
        .send()
        .await
        .unwrap();
    // StartDeployment answers the job as queued, as AWS does (spec amplify.md §6.4).
    assert_eq!(started.job_summary().unwrap().status(), &JobStatus::Pending);
    job_id
}

/// Deploys the zip and waits for it to succeed; returns the job ID.
pub async fn deploy(server: &TestServer, app_id: &str, branch: &str, zip: Vec<u8>) -> String {
    let job_id = start_zip(server, app_id, branch, zip).await;
    let status = finished(&server.amplify(), app_id, branch, &job_id).await;
    assert_eq!(status, JobStatus::Succeed, "job {job_id}");
    job_id
}

/// The code of an Amplify SDK error.
pub fn code<E: aws_sdk_amplify::error::ProvideErrorMetadata + std::fmt::Debug, R: std::fmt::Debug>(
    error: &aws_sdk_amplify::error::SdkError<E, R>,
) -> String {
    error
        .as_service_error()
        .and_then(|e| e.code())
        .map(str::to_owned)
        .unwrap_or_else(|| format!("<not a service error: {error:?}>"))
}

/// The message of an Amplify SDK error.
pub fn message<E: aws_sdk_amplify::error::ProvideErrorMetadata, R>(
    error: &aws_sdk_amplify::error::SdkError<E, R>,
) -> String {
    error
        .as_service_error()
        .and_then(|e| e.message())
        .map(str::to_owned)
        .unwrap_or_default()
}

/// A GET written byte for byte on a socket: HTTP clients normalize `..` and `%2e%2e` before
/// sending, which is exactly what traversal tests must not do. Returns (status, body).
pub async fn raw_get(server: &TestServer, host: &str, path: &str) -> (u16, String) {
    raw(
        server,
        format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
    )
    .await
}

/// Sends `request` as is on a new connection; returns (status, body).
pub async fn raw(server: &TestServer, request: String) -> (u16, String) {
    use std::io::{Read as _, Write as _};
    let address = server.base_url.trim_start_matches("http://").to_owned();
    tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(address).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        let answer = String::from_utf8_lossy(&answer).into_owned();
        let status = answer
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("not an HTTP answer: {answer:?}"));
        let body = answer
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_owned())
            .unwrap_or_default();
        (status, body)
    })
    .await
    .unwrap()
}
