use http::{Method, StatusCode};

use super::*;

fn site_files() -> Vec<TestFile> {
    vec![
        file("index.html", "home"),
        file("about.html", "about"),
        file("blog/index.html", "blog"),
        file("x", "bare x"),
        file("x.html", "x page"),
        file("secret.txt", "secret"),
        file("a/b.txt", "b"),
        file("café.html", "coffee"),
    ]
}

#[tokio::test]
async fn clean_urls_serve_html_and_index_documents() {
    let site = deploy(&site_files(), settings()).await;
    for (uri, expected) in [
        ("/", "home"),
        ("/index.html", "home"),
        ("/about", "about"),
        ("/about.html", "about"),
        ("/blog/", "blog"),
        ("/blog/index.html", "blog"),
        ("/x", "bare x"),
        ("/caf%C3%A9", "coffee"),
    ] {
        let response = site.get(uri).await;
        assert_eq!(
            (response.status(), body(&response)),
            (StatusCode::OK, expected),
            "{uri}"
        );
    }
}

#[tokio::test]
async fn a_directory_without_its_slash_is_redirected_keeping_the_query() {
    let site = deploy(&site_files(), settings()).await;
    let response = site.get("/blog").await;
    assert_eq!(response.status(), StatusCode::MOVED_PERMANENTLY);
    assert_eq!(header(&response, "location"), Some("/blog/"));
    let with_query = site.get("/blog?page=2").await;
    assert_eq!(header(&with_query, "location"), Some("/blog/?page=2"));
}

#[tokio::test]
async fn a_miss_is_a_small_plain_404() {
    let site = deploy(&site_files(), settings()).await;
    for uri in ["/nope", "/about/", "/blog/other", "/x.html/"] {
        let response = site.get(uri).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{uri}");
        assert_eq!(header(&response, "content-type"), Some("text/html; charset=utf-8"));
        assert!(body(&response).contains("404 Not Found"));
        assert!(!body(&response).contains("nope") && response.body().len() < 200);
    }
}

#[tokio::test]
async fn traversal_tricks_are_refused_with_400() {
    let site = deploy(&site_files(), settings()).await;
    for uri in [
        "/a/../secret.txt",
        "/a/%2e%2e/secret.txt",
        "/a/%2E%2E/secret.txt",
        "/a/./b.txt",
        "/a%2Fb.txt",
        "/a%2fb.txt",
        "/a%5Cb.txt",
        "/secret.txt%00.png",
        "/%c0%afsecret.txt",
        "/a/%c0%ae%c0%ae/secret.txt",
    ] {
        let response = site.get(uri).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{uri}");
        assert!(!body(&response).contains("secret"), "{uri}");
    }
    // Decoding happens once: `%252e%252e` is the literal name `%2e%2e`, which is not a file.
    assert_eq!(
        site.get("/a/%252e%252e/secret.txt").await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn methods_other_than_get_head_options_are_refused() {
    let site = deploy(&site_files(), settings()).await;
    let response = site.send(Method::POST, "/", &[]).await;
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(header(&response, "allow"), Some("GET, HEAD, OPTIONS"));
    let options = site.send(Method::OPTIONS, "/about", &[]).await;
    assert_eq!(options.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn a_blob_missing_from_the_store_is_a_generic_500() {
    let mut manifest = Manifest::default();
    let absent = digest_of("never stored");
    manifest.files.insert(
        "index.html".to_owned(),
        SiteFile {
            blob: absent,
            size: 12,
            content_type: "text/html".to_owned(),
            gzip: None,
            br: None,
        },
    );
    let site = TestSite {
        site: Site::new(manifest.clone(), settings()).unwrap(),
        content: Content::new(Blobs::in_memory(), 1 << 20),
        manifest,
    };
    let response = site.get("/").await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert!(!body(&response).contains(&absent.to_hex()));
    assert!(!body(&response).contains("blob"));
}
