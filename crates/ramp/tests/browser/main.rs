//! The dashboard in a real browser: headless Chromium, driven through chromedriver, against the
//! real `ramp` binary with a manual clock. The tests advance the clock and watch the page follow
//! by itself (server-sent events), act from the page, and sign in.
//!
//! They save screenshots of the main views to `docs/screenshots/` (README links them). Without
//! chromedriver they are skipped with a message, except under CI (`CI` set), where they fail.

#![allow(clippy::unwrap_used)]

#[path = "../integration/harness.rs"]
#[allow(dead_code)]
mod harness;
mod webdriver;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use aws_sdk_appconfig::Client;
use aws_sdk_appconfig::primitives::Blob;
use aws_sdk_appconfig::types::{DeploymentState, GrowthType, Monitor, Validator, ValidatorType};
use serde_json::json;

use harness::{ACCESS_KEY, SECRET_KEY, TestServer};
use webdriver::{Browser, Driver};

/// Laptop and phone viewports.
const LAPTOP: (u32, u32) = (1280, 900);
const PHONE: (u32, u32) = (390, 844);

fn screenshot_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../docs/screenshots")
        .join(name)
}

/// What the scenarios deploy: an application, its `prod` environment watching the alarm
/// `errors`, a `staging` one, a hosted JSON profile (with a JSON Schema validator) holding
/// versions 1 to 3, and two strategies.
struct World {
    app: String,
    prod: String,
    profile: String,
    /// 4 minutes, LINEAR 25 %, bake 2 minutes: steps at 48, 96, 144 and 192 s (observed
    /// timing), bake from 240 s, complete at 360 s.
    linear: String,
    /// Everyone at once.
    instant: String,
}

const SCHEMA: &str = r#"{"type": "object", "properties": {"release": {"type": "string"}, "checkout": {"type": "object"}}, "required": ["release"]}"#;

async fn world(client: &Client) -> World {
    let app = client
        .create_application()
        .name("shop")
        .description("The web shop's runtime configuration")
        .send()
        .await
        .unwrap()
        .id
        .unwrap();
    let prod = client
        .create_environment()
        .application_id(&app)
        .name("prod")
        .monitors(
            Monitor::builder()
                .alarm_arn("arn:aws:cloudwatch:us-east-1:000000000000:alarm:errors")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap()
        .id
        .unwrap();
    client
        .create_environment()
        .application_id(&app)
        .name("staging")
        .send()
        .await
        .unwrap();
    let profile = client
        .create_configuration_profile()
        .application_id(&app)
        .name("checkout")
        .location_uri("hosted")
        .validators(
            Validator::builder()
                .r#type(ValidatorType::JsonSchema)
                .content(SCHEMA)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap()
        .id
        .unwrap();
    let documents = [
        json!({"release": "v1", "checkout": {"provider": "stripe", "retries": 2}}),
        json!({"release": "v2", "checkout": {"provider": "stripe", "retries": 3, "express": true}}),
        json!({"release": "v3", "checkout": {"provider": "adyen", "retries": 3, "express": true}}),
    ];
    for (i, document) in documents.iter().enumerate() {
        client
            .create_hosted_configuration_version()
            .application_id(&app)
            .configuration_profile_id(&profile)
            .content(Blob::new(document.to_string()))
            .content_type("application/json")
            .version_label(format!("v{}", i + 1))
            .send()
            .await
            .unwrap();
    }
    let strategy = |name: &'static str, minutes: i32, factor: f32, bake: i32| {
        let client = client.clone();
        async move {
            client
                .create_deployment_strategy()
                .name(name)
                .deployment_duration_in_minutes(minutes)
                .growth_type(GrowthType::Linear)
                .growth_factor(factor)
                .final_bake_time_in_minutes(bake)
                .replicate_to(aws_sdk_appconfig::types::ReplicateTo::None)
                .send()
                .await
                .unwrap()
                .id
                .unwrap()
        }
    };
    let linear = strategy("Linear25.4min", 4, 25.0, 2).await;
    let instant = strategy("AllAtOnce.NoBake", 0, 100.0, 0).await;
    World {
        app,
        prod,
        profile,
        linear,
        instant,
    }
}

async fn deploy(client: &Client, w: &World, strategy: &str, version: &str) -> i32 {
    client
        .start_deployment()
        .application_id(&w.app)
        .environment_id(&w.prod)
        .configuration_profile_id(&w.profile)
        .deployment_strategy_id(strategy)
        .configuration_version(version)
        .send()
        .await
        .unwrap()
        .deployment_number()
}

fn deployment_url(server: &TestServer, w: &World, number: i32) -> String {
    server.url(&format!(
        "/_ramp/ui/us-east-1/apps/{}/environments/{}/deployments/{number}",
        w.app, w.prod
    ))
}

/// Advances ramp's clock and waits for the page's percentage to read `expected`, without a
/// reload; how long the page took to show it.
async fn advance_and_watch(server: &TestServer, browser: &Browser, seconds: u64, expected: &str) -> Duration {
    server.advance_clock(seconds).await;
    let changed = Instant::now();
    browser.wait_for_text("#percentage", |t| t == expected).await;
    changed.elapsed()
}

/// Marks the page so that a reload would be noticed.
async fn mark_page(browser: &Browser) {
    browser.execute("window.__rampNoReload = true;", json!([])).await;
}

async fn assert_not_reloaded(browser: &Browser) {
    let marked = browser
        .execute("return window.__rampNoReload === true;", json!([]))
        .await;
    assert_eq!(marked, json!(true), "the page was reloaded instead of updated in place");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rollout_moves_live_and_an_alarm_rolls_it_back() {
    let Some(driver) = Driver::start().await else { return };
    let server = TestServer::start();
    let client = server.appconfig();
    let w = world(&client).await;
    deploy(&client, &w, &w.instant, "1").await;
    server.advance_clock(0).await;
    let browser = driver.browser(LAPTOP.0, LAPTOP.1).await;

    // A browser's `GET /` opens the dashboard on the default region.
    browser.goto(&server.url("/")).await;
    assert!(browser.current_url().await.ends_with("/_ramp/ui/us-east-1/"));
    browser.wait_for_text("main", |t| t.contains("shop")).await;

    // Version 2 rolls out while the page watches: 0 → 25 → 50 → 75 → 100 %, bake, complete.
    let number = deploy(&client, &w, &w.linear, "2").await;
    browser
        .goto(&server.url(&format!("/_ramp/ui/us-east-1/apps/{}", w.app)))
        .await;
    browser
        .wait_for_text("#environments", |t| t.contains("DEPLOYING"))
        .await;
    browser.screenshot(&screenshot_path("application.png")).await;
    browser.goto(&deployment_url(&server, &w, number)).await;
    browser.wait_for_text("#percentage", |t| t == "0 %").await;
    assert!(browser.text("#replaces").await.contains("version 1"));
    assert!(browser.text("#next").await.contains("25 %"));
    mark_page(&browser).await;
    let mut slowest = Duration::ZERO;
    for (seconds, expected) in [(48, "25 %"), (48, "50 %")] {
        slowest = slowest.max(advance_and_watch(&server, &browser, seconds, expected).await);
    }
    browser
        .wait_for_text("#event-log", |t| t.contains("PERCENTAGE_UPDATED"))
        .await;
    // Screen readers hear the change, not the whole replaced view.
    let announced = browser
        .execute("return document.getElementById('live-status').textContent;", json!([]))
        .await;
    assert_eq!(
        announced,
        json!(format!("Deployment {number}: DEPLOYING, 50 % of clients"))
    );
    browser.screenshot(&screenshot_path("deployment-live.png")).await;
    for (seconds, expected) in [(48, "75 %"), (48, "100 %")] {
        slowest = slowest.max(advance_and_watch(&server, &browser, seconds, expected).await);
    }
    server.advance_clock(48).await;
    browser.wait_for_text("#state", |t| t == "BAKING").await;
    server.advance_clock(120).await;
    browser.wait_for_text("#state", |t| t == "COMPLETE").await;
    assert_not_reloaded(&browser).await;
    println!("the page showed each step {slowest:?} after the clock moved, at the slowest");
    assert!(
        slowest < Duration::from_secs(1),
        "the page took {slowest:?} to follow the rollout"
    );

    // Version 3 starts; an alarm fires at 25 % and the page shows the rollback and its cause.
    let number = deploy(&client, &w, &w.linear, "3").await;
    browser.goto(&deployment_url(&server, &w, number)).await;
    mark_page(&browser).await;
    advance_and_watch(&server, &browser, 48, "25 %").await;
    server.set_alarm("errors", "ALARM").await;
    browser.wait_for_text("#state", |t| t == "ROLLED_BACK").await;
    let cause = browser
        .wait_for_text("#rollback", |t| t.contains("CLOUDWATCH_ALARM"))
        .await;
    assert!(cause.contains("Rolled back"), "{cause}");
    assert!(browser.text("#event-log").await.contains("ROLLBACK_COMPLETED"));
    assert_not_reloaded(&browser).await;
    browser.screenshot(&screenshot_path("deployment-rolled-back.png")).await;

    // The alarm page shows it firing; the application page, the monitor's state.
    browser.goto(&server.url("/_ramp/ui/us-east-1/alarms")).await;
    browser
        .wait_for_text("#alarms", |t| t.contains("errors") && t.contains("ALARM"))
        .await;
    browser
        .goto(&server.url(&format!("/_ramp/ui/us-east-1/apps/{}", w.app)))
        .await;
    browser
        .wait_for_text("#environments", |t| t.contains("ROLLED_BACK") && t.contains("ALARM"))
        .await;
    server.set_alarm("errors", "OK").await;
    browser.wait_for_text("#environments", |t| t.contains("OK")).await;

    // A diff of versions 1 and 2, and the strategies' timelines.
    browser
        .goto(&server.url(&format!(
            "/_ramp/ui/us-east-1/apps/{}/profiles/{}?a=1&b=2",
            w.app, w.profile
        )))
        .await;
    let diff = browser.wait_for_text("#diff", |t| !t.is_empty()).await;
    assert!(
        diff.contains("\"express\": true") && diff.contains("\"retries\": 3"),
        "{diff}"
    );
    browser
        .execute("document.getElementById('diff-h').scrollIntoView();", json!([]))
        .await;
    browser.screenshot(&screenshot_path("version-diff.png")).await;
    browser.goto(&server.url("/_ramp/ui/us-east-1/strategies")).await;
    browser.wait_for_text("main", |t| t.contains("Linear25.4min")).await;
    assert!(browser.exists("svg.chart path.planned").await);
    browser.screenshot(&screenshot_path("strategies.png")).await;
    browser.goto(&server.url("/_ramp/ui/us-east-1/")).await;
    browser.wait_for_text("main", |t| t.contains("shop")).await;
    browser.screenshot(&screenshot_path("overview.png")).await;

    // On a phone's width the deployment view fits without sideways scrolling.
    browser.set_window(PHONE.0, PHONE.1).await;
    browser.goto(&deployment_url(&server, &w, 2)).await;
    browser.wait_for_text("#state", |t| t == "COMPLETE").await;
    let fits = browser
        .execute(
            "return document.documentElement.scrollWidth <= window.innerWidth + 1;",
            json!([]),
        )
        .await;
    assert_eq!(fits, json!(true), "the page scrolls sideways on a phone");
    browser.screenshot(&screenshot_path("phone-deployment.png")).await;

    browser.assert_no_console_errors().await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deployment_is_started_and_stopped_and_a_version_created_from_the_page() {
    let Some(driver) = Driver::start().await else { return };
    let server = TestServer::start();
    let client = server.appconfig();
    let w = world(&client).await;
    let browser = driver.browser(LAPTOP.0, LAPTOP.1).await;

    // Start: choose environment, profile, version and strategy, and submit.
    browser
        .goto(&server.url(&format!("/_ramp/ui/us-east-1/apps/{}", w.app)))
        .await;
    browser
        .execute(
            "document.getElementById('start-environment').value = arguments[0];\
             document.getElementById('start-profile').value = arguments[1];\
             document.getElementById('start-strategy').value = arguments[2];",
            json!([w.prod, w.profile, w.linear]),
        )
        .await;
    browser.fill("#start-version", "2").await;
    browser.click("#start-deployment").await;
    browser.wait_for_text("#state", |t| t == "DEPLOYING").await;
    assert!(browser.current_url().await.ends_with("/deployments/1"));
    server.advance_clock(48).await;
    browser.wait_for_text("#percentage", |t| t == "25 %").await;

    // Stop: the page shows the rollback, by the user.
    browser.click("#stop-deployment").await;
    browser.wait_for_text("#state", |t| t == "ROLLED_BACK").await;
    assert!(browser.text("#rollback").await.contains("USER"));
    let stored = client
        .get_deployment()
        .application_id(&w.app)
        .environment_id(&w.prod)
        .deployment_number(1)
        .send()
        .await
        .unwrap();
    assert_eq!(stored.state(), Some(&DeploymentState::RolledBack));

    // Revert: a completed deployment goes back to the version before it.
    let number = deploy(&client, &w, &w.instant, "3").await;
    server.advance_clock(0).await;
    browser.goto(&deployment_url(&server, &w, number)).await;
    browser.wait_for_text("#state", |t| t == "COMPLETE").await;
    assert!(browser.text("#stop-deployment").await.contains("Revert"));
    browser.click("#stop-deployment").await;
    browser.wait_for_text("#state", |t| t == "REVERTED").await;
    assert!(browser.text("#rollback").await.contains("Reverted by USER"));

    // A start AppConfig refuses shows AppConfig's error at the form.
    browser
        .goto(&server.url(&format!("/_ramp/ui/us-east-1/apps/{}", w.app)))
        .await;
    browser.fill("#start-version", "99").await;
    browser.click("#start-deployment").await;
    let refused = browser.wait_for_text("[role=alert]", |t| !t.is_empty()).await;
    assert!(refused.contains("ResourceNotFoundException"), "{refused}");

    // A new version: one the profile's JSON Schema refuses is not stored, and the validator's
    // words appear next to the editor; a valid one is stored as version 4.
    let profile_url = server.url(&format!("/_ramp/ui/us-east-1/apps/{}/profiles/{}", w.app, w.profile));
    browser.goto(&profile_url).await;
    browser.fill("#content", "{\"release\": 4}").await;
    browser.click("#version-form button[type=submit]").await;
    let error = browser.wait_for_text("#editor-error", |t| !t.is_empty()).await;
    assert!(error.contains("BadRequestException"), "{error}");
    assert!(error.contains("release"), "{error}");
    browser.screenshot(&screenshot_path("editor-error.png")).await;
    browser.fill("#content", "{\"release\": \"v4\"").await;
    browser.click("#version-form button[type=submit]").await;
    let error = browser
        .wait_for_text("#editor-error", |t| t.contains("not valid JSON"))
        .await;
    assert!(error.contains("line 1"), "{error}");
    let versions = client
        .list_hosted_configuration_versions()
        .application_id(&w.app)
        .configuration_profile_id(&w.profile)
        .send()
        .await
        .unwrap();
    assert_eq!(versions.items().len(), 3, "a refused document was stored");
    browser.fill("#content", "{\"release\": \"v4\"}").await;
    browser.fill("#version_label", "v4").await;
    browser.click("#version-form button[type=submit]").await;
    // The editor's page has the versions table too: wait for the answer's navigation.
    browser.wait_for_url(|url| url.ends_with("?b=4")).await;
    browser.wait_for_text("#versions-h", |t| !t.is_empty()).await;
    let stored = client
        .get_hosted_configuration_version()
        .application_id(&w.app)
        .configuration_profile_id(&w.profile)
        .version_number(4)
        .send()
        .await
        .unwrap();
    assert_eq!(stored.version_label(), Some("v4"));

    browser.assert_no_console_errors().await;
    browser.close().await;
}

/// A client that keeps redirects to itself, to read `Set-Cookie` and `Location`.
fn plain_http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The page at `url`, read with the session cookie `cookie`.
async fn page_with_cookie(url: &str, cookie: &str) -> String {
    let response = plain_http().get(url).header("cookie", cookie).send().await.unwrap();
    response.text().await.unwrap()
}

/// Signs in over plain HTTP; the session cookie (`name=value`).
async fn sign_in(server: &TestServer, secret: &str) -> Option<String> {
    let response = plain_http()
        .post(server.url("/_ramp/ui/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "access_key_id={ACCESS_KEY}&secret_access_key={secret}&next=%2F_ramp%2Fui%2F"
        ))
        .send()
        .await
        .unwrap();
    let cookie = response.headers().get("set-cookie")?.to_str().unwrap().to_owned();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Max-Age="));
    Some(cookie.split(';').next().unwrap().to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_credentials_the_dashboard_needs_a_login_and_csrf_tokens() {
    let server = TestServer::with_args(&["--access-key-id", ACCESS_KEY, "--secret-access-key", SECRET_KEY]);
    let client = server.appconfig();
    let w = world(&client).await;
    let http = plain_http();

    // Without a session nothing is shown: pages send to the login, the rest answers 401.
    let page = http
        .get(server.url(&format!("/_ramp/ui/us-east-1/apps/{}", w.app)))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 303);
    assert!(
        page.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/_ramp/ui/login?next=")
    );
    for path in [
        format!("/_ramp/ui/us-east-1/apps/{}/live", w.app),
        "/_ramp/ui/events".to_owned(),
        "/_ramp/ui/us-east-1/".to_owned(),
    ] {
        let response = http.get(server.url(&path)).send().await.unwrap();
        assert_eq!(response.status(), 401, "{path}");
        assert!(!response.text().await.unwrap().contains("shop"));
    }
    assert!(
        sign_in(&server, "wrong-secret").await.is_none(),
        "a wrong secret signs in"
    );

    // With a session, a POST needs its CSRF token, and not from another site.
    let cookie = sign_in(&server, SECRET_KEY).await.expect("signed in");
    let alarms = server.url("/_ramp/ui/us-east-1/alarms");
    let page = page_with_cookie(&alarms, &cookie).await;
    let token = page
        .split("name=\"csrf-token\" content=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the page carries its CSRF token")
        .to_owned();
    let post = |body: String, origin: Option<&'static str>| {
        let mut request = http
            .post(&alarms)
            .header("cookie", &cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        request.send()
    };
    let form = "name=errors&state=ALARM&reason=test";
    assert_eq!(post(form.to_owned(), None).await.unwrap().status(), 403, "no token");
    assert_eq!(
        post(format!("{form}&csrf=forged"), None).await.unwrap().status(),
        403,
        "wrong token"
    );
    assert_eq!(
        post(format!("{form}&csrf={token}"), Some("http://evil.example"))
            .await
            .unwrap()
            .status(),
        403,
        "another site"
    );
    let answer = post(format!("{form}&csrf={token}"), None).await.unwrap();
    assert_eq!(answer.status(), 303, "with the token");
    let page = page_with_cookie(&alarms, &cookie).await;
    assert!(
        page.contains("<span class=\"badge bad\">ALARM</span>"),
        "the alarm was not set"
    );

    // In the browser: the login page, a wrong secret refused, the right one let in.
    let Some(driver) = Driver::start().await else { return };
    let browser = driver.browser(LAPTOP.0, LAPTOP.1).await;
    browser.goto(&server.url("/")).await;
    browser.wait_for_text("h1", |t| t == "Sign in").await;
    assert!(!browser.text("body").await.contains("shop"));
    browser.screenshot(&screenshot_path("login.png")).await;
    browser.fill("#access_key_id", ACCESS_KEY).await;
    browser.fill("#secret_access_key", "wrong-secret").await;
    browser.click("button[type=submit]").await;
    browser.wait_for_text("[role=alert]", |t| t.contains("wrong")).await;
    browser.fill("#secret_access_key", SECRET_KEY).await;
    browser.click("main button[type=submit]").await;
    browser.wait_for_text("main", |t| t.contains("shop")).await;
    assert!(browser.current_url().await.ends_with("/_ramp/ui/us-east-1/"));
    browser.close().await;
}

/// The 1,000-environment figure in README: seeds one application with 1,000 environments (each
/// with a deployment), then times the page on the server and in the browser. Run with
/// `cargo test --release -p ramp --test browser -- --ignored --nocapture thousand`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement, not a check: run by hand for README's figure"]
async fn thousand_environments_render_fast() {
    let Some(driver) = Driver::start().await else { return };
    let server = TestServer::with_args(&["--quota-environments-per-application", "1000"]);
    let client = server.appconfig();
    let w = world(&client).await;
    let mut envs = vec![w.prod.clone()];
    for i in 0..998 {
        let env = client
            .create_environment()
            .application_id(&w.app)
            .name(format!("env-{i:04}"))
            .send()
            .await
            .unwrap()
            .id
            .unwrap();
        envs.push(env);
    }
    for env in &envs {
        client
            .start_deployment()
            .application_id(&w.app)
            .environment_id(env)
            .configuration_profile_id(&w.profile)
            .deployment_strategy_id(&w.instant)
            .configuration_version("1")
            .send()
            .await
            .unwrap();
    }
    server.advance_clock(0).await;
    let url = server.url(&format!("/_ramp/ui/us-east-1/apps/{}", w.app));
    let http = reqwest::Client::new();
    let mut server_times = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        let page = http.get(&url).send().await.unwrap().text().await.unwrap();
        server_times.push(started.elapsed());
        assert_eq!(page.matches("<tr data-environment=").count(), 1000);
    }
    let browser = driver.browser(LAPTOP.0, LAPTOP.1).await;
    let mut browser_times = Vec::new();
    for _ in 0..3 {
        browser.goto(&url).await;
        let load = browser
            .execute(
                "const n = performance.getEntriesByType('navigation')[0]; return n.loadEventEnd - n.startTime;",
                json!([]),
            )
            .await;
        browser_times.push(load.as_f64().unwrap_or(f64::NAN));
    }
    println!(
        "1,000 environments: server {server_times:?} per page; browser navigation to load event {browser_times:?} ms"
    );
    browser.assert_no_console_errors().await;
    browser.close().await;
}
