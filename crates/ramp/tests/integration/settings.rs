use aws_sdk_appconfig::types::{DeletionProtectionCheck, DeletionProtectionSettings};

use crate::harness::{TestServer, error_code, error_message, new_application};

#[tokio::test]
async fn account_settings_round_trip() {
    let server = TestServer::start();
    let client = server.appconfig();
    let initial = client.get_account_settings().send().await.unwrap();
    let protection = initial.deletion_protection().unwrap();
    assert_eq!(protection.enabled(), Some(false));
    assert_eq!(protection.protection_period_in_minutes(), Some(60));

    let updated = client
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
    assert_eq!(updated.deletion_protection().unwrap().enabled(), Some(true));
    let again = client.get_account_settings().send().await.unwrap();
    assert_eq!(
        again.deletion_protection().unwrap().protection_period_in_minutes(),
        Some(30)
    );

    // Members left out stay as they were.
    client
        .update_account_settings()
        .deletion_protection(
            DeletionProtectionSettings::builder()
                .protection_period_in_minutes(15)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let again = client.get_account_settings().send().await.unwrap();
    assert_eq!(again.deletion_protection().unwrap().enabled(), Some(true));

    for bad in [14, 1441] {
        let err = client
            .update_account_settings()
            .deletion_protection(
                DeletionProtectionSettings::builder()
                    .protection_period_in_minutes(bad)
                    .build(),
            )
            .send()
            .await
            .unwrap_err();
        assert_eq!(error_code(&err), "BadRequestException");
        assert!(error_message(&err).contains("ProtectionPeriodInMinutes"));
    }
}

#[tokio::test]
async fn deletes_accept_the_deletion_protection_header() {
    let server = TestServer::start();
    let client = server.appconfig();
    client
        .update_account_settings()
        .deletion_protection(DeletionProtectionSettings::builder().enabled(true).build())
        .send()
        .await
        .unwrap();
    let app_id = new_application(&client).await;
    // Never used to retrieve configuration, so protection does not hold either delete back.
    for check in [
        DeletionProtectionCheck::Apply,
        DeletionProtectionCheck::Bypass,
        DeletionProtectionCheck::AccountDefault,
    ] {
        let env = client
            .create_environment()
            .application_id(&app_id)
            .name("e")
            .send()
            .await
            .unwrap();
        client
            .delete_environment()
            .application_id(&app_id)
            .environment_id(env.id().unwrap())
            .deletion_protection_check(check.clone())
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
        client
            .delete_configuration_profile()
            .application_id(&app_id)
            .configuration_profile_id(profile.id().unwrap())
            .deletion_protection_check(check)
            .send()
            .await
            .unwrap();
    }
}
