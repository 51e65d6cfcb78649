use aws_sdk_appconfig::primitives::Blob;

use crate::harness::TestServer;

#[tokio::test]
async fn everything_survives_restarts_and_kills() {
    let mut server = TestServer::start();
    let client = server.appconfig();
    let app = client
        .create_application()
        .name("durable")
        .tags("k", "v")
        .send()
        .await
        .unwrap();
    let app_id = app.id().unwrap().to_owned();
    let env = client
        .create_environment()
        .application_id(&app_id)
        .name("prod")
        .send()
        .await
        .unwrap();
    let profile = client
        .create_configuration_profile()
        .application_id(&app_id)
        .name("p")
        .location_uri("hosted")
        .send()
        .await
        .unwrap();
    let profile_id = profile.id().unwrap().to_owned();
    for i in 0..3 {
        client
            .create_hosted_configuration_version()
            .application_id(&app_id)
            .configuration_profile_id(&profile_id)
            .content(Blob::new(format!("v{i}")))
            .content_type("text/plain")
            .send()
            .await
            .unwrap();
    }
    let strategy = client
        .create_deployment_strategy()
        .name("s")
        .deployment_duration_in_minutes(5)
        .growth_factor(20.0)
        .send()
        .await
        .unwrap();
    client.create_application().name("second").send().await.unwrap();
    let token = client
        .list_applications()
        .max_results(1)
        .send()
        .await
        .unwrap()
        .next_token()
        .unwrap()
        .to_owned();

    for kill in [false, true] {
        server.restart(kill);
        let client = server.appconfig();
        client.get_application().application_id(&app_id).send().await.unwrap();
        client
            .get_environment()
            .application_id(&app_id)
            .environment_id(env.id().unwrap())
            .send()
            .await
            .unwrap();
        let version = client
            .get_hosted_configuration_version()
            .application_id(&app_id)
            .configuration_profile_id(&profile_id)
            .version_number(3)
            .send()
            .await
            .unwrap();
        assert_eq!(version.content().unwrap().as_ref(), b"v2");
        client
            .get_deployment_strategy()
            .deployment_strategy_id(strategy.id().unwrap())
            .send()
            .await
            .unwrap();
        let arn = format!("arn:aws:appconfig:us-east-1:000000000000:application/{app_id}");
        let tags = client.list_tags_for_resource().resource_arn(arn).send().await.unwrap();
        assert_eq!(tags.tags().unwrap().get("k").map(String::as_str), Some("v"));
        // A page token from before the restart still works.
        let rest = client.list_applications().next_token(&token).send().await.unwrap();
        assert_eq!(rest.items().len(), 1);
        assert_eq!(rest.items()[0].name(), Some("second"));
    }
}
