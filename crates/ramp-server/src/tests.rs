//! The registry and the pipeline with test doubles: a service plugged in with one registration
//! line, and a site host.

use std::sync::{Arc, LazyLock};

use axum::body::Body;
use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use http::{Method, StatusCode};
use http_body_util::BodyExt;
use ramp_clock::{ManualClock, SharedClock, Timestamp};
use ramp_domain::appconfig::{AppConfig, Quotas};
use ramp_domain::dataplane::DataPlane;
use ramp_domain::store::Store;
use ramp_engine::Engine;
use ramp_protocol::routing::{Route, Router};
use ramp_protocol::{AwsError, AwsResponse, Dialect};
use serde_json::Value;
use tower::ServiceExt;

use crate::registry::{Registry, arn_service};
use crate::service::{Auth, BodyPolicy, BoxFuture, Call, Service};
use crate::{AppState, Credentials, SiteHost, router, services};

// ---- A test double service ----

/// A service whose wire conventions differ from AppConfig's: `message`, `InternalFailureException`,
/// a 400 for an oversized body.
static ECHO_DIALECT: Dialect = Dialect {
    message_member: "message",
    internal: ("InternalFailureException", StatusCode::INTERNAL_SERVER_ERROR),
    body_too_large: ("BadRequestException", StatusCode::BAD_REQUEST),
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EchoOp {
    Say,
    Upload,
    Stream,
    Fail,
    ListTags,
}

static ECHO_ROUTES: LazyLock<Router<EchoOp>> = LazyLock::new(|| {
    let route = |method, template, op| Route { method, template, op };
    Router::new(&[
        route(Method::POST, "/echo/say", EchoOp::Say),
        route(Method::PUT, "/echo/uploads/{Key}", EchoOp::Upload),
        route(Method::PUT, "/echo/streams/{Key}", EchoOp::Stream),
        route(Method::GET, "/echo/fail", EchoOp::Fail),
        route(Method::GET, "/tags/{ResourceArn}", EchoOp::ListTags),
    ])
});

const SAY_LIMIT: usize = 16;

struct Echo;

impl Service for Echo {
    type Op = EchoOp;
    const NAME: &'static str = "Echo";
    const SIGNING_NAME: &'static str = "echo";
    const DIALECT: &'static Dialect = &ECHO_DIALECT;
    const ARN_SERVICE: Option<&'static str> = Some("echo");

    fn routes(&self) -> &Router<EchoOp> {
        &ECHO_ROUTES
    }

    fn operation_name(&self, op: EchoOp) -> &'static str {
        match op {
            EchoOp::Say => "Say",
            EchoOp::Upload => "Upload",
            EchoOp::Stream => "Stream",
            EchoOp::Fail => "Fail",
            EchoOp::ListTags => "ListTagsForResource",
        }
    }

    fn body_policy(&self, _: &AppState, op: EchoOp) -> BodyPolicy {
        match op {
            EchoOp::Upload | EchoOp::Stream => BodyPolicy::Streamed,
            _ => BodyPolicy::buffered(SAY_LIMIT),
        }
    }

    fn auth(&self, op: EchoOp) -> Auth {
        match op {
            EchoOp::Upload => Auth::Own,
            _ => Auth::SigV4,
        }
    }

    async fn call<'a>(&'a self, op: EchoOp, call: Call<'a>) -> Result<AwsResponse, AwsError> {
        match op {
            EchoOp::Say => Ok(AwsResponse::payload(
                StatusCode::OK,
                "text/plain",
                call.request.body.clone(),
            )),
            EchoOp::Upload | EchoOp::Stream => {
                assert!(call.request.body.is_empty(), "a streamed body is not buffered");
                let mut stream = call.stream.ok_or_else(AwsError::internal)?;
                let mut size = 0;
                while let Some(frame) = stream.frame().await {
                    let frame = frame.map_err(|_| AwsError::bad_request("broken upload"))?;
                    size += frame.data_ref().map_or(0, |data| data.len());
                }
                let key = call.labels.get("Key");
                AwsResponse::json(StatusCode::OK, &serde_json::json!({ "key": key, "size": size }))
            }
            EchoOp::Fail => Err(AwsError::internal()),
            EchoOp::ListTags => AwsResponse::json(
                StatusCode::OK,
                &serde_json::json!({ "resourceArn": call.labels.get("ResourceArn") }),
            ),
        }
    }
}

/// ramp's services and the double: the one registration line a new service needs.
fn with_echo() -> Registry {
    services().with(Echo)
}

// ---- A test double site host ----

struct FakeSites;

impl SiteHost for FakeSites {
    fn serves(&self, host: &str) -> bool {
        host.eq_ignore_ascii_case("main.d1abc.sites.test")
    }

    fn serve(&self, request: Request) -> BoxFuture<'_, Response> {
        let path = request.uri().path().to_owned();
        Box::pin(async move { (StatusCode::OK, format!("site page {path}")).into_response() })
    }
}

// ---- Helpers ----

const AKID: &str = "AKIDRAMPTEST";
const SECRET: &str = "ramp-test-secret";
const NOW_MILLIS: i64 = 1_700_000_000_000;

/// A PUT of `body` to `path`, signed for Echo by the official signer, over the body or as
/// `UNSIGNED-PAYLOAD`.
fn sdk_signed(path: &str, body: &[u8], unsigned_payload: bool) -> http::request::Builder {
    use aws_sigv4::http_request::{PayloadChecksumKind, SignableBody, SignableRequest, SigningSettings, sign};
    use aws_smithy_runtime_api::client::identity::Identity;
    let mut request = Request::builder()
        .method(Method::PUT)
        .uri(format!("http://localhost{path}"))
        .header("host", "localhost")
        .body(())
        .unwrap();
    let identity: Identity = aws_credential_types::Credentials::new(AKID, SECRET, None, None, "test").into();
    let mut settings = SigningSettings::default();
    settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
    let params = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name("echo")
        .time(std::time::UNIX_EPOCH + std::time::Duration::from_millis(NOW_MILLIS as u64))
        .settings(settings)
        .build()
        .unwrap()
        .into();
    let signable_body = if unsigned_payload {
        SignableBody::UnsignedPayload
    } else {
        SignableBody::Bytes(body)
    };
    let headers: Vec<(&str, &str)> = request
        .headers()
        .iter()
        .map(|(name, value)| (name.as_str(), value.to_str().unwrap()))
        .collect();
    let signable = SignableRequest::new("PUT", request.uri().to_string(), headers.into_iter(), signable_body).unwrap();
    let (instructions, _) = sign(signable, &params).unwrap().into_parts();
    instructions.apply_to_request_http1x(&mut request);
    let mut builder = Request::builder().method(Method::PUT).uri(path);
    for (name, value) in request.headers() {
        builder = builder.header(name, value);
    }
    builder
}

async fn state(services: Registry, sites: Option<Arc<dyn SiteHost>>, credentials: Credentials) -> Arc<AppState> {
    let store: Arc<dyn Store> = Arc::new(ramp_store::SqliteStore::open_in_memory().unwrap());
    let clock: SharedClock = Arc::new(ManualClock::new(Timestamp::from_millis(NOW_MILLIS)));
    Arc::new(AppState {
        appconfig: AppConfig::new(store.clone(), clock.clone(), Quotas::default())
            .await
            .unwrap(),
        engine: Arc::new(Engine::new(store.clone(), clock.clone())),
        dataplane: Arc::new(DataPlane::new(store, clock.clone()).await.unwrap()),
        alertmanager_token: None,
        clock: clock.clone(),
        signature_clock: clock,
        manual_clock: None,
        credentials,
        default_region: "us-east-1".to_owned(),
        account_id: "000000000000".to_owned(),
        max_body_bytes: 1024 * 1024,
        webhook_secret: b"test".to_vec(),
        log_requests: false,
        services,
        sites,
        amplify: None,
        hosting: None,
        dashboard: crate::dashboard::Dashboard::new(b"test"),
    })
}

struct Answer {
    status: u16,
    error_type: String,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|_| panic!("JSON, got {:?}", String::from_utf8_lossy(&self.body)))
    }
}

async fn send(state: &Arc<AppState>, request: http::request::Builder, body: impl Into<Body>) -> Answer {
    let response = router(state.clone())
        .oneshot(request.body(body.into()).unwrap())
        .await
        .unwrap();
    let status = response.status().as_u16();
    let error_type = response
        .headers()
        .get("x-amzn-errortype")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = response.into_body().collect().await.unwrap().to_bytes().to_vec();
    Answer {
        status,
        error_type,
        body,
    }
}

fn get(path: &str) -> http::request::Builder {
    Request::builder().method(Method::GET).uri(path)
}

fn tags_path(arn: &str) -> String {
    let encoded: String = percent_encoding::utf8_percent_encode(arn, percent_encoding::NON_ALPHANUMERIC).collect();
    format!("/tags/{encoded}")
}

/// The service and operation `method path` routes to, or the error's name, status and dialect's
/// message member.
fn route(
    registry: &Registry,
    method: Method,
    path: &str,
) -> Result<(&'static str, &'static str), (String, u16, &'static str)> {
    route_signed(registry, method, path, &http::HeaderMap::new())
}

fn route_signed(
    registry: &Registry,
    method: Method,
    path: &str,
    headers: &http::HeaderMap,
) -> Result<(&'static str, &'static str), (String, u16, &'static str)> {
    match registry.route(&method, path, headers) {
        Ok(routed) => Ok((routed.service.name(), routed.service.operation_name(routed.op))),
        Err(unrouted) => Err((
            format!("{}: {}", unrouted.error.name(unrouted.dialect), unrouted.error.message),
            unrouted.error.status(unrouted.dialect).as_u16(),
            unrouted.dialect.message_member,
        )),
    }
}

// ---- The registry ----

#[test]
fn requests_go_to_the_service_whose_table_has_them() {
    let registry = with_echo();
    assert_eq!(
        registry.names().collect::<Vec<_>>(),
        ["AppConfig", "AppConfigData", "Amplify", "Echo"]
    );
    assert_eq!(
        route(&registry, Method::GET, "/applications"),
        Ok(("AppConfig", "ListApplications"))
    );
    assert_eq!(
        route(&registry, Method::GET, "/configuration"),
        Ok(("AppConfigData", "GetLatestConfiguration"))
    );
    assert_eq!(
        route(&registry, Method::POST, "/configurationsessions"),
        Ok(("AppConfigData", "StartConfigurationSession"))
    );
    assert_eq!(route(&registry, Method::POST, "/echo/say"), Ok(("Echo", "Say")));
    assert_eq!(
        route(&registry, Method::PUT, "/echo/uploads/a%2Fb"),
        Ok(("Echo", "Upload"))
    );
}

#[test]
fn tag_requests_go_to_the_service_their_arn_names() {
    let registry = with_echo();
    let appconfig = "arn:aws:appconfig:us-east-1:000000000000:application/abc1234";
    for method in [Method::GET, Method::POST, Method::DELETE] {
        let expected = match method {
            Method::GET => "ListTagsForResource",
            Method::POST => "TagResource",
            _ => "UntagResource",
        };
        assert_eq!(
            route(&registry, method, &tags_path(appconfig)),
            Ok(("AppConfig", expected))
        );
    }
    assert_eq!(
        route(
            &registry,
            Method::GET,
            &tags_path("arn:aws:echo:us-east-1:000000000000:thing/x")
        ),
        Ok(("Echo", "ListTagsForResource"))
    );
    // Echo has no POST /tags: that is Echo's unknown operation, in Echo's dialect.
    let (error, status, member) = route(
        &registry,
        Method::POST,
        &tags_path("arn:aws:echo:us-east-1:000000000000:thing/x"),
    )
    .unwrap_err();
    assert!(error.starts_with("UnknownOperationException"), "{error}");
    assert_eq!((status, member), (404, "message"));
}

#[test]
fn a_tag_request_for_a_service_ramp_does_not_host_is_a_bad_request_naming_it() {
    let registry = services();
    for arn in [
        "arn:aws:lambda:us-east-1:000000000000:function:f",
        "arn:aws:s3:::bucket/key",
        "arn:aws:echo:us-east-1:000000000000:thing/x",
    ] {
        let service = arn_service(arn).unwrap();
        for method in [Method::GET, Method::POST, Method::DELETE] {
            let (error, status, member) = route(&registry, method, &tags_path(arn)).unwrap_err();
            assert_eq!((status, member), (400, "Message"), "{arn}");
            assert!(error.starts_with("BadRequestException"), "{error}");
            assert!(error.contains(&format!("'{service}'")), "{error}");
            assert!(error.contains("appconfig"), "names what is hosted: {error}");
        }
    }
}

#[test]
fn a_tag_request_whose_arn_does_not_parse_goes_to_appconfig() {
    let registry = with_echo();
    for arn in [
        "not-an-arn-but-long-enough",
        "arn:aws:appconfig",
        "arn:aws::us-east-1:1:x",
    ] {
        assert_eq!(
            route(&registry, Method::GET, &tags_path(arn)),
            Ok(("AppConfig", "ListTagsForResource")),
            "{arn}"
        );
    }
    // Not UTF-8 once decoded: AppConfig's label decoding names the member.
    let (error, status, _) = route(&registry, Method::GET, "/tags/arn%FF").unwrap_err();
    assert_eq!(status, 400);
    assert!(error.contains("ResourceArn"), "{error}");
}

#[test]
fn arns_are_read_by_their_parts() {
    assert_eq!(
        arn_service("arn:aws:appconfig:us-east-1:000000000000:application/a"),
        Some("appconfig")
    );
    assert_eq!(
        arn_service("arn:aws-cn:amplify:cn-north-1:1:apps/d1/branches/a:b"),
        Some("amplify")
    );
    assert_eq!(arn_service("arn:aws:s3:::bucket"), Some("s3"));
    for malformed in [
        "",
        "arn",
        "arn:aws:s3::",
        "arn::s3:::b",
        "urn:aws:s3:::b",
        "arn:aws:S3:::b",
        "arn:aws::r:a:x",
    ] {
        assert_eq!(arn_service(malformed), None, "{malformed}");
    }
}

#[test]
fn unrouted_requests_answer_in_the_dialect_of_the_service_they_are_signed_for() {
    let registry = with_echo();
    let (error, status, member) = route(&registry, Method::GET, "/nothing/here").unwrap_err();
    assert!(error.starts_with("UnknownOperationException"));
    assert_eq!((status, member), (404, "Message"), "AppConfig's, the first registered");

    let mut signed_for_echo = http::HeaderMap::new();
    signed_for_echo.insert(
        http::header::AUTHORIZATION,
        "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/echo/aws4_request, SignedHeaders=host, Signature=00"
            .parse()
            .unwrap(),
    );
    let (_, _, member) = route_signed(&registry, Method::GET, "/nothing/here", &signed_for_echo).unwrap_err();
    assert_eq!(member, "message");
    let (_, _, member) = route(&registry, Method::DELETE, "/echo/say").unwrap_err();
    assert_eq!(
        member, "message",
        "a wrong method on Echo's path is Echo's unknown operation"
    );
    let (_, _, member) = route(&Registry::new(), Method::GET, "/applications").unwrap_err();
    assert_eq!(member, "Message", "an empty registry still answers");
}

#[tokio::test]
async fn body_policies_are_per_operation() {
    let registry = with_echo();
    let policy = |method, path| {
        let routed = registry.route(&method, path, &http::HeaderMap::new()).ok().unwrap();
        (routed.service, routed.op)
    };
    let state = state(services(), None, Credentials::default()).await;
    let (service, op) = policy(Method::PUT, "/echo/uploads/k");
    assert!(matches!(service.body_policy(&state, op), BodyPolicy::Streamed));
    let (service, op) = policy(Method::POST, "/echo/say");
    assert!(matches!(
        service.body_policy(&state, op),
        BodyPolicy::Buffered { limit: SAY_LIMIT, .. }
    ));
    let (service, op) = policy(Method::POST, "/applications");
    assert!(
        matches!(service.body_policy(&state, op), BodyPolicy::Buffered { limit, .. } if limit == state.max_body_bytes)
    );
}

// ---- Through the pipeline ----

#[tokio::test]
async fn a_registered_service_is_served_in_its_own_dialect() {
    let state = state(with_echo(), None, Credentials::default()).await;

    let said = send(
        &state,
        Request::builder().method(Method::POST).uri("/echo/say"),
        "hello",
    )
    .await;
    assert_eq!((said.status, said.body.as_slice()), (200, b"hello".as_slice()));

    let too_long = send(
        &state,
        Request::builder().method(Method::POST).uri("/echo/say"),
        "x".repeat(SAY_LIMIT + 1),
    )
    .await;
    assert_eq!(
        (too_long.status, too_long.error_type.as_str()),
        (400, "BadRequestException")
    );
    assert_eq!(too_long.json()["message"], "Request body too large");

    let failed = send(&state, get("/echo/fail"), Body::empty()).await;
    assert_eq!(
        (failed.status, failed.error_type.as_str()),
        (500, "InternalFailureException")
    );
    assert!(failed.json()["message"].is_string() && failed.json().get("Message").is_none());

    let tags = send(
        &state,
        get(&tags_path("arn:aws:echo:us-east-1:000000000000:thing/x")),
        Body::empty(),
    )
    .await;
    assert_eq!(
        tags.json()["resourceArn"],
        "arn:aws:echo:us-east-1:000000000000:thing/x"
    );

    // AppConfig is unchanged beside it.
    let apps = send(&state, get("/applications"), Body::empty()).await;
    assert_eq!(apps.status, 200);
    let unknown = send(&state, get("/nothing/here"), Body::empty()).await;
    assert_eq!(
        (unknown.status, unknown.error_type.as_str()),
        (404, "UnknownOperationException")
    );
    assert!(unknown.json()["Message"].is_string());
    let foreign = send(
        &state,
        get(&tags_path("arn:aws:lambda:us-east-1:000000000000:function:f")),
        Body::empty(),
    )
    .await;
    assert_eq!(
        (foreign.status, foreign.error_type.as_str()),
        (400, "BadRequestException")
    );
    // Amplify's ARNs go to Amplify, which says so when this server does not host it.
    let amplify = send(
        &state,
        get(&tags_path("arn:aws:amplify:us-east-1:000000000000:apps/d1abc")),
        Body::empty(),
    )
    .await;
    assert_eq!(
        (amplify.status, amplify.error_type.as_str()),
        (501, "NotImplementedException")
    );
    assert!(
        amplify.json()["message"]
            .as_str()
            .unwrap()
            .contains("Amplify Hosting is not enabled")
    );
}

#[tokio::test]
async fn a_streamed_operation_gets_its_body_unread_and_past_any_buffer_limit() {
    let state = state(with_echo(), None, Credentials::default()).await;
    let big = vec![b'z'; 3 * 1024 * 1024];
    let uploaded = send(
        &state,
        Request::builder().method(Method::PUT).uri("/echo/uploads/site%2Fa.zip"),
        big,
    )
    .await;
    assert_eq!(uploaded.status, 200);
    assert_eq!(
        uploaded.json(),
        serde_json::json!({ "key": "site/a.zip", "size": 3 * 1024 * 1024 })
    );
}

#[tokio::test]
async fn authentication_follows_the_operation_and_errors_the_dialect() {
    let credentials = Credentials::new([("AKID".to_owned(), "secret".to_owned())]);
    let state = state(with_echo(), None, credentials).await;
    let unsigned = send(&state, Request::builder().method(Method::POST).uri("/echo/say"), "hi").await;
    assert_eq!(
        (unsigned.status, unsigned.error_type.as_str()),
        (403, "MissingAuthenticationTokenException")
    );
    assert!(unsigned.json()["message"].is_string());
    let unsigned = send(&state, get("/applications"), Body::empty()).await;
    assert_eq!(unsigned.status, 403);
    assert!(unsigned.json()["Message"].is_string());
    // An operation that checks its own credentials is not asked for SigV4.
    let upload = send(
        &state,
        Request::builder().method(Method::PUT).uri("/echo/uploads/k"),
        "data",
    )
    .await;
    assert_eq!(upload.status, 200);
}

#[tokio::test]
async fn a_signed_streamed_operation_is_signed_as_unsigned_payload() {
    let credentials = Credentials::new([(AKID.to_owned(), SECRET.to_owned())]);
    let state = state(with_echo(), None, credentials).await;
    let path = "/echo/streams/k";
    // Signed over its body, as SDKs sign JSON operations: refused before the body is read.
    let refused = send(&state, sdk_signed(path, b"data", false), "data").await;
    assert_eq!(
        (refused.status, refused.error_type.as_str()),
        (403, "InvalidSignatureException")
    );
    assert!(refused.json()["message"].as_str().unwrap().contains("UNSIGNED-PAYLOAD"));
    let streamed = send(&state, sdk_signed(path, b"data", true), "data").await;
    assert_eq!(streamed.status, 200, "{:?}", String::from_utf8_lossy(&streamed.body));
    assert_eq!(streamed.json()["size"], 4);
    // The signature is still checked.
    let forged = send(
        &state,
        sdk_signed("/echo/streams/other", b"data", true).uri(path),
        "data",
    )
    .await;
    assert_eq!(forged.status, 403);
}

#[tokio::test]
async fn a_site_host_serves_its_hosts_before_aws_routing() {
    let state = state(services(), Some(Arc::new(FakeSites)), Credentials::default()).await;
    let page = send(
        &state,
        get("/applications").header("host", "Main.d1abc.sites.test:4566"),
        Body::empty(),
    )
    .await;
    assert_eq!(
        (page.status, page.body.as_slice()),
        (200, b"site page /applications".as_slice())
    );
    let aws = send(
        &state,
        get("/applications").header("host", "127.0.0.1:4566"),
        Body::empty(),
    )
    .await;
    assert_eq!(aws.status, 200);
    assert!(aws.json()["Items"].is_array(), "AppConfig answered");
    let other = send(&state, get("/").header("host", "other.d1abc.sites.test"), Body::empty()).await;
    assert_eq!(
        (other.status, other.error_type.as_str()),
        (404, "UnknownOperationException")
    );
}
