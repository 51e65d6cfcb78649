use http::StatusCode;

use super::*;
use crate::serve::headers::validate;

const APP_HEADERS: &str = r#"
customHeaders:
  - pattern: '**'
    headers:
      - key: 'Strict-Transport-Security'
        value: 'max-age=31536000; includeSubDomains'
  - pattern: '*.json'
    headers:
      - key: 'Cache-Control'
        value: 'no-cache'
  - pattern: '/assets/*'
    headers:
      - key: 'Cache-Control'
        value: 'public, max-age=31536000, immutable'
      - key: 'X-Max'
        value: 600
"#;

fn site_files() -> Vec<TestFile> {
    vec![
        file("index.html", "home"),
        file("data/list.json", "[]"),
        file("assets/app.js", "js"),
    ]
}

fn with_app_headers(yaml: &str) -> SiteSettings {
    SiteSettings {
        app_custom_headers: Some(yaml.to_owned()),
        ..settings()
    }
}

#[tokio::test]
async fn app_headers_apply_by_pattern_and_replace_defaults() {
    let site = deploy(&site_files(), with_app_headers(APP_HEADERS)).await;
    let page = site.get("/").await;
    assert_eq!(
        header(&page, "strict-transport-security"),
        Some("max-age=31536000; includeSubDomains")
    );
    assert_eq!(
        header(&page, "cache-control"),
        Some("public, max-age=0, must-revalidate")
    );
    let json = site.get("/data/list.json").await;
    assert_eq!(header(&json, "cache-control"), Some("no-cache"));
    let asset = site.get("/assets/app.js").await;
    assert_eq!(
        header(&asset, "cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    assert_eq!(header(&asset, "x-max"), Some("600"));
    // Responses without a file match the request path.
    let missing = site.get("/nope").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert!(header(&missing, "strict-transport-security").is_some());
}

#[tokio::test]
async fn the_artifacts_custom_http_yml_replaces_the_apps_headers() {
    let artifact = "customHeaders:\n  - pattern: '**'\n    headers:\n      - key: X-From\n        value: artifact\n";
    let site = deploy_with(&site_files(), Some(artifact), with_app_headers(APP_HEADERS)).await;
    let page = site.get("/").await;
    assert_eq!(header(&page, "x-from"), Some("artifact"));
    assert_eq!(header(&page, "strict-transport-security"), None);
}

#[tokio::test]
async fn the_monorepo_form_picks_the_sites_app_root() {
    let yaml = r#"
applications:
  - appRoot: apps/one
    customHeaders:
      - pattern: '**'
        headers: [{key: X-App, value: one}]
  - appRoot: apps/two
    customHeaders:
      - pattern: '**'
        headers: [{key: X-App, value: two}]
"#;
    let two = SiteSettings {
        app_root: Some("apps/two".to_owned()),
        ..with_app_headers(yaml)
    };
    let site = deploy(&site_files(), two).await;
    assert_eq!(header(&site.get("/").await, "x-app"), Some("two"));
    let first = deploy(&site_files(), with_app_headers(yaml)).await;
    assert_eq!(header(&first.get("/").await, "x-app"), Some("one"));
}

#[test]
fn headers_a_site_must_not_set_are_refused_when_compiled() {
    for key in [
        "Set-Cookie",
        "Content-Length",
        "Transfer-Encoding",
        "Connection",
        "WWW-Authenticate",
        "Upgrade",
        "Content-Encoding",
    ] {
        let yaml = format!("customHeaders:\n  - pattern: '**'\n    headers:\n      - key: {key}\n        value: x\n");
        let error = validate(&yaml).unwrap_err().to_string();
        assert!(error.contains(key) && error.contains("cannot be set"), "{error}");
    }
}

#[test]
fn malformed_headers_yaml_is_refused_naming_the_problem() {
    let bad_glob = "customHeaders:\n  - pattern: '[a'\n    headers: []\n";
    assert!(validate(bad_glob).unwrap_err().to_string().contains("not a valid glob"));
    let bad_value = "customHeaders:\n  - pattern: '**'\n    headers:\n      - key: X-A\n        value: \"a\\nb\"\n";
    assert!(
        validate(bad_value)
            .unwrap_err()
            .to_string()
            .contains("not a valid header value")
    );
    let not_yaml = "customHeaders: [";
    assert!(validate(not_yaml).unwrap_err().to_string().contains("invalid YAML"));
    assert!(validate("").is_ok());
}

#[test]
fn site_new_names_which_headers_are_wrong() {
    let error = Site::new(Manifest::default(), with_app_headers("customHeaders: [")).unwrap_err();
    assert!(error.to_string().starts_with("the app's customHeaders"), "{error}");
    let manifest = Manifest {
        custom_headers: Some("customHeaders: [".to_owned()),
        ..Manifest::default()
    };
    let error = Site::new(manifest, settings()).unwrap_err();
    assert!(error.to_string().starts_with("the deploy's customHttp.yml"), "{error}");
}

#[tokio::test]
async fn options_answers_with_the_custom_headers_of_the_path_for_cors_preflights() {
    let yaml = "customHeaders:\n  - pattern: '/api/**'\n    headers:\n      - key: Access-Control-Allow-Origin\n        value: '*'\n";
    let site = deploy(&site_files(), with_app_headers(yaml)).await;
    let preflight = site.send(http::Method::OPTIONS, "/api/items", &[]).await;
    assert_eq!(preflight.status(), StatusCode::NO_CONTENT);
    assert_eq!(header(&preflight, "access-control-allow-origin"), Some("*"));
    assert_eq!(header(&preflight, "content-length"), None);
}
