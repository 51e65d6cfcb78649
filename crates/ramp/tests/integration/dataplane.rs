//! AppConfigData through the official SDK: token chains, poll intervals, and what each client
//! session receives at every moment of a rollout, a rollback and a revert.

use aws_sdk_appconfig::types::GrowthType;
use aws_sdk_appconfigdata::Client as DataClient;
use aws_sdk_appconfigdata::error::ProvideErrorMetadata;
use aws_sdk_appconfigdata::operation::get_latest_configuration::GetLatestConfigurationOutput;
use aws_sdk_appconfigdata::types::{BadRequestDetails, InvalidParameterProblem};

use crate::deployments::{deploy, world};
use crate::harness::TestServer;

pub async fn session(data: &DataClient, app: &str, env: &str, profile: &str) -> String {
    data.start_configuration_session()
        .application_identifier(app)
        .environment_identifier(env)
        .configuration_profile_identifier(profile)
        .required_minimum_poll_interval_in_seconds(15)
        .send()
        .await
        .unwrap()
        .initial_configuration_token()
        .unwrap()
        .to_owned()
}

pub async fn poll(data: &DataClient, token: &str) -> GetLatestConfigurationOutput {
    data.get_latest_configuration()
        .configuration_token(token)
        .send()
        .await
        .unwrap()
}

pub fn body(out: &GetLatestConfigurationOutput) -> String {
    String::from_utf8(out.configuration().map(|b| b.as_ref().to_vec()).unwrap_or_default()).unwrap()
}

fn problem<E: ProvideErrorMetadata + std::fmt::Debug>(
    err: &aws_sdk_appconfigdata::error::SdkError<E, aws_sdk_appconfigdata::config::http::HttpResponse>,
) -> (String, String) {
    let raw: serde_json::Value = serde_json::from_slice(err.raw_response().unwrap().body().bytes().unwrap()).unwrap();
    let code = err
        .as_service_error()
        .and_then(|e| e.code())
        .unwrap_or_default()
        .to_owned();
    (
        code,
        raw["Details"]["InvalidParameters"]["ConfigurationToken"]["Problem"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    )
}

#[tokio::test]
async fn token_chain_intervals_and_empty_bodies() {
    let server = TestServer::start();
    let client = server.appconfig();
    let data = server.appconfigdata();
    let w = world(&client).await;

    // By names, before anything is deployed: an empty body and a next token.
    let token = session(&data, "app", "prod", "profile").await;
    let first = poll(&data, &token).await;
    assert_eq!(body(&first), "");
    assert_eq!(first.next_poll_interval_in_seconds(), 15);

    deploy(&client, &w, &w.profile, "AppConfig.AllAtOnce", "v1").await;
    server.advance_clock(0).await;

    // Too early: refused, and the token stays good.
    let next = first.next_poll_configuration_token().unwrap().to_owned();
    let err = data
        .get_latest_configuration()
        .configuration_token(&next)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        problem(&err),
        ("BadRequestException".into(), "PollIntervalNotSatisfied".into())
    );
    assert!(
        err.as_service_error()
            .unwrap()
            .message()
            .unwrap()
            .contains("Request too early")
    );
    if let Some(BadRequestDetails::InvalidParameters(map)) = err.as_service_error().and_then(|e| match e {
        aws_sdk_appconfigdata::operation::get_latest_configuration::GetLatestConfigurationError::BadRequestException(b) => b.details().cloned(),
        _ => None,
    }) {
        assert_eq!(map["ConfigurationToken"].problem(), Some(&InvalidParameterProblem::PollIntervalNotSatisfied));
    } else {
        panic!("the SDK reads Details.InvalidParameters");
    }

    server.advance_clock(15).await;
    let got = poll(&data, &next).await;
    assert_eq!(body(&got), r#"{"release": "v1"}"#);
    assert_eq!(got.content_type(), Some("application/json"));
    assert_eq!(got.version_label(), Some("v1"));

    server.advance_clock(15).await;
    let unchanged = poll(&data, got.next_poll_configuration_token().unwrap()).await;
    assert_eq!(body(&unchanged), "", "empty when the session already has it");

    // Single use, tamper-proof, 24 hours.
    let err = data
        .get_latest_configuration()
        .configuration_token(&next)
        .send()
        .await
        .unwrap_err();
    assert_eq!(problem(&err).1, "Corrupted");
    let mut forged = unchanged.next_poll_configuration_token().unwrap().to_owned();
    forged.insert(3, 'x');
    let err = data
        .get_latest_configuration()
        .configuration_token(&forged)
        .send()
        .await
        .unwrap_err();
    assert_eq!(problem(&err).1, "Corrupted");
    server.advance_clock(25 * 3600).await;
    let err = data
        .get_latest_configuration()
        .configuration_token(unchanged.next_poll_configuration_token().unwrap())
        .send()
        .await
        .unwrap_err();
    assert_eq!(problem(&err).1, "Expired");
}

/// Only a session token with its whole tag opens: not one whose tag is cut to a byte (each
/// of the 256 possible, so a check of the first byte alone would let one through), nor a
/// `NextToken`, which the same server signed for another purpose.
#[tokio::test]
async fn truncated_tags_and_next_tokens_are_corrupted_session_tokens() {
    let server = TestServer::start();
    let client = server.appconfig();
    let data = server.appconfigdata();
    let w = world(&client).await;
    client.create_application().name("second").send().await.unwrap();
    let token = session(&data, &w.app, &w.env, &w.profile).await;
    let (payload, _) = token.split_once('.').unwrap();
    let mut refused = vec![format!("{payload}.")];
    refused.extend((0..=255u8).map(|byte| format!("{payload}.{}", base64url_of_one_byte(byte))));
    let page = client.list_applications().max_results(1).send().await.unwrap();
    refused.push(page.next_token().unwrap().to_owned());
    for bad in &refused {
        let err = data
            .get_latest_configuration()
            .configuration_token(bad)
            .send()
            .await
            .unwrap_err();
        assert_eq!(problem(&err).1, "Corrupted", "{bad}");
    }
    // The session's own token is still good.
    poll(&data, &token).await;
}

/// One byte in unpadded base64url: two characters.
fn base64url_of_one_byte(byte: u8) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    [
        ALPHABET[usize::from(byte >> 2)],
        ALPHABET[usize::from(byte & 0b11) << 4],
    ]
    .iter()
    .map(|&c| char::from(c))
    .collect()
}

#[tokio::test]
async fn session_errors() {
    let server = TestServer::start();
    let client = server.appconfig();
    let data = server.appconfigdata();
    let w = world(&client).await;
    let err = data
        .start_configuration_session()
        .application_identifier("nope")
        .environment_identifier(&w.env)
        .configuration_profile_identifier(&w.profile)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.as_service_error().and_then(|e| e.code()),
        Some("ResourceNotFoundException")
    );
    let raw: serde_json::Value = serde_json::from_slice(err.raw_response().unwrap().body().bytes().unwrap()).unwrap();
    assert_eq!(raw["ResourceType"], "Application");
    assert_eq!(raw["ReferencedBy"]["ApplicationIdentifier"], "nope");
    let err = data
        .start_configuration_session()
        .application_identifier(&w.app)
        .environment_identifier(&w.env)
        .configuration_profile_identifier("missing")
        .send()
        .await
        .unwrap_err();
    let raw: serde_json::Value = serde_json::from_slice(err.raw_response().unwrap().body().bytes().unwrap()).unwrap();
    assert_eq!(raw["ResourceType"], "ConfigurationProfile");
    let err = data
        .start_configuration_session()
        .application_identifier(&w.app)
        .environment_identifier(&w.env)
        .configuration_profile_identifier(&w.profile)
        .required_minimum_poll_interval_in_seconds(14)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.as_service_error().and_then(|e| e.code()),
        Some("BadRequestException")
    );
    // Default interval: 60 seconds.
    let token = data
        .start_configuration_session()
        .application_identifier(&w.app)
        .environment_identifier(&w.env)
        .configuration_profile_identifier(&w.profile)
        .send()
        .await
        .unwrap();
    let out = poll(&data, token.initial_configuration_token().unwrap()).await;
    assert_eq!(out.next_poll_interval_in_seconds(), 60);
}

#[tokio::test]
async fn a_quarter_of_two_thousand_sessions_get_the_new_version_at_25_percent() {
    let server = TestServer::start();
    let client = server.appconfig();
    let data = server.appconfigdata();
    let w = world(&client).await;
    let start = |version: &str, strategy: &str| {
        client
            .start_deployment()
            .application_id(&w.app)
            .environment_id(&w.env)
            .configuration_profile_id(&w.profile)
            .deployment_strategy_id(strategy)
            .configuration_version(version)
            .send()
    };
    start("v1", "AppConfig.AllAtOnce").await.unwrap();
    server.advance_clock(11 * 60).await;
    let strategy = client
        .create_deployment_strategy()
        .name("quarter")
        .deployment_duration_in_minutes(15)
        .growth_factor(25.0)
        .growth_type(GrowthType::Linear)
        .send()
        .await
        .unwrap();
    let strategy_id = strategy.id().unwrap().to_owned();

    // 2,000 sessions, each holding v1.
    let mut tokens = Vec::new();
    for _ in 0..2000 {
        let token = session(&data, &w.app, &w.env, &w.profile).await;
        let first = poll(&data, &token).await;
        assert_eq!(body(&first), r#"{"release": "v1"}"#);
        tokens.push(first.next_poll_configuration_token().unwrap().to_owned());
    }
    let mut holds_v2 = vec![false; tokens.len()];

    // One round of polls: returns how many sessions received v2 in it and refreshes tokens.
    async fn round(data: &DataClient, tokens: &mut [String], holds_v2: &mut [bool]) -> (usize, usize) {
        let (mut got_v2, mut got_v1) = (0, 0);
        for (i, token) in tokens.iter_mut().enumerate() {
            let out = poll(data, token).await;
            match body(&out).as_str() {
                r#"{"release": "v2"}"# => {
                    assert!(!holds_v2[i], "a session that has v2 is not sent it again");
                    holds_v2[i] = true;
                    got_v2 += 1;
                }
                r#"{"release": "v1"}"# => {
                    assert!(holds_v2[i], "only sessions that had v2 get v1 again");
                    holds_v2[i] = false;
                    got_v1 += 1;
                }
                "" => {}
                other => panic!("unexpected configuration {other}"),
            }
            *token = out.next_poll_configuration_token().unwrap().to_owned();
        }
        (got_v2, got_v1)
    }

    let number = start("v2", &strategy_id).await.unwrap().deployment_number();
    server.advance_clock(3 * 60).await;
    let (at25, _) = round(&data, &mut tokens, &mut holds_v2).await;
    assert!(
        (400..=600).contains(&at25),
        "{at25} of 2000 sessions at 25 % (20–30 % expected)"
    );
    server.advance_clock(3 * 60).await;
    let (more, lost) = round(&data, &mut tokens, &mut holds_v2).await;
    let at50 = holds_v2.iter().filter(|h| **h).count();
    assert_eq!(lost, 0, "sessions keep v2 while the rollout goes on");
    assert!((900..=1100).contains(&at50), "{at50} of 2000 at 50 % ({more} new)");

    // An alarm rolls it back: exactly the sessions holding v2 receive v1 again.
    server.set_alarm("errors", "ALARM").await;
    server.advance_clock(60).await;
    let (gained, back_to_v1) = round(&data, &mut tokens, &mut holds_v2).await;
    assert_eq!((gained, back_to_v1), (0, at50));
    let d = client
        .get_deployment()
        .application_id(&w.app)
        .environment_id(&w.env)
        .deployment_number(number)
        .send()
        .await
        .unwrap();
    assert_eq!(d.state().unwrap().as_str(), "ROLLED_BACK");
}

#[tokio::test]
async fn a_revert_sends_everyone_back_to_the_previous_version() {
    let server = TestServer::start();
    let client = server.appconfig();
    let data = server.appconfigdata();
    let w = world(&client).await;
    for version in ["v1", "v2"] {
        deploy(&client, &w, &w.profile, "AppConfig.AllAtOnce", version).await;
        server.advance_clock(11 * 60).await;
    }
    let token = session(&data, &w.app, &w.env, &w.profile).await;
    let out = poll(&data, &token).await;
    assert_eq!(body(&out), r#"{"release": "v2"}"#);
    client
        .stop_deployment()
        .application_id(&w.app)
        .environment_id(&w.env)
        .deployment_number(2)
        .allow_revert(true)
        .send()
        .await
        .unwrap();
    server.advance_clock(15).await;
    let out = poll(&data, out.next_poll_configuration_token().unwrap()).await;
    assert_eq!(
        body(&out),
        r#"{"release": "v1"}"#,
        "a non-empty body with the previous version"
    );
    assert_eq!(out.version_label(), Some("v1"));
}

#[tokio::test]
#[allow(deprecated)] // GetConfiguration is deprecated by AWS, and still served
async fn legacy_get_configuration_targets_by_client_id() {
    let server = TestServer::start();
    let client = server.appconfig();
    let w = world(&client).await;
    let get = |client_version: Option<&str>| {
        client
            .get_configuration()
            .application("app")
            .environment("prod")
            .configuration("profile")
            .client_id("host-1")
            .set_client_configuration_version(client_version.map(str::to_owned))
            .send()
    };
    let err = get(None).await.unwrap_err();
    assert_eq!(
        err.as_service_error().and_then(|e| e.code()),
        Some("ResourceNotFoundException"),
        "nothing deployed yet"
    );
    deploy(&client, &w, &w.profile, "AppConfig.AllAtOnce", "2").await;
    server.advance_clock(0).await;
    let out = get(None).await.unwrap();
    assert_eq!(out.content().unwrap().as_ref(), br#"{"release": "v2"}"#);
    assert_eq!(out.configuration_version(), Some("2"));
    assert_eq!(out.content_type(), Some("application/json"));
    let again = get(Some("2")).await.unwrap();
    assert!(
        again.content().is_none_or(|c| c.as_ref().is_empty()),
        "the client has it already"
    );

    let flags = client
        .create_configuration_profile()
        .application_id(&w.app)
        .name("flags")
        .location_uri("hosted")
        .r#type("AWS.AppConfig.FeatureFlags")
        .send()
        .await
        .unwrap();
    let err = client
        .get_configuration()
        .application(&w.app)
        .environment(&w.env)
        .configuration(flags.id().unwrap())
        .client_id("c")
        .send()
        .await
        .unwrap_err();
    assert!(
        err.as_service_error()
            .unwrap()
            .message()
            .unwrap()
            .contains("GetLatestConfiguration")
    );
}

#[tokio::test]
async fn feature_flags_are_served_in_their_retrieval_format() {
    let server = TestServer::start();
    let client = server.appconfig();
    let data = server.appconfigdata();
    let w = world(&client).await;
    let flags = client
        .create_configuration_profile()
        .application_id(&w.app)
        .name("flags")
        .location_uri("hosted")
        .r#type("AWS.AppConfig.FeatureFlags")
        .send()
        .await
        .unwrap()
        .id()
        .unwrap()
        .to_owned();
    let document = r#"{"version":"1","flags":{"checkout":{"name":"Checkout","attributes":{"limit":{"constraints":{"type":"number"}}}},"beta":{"name":"Beta"}},"values":{"checkout":{"enabled":true,"limit":5},"beta":{"enabled":false}}}"#;
    client
        .create_hosted_configuration_version()
        .application_id(&w.app)
        .configuration_profile_id(&flags)
        .content(aws_sdk_appconfig::primitives::Blob::new(document))
        .content_type("application/json")
        .send()
        .await
        .unwrap();
    deploy(&client, &w, &flags, "AppConfig.AllAtOnce", "1").await;
    server.advance_clock(0).await;
    let token = session(&data, &w.app, &w.env, "flags").await;
    let out = poll(&data, &token).await;
    let served: serde_json::Value = serde_json::from_str(&body(&out)).unwrap();
    assert_eq!(
        served,
        serde_json::json!({"checkout": {"enabled": true, "limit": 5}, "beta": {"enabled": false}})
    );
    assert_eq!(out.content_type(), Some("application/json"));

    // With a multi-variant flag the document travels as Amazon Ion.
    server.advance_clock(11 * 60).await;
    let variants = r#"{"version":"1","flags":{"banner":{"name":"Banner"}},"values":{"banner":{"_variants":[{"name":"blue","enabled":true,"rule":"(eq $tier \"gold\")"},{"name":"plain","enabled":false}]}}}"#;
    client
        .create_hosted_configuration_version()
        .application_id(&w.app)
        .configuration_profile_id(&flags)
        .content(aws_sdk_appconfig::primitives::Blob::new(variants))
        .content_type("application/json")
        .send()
        .await
        .unwrap();
    deploy(&client, &w, &flags, "AppConfig.AllAtOnce", "2").await;
    server.advance_clock(15).await;
    let out = poll(&data, out.next_poll_configuration_token().unwrap()).await;
    assert_eq!(
        out.content_type(),
        Some("application/ion;type=AWS.AppConfig.FeatureFlags")
    );
    let ion = body(&out);
    assert!(ion.starts_with("banner::["), "{ion}");
    assert!(
        ion.contains("(eq $tier \"gold\"") && ion.contains(r#"\"_variant\": \"blue\""#),
        "{ion}"
    );
}

#[tokio::test]
async fn retrievals_turn_on_deletion_protection() {
    use aws_sdk_appconfig::types::{DeletionProtectionCheck, DeletionProtectionSettings};
    let server = TestServer::start();
    let client = server.appconfig();
    let data = server.appconfigdata();
    let w = world(&client).await;
    client
        .update_account_settings()
        .deletion_protection(
            DeletionProtectionSettings::builder()
                .enabled(true)
                .protection_period_in_minutes(30)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let delete = |check: DeletionProtectionCheck| {
        client
            .delete_environment()
            .application_id(&w.app)
            .environment_id(&w.env)
            .deletion_protection_check(check)
            .send()
    };
    let token = session(&data, &w.app, &w.env, &w.profile).await;
    let out = poll(&data, &token).await;
    let err = delete(DeletionProtectionCheck::Apply).await.unwrap_err();
    assert_eq!(
        err.as_service_error().and_then(|e| e.code()),
        Some("BadRequestException")
    );
    assert!(
        err.as_service_error()
            .unwrap()
            .message()
            .unwrap()
            .contains("Deletion protection")
    );

    // Older than an hour and used again just now: protected by the account default.
    server.advance_clock(2 * 3600).await;
    poll(&data, out.next_poll_configuration_token().unwrap()).await;
    assert!(delete(DeletionProtectionCheck::AccountDefault).await.is_err());
    // Past the 30-minute period, it can go.
    server.advance_clock(31 * 60).await;
    delete(DeletionProtectionCheck::AccountDefault).await.unwrap();
}
