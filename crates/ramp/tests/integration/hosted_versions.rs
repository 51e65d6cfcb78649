use aws_sdk_appconfig::primitives::Blob;

use crate::harness::{TestServer, error_code, error_message, new_application, new_hosted_profile};

async fn profile(client: &aws_sdk_appconfig::Client, profile_type: Option<&str>) -> (String, String) {
    let app = new_application(client).await;
    let profile = new_hosted_profile(client, &app, profile_type).await;
    (app, profile)
}

#[tokio::test]
async fn versions_are_raw_bytes_with_header_metadata() {
    let server = TestServer::start();
    let client = server.appconfig();
    let (app, prof) = profile(&client, None).await;
    let yaml = b"limits:\n  rps: 10\n\xe2\x9c\x93\n".to_vec();

    let created = client
        .create_hosted_configuration_version()
        .application_id(&app)
        .configuration_profile_id(&prof)
        .content(Blob::new(yaml.clone()))
        .content_type("application/x-yaml")
        .description("first cut")
        .version_label("v1.0")
        .send()
        .await
        .unwrap();
    assert_eq!(created.version_number(), 1);
    assert_eq!(created.content_type(), Some("application/x-yaml"));
    assert_eq!(created.description(), Some("first cut"));
    assert_eq!(created.version_label(), Some("v1.0"));
    assert_eq!(created.application_id(), Some(app.as_str()));
    assert_eq!(created.configuration_profile_id(), Some(prof.as_str()));
    assert_eq!(created.content().unwrap().as_ref(), yaml.as_slice());

    let got = client
        .get_hosted_configuration_version()
        .application_id(&app)
        .configuration_profile_id(&prof)
        .version_number(1)
        .send()
        .await
        .unwrap();
    assert_eq!(got.content().unwrap().as_ref(), yaml.as_slice(), "byte for byte");
    assert_eq!(got.version_label(), Some("v1.0"));

    let err = client
        .get_hosted_configuration_version()
        .application_id(&app)
        .configuration_profile_id(&prof)
        .version_number(9)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_code(&err), "ResourceNotFoundException");
}

#[tokio::test]
async fn numbering_locking_labels_and_listing() {
    let server = TestServer::start();
    let client = server.appconfig();
    let (app, prof) = profile(&client, None).await;
    let create = |label: Option<&str>, latest: Option<i32>| {
        client
            .create_hosted_configuration_version()
            .application_id(&app)
            .configuration_profile_id(&prof)
            .content(Blob::new("x"))
            .content_type("text/plain")
            .set_version_label(label.map(str::to_owned))
            .set_latest_version_number(latest)
    };
    create(Some("release-1"), None).send().await.unwrap();
    create(Some("release-2"), Some(1)).send().await.unwrap();
    create(Some("hotfix"), None).send().await.unwrap();

    // The optimistic lock: Latest-Version-Number must be the current latest.
    let err = create(None, Some(1)).send().await.unwrap_err();
    assert_eq!(error_code(&err), "ConflictException");
    assert_eq!(err.raw_response().unwrap().status().as_u16(), 409);
    // Labels are unique within a profile and never all digits.
    let err = create(Some("hotfix"), None).send().await.unwrap_err();
    assert_eq!(error_code(&err), "ConflictException");
    let err = create(Some("123"), None).send().await.unwrap_err();
    assert_eq!(error_code(&err), "BadRequestException");
    assert!(error_message(&err).contains("VersionLabel"));

    // Numbers are never reused after a delete.
    client
        .delete_hosted_configuration_version()
        .application_id(&app)
        .configuration_profile_id(&prof)
        .version_number(3)
        .send()
        .await
        .unwrap();
    let four = create(None, Some(2)).send().await.unwrap();
    assert_eq!(four.version_number(), 4);

    let list = |label: Option<&str>| {
        client
            .list_hosted_configuration_versions()
            .application_id(&app)
            .configuration_profile_id(&prof)
            .set_version_label(label.map(str::to_owned))
    };
    let numbers = |out: &aws_sdk_appconfig::operation::list_hosted_configuration_versions::ListHostedConfigurationVersionsOutput| {
        out.items().iter().map(|i| i.version_number()).collect::<Vec<_>>()
    };
    assert_eq!(
        numbers(&list(None).send().await.unwrap()),
        vec![4, 2, 1],
        "newest first"
    );
    assert_eq!(numbers(&list(Some("release-*")).send().await.unwrap()), vec![2, 1]);
    assert_eq!(numbers(&list(Some("release-1")).send().await.unwrap()), vec![1]);
    let first = list(None).max_results(2).send().await.unwrap();
    assert_eq!(numbers(&first), vec![4, 2]);
    let rest = list(None)
        .max_results(2)
        .next_token(first.next_token().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(numbers(&rest), vec![1]);
    assert!(rest.next_token().is_none());

    let err = client
        .delete_hosted_configuration_version()
        .application_id(&app)
        .configuration_profile_id(&prof)
        .version_number(3)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_code(&err), "ResourceNotFoundException");
}

#[tokio::test]
async fn fifty_parallel_creates_get_fifty_consecutive_numbers() {
    let server = TestServer::start();
    let client = server.appconfig();
    let (app, prof) = profile(&client, None).await;
    let tasks: Vec<_> = (0..50)
        .map(|i| {
            let (client, app, prof) = (client.clone(), app.clone(), prof.clone());
            tokio::spawn(async move {
                client
                    .create_hosted_configuration_version()
                    .application_id(app)
                    .configuration_profile_id(prof)
                    .content(Blob::new(format!("{{\"n\": {i}}}")))
                    .content_type("application/json")
                    .send()
                    .await
                    .unwrap()
                    .version_number()
            })
        })
        .collect();
    let mut numbers = Vec::new();
    for task in tasks {
        numbers.push(task.await.unwrap());
    }
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=50).collect::<Vec<_>>());
}

#[tokio::test]
async fn oversized_content_is_413_and_store_is_not_profile() {
    let server = TestServer::with_args(&["--quota-hosted-configuration-bytes", "1024"]);
    let client = server.appconfig();
    let (app, prof) = profile(&client, None).await;
    let err = client
        .create_hosted_configuration_version()
        .application_id(&app)
        .configuration_profile_id(&prof)
        .content(Blob::new(vec![b'a'; 2048]))
        .content_type("text/plain")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_code(&err), "PayloadTooLargeException");
    let raw = err.raw_response().unwrap();
    assert_eq!(raw.status().as_u16(), 413);
    let body: serde_json::Value = serde_json::from_slice(raw.body().bytes().unwrap()).unwrap();
    assert_eq!(body["Measure"], "KILOBYTES");
    assert_eq!(body["Limit"], 1.0);
    assert_eq!(body["Size"], 2.0);
    let listed = client
        .list_hosted_configuration_versions()
        .application_id(&app)
        .configuration_profile_id(&prof)
        .send()
        .await
        .unwrap();
    assert!(listed.items().is_empty(), "nothing stored");

    // A profile outside the hosted store takes no hosted versions.
    let ssm = client
        .create_configuration_profile()
        .application_id(&app)
        .name("ssm")
        .location_uri("ssm-parameter://p")
        .retrieval_role_arn("arn:aws:iam::000000000000:role/r")
        .send()
        .await
        .unwrap();
    let err = client
        .create_hosted_configuration_version()
        .application_id(&app)
        .configuration_profile_id(ssm.id().unwrap())
        .content(Blob::new("x"))
        .content_type("text/plain")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_code(&err), "BadRequestException");
}

const FLAGS: &str = r#"{
  "version": "1",
  "flags": {
    "checkout": {"name": "New checkout", "attributes": {"limit": {"constraints": {"type": "number", "minimum": 1, "maximum": 10}}}}
  },
  "values": {
    "checkout": {"enabled": true, "limit": 5}
  }
}"#;

#[tokio::test]
async fn feature_flags_are_validated_and_stamped() {
    let server = TestServer::start();
    let client = server.appconfig();
    let (app, prof) = profile(&client, Some("AWS.AppConfig.FeatureFlags")).await;
    let create = |body: String| {
        client
            .create_hosted_configuration_version()
            .application_id(&app)
            .configuration_profile_id(&prof)
            .content(Blob::new(body))
            .content_type("application/json")
    };
    let created = create(FLAGS.to_owned()).send().await.unwrap();
    let stored: serde_json::Value = serde_json::from_slice(created.content().unwrap().as_ref()).unwrap();
    assert!(stored["flags"]["checkout"]["_createdAt"].is_string(), "{stored}");
    assert!(stored["values"]["checkout"]["_updatedAt"].is_string(), "{stored}");

    let err = create(FLAGS.replace("\"limit\": 5", "\"limit\": 50"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_code(&err), "BadRequestException");
    let body: serde_json::Value = serde_json::from_slice(err.raw_response().unwrap().body().bytes().unwrap()).unwrap();
    assert_eq!(body["Reason"], "InvalidConfiguration");
    assert!(
        !body["Details"]["InvalidConfiguration"].as_array().unwrap().is_empty(),
        "{body}"
    );

    // A variant rule that is not an s-expression could never be served: refused now.
    let bad_rule = r#"{"version":"1","flags":{"b":{"name":"B"}},"values":{"b":{"_variants":[{"name":"x","enabled":true,"rule":"(eq $tier"},{"name":"d","enabled":false}]}}}"#;
    let err = create(bad_rule.to_owned()).send().await.unwrap_err();
    assert_eq!(error_code(&err), "BadRequestException");

    let err = create("{\"version\": \"2\"}".to_owned()).send().await.unwrap_err();
    assert_eq!(error_code(&err), "BadRequestException");
    let listed = client
        .list_hosted_configuration_versions()
        .application_id(&app)
        .configuration_profile_id(&prof)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.items().len(), 1, "rejected documents are not stored");
}
