use crate::harness::{TestServer, error_code, error_message};

#[tokio::test]
async fn every_taggable_resource_takes_tags() {
    let server = TestServer::start();
    let client = server.appconfig();
    let app = client
        .create_application()
        .name("a")
        .tags("owner", "me")
        .send()
        .await
        .unwrap();
    let app_id = app.id().unwrap();
    let env = client
        .create_environment()
        .application_id(app_id)
        .name("e")
        .send()
        .await
        .unwrap();
    let profile = client
        .create_configuration_profile()
        .application_id(app_id)
        .name("p")
        .location_uri("hosted")
        .send()
        .await
        .unwrap();
    let strategy = client
        .create_deployment_strategy()
        .name("s")
        .deployment_duration_in_minutes(0)
        .growth_factor(100.0)
        .send()
        .await
        .unwrap();

    let prefix = "arn:aws:appconfig:us-east-1:000000000000";
    let arns = [
        format!("{prefix}:application/{app_id}"),
        format!("{prefix}:application/{app_id}/environment/{}", env.id().unwrap()),
        format!(
            "{prefix}:application/{app_id}/configurationprofile/{}",
            profile.id().unwrap()
        ),
        format!("{prefix}:deploymentstrategy/{}", strategy.id().unwrap()),
    ];
    let listed = client
        .list_tags_for_resource()
        .resource_arn(&arns[0])
        .send()
        .await
        .unwrap();
    assert_eq!(
        listed.tags().unwrap().get("owner").map(String::as_str),
        Some("me"),
        "tags given at create"
    );

    for arn in &arns {
        client
            .tag_resource()
            .resource_arn(arn)
            .tags("env", "test")
            .tags("cost", "42")
            .send()
            .await
            .unwrap();
        client
            .tag_resource()
            .resource_arn(arn)
            .tags("env", "prod")
            .send()
            .await
            .unwrap();
        client
            .untag_resource()
            .resource_arn(arn)
            .tag_keys("cost")
            .send()
            .await
            .unwrap();
        let tags = client.list_tags_for_resource().resource_arn(arn).send().await.unwrap();
        let tags = tags.tags().unwrap();
        assert_eq!(tags.get("env").map(String::as_str), Some("prod"), "{arn}");
        assert!(!tags.contains_key("cost"));
    }
}

#[tokio::test]
async fn tag_errors() {
    let server = TestServer::start();
    let client = server.appconfig();
    let missing = "arn:aws:appconfig:us-east-1:000000000000:application/zzzzzzz";
    let err = client
        .list_tags_for_resource()
        .resource_arn(missing)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_code(&err), "ResourceNotFoundException");
    let err = client
        .tag_resource()
        .resource_arn(missing)
        .tags("a", "b")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_code(&err), "ResourceNotFoundException");
    let err = client
        .list_tags_for_resource()
        .resource_arn("not-an-arn-but-long-enough")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_code(&err), "BadRequestException");

    let app = client.create_application().name("a").send().await.unwrap();
    let arn = format!(
        "arn:aws:appconfig:us-east-1:000000000000:application/{}",
        app.id().unwrap()
    );
    let mut request = client.tag_resource().resource_arn(&arn);
    for i in 0..50 {
        request = request.tags(format!("k{i}"), "v");
    }
    request.send().await.unwrap();
    let err = client
        .tag_resource()
        .resource_arn(&arn)
        .tags("one-too-many", "v")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_code(&err), "BadRequestException");
    let err = client
        .tag_resource()
        .resource_arn(&arn)
        .tags("aws:x", "v")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_code(&err), "BadRequestException");

    // Tags go with the resource.
    let app2 = client
        .create_application()
        .name("b")
        .tags("k", "v")
        .send()
        .await
        .unwrap();
    let arn2 = format!(
        "arn:aws:appconfig:us-east-1:000000000000:application/{}",
        app2.id().unwrap()
    );
    client
        .delete_application()
        .application_id(app2.id().unwrap())
        .send()
        .await
        .unwrap();
    let err = client
        .list_tags_for_resource()
        .resource_arn(&arn2)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_code(&err), "ResourceNotFoundException");
}

/// `/tags/{ResourceArn}` goes to the service the ARN names; one ramp does not host (Lambda, S3)
/// is a modelled 400 naming it, never a 500 or an HTML page.
#[tokio::test]
async fn tags_of_a_service_ramp_does_not_host_are_a_bad_request() {
    let server = TestServer::start();
    let client = server.appconfig();
    for arn in [
        "arn:aws:lambda:us-east-1:000000000000:function:f",
        "arn:aws:s3:::some-bucket",
    ] {
        let service = arn.split(':').nth(2).unwrap();
        let err = client
            .list_tags_for_resource()
            .resource_arn(arn)
            .send()
            .await
            .unwrap_err();
        assert_eq!(error_code(&err), "BadRequestException", "{arn}");
        assert!(
            error_message(&err).contains(&format!("'{service}'")),
            "{}",
            error_message(&err)
        );
        let err = client
            .tag_resource()
            .resource_arn(arn)
            .tags("k", "v")
            .send()
            .await
            .unwrap_err();
        assert_eq!(error_code(&err), "BadRequestException", "{arn}");
        let err = client
            .untag_resource()
            .resource_arn(arn)
            .tag_keys("k")
            .send()
            .await
            .unwrap_err();
        assert_eq!(error_code(&err), "BadRequestException", "{arn}");
    }
}

/// The same over raw HTTP.
#[tokio::test]
async fn tags_of_a_foreign_service_over_raw_http() {
    let server = TestServer::start();
    let arn = "arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Af";
    for method in [reqwest::Method::GET, reqwest::Method::POST, reqwest::Method::DELETE] {
        let response = server
            .http()
            .request(method.clone(), server.url(&format!("/tags/{arn}?tagKeys=k")))
            .header("content-type", "application/json")
            .body(r#"{"Tags":{"k":"v"}}"#)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 400, "{method}");
        assert_eq!(response.headers()["x-amzn-errortype"], "BadRequestException");
        assert!(response.headers().contains_key("x-amzn-requestid"));
        let body: serde_json::Value = response.json().await.unwrap();
        assert!(body["Message"].as_str().unwrap().contains("'lambda'"), "{body}");
    }
    let response = server
        .http()
        .get(server.url("/tags/arn%3Aaws%3As3%3A%3A%3Abucket"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    let body: serde_json::Value = response.json().await.unwrap();
    assert!(body["Message"].as_str().unwrap().contains("'s3'"), "{body}");
    // An ARN that does not parse is AppConfig's to refuse, naming the member.
    let response = server.http().get(server.url("/tags/not-an-arn")).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 400);
    assert_eq!(response.headers()["x-amzn-errortype"], "BadRequestException");
}
