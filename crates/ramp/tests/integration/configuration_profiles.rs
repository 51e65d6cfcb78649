use aws_sdk_appconfig::primitives::Blob;
use aws_sdk_appconfig::types::{Validator, ValidatorType};

use crate::harness::{TestServer, error_code, error_message, new_application, new_hosted_profile};

const SCHEMA: &str = r#"{"type":"object","properties":{"limit":{"type":"integer","maximum":10}},"required":["limit"]}"#;

fn json_schema(content: &str) -> Validator {
    Validator::builder()
        .r#type(ValidatorType::JsonSchema)
        .content(content)
        .build()
        .unwrap()
}

#[tokio::test]
async fn profile_lifecycle() {
    let server = TestServer::start();
    let client = server.appconfig();
    let app_id = new_application(&client).await;

    let profile = client
        .create_configuration_profile()
        .application_id(&app_id)
        .name("cfg")
        .location_uri("hosted")
        .r#type("AWS.Freeform")
        .validators(json_schema(SCHEMA))
        .kms_key_identifier("alias/my-key")
        .send()
        .await
        .unwrap();
    let id = profile.id().unwrap().to_owned();
    assert_eq!(profile.location_uri(), Some("hosted"));
    assert_eq!(profile.r#type(), Some("AWS.Freeform"));
    assert_eq!(profile.validators().len(), 1);
    assert_eq!(
        profile.kms_key_arn(),
        Some("arn:aws:kms:us-east-1:000000000000:alias/my-key")
    );

    let flags = client
        .create_configuration_profile()
        .application_id(&app_id)
        .name("flags")
        .location_uri("hosted")
        .r#type("AWS.AppConfig.FeatureFlags")
        .send()
        .await
        .unwrap();
    let ssm = client
        .create_configuration_profile()
        .application_id(&app_id)
        .name("ssm")
        .location_uri("ssm-parameter://my-param")
        .retrieval_role_arn("arn:aws:iam::000000000000:role/reader")
        .send()
        .await
        .unwrap();
    assert_eq!(ssm.r#type(), None, "no type given: AWS stores none");

    let all = client
        .list_configuration_profiles()
        .application_id(&app_id)
        .send()
        .await
        .unwrap();
    assert_eq!(all.items().len(), 3);
    assert_eq!(all.items()[0].validator_types(), &[ValidatorType::JsonSchema]);
    let only_flags = client
        .list_configuration_profiles()
        .application_id(&app_id)
        .r#type("AWS.AppConfig.FeatureFlags")
        .send()
        .await
        .unwrap();
    assert_eq!(only_flags.items().len(), 1);
    assert_eq!(only_flags.items()[0].id(), flags.id());

    let updated = client
        .update_configuration_profile()
        .application_id(&app_id)
        .configuration_profile_id(&id)
        .description("now described")
        .set_validators(Some(vec![]))
        .kms_key_identifier("")
        .send()
        .await
        .unwrap();
    assert!(updated.validators().is_empty());
    assert_eq!(updated.kms_key_arn(), None);
    assert_eq!(updated.name(), Some("cfg"));

    client
        .delete_configuration_profile()
        .application_id(&app_id)
        .configuration_profile_id(&id)
        .send()
        .await
        .unwrap();
    let err = client
        .get_configuration_profile()
        .application_id(&app_id)
        .configuration_profile_id(&id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_code(&err), "ResourceNotFoundException");
}

#[tokio::test]
async fn profile_location_type_and_validator_rules() {
    let server = TestServer::start();
    let client = server.appconfig();
    let app_id = new_application(&client).await;
    let create = |name: &str, uri: &str| {
        client
            .create_configuration_profile()
            .application_id(&app_id)
            .name(name)
            .location_uri(uri)
    };

    for uri in ["ftp://x", "s3://bucket-only", "hosted2"] {
        let err = create("p", uri)
            .retrieval_role_arn("arn:aws:iam::000000000000:role/r")
            .send()
            .await
            .unwrap_err();
        assert_eq!(error_code(&err), "BadRequestException", "{uri}");
        assert!(
            error_message(&err).contains("LocationUri"),
            "{uri}: {}",
            error_message(&err)
        );
    }
    let err = create("p", "s3://bucket/key.json").send().await.unwrap_err();
    assert!(error_message(&err).contains("RetrievalRoleArn"));
    create("p", "s3://bucket/key.json")
        .retrieval_role_arn("arn:aws:iam::000000000000:role/r")
        .send()
        .await
        .unwrap();
    create("p", "codepipeline://pipe").send().await.unwrap();

    let err = create("p", "ssm-parameter://x")
        .r#type("AWS.AppConfig.FeatureFlags")
        .retrieval_role_arn("arn:aws:iam::000000000000:role/r")
        .send()
        .await
        .unwrap_err();
    assert!(error_message(&err).contains("hosted"));
    let err = create("p", "hosted").r#type("Custom.Type").send().await.unwrap_err();
    assert_eq!(error_code(&err), "BadRequestException");

    let err = create("p", "hosted")
        .validators(json_schema("{not json"))
        .send()
        .await
        .unwrap_err();
    assert!(error_message(&err).contains("Validators[0]"), "{}", error_message(&err));
    let lambda = Validator::builder()
        .r#type(ValidatorType::Lambda)
        .content("not-an-arn")
        .build()
        .unwrap();
    let err = create("p", "hosted").validators(lambda).send().await.unwrap_err();
    assert!(error_message(&err).contains("Lambda"));
    let three = vec![json_schema(SCHEMA), json_schema(SCHEMA), json_schema(SCHEMA)];
    let err = create("p", "hosted")
        .set_validators(Some(three))
        .send()
        .await
        .unwrap_err();
    assert!(error_message(&err).contains("'Validators'"));

    let err = create(&"n".repeat(129), "hosted").send().await.unwrap_err();
    assert!(error_message(&err).contains("'Name'"));
    let err = client
        .create_configuration_profile()
        .application_id("missing")
        .name("p")
        .location_uri("hosted")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_code(&err), "ResourceNotFoundException");
}

#[tokio::test]
async fn profile_with_versions_cannot_be_deleted() {
    let server = TestServer::start();
    let client = server.appconfig();
    let app_id = new_application(&client).await;
    let id = new_hosted_profile(&client, &app_id, None).await;
    client
        .create_hosted_configuration_version()
        .application_id(&app_id)
        .configuration_profile_id(&id)
        .content(Blob::new("{}"))
        .content_type("application/json")
        .send()
        .await
        .unwrap();
    let err = client
        .delete_configuration_profile()
        .application_id(&app_id)
        .configuration_profile_id(&id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_code(&err), "BadRequestException");
    assert_eq!(
        error_message(&err),
        format!(
            "Cannot delete configuration profile {id} because there are still hosted configuration versions existing under it."
        )
    );
}

#[tokio::test]
async fn validate_configuration_runs_json_schema_validators() {
    // Lambda is "reached" at a port where nothing listens (extension_targets.rs runs real ones).
    let server = TestServer::with_args(&["--lambda-endpoint", "http://127.0.0.1:9"]);
    let client = server.appconfig();
    let app_id = new_application(&client).await;
    let id = client
        .create_configuration_profile()
        .application_id(&app_id)
        .name("p")
        .location_uri("hosted")
        .validators(json_schema(SCHEMA))
        .send()
        .await
        .unwrap()
        .id()
        .unwrap()
        .to_owned();
    let create = |body: &'static str, label: Option<&str>| {
        client
            .create_hosted_configuration_version()
            .application_id(&app_id)
            .configuration_profile_id(&id)
            .content(Blob::new(body))
            .content_type("application/json")
            .set_version_label(label.map(str::to_owned))
    };
    create(r#"{"limit": 5}"#, Some("good")).send().await.unwrap();
    create(r#"{"limit": 50}"#, None).send().await.unwrap();

    let validate = |version: &str| {
        client
            .validate_configuration()
            .application_id(&app_id)
            .configuration_profile_id(&id)
            .configuration_version(version)
    };
    validate("1").send().await.unwrap();
    validate("good").send().await.unwrap();
    let err = validate("2").send().await.unwrap_err();
    assert_eq!(error_code(&err), "BadRequestException");
    let raw: serde_json::Value = serde_json::from_slice(err.raw_response().unwrap().body().bytes().unwrap()).unwrap();
    assert_eq!(raw["Reason"], "InvalidConfiguration");
    assert_eq!(raw["Details"]["InvalidConfiguration"][0]["Location"], "/limit");
    let err = validate("3").send().await.unwrap_err();
    assert_eq!(error_code(&err), "ResourceNotFoundException");

    // A Lambda validator that cannot be reached refuses, saying so, instead of passing silently.
    let lambda = Validator::builder()
        .r#type(ValidatorType::Lambda)
        .content("arn:aws:lambda:us-east-1:000000000000:function:check")
        .build()
        .unwrap();
    client
        .update_configuration_profile()
        .application_id(&app_id)
        .configuration_profile_id(&id)
        .validators(lambda)
        .send()
        .await
        .unwrap();
    let err = validate("1").send().await.unwrap_err();
    assert_eq!(error_code(&err), "BadRequestException");
    let message = error_message(&err);
    assert!(
        message.contains("function:check") && message.contains("TargetUnreachable"),
        "{message}"
    );
}
