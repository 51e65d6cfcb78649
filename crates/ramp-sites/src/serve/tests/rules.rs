use http::StatusCode;

use super::*;
use crate::serve::rules::compile;

const SPA_REGEX: &str = r"</^[^.]+$|\.(?!(css|gif|ico|jpg|js|png|txt|svg|woff|woff2|ttf|map|json|webp)$)([^.]+$)/>";

fn site_files() -> Vec<TestFile> {
    vec![
        file("index.html", "home"),
        file("app.js", "js"),
        file("about.html", "about"),
        file("404.html", "not here"),
        file("style.css", "css"),
    ]
}

async fn with_rules(rules: Vec<Rule>) -> TestSite {
    deploy(&site_files(), SiteSettings { rules, ..settings() }).await
}

#[tokio::test]
async fn the_documented_spa_regex_rewrites_routes_but_not_assets() {
    let site = with_rules(vec![rule(SPA_REGEX, "/index.html", "200")]).await;
    let route = site.get("/dashboard/users").await;
    assert_eq!((route.status(), body(&route)), (StatusCode::OK, "home"));
    let asset = site.get("/app.js").await;
    assert_eq!((asset.status(), body(&asset)), (StatusCode::OK, "js"));
    assert_eq!(site.get("/missing.png").await.status(), StatusCode::NOT_FOUND);
    // An extension the regex does not list is a route too.
    assert_eq!(body(&site.get("/report.php").await), "home");
}

#[tokio::test]
async fn a_rewrite_applies_even_when_a_file_exists() {
    let site = with_rules(vec![rule("/about", "/index.html", "200")]).await;
    let response = site.get("/about").await;
    assert_eq!((response.status(), body(&response)), (StatusCode::OK, "home"));
}

#[tokio::test]
async fn named_placeholders_are_carried_to_the_target() {
    let site = with_rules(vec![rule(
        "/docs/<year>/<month>/<item>",
        "/documents/<year>/<month>/<item>",
        "301",
    )])
    .await;
    let response = site.get("/docs/2024/05/intro").await;
    assert_eq!(response.status(), StatusCode::MOVED_PERMANENTLY);
    assert_eq!(header(&response, "location"), Some("/documents/2024/05/intro"));
    // A placeholder is one segment: two segments do not fill three placeholders.
    assert_eq!(site.get("/docs/2024/05").await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_wildcard_spans_segments_and_captures_are_re_encoded() {
    let site = with_rules(vec![rule("/docs/<*>", "/documents/<*>", "302")]).await;
    let response = site.get("/docs/a/b/c.html").await;
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(header(&response, "location"), Some("/documents/a/b/c.html"));
    let spaced = site.get("/docs/a%20b%3Fc").await;
    assert_eq!(header(&spaced, "location"), Some("/documents/a%20b%3Fc"));
}

#[tokio::test]
async fn redirects_forward_the_query_unless_the_source_pins_it_or_the_target_has_one() {
    let site = with_rules(vec![
        rule("/old", "/new", "301"),
        rule("/moved", "/new?from=moved", "301"),
        rule("/docs?id=<my-id>", "/documents/<my-id>", "301"),
    ])
    .await;
    let forwarded = site.get("/old?a=1&b=2").await;
    assert_eq!(header(&forwarded, "location"), Some("/new?a=1&b=2"));
    assert_eq!(header(&site.get("/old").await, "location"), Some("/new"));
    let own_query = site.get("/moved?a=1").await;
    assert_eq!(header(&own_query, "location"), Some("/new?from=moved"));
    let pinned = site.get("/docs?z=1&id=7").await;
    assert_eq!(header(&pinned, "location"), Some("/documents/7"));
    // Without the pinned parameter the rule does not match.
    assert_eq!(site.get("/docs").await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_pinned_literal_query_value_must_be_equal() {
    let site = with_rules(vec![rule("/page?lang=fr", "/fr/page", "302")]).await;
    assert_eq!(header(&site.get("/page?lang=fr").await, "location"), Some("/fr/page"));
    assert_eq!(site.get("/page?lang=de").await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_first_matching_rule_wins() {
    let site = with_rules(vec![
        rule("/a", "/first", "301"),
        rule("/a", "/second", "301"),
        rule("/<*>", "/catch-all", "302"),
    ])
    .await;
    assert_eq!(header(&site.get("/a").await, "location"), Some("/first"));
    assert_eq!(header(&site.get("/b").await, "location"), Some("/catch-all"));
}

#[tokio::test]
async fn a_404_200_rule_serves_its_target_with_200_only_when_nothing_else_matches() {
    let site = with_rules(vec![rule("/<*>", "/index.html", "404-200")]).await;
    let existing = site.get("/style.css").await;
    assert_eq!((existing.status(), body(&existing)), (StatusCode::OK, "css"));
    let clean = site.get("/about").await;
    assert_eq!(body(&clean), "about");
    let fallback = site.get("/app/settings").await;
    assert_eq!((fallback.status(), body(&fallback)), (StatusCode::OK, "home"));
    assert_eq!(header(&fallback, "content-type"), Some("text/html; charset=utf-8"));
}

#[tokio::test]
async fn a_404_rule_serves_its_target_with_404() {
    let site = with_rules(vec![rule("/<*>", "/404.html", "404")]).await;
    let missing = site.get("/nope").await;
    assert_eq!((missing.status(), body(&missing)), (StatusCode::NOT_FOUND, "not here"));
    assert_eq!(site.get("/").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn domain_rules_match_the_host_case_insensitively_and_append_the_path() {
    let site = with_rules(vec![rule("https://Example.com", "https://www.example.com/", "301")]).await;
    let response = site.get_with("/a/b?x=1", &[("host", "EXAMPLE.com:8080")]).await;
    assert_eq!(response.status(), StatusCode::MOVED_PERMANENTLY);
    assert_eq!(header(&response, "location"), Some("https://www.example.com/a/b?x=1"));
    let other = site.get_with("/about", &[("host", "www.example.com")]).await;
    assert_eq!(body(&other), "about");
}

#[tokio::test]
async fn rules_with_a_country_condition_never_match() {
    let mut geo = rule("/<*>", "/us", "302");
    geo.condition = Some("<US>".to_owned());
    let site = with_rules(vec![geo]).await;
    assert_eq!(body(&site.get("/about").await), "about");
}

#[tokio::test]
async fn a_rewrite_to_an_absolute_url_is_not_proxied() {
    let site = with_rules(vec![rule("/api/<*>", "https://api.example.com/<*>", "200")]).await;
    let response = site.get("/api/users").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(!body(&response).contains("example"));
}

#[tokio::test]
async fn a_redirect_to_an_absolute_url_is_fine() {
    let site = with_rules(vec![rule("/blog/<*>", "https://blog.example.com/<*>", "301")]).await;
    let response = site.get("/blog/post-1").await;
    assert_eq!(header(&response, "location"), Some("https://blog.example.com/post-1"));
}

#[test]
fn bad_rules_are_refused_naming_the_rule() {
    let cases = [
        (rule("/a", "/b", "303"), "status \"303\""),
        (rule("</[unclosed/>", "/b", "200"), "invalid regex"),
        (rule("https://example.com/path", "/b", "301"), "cannot have a path"),
        (rule("https://exa mple.com", "/b", "301"), "not a domain name"),
        (rule("", "/b", "200"), "source is empty"),
        (rule("/a", "", "200"), "target is empty"),
        (rule("docs", "/b", "200"), "must be a path"),
    ];
    for (bad, expected) in cases {
        let rules = vec![rule("/ok", "/fine", "301"), bad];
        let error = compile(&rules).unwrap_err().to_string();
        assert!(error.starts_with("custom rule 2 (source "), "{error}");
        assert!(error.contains(expected), "{error} should contain {expected}");
    }
}

#[tokio::test]
async fn site_new_reports_a_bad_rule() {
    let error = Site::new(
        Manifest::default(),
        SiteSettings {
            rules: vec![rule("/a", "/b", "999")],
            ..settings()
        },
    )
    .unwrap_err();
    assert!(error.to_string().contains("custom rule 1"), "{error}");
}

#[tokio::test]
async fn a_rewrite_to_a_directory_serves_its_index_and_a_missing_target_falls_to_404_rules() {
    let files = [
        file("index.html", "home"),
        file("docs/index.html", "docs"),
        file("404.html", "gone"),
    ];
    let rules = vec![
        rule("/manual", "/docs", "200"),
        rule("/old/<*>", "/removed/<*>", "200"),
        rule("/<*>", "/404.html", "404"),
    ];
    let site = deploy(&files, SiteSettings { rules, ..settings() }).await;
    let manual = site.get("/manual").await;
    assert_eq!((manual.status(), body(&manual)), (StatusCode::OK, "docs"));
    let removed = site.get("/old/page").await;
    assert_eq!((removed.status(), body(&removed)), (StatusCode::NOT_FOUND, "gone"));
}

#[tokio::test]
async fn a_rewrite_target_cannot_climb_out_through_a_capture() {
    let files = [file("index.html", "home"), file("secret.txt", "secret")];
    let rules = vec![rule("/files/<*>", "/public/<*>", "200")];
    let site = deploy(&files, SiteSettings { rules, ..settings() }).await;
    // `<*>` captured `x/../../secret.txt` only if the path had dot segments, which are refused;
    // an encoded one is refused before rules run.
    assert_eq!(
        site.get("/files/%2e%2e/secret.txt").await.status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(site.get("/files/secret.txt").await.status(), StatusCode::NOT_FOUND);
}
