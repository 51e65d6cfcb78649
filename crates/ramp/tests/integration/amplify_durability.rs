//! Amplify Hosting across restarts: a site keeps serving, and a job in flight when ramp is
//! killed ends SUCCEED or FAILED after the restart, never left PENDING or RUNNING.

use aws_sdk_amplify::types::JobStatus;

use crate::amplify_common::{app_with_branch, deploy, finished, get, start_zip, text_zip, zip};
use crate::harness::TestServer;

/// Many compressible files, so that deploying takes a while (compression of each file).
fn big_zip() -> Vec<u8> {
    let files: Vec<(String, Vec<u8>)> = (0..2000)
        .map(|i| {
            let text: String = (0..400)
                .map(|j| format!("file {i} line {j} {}\n", i * j % 97))
                .collect();
            (format!("pages/{i}.html"), text.into_bytes())
        })
        .collect();
    let mut entries: Vec<(&str, &[u8])> = files.iter().map(|(n, c)| (n.as_str(), c.as_slice())).collect();
    entries.push(("index.html", b"big"));
    zip(&entries)
}

#[tokio::test]
async fn a_served_site_survives_a_restart() {
    let mut server = TestServer::start();
    let client = server.amplify();
    let app_id = app_with_branch(&client, "main").await;
    deploy(&server, &app_id, "main", text_zip(&[("index.html", "durable")])).await;
    server.restart(false);
    let host = format!("main.{app_id}.localhost");
    assert_eq!(get(&server, &host, "/").await.text(), "durable");
    server.restart(true);
    assert_eq!(get(&server, &host, "/").await.text(), "durable");
}

#[tokio::test]
async fn a_job_in_flight_when_ramp_is_killed_finishes_after_the_restart() {
    let mut server = TestServer::start();
    let client = server.amplify();
    let app_id = app_with_branch(&client, "main").await;
    deploy(&server, &app_id, "main", text_zip(&[("index.html", "before")])).await;
    let job_id = start_zip(&server, &app_id, "main", big_zip()).await;
    server.restart(true);

    let client = server.amplify();
    let status = finished(&client, &app_id, "main", &job_id).await;
    assert!(matches!(status, JobStatus::Succeed | JobStatus::Failed), "{status:?}");
    let host = format!("main.{app_id}.localhost");
    let page = get(&server, &host, "/").await;
    assert_eq!(page.status, 200);
    let expected = if status == JobStatus::Succeed { "big" } else { "before" };
    assert_eq!(page.text(), expected);
    if status == JobStatus::Succeed {
        assert_eq!(get(&server, &host, "/pages/1999.html").await.status, 200);
    }
}
