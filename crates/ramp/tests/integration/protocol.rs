//! What the SDK would never send: broken JSON, wrong types, unknown routes. Every answer must
//! be a modelled AWS error in JSON, never a panic, an HTML page or a 500.

use serde_json::Value;

use crate::harness::TestServer;

async fn send(server: &TestServer, method: reqwest::Method, path: &str, body: &str) -> (u16, String, Value) {
    let response = server
        .http()
        .request(method, server.url(path))
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    assert!(
        response.headers().contains_key("x-amzn-requestid"),
        "every answer carries a request id"
    );
    let code = response
        .headers()
        .get("x-amzn-errortype")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = response.bytes().await.unwrap();
    let json =
        serde_json::from_slice(&body).unwrap_or_else(|_| panic!("JSON body, got {:?}", String::from_utf8_lossy(&body)));
    (status, code, json)
}

#[tokio::test]
async fn malformed_bodies_are_400_naming_the_member() {
    let server = TestServer::start();
    let post = reqwest::Method::POST;
    let cases = [
        ("{", "malformed JSON"),
        ("[]", "Invalid request body"),
        ("{}", "'Name'"),
        (r#"{"Name": 12}"#, "Name"),
        (r#"{"Name": null}"#, "Name"),
        (r#"{"Name": "ok", "Tags": {"k": 5}}"#, "Tags.k"),
        (r#"{"Name": "ok"} {"Name": "again"}"#, "Invalid request body"),
    ];
    for (body, expected) in cases {
        let (status, code, json) = send(&server, post.clone(), "/applications", body).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(code, "BadRequestException", "{body}");
        let message = json["Message"].as_str().unwrap();
        assert!(message.contains(expected), "{body}: {message}");
    }
    let (status, _, json) = send(
        &server,
        post.clone(),
        "/deploymentstrategies",
        r#"{"Name":"s","DeploymentDurationInMinutes":1.5,"GrowthFactor":10}"#,
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        json["Message"]
            .as_str()
            .unwrap()
            .contains("DeploymentDurationInMinutes")
    );
    let (status, _, json) = send(
        &server,
        post,
        "/deploymentstrategies",
        r#"{"Name":"s","DeploymentDurationInMinutes":1,"GrowthFactor":10,"GrowthType":"SIDEWAYS"}"#,
    )
    .await;
    assert_eq!(status, 400);
    assert!(json["Message"].as_str().unwrap().contains("GrowthType"));
}

#[tokio::test]
async fn unknown_routes_answer_in_json() {
    let server = TestServer::start();
    let (status, code, json) = send(&server, reqwest::Method::GET, "/nothing/here", "").await;
    assert_eq!((status, code.as_str()), (404, "UnknownOperationException"));
    assert!(json["Message"].as_str().unwrap().contains("/nothing/here"));
    let (status, code, _) = send(&server, reqwest::Method::PUT, "/applications", "").await;
    assert_eq!((status, code.as_str()), (404, "UnknownOperationException"));
}

#[tokio::test]
async fn labels_and_headers_are_checked() {
    let server = TestServer::start();
    let (status, _, json) = send(&server, reqwest::Method::GET, "/applications/abc%FF", "").await;
    assert_eq!(status, 400);
    assert!(json["Message"].as_str().unwrap().contains("ApplicationId"));
    let (status, _, _) = send(
        &server,
        reqwest::Method::GET,
        "/tags/arn%3Aaws%3Aappconfig%3Aus-east-1%3A000000000000%3Aapplication%2Fabc1234",
        "",
    )
    .await;
    assert_eq!(status, 404, "a percent-encoded ARN label is decoded whole");

    let app: Value = send(&server, reqwest::Method::POST, "/applications", r#"{"Name":"a"}"#)
        .await
        .2;
    let app_id = app["Id"].as_str().unwrap();
    let profile: Value = send(
        &server,
        reqwest::Method::POST,
        &format!("/applications/{app_id}/configurationprofiles"),
        r#"{"Name":"p","LocationUri":"hosted"}"#,
    )
    .await
    .2;
    let path = format!(
        "/applications/{app_id}/configurationprofiles/{}/hostedconfigurationversions",
        profile["Id"].as_str().unwrap()
    );
    let response = server
        .http()
        .post(server.url(&path))
        .header("content-type", "text/plain")
        .header("latest-version-number", "one")
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    let body: Value = response.json().await.unwrap();
    assert!(body["Message"].as_str().unwrap().contains("LatestVersionNumber"));
    let response = server.http().post(server.url(&path)).body("x").send().await.unwrap();
    assert_eq!(response.status().as_u16(), 400, "Content-Type is required");
    let too_big = server
        .http()
        .post(server.url(&path))
        .header("content-type", "text/plain")
        .body(vec![b'x'; 3 * 1024 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(too_big.status().as_u16(), 413);
}

#[tokio::test]
async fn health_answers_json() {
    let server = TestServer::start();
    let response = server.http().get(server.url("/_ramp/health")).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["Status"], "ok");
}

#[tokio::test]
async fn the_manual_clock_moves_only_when_told() {
    let server = TestServer::start();
    let now = |server: &TestServer| {
        let request = server.http().get(server.url("/_ramp/clock")).send();
        async move {
            let body: Value = request.await.unwrap().json().await.unwrap();
            ramp_clock::Timestamp::parse_iso8601(body["Now"].as_str().unwrap()).unwrap()
        }
    };
    let before = now(&server).await;
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    assert_eq!(now(&server).await, before, "frozen");
    server.advance_clock(3600).await;
    assert_eq!(now(&server).await.millis() - before.millis(), 3_600_000);
    let refused = server
        .http()
        .post(server.url("/_ramp/clock"))
        .body("{\"AdvanceSeconds\": -1}")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status().as_u16(), 400);
}
