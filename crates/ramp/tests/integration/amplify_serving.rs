//! How a deployed site answers over HTTP: custom rules, custom headers (the app's and the
//! deploy's `customHttp.yml`), basic auth on the app and the branch, conditional and range
//! requests, precompressed variants, content types, traversal attempts; and UpdateApp refusing
//! rules and headers it could not serve.

use std::io::Read as _;

use aws_sdk_amplify::types::CustomRule;
use base64::Engine as _;

use crate::amplify_common::{app_with_branch, code, deploy, get, message, raw_get, request, text_zip, zip};
use crate::harness::TestServer;

fn rule(source: &str, target: &str, status: &str) -> CustomRule {
    CustomRule::builder()
        .source(source)
        .target(target)
        .status(status)
        .build()
        .unwrap()
}

fn basic(credentials: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(credentials)
}

/// A deployed SPA-ish site; returns (server, app ID, host).
async fn site() -> (TestServer, String, String) {
    let server = TestServer::start();
    let client = server.amplify();
    let app_id = app_with_branch(&client, "main").await;
    deploy(
        &server,
        &app_id,
        "main",
        text_zip(&[
            ("index.html", "<h1>home</h1>"),
            ("app/index.html", "<h1>spa</h1>"),
            ("docs/a.html", "doc a"),
            ("documents/a.html", "document a"),
            ("style.css", "body{}"),
            ("data.json", "{}"),
            ("script.mjs", "export {}"),
            ("module.wasm", "\0asm"),
            ("font.woff2", "w"),
            ("image.svg", "<svg/>"),
        ]),
    )
    .await;
    let host = format!("main.{app_id}.localhost");
    (server, app_id, host)
}

#[tokio::test]
async fn custom_rules_redirect_rewrite_and_fall_back_as_updateapp_sets_them() {
    let (server, app_id, host) = site().await;
    let client = server.amplify();
    client
        .update_app()
        .app_id(&app_id)
        .custom_rules(rule("/old", "/docs/a", "301"))
        .custom_rules(rule("/moved/<*>", "/documents/<*>", "302"))
        .custom_rules(rule("/docs/<name>", "/documents/<name>.html", "200"))
        .custom_rules(rule("</^/legacy-[0-9]+$/>", "/index.html", "200"))
        .custom_rules(rule("/app/<*>", "/app/index.html", "404-200"))
        .custom_rules(rule("/<*>", "/index.html", "404"))
        .send()
        .await
        .unwrap();

    let permanent = get(&server, &host, "/old").await;
    assert_eq!((permanent.status, permanent.header("location")), (301, "/docs/a"));
    let temporary = get(&server, &host, "/moved/a.html?x=1").await;
    assert_eq!(temporary.status, 302);
    assert!(
        temporary.header("location").starts_with("/documents/a.html"),
        "{:?}",
        temporary.headers
    );
    // 200 rewrites apply even where a file exists, and keep the URL.
    let rewritten = get(&server, &host, "/docs/a").await;
    assert_eq!((rewritten.status, rewritten.text().as_str()), (200, "document a"));
    let regex = get(&server, &host, "/legacy-42").await;
    assert_eq!((regex.status, regex.text().as_str()), (200, "<h1>home</h1>"));
    assert_eq!(
        get(&server, &host, "/legacy-x").await.text(),
        "<h1>home</h1>",
        "falls to the 404 rule"
    );
    assert_eq!(get(&server, &host, "/legacy-x").await.status, 404);
    // SPA fallback: a deep link gets the app's page with 200; existing files still win.
    let deep = get(&server, &host, "/app/users/7").await;
    assert_eq!((deep.status, deep.text().as_str()), (200, "<h1>spa</h1>"));
    assert_eq!(get(&server, &host, "/style.css").await.text(), "body{}");

    // Rules apply without a redeploy, and go when cleared.
    client
        .update_app()
        .app_id(&app_id)
        .set_custom_rules(Some(vec![]))
        .send()
        .await
        .unwrap();
    assert_eq!(get(&server, &host, "/old").await.status, 404);
}

#[tokio::test]
async fn updateapp_refuses_rules_and_headers_it_could_not_serve_naming_them() {
    let (server, app_id, _) = site().await;
    let client = server.amplify();
    let bad_regex = client
        .update_app()
        .app_id(&app_id)
        .custom_rules(rule("/fine", "/index.html", "200"))
        .custom_rules(rule("</([/>", "/index.html", "200"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&bad_regex), "BadRequestException");
    assert!(message(&bad_regex).contains("customRules"), "{}", message(&bad_regex));
    assert!(message(&bad_regex).contains("</([/>"), "{}", message(&bad_regex));

    let bad_status = client
        .update_app()
        .app_id(&app_id)
        .custom_rules(rule("/a", "/b", "307"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&bad_status), "BadRequestException");
    assert!(message(&bad_status).contains("307"), "{}", message(&bad_status));

    for (yaml, named) in [
        ("customHeaders: [oops", "customHeaders"),
        (
            "customHeaders:\n  - pattern: '**'\n    headers:\n      - key: 'Set-Cookie'\n        value: 'a=b'\n",
            "Set-Cookie",
        ),
    ] {
        let error = client
            .update_app()
            .app_id(&app_id)
            .custom_headers(yaml)
            .send()
            .await
            .unwrap_err();
        assert_eq!(code(&error), "BadRequestException", "{yaml}");
        assert!(message(&error).contains(named), "{yaml}: {}", message(&error));
    }
    // Nothing was stored.
    let app = client.get_app().app_id(&app_id).send().await.unwrap();
    assert!(app.app().unwrap().custom_rules().is_empty());
    assert!(app.app().unwrap().custom_headers().unwrap_or_default().is_empty());
}

const APP_HEADERS: &str = "customHeaders:
  - pattern: '**'
    headers:
      - key: 'Strict-Transport-Security'
        value: 'max-age=31536000'
  - pattern: '*.json'
    headers:
      - key: 'Cache-Control'
        value: 'no-cache'
";

#[tokio::test]
async fn custom_headers_of_the_app_apply_by_pattern_and_the_deploys_customhttp_yml_overrides_them() {
    let (server, app_id, host) = site().await;
    let client = server.amplify();
    client
        .update_app()
        .app_id(&app_id)
        .custom_headers(APP_HEADERS)
        .send()
        .await
        .unwrap();
    let page = get(&server, &host, "/").await;
    assert_eq!(page.header("strict-transport-security"), "max-age=31536000");
    assert_ne!(page.header("cache-control"), "no-cache");
    let json = get(&server, &host, "/data.json").await;
    assert_eq!(json.header("cache-control"), "no-cache");
    assert_eq!(json.header("strict-transport-security"), "max-age=31536000");

    let own =
        "customHeaders:\n  - pattern: '**'\n    headers:\n      - key: 'X-Frame-Options'\n        value: 'DENY'\n";
    deploy(
        &server,
        &app_id,
        "main",
        text_zip(&[("index.html", "v2"), ("data.json", "{}"), ("customHttp.yml", own)]),
    )
    .await;
    let page = get(&server, &host, "/").await;
    assert_eq!(page.text(), "v2");
    assert_eq!(page.header("x-frame-options"), "DENY");
    assert_eq!(
        page.header("strict-transport-security"),
        "",
        "the deploy's file replaces the app's"
    );
    assert_ne!(
        get(&server, &host, "/data.json").await.header("cache-control"),
        "no-cache"
    );
    assert_eq!(get(&server, &host, "/customHttp.yml").await.status, 404, "never served");
}

#[tokio::test]
async fn basic_auth_on_the_branch_and_on_the_app_which_wins() {
    let (server, app_id, host) = site().await;
    let client = server.amplify();
    client
        .update_branch()
        .app_id(&app_id)
        .branch_name("main")
        .enable_basic_auth(true)
        .basic_auth_credentials(basic("branch:secret"))
        .send()
        .await
        .unwrap();
    let refused = get(&server, &host, "/").await;
    assert_eq!(refused.status, 401);
    assert!(
        refused.header("www-authenticate").starts_with("Basic"),
        "{:?}",
        refused.headers
    );
    let wrong = format!("Basic {}", basic("branch:wrong"));
    assert_eq!(
        request(&server, "GET", &host, "/", &[("authorization", &wrong)])
            .await
            .status,
        401
    );
    let branch_auth = format!("Basic {}", basic("branch:secret"));
    let allowed = request(&server, "GET", &host, "/", &[("authorization", &branch_auth)]).await;
    assert_eq!((allowed.status, allowed.text().as_str()), (200, "<h1>home</h1>"));

    // The app's password covers every branch and wins over the branch's (spec §8.6).
    client
        .update_app()
        .app_id(&app_id)
        .enable_basic_auth(true)
        .basic_auth_credentials(basic("app:pass"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        request(&server, "GET", &host, "/", &[("authorization", &branch_auth)])
            .await
            .status,
        401
    );
    let app_auth = format!("Basic {}", basic("app:pass"));
    assert_eq!(
        request(&server, "GET", &host, "/", &[("authorization", &app_auth)])
            .await
            .status,
        200
    );
    // Also by path.
    let by_path = format!("/_ramp/sites/{app_id}/main/");
    assert_eq!(request(&server, "GET", "localhost", &by_path, &[]).await.status, 401);

    // Turning auth off takes effect at once.
    client
        .update_app()
        .app_id(&app_id)
        .enable_basic_auth(false)
        .send()
        .await
        .unwrap();
    client
        .update_branch()
        .app_id(&app_id)
        .branch_name("main")
        .enable_basic_auth(false)
        .send()
        .await
        .unwrap();
    assert_eq!(get(&server, &host, "/").await.status, 200);
}

#[tokio::test]
async fn etags_head_ranges_and_content_types() {
    let (server, _app_id, host) = site().await;
    let page = get(&server, &host, "/").await;
    let etag = page.header("etag").to_owned();
    assert!(!etag.is_empty(), "{:?}", page.headers);
    let again = request(&server, "GET", &host, "/", &[("if-none-match", &etag)]).await;
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    assert_eq!(again.header("etag"), etag);
    let other = request(&server, "GET", &host, "/", &[("if-none-match", "\"other\"")]).await;
    assert_eq!(other.status, 200);

    let head = request(&server, "HEAD", &host, "/", &[]).await;
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(head.header("content-length"), "13");
    assert_eq!(head.header("etag"), etag);

    let part = request(&server, "GET", &host, "/", &[("range", "bytes=4-6")]).await;
    assert_eq!((part.status, part.text().as_str()), (206, "hom"));
    assert_eq!(part.header("content-range"), "bytes 4-6/13");
    let beyond = request(&server, "GET", &host, "/", &[("range", "bytes=100-")]).await;
    assert_eq!(beyond.status, 416);

    for (path, expected) in [
        ("/", "text/html"),
        ("/style.css", "text/css"),
        ("/data.json", "application/json"),
        ("/script.mjs", "text/javascript"),
        ("/module.wasm", "application/wasm"),
        ("/font.woff2", "font/woff2"),
        ("/image.svg", "image/svg+xml"),
    ] {
        let reply = get(&server, &host, path).await;
        assert!(
            reply.header("content-type").starts_with(expected),
            "{path}: {:?}",
            reply.headers
        );
        assert_eq!(reply.header("x-content-type-options"), "nosniff", "{path}");
    }
}

#[tokio::test]
async fn a_large_text_file_is_sent_gzipped_or_brotli_compressed_as_the_client_accepts() {
    let server = TestServer::start();
    let client = server.amplify();
    let app_id = app_with_branch(&client, "main").await;
    let script: String = (0..4000).map(|i| format!("console.log('line {i}');\n")).collect();
    deploy(&server, &app_id, "main", zip(&[("app.js", script.as_bytes())])).await;
    let host = format!("main.{app_id}.localhost");

    let plain = get(&server, &host, "/app.js").await;
    assert_eq!(plain.text(), script);
    assert_eq!(plain.header("content-encoding"), "");

    let gz = request(&server, "GET", &host, "/app.js", &[("accept-encoding", "gzip")]).await;
    assert_eq!(gz.header("content-encoding"), "gzip");
    assert!(
        gz.header("vary").to_ascii_lowercase().contains("accept-encoding"),
        "{:?}",
        gz.headers
    );
    assert!(gz.body.len() < script.len() / 2);
    let mut inflated = String::new();
    flate2::read::GzDecoder::new(&gz.body[..])
        .read_to_string(&mut inflated)
        .unwrap();
    assert_eq!(inflated, script);

    let br = request(&server, "GET", &host, "/app.js", &[("accept-encoding", "gzip, br")]).await;
    assert_eq!(br.header("content-encoding"), "br");
    let mut decoded = String::new();
    brotli::Decompressor::new(&br.body[..], 4096)
        .read_to_string(&mut decoded)
        .unwrap();
    assert_eq!(decoded, script);
    assert_ne!(
        br.header("etag"),
        plain.header("etag"),
        "each representation has its own ETag"
    );
}

#[tokio::test]
async fn traversal_and_encoded_slash_attempts_are_refused_never_a_server_error() {
    let (server, app_id, host) = site().await;
    for path in [
        "/%2e%2e/%2e%2e/etc/passwd",
        "/docs/%2e%2e/index.html",
        "/docs%2Fa.html",
        "/docs/..%2Fdocs/a.html",
        "/%00",
        "/%ff%fe",
        "/docs%5Ca.html",
        "/..",
        "/./index.html",
    ] {
        let (status, body) = raw_get(&server, &host, path).await;
        assert!((400..500).contains(&status), "{path}: {status} {body}");
        let (status, body) = raw_get(&server, "localhost", &format!("/_ramp/sites/{app_id}/main{path}")).await;
        assert!(
            (300..500).contains(&status) && body != "<h1>home</h1>",
            "by path {path}: {status} {body}"
        );
    }
}
