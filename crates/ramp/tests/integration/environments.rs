use aws_sdk_appconfig::types::{EnvironmentState, Monitor};

use crate::harness::{TestServer, error_code, error_message};

fn alarm(name: &str) -> Monitor {
    Monitor::builder()
        .alarm_arn(format!("arn:aws:cloudwatch:us-east-1:000000000000:alarm:{name}"))
        .build()
        .unwrap()
}

#[tokio::test]
async fn environment_lifecycle_with_monitors() {
    let server = TestServer::start();
    let client = server.appconfig();
    let app = client.create_application().name("shop").send().await.unwrap();
    let app_id = app.id().unwrap();

    let env = client
        .create_environment()
        .application_id(app_id)
        .name("prod")
        .description("production")
        .monitors(alarm("errors"))
        .monitors(
            Monitor::builder()
                .alarm_arn("arn:aws:cloudwatch:us-east-1:000000000000:alarm:latency")
                .alarm_role_arn("arn:aws:iam::000000000000:role/appconfig-monitor")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let env_id = env.id().unwrap();
    assert_eq!(env.application_id(), Some(app_id));
    assert_eq!(env.state(), Some(&EnvironmentState::ReadyForDeployment));
    assert_eq!(env.monitors().len(), 2);
    assert_eq!(
        env.monitors()[1].alarm_role_arn(),
        Some("arn:aws:iam::000000000000:role/appconfig-monitor")
    );

    // Omitted monitors stay; an empty list clears them.
    let renamed = client
        .update_environment()
        .application_id(app_id)
        .environment_id(env_id)
        .name("production")
        .send()
        .await
        .unwrap();
    assert_eq!(renamed.monitors().len(), 2);
    assert_eq!(renamed.description(), Some("production"));
    let cleared = client
        .update_environment()
        .application_id(app_id)
        .environment_id(env_id)
        .set_monitors(Some(vec![]))
        .send()
        .await
        .unwrap();
    assert!(cleared.monitors().is_empty());

    let got = client
        .get_environment()
        .application_id(app_id)
        .environment_id(env_id)
        .send()
        .await
        .unwrap();
    assert_eq!(got.name(), Some("production"));
    let listed = client.list_environments().application_id(app_id).send().await.unwrap();
    assert_eq!(listed.items().len(), 1);

    client
        .delete_environment()
        .application_id(app_id)
        .environment_id(env_id)
        .send()
        .await
        .unwrap();
    let err = client
        .get_environment()
        .application_id(app_id)
        .environment_id(env_id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_code(&err), "ResourceNotFoundException");
}

#[tokio::test]
async fn environment_errors() {
    let server = TestServer::with_args(&["--quota-environments-per-application", "1"]);
    let client = server.appconfig();
    let err = client
        .create_environment()
        .application_id("nope123")
        .name("x")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_code(&err), "ResourceNotFoundException");
    assert!(error_message(&err).contains("nope123"));

    let app = client.create_application().name("a").send().await.unwrap();
    let app_id = app.id().unwrap();
    let err = client
        .create_environment()
        .application_id(app_id)
        .name("x")
        .monitors(Monitor::builder().alarm_arn("not-an-alarm").build().unwrap())
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_code(&err), "BadRequestException");
    assert!(error_message(&err).contains("AlarmArn"));

    let too_many: Vec<Monitor> = (0..6).map(|i| alarm(&format!("a{i}"))).collect();
    let err = client
        .create_environment()
        .application_id(app_id)
        .name("x")
        .set_monitors(Some(too_many))
        .send()
        .await
        .unwrap_err();
    assert!(error_message(&err).contains("'Monitors'"), "{}", error_message(&err));

    let bad_role = Monitor::builder()
        .alarm_arn("arn:aws:cloudwatch:us-east-1:000000000000:alarm:a")
        .alarm_role_arn("arn:aws:iam::000000000000:user/x")
        .build()
        .unwrap();
    let err = client
        .create_environment()
        .application_id(app_id)
        .name("x")
        .monitors(bad_role)
        .send()
        .await
        .unwrap_err();
    assert!(error_message(&err).contains("AlarmRoleArn"));

    client
        .create_environment()
        .application_id(app_id)
        .name("one")
        .send()
        .await
        .unwrap();
    let err = client
        .create_environment()
        .application_id(app_id)
        .name("two")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_code(&err), "ServiceQuotaExceededException");

    let err = client
        .get_environment()
        .application_id(app_id)
        .environment_id("zzzzzzz")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_code(&err), "ResourceNotFoundException");
    let err = client
        .update_environment()
        .application_id(app_id)
        .environment_id("zzzzzzz")
        .name("n")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_code(&err), "ResourceNotFoundException");
}
