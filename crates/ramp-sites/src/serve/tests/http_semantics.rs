use http::{Method, StatusCode};

use super::*;

const BODY: &str = "0123456789";

async fn site() -> TestSite {
    let files = [
        file("index.html", "<h1>home</h1>"),
        file("digits.txt", BODY),
        file("module.wasm", "wasm"),
        compressed("app.js", "let app = 1;", "GZIP-BYTES", "BR-BYTES"),
    ];
    deploy(&files, settings()).await
}

#[tokio::test]
async fn files_carry_their_type_nosniff_etag_and_cache_policy() {
    let site = site().await;
    let page = site.get("/").await;
    assert_eq!(header(&page, "content-type"), Some("text/html; charset=utf-8"));
    assert_eq!(header(&page, "x-content-type-options"), Some("nosniff"));
    assert_eq!(header(&page, "etag"), Some(site.etag_of("index.html").as_str()));
    assert_eq!(
        header(&page, "cache-control"),
        Some("public, max-age=0, must-revalidate")
    );
    assert_eq!(header(&page, "content-length"), Some("13"));
    assert_eq!(header(&page, "accept-ranges"), Some("bytes"));
    assert_eq!(header(&page, "vary"), None);
    let wasm = site.get("/module.wasm").await;
    assert_eq!(header(&wasm, "content-type"), Some("application/wasm"));
    assert_eq!(header(&wasm, "x-content-type-options"), Some("nosniff"));
}

#[tokio::test]
async fn a_matching_if_none_match_is_answered_304_without_a_body() {
    let site = site().await;
    let etag = site.etag_of("digits.txt");
    for condition in [
        etag.clone(),
        format!("W/{etag}"),
        format!("\"other\", {etag}"),
        "*".to_owned(),
    ] {
        let response = site.get_with("/digits.txt", &[("if-none-match", &condition)]).await;
        assert_eq!(response.status(), StatusCode::NOT_MODIFIED, "{condition}");
        assert!(response.body().is_empty());
        assert_eq!(header(&response, "etag"), Some(etag.as_str()));
    }
    let changed = site.get_with("/digits.txt", &[("if-none-match", "\"stale\"")]).await;
    assert_eq!((changed.status(), body(&changed)), (StatusCode::OK, BODY));
}

#[tokio::test]
async fn head_has_the_headers_of_get_and_no_body() {
    let site = site().await;
    let response = site.send(Method::HEAD, "/digits.txt", &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.body().is_empty());
    assert_eq!(header(&response, "content-length"), Some("10"));
    assert_eq!(header(&response, "etag"), Some(site.etag_of("digits.txt").as_str()));
}

#[tokio::test]
async fn single_ranges_are_served_with_206() {
    let site = site().await;
    for (range, expected, content_range) in [
        ("bytes=0-4", "01234", "bytes 0-4/10"),
        ("bytes=7-", "789", "bytes 7-9/10"),
        ("bytes=-3", "789", "bytes 7-9/10"),
        ("bytes=8-100", "89", "bytes 8-9/10"),
    ] {
        let response = site.get_with("/digits.txt", &[("range", range)]).await;
        assert_eq!(response.status(), StatusCode::PARTIAL_CONTENT, "{range}");
        assert_eq!(body(&response), expected, "{range}");
        assert_eq!(header(&response, "content-range"), Some(content_range));
        assert_eq!(header(&response, "content-length").unwrap(), expected.len().to_string());
    }
}

#[tokio::test]
async fn an_unsatisfiable_range_is_416_and_several_ranges_get_the_whole_file() {
    let site = site().await;
    let beyond = site.get_with("/digits.txt", &[("range", "bytes=10-")]).await;
    assert_eq!(beyond.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(header(&beyond, "content-range"), Some("bytes */10"));
    assert!(beyond.body().is_empty());
    let several = site.get_with("/digits.txt", &[("range", "bytes=0-1,4-5")]).await;
    assert_eq!((several.status(), body(&several)), (StatusCode::OK, BODY));
    let stale = [("range", "bytes=0-1"), ("if-range", "\"old\"")];
    let response = site.get_with("/digits.txt", &stale).await;
    assert_eq!((response.status(), body(&response)), (StatusCode::OK, BODY));
    let etag = site.etag_of("digits.txt");
    let fresh = site
        .get_with("/digits.txt", &[("range", "bytes=0-1"), ("if-range", &etag)])
        .await;
    assert_eq!((fresh.status(), body(&fresh)), (StatusCode::PARTIAL_CONTENT, "01"));
}

#[tokio::test]
async fn brotli_is_preferred_then_gzip_and_q_zero_refuses() {
    let site = site().await;
    for (accept, expected_body, encoding) in [
        (Some("gzip, deflate, br"), "BR-BYTES", Some("br")),
        (Some("gzip"), "GZIP-BYTES", Some("gzip")),
        (Some("br;q=0, gzip"), "GZIP-BYTES", Some("gzip")),
        (Some("gzip;q=0, br;q=0"), "let app = 1;", None),
        (Some("*"), "BR-BYTES", Some("br")),
        (Some("identity"), "let app = 1;", None),
        (None, "let app = 1;", None),
    ] {
        let headers: Vec<_> = accept.map(|a| ("accept-encoding", a)).into_iter().collect();
        let response = site.get_with("/app.js", &headers).await;
        assert_eq!(body(&response), expected_body, "{accept:?}");
        assert_eq!(header(&response, "content-encoding"), encoding, "{accept:?}");
        assert_eq!(header(&response, "vary"), Some("Accept-Encoding"), "{accept:?}");
        assert_eq!(
            header(&response, "content-length").unwrap(),
            expected_body.len().to_string()
        );
        assert_eq!(
            header(&response, "content-type"),
            Some("text/javascript; charset=utf-8")
        );
    }
}

#[tokio::test]
async fn each_encoding_has_its_own_etag_and_ranges_are_never_compressed() {
    let site = site().await;
    let identity = site.get("/app.js").await;
    let br = site.get_with("/app.js", &[("accept-encoding", "br")]).await;
    assert_ne!(header(&identity, "etag"), header(&br, "etag"));
    let br_etag = header(&br, "etag").unwrap().to_owned();
    let revalidated = site
        .get_with("/app.js", &[("accept-encoding", "br"), ("if-none-match", &br_etag)])
        .await;
    assert_eq!(revalidated.status(), StatusCode::NOT_MODIFIED);
    let ranged = site
        .get_with("/app.js", &[("accept-encoding", "br"), ("range", "bytes=0-2")])
        .await;
    assert_eq!((ranged.status(), body(&ranged)), (StatusCode::PARTIAL_CONTENT, "let"));
    assert_eq!(header(&ranged, "content-encoding"), None);
}

#[tokio::test]
async fn skew_protection_sets_the_deploy_cookie_on_html_only() {
    let files = [file("index.html", "home"), file("app.js", "js")];
    let on = SiteSettings {
        skew_protection: true,
        deploy_id: "42".to_owned(),
        ..settings()
    };
    let site = deploy(&files, on).await;
    let page = site.get("/").await;
    assert_eq!(
        header(&page, "set-cookie"),
        Some("_dpl=42; Path=/; HttpOnly; SameSite=Lax")
    );
    assert_eq!(header(&site.get("/app.js").await, "set-cookie"), None);
    let off = deploy(&files, settings()).await;
    assert_eq!(header(&off.get("/").await, "set-cookie"), None);
    let bad_id = SiteSettings {
        skew_protection: true,
        deploy_id: "4 2".to_owned(),
        ..settings()
    };
    assert!(Site::new(Manifest::default(), bad_id).is_err());
}
