use aws_sdk_appconfig::types::{GrowthType, ReplicateTo};

use crate::harness::{TestServer, error_code, error_message};

const PREDEFINED: [&str; 4] = [
    "AppConfig.AllAtOnce",
    "AppConfig.Linear50PercentEvery30Seconds",
    "AppConfig.Canary10Percent20Minutes",
    "AppConfig.Linear20PercentEvery6Minutes",
];

#[tokio::test]
async fn predefined_strategies_are_listed_after_custom_ones_and_are_read_only() {
    let server = TestServer::start();
    let client = server.appconfig();
    let custom = client
        .create_deployment_strategy()
        .name("slow")
        .deployment_duration_in_minutes(15)
        .growth_factor(25.0)
        .send()
        .await
        .unwrap();
    assert_eq!(custom.growth_type(), Some(&GrowthType::Linear), "LINEAR by default");
    assert_eq!(custom.final_bake_time_in_minutes(), 0);
    assert_eq!(custom.replicate_to(), Some(&ReplicateTo::None));

    let ids: Vec<String> = client
        .list_deployment_strategies()
        .max_results(2)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.id().unwrap().to_owned())
        .collect();
    let mut expected = vec![custom.id().unwrap().to_owned()];
    expected.extend(PREDEFINED.iter().map(|s| s.to_string()));
    assert_eq!(ids, expected);

    let canary = client
        .get_deployment_strategy()
        .deployment_strategy_id("AppConfig.Canary10Percent20Minutes")
        .send()
        .await
        .unwrap();
    assert_eq!(canary.growth_type(), Some(&GrowthType::Exponential));
    assert_eq!(canary.growth_factor(), Some(10.0));
    assert_eq!(canary.deployment_duration_in_minutes(), 20);
    assert_eq!(canary.final_bake_time_in_minutes(), 10);

    let err = client
        .delete_deployment_strategy()
        .deployment_strategy_id("AppConfig.AllAtOnce")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_code(&err), "BadRequestException");
    assert!(error_message(&err).contains("predefined"));
    let err = client
        .update_deployment_strategy()
        .deployment_strategy_id("AppConfig.AllAtOnce")
        .growth_factor(50.0)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_code(&err), "BadRequestException");
    let err = client
        .get_deployment_strategy()
        .deployment_strategy_id("AppConfig.NoSuchStrategy")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_code(&err), "ResourceNotFoundException");
}

#[tokio::test]
async fn custom_strategy_lifecycle_uses_the_misspelt_delete_path() {
    let server = TestServer::start();
    let client = server.appconfig();
    let created = client
        .create_deployment_strategy()
        .name("canary")
        .description("mine")
        .deployment_duration_in_minutes(30)
        .final_bake_time_in_minutes(5)
        .growth_factor(10.0)
        .growth_type(GrowthType::Exponential)
        .replicate_to(ReplicateTo::SsmDocument)
        .send()
        .await
        .unwrap();
    let id = created.id().unwrap();
    assert_eq!(created.replicate_to(), Some(&ReplicateTo::SsmDocument));

    let updated = client
        .update_deployment_strategy()
        .deployment_strategy_id(id)
        .growth_factor(20.0)
        .growth_type(GrowthType::Linear)
        .send()
        .await
        .unwrap();
    assert_eq!(updated.growth_factor(), Some(20.0));
    assert_eq!(updated.growth_type(), Some(&GrowthType::Linear));
    assert_eq!(updated.deployment_duration_in_minutes(), 30, "unchanged");
    assert_eq!(updated.description(), Some("mine"));

    // The SDK sends DELETE /deployementstrategies/{id} (sic).
    client
        .delete_deployment_strategy()
        .deployment_strategy_id(id)
        .send()
        .await
        .unwrap();
    let err = client
        .get_deployment_strategy()
        .deployment_strategy_id(id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_code(&err), "ResourceNotFoundException");
    let err = client
        .delete_deployment_strategy()
        .deployment_strategy_id(id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_code(&err), "ResourceNotFoundException");
}

#[tokio::test]
async fn strategy_constraints_and_quota() {
    let server = TestServer::with_args(&["--quota-deployment-strategies", "1"]);
    let client = server.appconfig();
    let base = || {
        client
            .create_deployment_strategy()
            .name("s")
            .deployment_duration_in_minutes(1)
            .growth_factor(10.0)
    };
    let err = base().growth_factor(0.5).send().await.unwrap_err();
    assert!(
        error_message(&err).contains("'GrowthFactor'"),
        "{}",
        error_message(&err)
    );
    let err = base().deployment_duration_in_minutes(1441).send().await.unwrap_err();
    assert!(error_message(&err).contains("'DeploymentDurationInMinutes'"));
    let err = base().final_bake_time_in_minutes(-1).send().await.unwrap_err();
    assert!(error_message(&err).contains("'FinalBakeTimeInMinutes'"));
    base().send().await.unwrap();
    let err = base().send().await.unwrap_err();
    assert_eq!(error_code(&err), "ServiceQuotaExceededException");
}
