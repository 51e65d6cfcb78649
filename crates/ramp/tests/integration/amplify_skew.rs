//! Skew protection (spec/amplify.md §8.8): on a branch that enables it, a client that loaded
//! an older deploy keeps getting that deploy's files — chosen by the `X-Amplify-Dpl` header,
//! the `dpl` query parameter or the `_dpl` cookie ramp sets — while new clients get the new one.

use crate::amplify_common::{app_with_branch, deploy, request, text_zip};
use crate::harness::TestServer;

#[tokio::test]
async fn a_skew_protected_branch_serves_the_deploy_a_client_asks_for() {
    let server = TestServer::start();
    let client = server.amplify();
    let app_id = app_with_branch(&client, "main").await;
    let host = format!("main.{app_id}.localhost");
    let html = |version: &str| format!("<script src=\"/app.js\"></script>{version}");

    // Without skew protection the request's choice is ignored.
    let first = deploy(
        &server,
        &app_id,
        "main",
        text_zip(&[("index.html", &html("v1")), ("app.js", "v1()")]),
    )
    .await;
    let second = deploy(
        &server,
        &app_id,
        "main",
        text_zip(&[("index.html", &html("v2")), ("app.js", "v2()")]),
    )
    .await;
    let asked = request(&server, "GET", &host, "/app.js", &[("x-amplify-dpl", &first)]).await;
    assert_eq!(asked.text(), "v2()");
    assert_eq!(request(&server, "GET", &host, "/", &[]).await.header("set-cookie"), "");

    client
        .update_branch()
        .app_id(&app_id)
        .branch_name("main")
        .enable_skew_protection(true)
        .send()
        .await
        .unwrap();
    let page = request(&server, "GET", &host, "/", &[]).await;
    assert_eq!(page.text(), html("v2"));
    assert!(
        page.header("set-cookie").starts_with(&format!("_dpl={second}")),
        "{:?}",
        page.headers
    );

    // An older deploy by header, query parameter and cookie; the current one otherwise.
    let by_header = request(&server, "GET", &host, "/app.js", &[("x-amplify-dpl", &first)]).await;
    assert_eq!(by_header.text(), "v1()");
    let by_query = request(&server, "GET", &host, &format!("/app.js?dpl={first}"), &[]).await;
    assert_eq!(by_query.text(), "v1()");
    let cookie = format!("_dpl={first}");
    let by_cookie = request(&server, "GET", &host, "/app.js", &[("cookie", &cookie)]).await;
    assert_eq!(by_cookie.text(), "v1()");
    assert_eq!(request(&server, "GET", &host, "/app.js", &[]).await.text(), "v2()");

    // A deploy that does not exist (or never succeeded) falls back to the current one.
    let unknown = request(&server, "GET", &host, "/app.js", &[("x-amplify-dpl", "99")]).await;
    assert_eq!(unknown.text(), "v2()");
}
