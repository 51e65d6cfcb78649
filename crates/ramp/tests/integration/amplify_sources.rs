//! StartDeployment from a `sourceUrl`: an http zip (refused on a private address unless
//! `--allow-private-source-urls`), an `s3://bucket/key.zip` and a `BUCKET_PREFIX`, both read
//! from moto's S3 server through `--s3-endpoint`.

use std::io::{Read as _, Write as _};
use std::net::TcpListener;

use aws_sdk_amplify::types::{JobStatus, SourceUrlType};

use crate::amplify_common::{app_with_branch, failure_reason, finished, get, text_zip};
use crate::harness::TestServer;
use ramp_moto::Moto;

/// Serves `body` to every request on a loopback port until the test ends; returns its URL.
fn serve_once_per_request(body: Vec<u8>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut buffer = [0u8; 4096];
            let _ = stream.read(&mut buffer);
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/zip\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
        }
    });
    format!("http://127.0.0.1:{port}/site.zip")
}

async fn start_from_url(client: &aws_sdk_amplify::Client, app_id: &str, url: &str, kind: SourceUrlType) -> String {
    let started = client
        .start_deployment()
        .app_id(app_id)
        .branch_name("main")
        .source_url(url)
        .source_url_type(kind)
        .send()
        .await
        .unwrap();
    let summary = started.job_summary().unwrap();
    assert_eq!(summary.status(), &JobStatus::Pending);
    summary.job_id().to_owned()
}

#[tokio::test]
async fn a_zip_on_a_private_address_is_refused_by_default() {
    let server = TestServer::start();
    let client = server.amplify();
    let app_id = app_with_branch(&client, "main").await;
    let url = serve_once_per_request(text_zip(&[("index.html", "from url")]));
    let job_id = start_from_url(&client, &app_id, &url, SourceUrlType::Zip).await;
    assert_eq!(finished(&client, &app_id, "main", &job_id).await, JobStatus::Failed);
    let reason = failure_reason(&client, &app_id, "main", &job_id).await;
    assert!(reason.contains("127.0.0.1"), "{reason}");
}

#[tokio::test]
async fn a_zip_url_is_deployed_when_private_sources_are_allowed() {
    let server = TestServer::with_args(&["--allow-private-source-urls"]);
    let client = server.amplify();
    let app_id = app_with_branch(&client, "main").await;
    let url = serve_once_per_request(text_zip(&[("index.html", "from url")]));
    let job_id = start_from_url(&client, &app_id, &url, SourceUrlType::Zip).await;
    assert_eq!(finished(&client, &app_id, "main", &job_id).await, JobStatus::Succeed);
    let job = client
        .get_job()
        .app_id(&app_id)
        .branch_name("main")
        .job_id(&job_id)
        .send()
        .await
        .unwrap();
    let summary = job.job().unwrap().summary().unwrap();
    assert_eq!(summary.source_url(), Some(url.as_str()));
    assert_eq!(summary.source_url_type(), Some(&SourceUrlType::Zip));
    assert_eq!(
        get(&server, &format!("main.{app_id}.localhost"), "/").await.text(),
        "from url"
    );
}

/// What the Amplify tests do with moto beyond starting it (`ramp_moto`).
pub(crate) trait MotoAmplify {
    async fn put(&self, path: &str, body: Vec<u8>);
    fn ramp_flags(&self) -> Vec<String>;
}

impl MotoAmplify for Moto {
    /// One raw PUT (moto checks no signature but wants an `Authorization` header).
    async fn put(&self, path: &str, body: Vec<u8>) {
        let response = reqwest::Client::new()
            .put(format!("{}{path}", self.endpoint()))
            .header(
                "authorization",
                "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0000",
            )
            .body(body)
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success(), "PUT {path}: {}", response.status());
    }

    fn ramp_flags(&self) -> Vec<String> {
        [
            "--s3-endpoint",
            self.endpoint(),
            "--s3-access-key-id",
            "testing",
            "--s3-secret-access-key",
            "testing",
            "--s3-region",
            "us-east-1",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }
}

#[tokio::test]
async fn an_s3_zip_and_an_s3_prefix_are_deployed_through_the_configured_endpoint() {
    let Some(moto) = Moto::start("the s3:// source tests") else {
        return;
    };
    moto.put("/releases", Vec::new()).await;
    moto.put("/releases/v1.zip", text_zip(&[("index.html", "zip from s3")]))
        .await;
    moto.put("/releases/site/index.html", b"prefix from s3".to_vec()).await;
    moto.put("/releases/site/css/main.css", b"body{}".to_vec()).await;
    let flags = moto.ramp_flags();
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let server = TestServer::with_args(&flags);
    let client = server.amplify();
    let app_id = app_with_branch(&client, "main").await;
    let host = format!("main.{app_id}.localhost");

    let zip_job = start_from_url(&client, &app_id, "s3://releases/v1.zip", SourceUrlType::Zip).await;
    let status = finished(&client, &app_id, "main", &zip_job).await;
    assert_eq!(
        status,
        JobStatus::Succeed,
        "{}",
        failure_reason(&client, &app_id, "main", &zip_job).await
    );
    assert_eq!(get(&server, &host, "/").await.text(), "zip from s3");

    let prefix_job = start_from_url(&client, &app_id, "s3://releases/site/", SourceUrlType::BucketPrefix).await;
    let status = finished(&client, &app_id, "main", &prefix_job).await;
    assert_eq!(
        status,
        JobStatus::Succeed,
        "{}",
        failure_reason(&client, &app_id, "main", &prefix_job).await
    );
    assert_eq!(get(&server, &host, "/").await.text(), "prefix from s3");
    assert_eq!(get(&server, &host, "/css/main.css").await.text(), "body{}");

    let missing = start_from_url(&client, &app_id, "s3://releases/nothing.zip", SourceUrlType::Zip).await;
    assert_eq!(finished(&client, &app_id, "main", &missing).await, JobStatus::Failed);
    let reason = failure_reason(&client, &app_id, "main", &missing).await;
    assert!(reason.contains("nothing.zip"), "{reason}");
    assert_eq!(
        get(&server, &host, "/").await.text(),
        "prefix from s3",
        "the live site stays"
    );
}
