//! The extension and extension association operations through the official SDK
//! (spec/appconfig.md §8.4–§8.6): versions, AWS-authored extensions, parameters, filters and
//! the rules that keep associations and extensions consistent.

use std::collections::HashMap;

use aws_sdk_appconfig::Client;
use aws_sdk_appconfig::types::{Action, ActionPoint, Parameter};

use crate::harness::{TestServer, error_code, error_message, new_application, new_hosted_profile};

pub fn webhook_action(url: &str) -> Action {
    Action::builder().name("hook").uri(url).build()
}

/// Creates an extension named `name` acting at `points` through `uri`, with `parameters`.
pub async fn new_extension(
    client: &Client,
    name: &str,
    points: &[ActionPoint],
    uri: &str,
    parameters: &[(&str, Parameter)],
) -> aws_sdk_appconfig::operation::create_extension::CreateExtensionOutput {
    let actions: HashMap<ActionPoint, Vec<Action>> =
        points.iter().map(|p| (p.clone(), vec![webhook_action(uri)])).collect();
    let parameters: HashMap<String, Parameter> = parameters.iter().map(|(k, p)| ((*k).to_owned(), p.clone())).collect();
    client
        .create_extension()
        .name(name)
        .set_actions(Some(actions))
        .set_parameters((!parameters.is_empty()).then_some(parameters))
        .send()
        .await
        .unwrap()
}

pub async fn associate(client: &Client, extension: &str, resource_arn: &str, parameters: &[(&str, &str)]) -> String {
    client
        .create_extension_association()
        .extension_identifier(extension)
        .resource_identifier(resource_arn)
        .set_parameters(Some(
            parameters
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        ))
        .send()
        .await
        .unwrap()
        .id()
        .unwrap()
        .to_owned()
}

pub fn app_arn(app: &str) -> String {
    format!("arn:aws:appconfig:us-east-1:000000000000:application/{app}")
}

const HOOK: &str = "https://hooks.example.com/appconfig";

#[tokio::test]
async fn versions_are_created_with_latest_version_number_and_read_by_id_name_or_arn() {
    let server = TestServer::start();
    let client = server.appconfig();
    let v1 = new_extension(&client, "gate", &[ActionPoint::OnDeploymentComplete], HOOK, &[]).await;
    let id = v1.id().unwrap().to_owned();
    assert_eq!(v1.version_number(), 1);
    assert_eq!(
        v1.arn().unwrap(),
        format!("arn:aws:appconfig:us-east-1:000000000000:extension/{id}/1")
    );

    // The same name again needs the latest version number.
    let actions = HashMap::from([(ActionPoint::OnDeploymentStart, vec![webhook_action(HOOK)])]);
    let again = client
        .create_extension()
        .name("gate")
        .set_actions(Some(actions.clone()))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_code(&again), "ConflictException");
    let wrong = client
        .create_extension()
        .name("gate")
        .set_actions(Some(actions.clone()))
        .latest_version_number(3)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_code(&wrong), "ConflictException");
    assert!(error_message(&wrong).contains("is 1"), "{}", error_message(&wrong));
    let v2 = client
        .create_extension()
        .name("gate")
        .description("second")
        .set_actions(Some(actions))
        .latest_version_number(1)
        .send()
        .await
        .unwrap();
    assert_eq!((v2.id().unwrap(), v2.version_number()), (id.as_str(), 2));

    for identifier in [id.clone(), "gate".to_owned(), v1.arn().unwrap().to_owned()] {
        let got = client
            .get_extension()
            .extension_identifier(&identifier)
            .send()
            .await
            .unwrap();
        let expected = if identifier.starts_with("arn:") { 1 } else { 2 };
        assert_eq!(got.version_number(), expected, "{identifier}");
    }
    let first = client
        .get_extension()
        .extension_identifier(&id)
        .version_number(1)
        .send()
        .await
        .unwrap();
    assert!(
        first
            .actions()
            .unwrap()
            .contains_key(&ActionPoint::OnDeploymentComplete)
    );
    let missing = client
        .get_extension()
        .extension_identifier(&id)
        .version_number(9)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_code(&missing), "ResourceNotFoundException");

    // Updates change one version; deletes take one version (the latest by default).
    let updated = client
        .update_extension()
        .extension_identifier(&id)
        .version_number(1)
        .description("first, edited")
        .send()
        .await
        .unwrap();
    assert_eq!(
        (updated.version_number(), updated.description()),
        (1, Some("first, edited"))
    );
    client
        .delete_extension()
        .extension_identifier(&id)
        .send()
        .await
        .unwrap();
    let latest = client.get_extension().extension_identifier(&id).send().await.unwrap();
    assert_eq!(latest.version_number(), 1);
}

#[tokio::test]
async fn list_extensions_shows_aws_authored_ones_then_the_accounts_latest_versions() {
    let server = TestServer::start();
    let client = server.appconfig();
    new_extension(&client, "mine", &[ActionPoint::OnDeploymentStart], HOOK, &[]).await;
    let all: Vec<_> = client
        .list_extensions()
        .max_results(2)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .unwrap();
    let ids: Vec<&str> = all.iter().map(|e| e.id().unwrap()).collect();
    assert_eq!(
        &ids[..5],
        [
            "AWS.AppConfig.FeatureFlags",
            "AWS.AppConfig.JiraIntegration",
            "AWS.AppConfig.DeploymentNotificationsToEventBridge",
            "AWS.AppConfig.DeploymentNotificationsToSqs",
            "AWS.AppConfig.DeploymentNotificationsToSns",
        ]
    );
    assert_eq!(all.len(), 6);
    assert_eq!(all[5].name(), Some("mine"));
    assert_eq!(
        all[0].arn(),
        Some("arn:aws:appconfig:us-east-1::extension/AWS.AppConfig.FeatureFlags/1")
    );
    let named = client.list_extensions().name("mine").send().await.unwrap();
    assert_eq!(named.items().len(), 1);
    let sns = client
        .get_extension()
        .extension_identifier("AWS.AppConfig.DeploymentNotificationsToSns")
        .send()
        .await
        .unwrap();
    assert!(sns.parameters().unwrap()["topicArn"].required());
    let refused = client
        .delete_extension()
        .extension_identifier("AWS.AppConfig.FeatureFlags")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_code(&refused), "BadRequestException");
}

#[tokio::test]
async fn extensions_refuse_what_ramp_could_not_invoke() {
    let server = TestServer::start();
    let client = server.appconfig();
    for (uri, why) in [
        (
            "arn:aws:events:us-east-1:000000000000:event-bus/custom",
            "default event bus",
        ),
        ("arn:aws:s3:::bucket", "not an ARN of"),
        ("ftp://example.com/x", "neither"),
    ] {
        let actions = HashMap::from([(ActionPoint::OnDeploymentStart, vec![webhook_action(uri)])]);
        let e = client
            .create_extension()
            .name("x")
            .set_actions(Some(actions))
            .send()
            .await
            .unwrap_err();
        assert_eq!(error_code(&e), "BadRequestException", "{uri}");
        assert!(error_message(&e).contains(why), "{uri}: {}", error_message(&e));
    }
    let both = Parameter::builder().required(true).dynamic(true).build();
    let actions = HashMap::from([(ActionPoint::OnDeploymentStart, vec![webhook_action(HOOK)])]);
    let e = client
        .create_extension()
        .name("x")
        .set_actions(Some(actions.clone()))
        .parameters("p", both)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_code(&e), "BadRequestException");
    let e = client
        .create_extension()
        .name("AWS.AppConfig.Mine")
        .set_actions(Some(actions))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_code(&e), "BadRequestException");
    // The model's own constraints: two actions at one point, a name with '#'.
    let two = HashMap::from([(
        ActionPoint::OnDeploymentStart,
        vec![webhook_action(HOOK), webhook_action(HOOK)],
    )]);
    let e = client
        .create_extension()
        .name("x")
        .set_actions(Some(two))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_code(&e), "BadRequestException");
}

#[tokio::test]
async fn associations_check_their_resource_extension_and_parameters() {
    let server = TestServer::start();
    let client = server.appconfig();
    let app = new_application(&client).await;
    let profile = new_hosted_profile(&client, &app, None).await;
    let required = Parameter::builder().required(true).build();
    let dynamic = Parameter::builder().dynamic(true).build();
    let ext = new_extension(
        &client,
        "notify",
        &[ActionPoint::OnDeploymentComplete],
        HOOK,
        &[("channel", required), ("run", dynamic)],
    )
    .await;
    let ext_id = ext.id().unwrap();

    let create = |resource: String, parameters: Vec<(&'static str, &'static str)>| {
        client
            .create_extension_association()
            .extension_identifier(ext_id)
            .resource_identifier(resource)
            .set_parameters(Some(
                parameters
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
                    .collect(),
            ))
            .send()
    };
    let e = create(app_arn(&app), vec![]).await.unwrap_err();
    assert!(
        error_message(&e).contains("requires a value for parameter channel"),
        "{}",
        error_message(&e)
    );
    let e = create(app_arn(&app), vec![("channel", "#ops"), ("other", "x")])
        .await
        .unwrap_err();
    assert!(
        error_message(&e).contains("no parameter named other"),
        "{}",
        error_message(&e)
    );
    let e = create(app_arn("nothere"), vec![("channel", "#ops")]).await.unwrap_err();
    assert_eq!(error_code(&e), "ResourceNotFoundException");
    let e = create(
        "arn:aws:appconfig:us-east-1:000000000000:deploymentstrategy/abcdefg".to_owned(),
        vec![("channel", "#ops")],
    )
    .await
    .unwrap_err();
    assert_eq!(error_code(&e), "BadRequestException");

    let on_app = create(app_arn(&app), vec![("channel", "#ops")]).await.unwrap();
    assert_eq!(on_app.extension_arn(), ext.arn());
    assert_eq!(on_app.extension_version_number(), 1);
    assert_eq!(
        on_app.arn().unwrap(),
        format!(
            "arn:aws:appconfig:us-east-1:000000000000:extensionassociation/{}",
            on_app.id().unwrap()
        )
    );
    let twice = create(app_arn(&app), vec![("channel", "#ops")]).await.unwrap_err();
    assert_eq!(error_code(&twice), "BadRequestException");
    let profile_arn = format!("{}/configurationprofile/{profile}", app_arn(&app));
    let on_profile = create(profile_arn.clone(), vec![("channel", "#dev")]).await.unwrap();

    // Filters.
    let by_resource = client
        .list_extension_associations()
        .resource_identifier(&profile_arn)
        .send()
        .await
        .unwrap();
    assert_eq!(by_resource.items().len(), 1);
    assert_eq!(by_resource.items()[0].id(), on_profile.id());
    let by_extension = client
        .list_extension_associations()
        .extension_identifier("notify")
        .send()
        .await
        .unwrap();
    assert_eq!(by_extension.items().len(), 2);
    let other_version = client
        .list_extension_associations()
        .extension_identifier(ext_id)
        .extension_version_number(2)
        .send()
        .await
        .unwrap();
    assert!(other_version.items().is_empty());

    // Only parameters change; required ones stay required.
    let updated = client
        .update_extension_association()
        .extension_association_id(on_app.id().unwrap())
        .parameters("channel", "#alerts")
        .send()
        .await
        .unwrap();
    assert_eq!(updated.parameters().unwrap()["channel"], "#alerts");
    let got = client
        .get_extension_association()
        .extension_association_id(on_app.id().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(got.parameters().unwrap()["channel"], "#alerts");

    // The extension version cannot go while associations use it; deleting the profile takes
    // its association with it.
    let refused = client
        .delete_extension()
        .extension_identifier(ext_id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_code(&refused), "BadRequestException");
    client
        .delete_extension_association()
        .extension_association_id(on_app.id().unwrap())
        .send()
        .await
        .unwrap();
    client
        .delete_configuration_profile()
        .application_id(&app)
        .configuration_profile_id(&profile)
        .send()
        .await
        .unwrap();
    let gone = client
        .get_extension_association()
        .extension_association_id(on_profile.id().unwrap())
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_code(&gone), "ResourceNotFoundException");
    client
        .delete_extension()
        .extension_identifier(ext_id)
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn aws_authored_extensions_are_associated_without_being_created() {
    let server = TestServer::start();
    let client = server.appconfig();
    let app = new_application(&client).await;
    let missing = client
        .create_extension_association()
        .extension_identifier("AWS.AppConfig.DeploymentNotificationsToSqs")
        .resource_identifier(app_arn(&app))
        .send()
        .await
        .unwrap_err();
    assert!(
        error_message(&missing).contains("queueArn"),
        "{}",
        error_message(&missing)
    );
    let wrong_kind = client
        .create_extension_association()
        .extension_identifier("AWS.AppConfig.DeploymentNotificationsToSqs")
        .resource_identifier(app_arn(&app))
        .parameters("queueArn", "arn:aws:sns:us-east-1:000000000000:topic")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_code(&wrong_kind), "BadRequestException");
    let association = client
        .create_extension_association()
        .extension_identifier("arn:aws:appconfig:us-east-1::extension/AWS.AppConfig.DeploymentNotificationsToSqs/1")
        .resource_identifier(app_arn(&app))
        .parameters("queueArn", "arn:aws:sqs:us-east-1:000000000000:events")
        .send()
        .await
        .unwrap();
    assert_eq!(
        association.extension_arn(),
        Some("arn:aws:appconfig:us-east-1::extension/AWS.AppConfig.DeploymentNotificationsToSqs/1")
    );
    let jira = client
        .create_extension_association()
        .extension_identifier("AWS.AppConfig.JiraIntegration")
        .resource_identifier(app_arn(&app))
        .send()
        .await
        .unwrap_err();
    assert!(error_message(&jira).contains("Jira"), "{}", error_message(&jira));
}

#[tokio::test]
async fn extensions_and_associations_carry_tags() {
    let server = TestServer::start();
    let client = server.appconfig();
    let app = new_application(&client).await;
    let ext = client
        .create_extension()
        .name("tagged")
        .actions(ActionPoint::OnDeploymentStart, vec![webhook_action(HOOK)])
        .tags("team", "ops")
        .send()
        .await
        .unwrap();
    let tags = client
        .list_tags_for_resource()
        .resource_arn(ext.arn().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(tags.tags().unwrap()["team"], "ops");
    let association = client
        .create_extension_association()
        .extension_identifier(ext.id().unwrap())
        .resource_identifier(app_arn(&app))
        .tags("env", "prod")
        .send()
        .await
        .unwrap();
    let arn = association.arn().unwrap();
    client
        .tag_resource()
        .resource_arn(arn)
        .tags("more", "yes")
        .send()
        .await
        .unwrap();
    let tags = client.list_tags_for_resource().resource_arn(arn).send().await.unwrap();
    assert_eq!(tags.tags().unwrap().len(), 2);
    client
        .delete_extension_association()
        .extension_association_id(association.id().unwrap())
        .send()
        .await
        .unwrap();
    let gone = client
        .tag_resource()
        .resource_arn(arn)
        .tags("late", "x")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_code(&gone), "ResourceNotFoundException");
}

#[tokio::test]
async fn flag_profiles_apply_the_feature_flags_extension_automatically() {
    let server = TestServer::start();
    let client = server.appconfig();
    let app = new_application(&client).await;
    let env = client
        .create_environment()
        .application_id(&app)
        .name("prod")
        .send()
        .await
        .unwrap()
        .id()
        .unwrap()
        .to_owned();
    let flags = new_hosted_profile(&client, &app, Some("AWS.AppConfig.FeatureFlags")).await;
    client
        .create_hosted_configuration_version()
        .application_id(&app)
        .configuration_profile_id(&flags)
        .content_type("application/json")
        .content(aws_sdk_appconfig::primitives::Blob::new(
            r#"{"version": "1", "flags": {"beta": {"name": "Beta"}}, "values": {"beta": {"enabled": true}}}"#,
        ))
        .send()
        .await
        .unwrap();
    let started = client
        .start_deployment()
        .application_id(&app)
        .environment_id(&env)
        .configuration_profile_id(&flags)
        .deployment_strategy_id("AppConfig.AllAtOnce")
        .configuration_version("1")
        .send()
        .await
        .unwrap();
    let applied = started.applied_extensions();
    assert_eq!(applied.len(), 1);
    assert_eq!(applied[0].extension_id(), Some("AWS.AppConfig.FeatureFlags"));
    assert_eq!(applied[0].version_number(), 1);
}

#[tokio::test]
async fn malformed_extension_requests_are_modelled_400s() {
    let server = TestServer::start();
    let http = server.http();
    for (method, path, body, member) in [
        ("POST", "/extensions", r#"{"Name":"x","Actions":[]}"#, "Actions"),
        (
            "POST",
            "/extensions",
            r#"{"Name":"x","Actions":{"ON_LUNCH":[{"Uri":"https://a.example"}]}}"#,
            "Actions",
        ),
        (
            "POST",
            "/extensions",
            r#"{"Name":"a#b","Actions":{"ON_DEPLOYMENT_START":[{"Uri":"https://a.example"}]}}"#,
            "Name",
        ),
        (
            "POST",
            "/extensions",
            r#"{"Name":"x","Actions":{"ON_DEPLOYMENT_START":[{}]}}"#,
            "Uri",
        ),
        (
            "POST",
            "/extensions",
            r#"{"Name":"x","Actions":{"ON_DEPLOYMENT_START":[{"Uri":"https://a.example","RoleArn":"nope"}]}}"#,
            "RoleArn",
        ),
        (
            "POST",
            "/extensionassociations",
            r#"{"ExtensionIdentifier":"x"}"#,
            "ResourceIdentifier",
        ),
        (
            "GET",
            "/extensionassociations?resource_identifier=short",
            "",
            "ResourceIdentifier",
        ),
        ("GET", "/extensions?max_results=0", "", "MaxResults"),
        ("GET", "/extensions?next_token=forged", "", "NextToken"),
        ("GET", "/extensions/x?version_number=one", "", "VersionNumber"),
        ("DELETE", "/extensions/x?version=-", "", "VersionNumber"),
        ("GET", "/extensionassociations/NOT-AN-ID", "", "ExtensionAssociationId"),
    ] {
        let response = http
            .request(method.parse().unwrap(), server.url(path))
            .body(body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let kind = response
            .headers()
            .get("x-amzn-errortype")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let text = response.text().await.unwrap();
        assert_eq!(
            (status, kind.as_str()),
            (400, "BadRequestException"),
            "{method} {path}: {text}"
        );
        assert!(text.contains(member), "{method} {path}: {text}");
    }
}
