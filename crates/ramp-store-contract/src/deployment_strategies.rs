//! Deployment strategies: round trip, quota and not-found.

use ramp_domain::entities::{DeploymentStrategy, GrowthType, Tags};
use ramp_domain::store::{Conflict, Error, ResourceKind};

use super::{ALL, Store, strategy, strategy_arn};

pub async fn deployment_strategies_round_trip(store: &dyn Store) {
    let r = "eu-central-1";
    let s = DeploymentStrategy {
        description: Some("exp".to_owned()),
        growth_type: GrowthType::Exponential,
        growth_factor: 12.5,
        replicate_to: "SSM_DOCUMENT".to_owned(),
        ..strategy(r, "s1")
    };
    store
        .create_deployment_strategy(&s, &strategy_arn(r, "s1"), &Tags::new(), 2)
        .await
        .expect("create");
    assert_eq!(store.deployment_strategy(r, "s1").await.expect("get"), Some(s.clone()));
    assert_eq!(
        store
            .deployment_strategy("elsewhere", "s1")
            .await
            .expect("other region"),
        None
    );
    assert!(matches!(
        store
            .create_deployment_strategy(&s, &strategy_arn(r, "s1"), &Tags::new(), 2)
            .await,
        Err(Error::Conflict(Conflict::AlreadyExists(
            ResourceKind::DeploymentStrategy
        )))
    ));
    store
        .create_deployment_strategy(&strategy(r, "s2"), &strategy_arn(r, "s2"), &Tags::new(), 2)
        .await
        .expect("s2");
    assert_eq!(
        store
            .create_deployment_strategy(&strategy(r, "s3"), &strategy_arn(r, "s3"), &Tags::new(), 2)
            .await,
        Err(Error::QuotaExceeded)
    );

    let updated = DeploymentStrategy {
        name: "renamed".to_owned(),
        description: None,
        deployment_duration_in_minutes: 30,
        growth_type: GrowthType::Linear,
        growth_factor: 50.0,
        final_bake_time_in_minutes: 0,
        ..s.clone()
    };
    store.update_deployment_strategy(&updated).await.expect("update");
    assert_eq!(
        store.deployment_strategy(r, "s1").await.expect("get"),
        Some(updated.clone())
    );
    let listed = store.deployment_strategies(r, ALL).await.expect("list");
    assert_eq!(
        listed.iter().map(|l| l.item.id.as_str()).collect::<Vec<_>>(),
        ["s1", "s2"]
    );
    assert_eq!(listed[0].item, updated);

    store
        .delete_deployment_strategy(r, "s1", &strategy_arn(r, "s1"))
        .await
        .expect("delete");
    assert_eq!(store.deployment_strategy(r, "s1").await.expect("get"), None);
    let missing = ResourceKind::DeploymentStrategy;
    assert_eq!(
        store.update_deployment_strategy(&s).await,
        Err(Error::NotFound(missing))
    );
    assert_eq!(
        store.delete_deployment_strategy(r, "s1", &strategy_arn(r, "s1")).await,
        Err(Error::NotFound(missing))
    );
    assert_eq!(
        store
            .delete_deployment_strategy("elsewhere", "s2", &strategy_arn(r, "s2"))
            .await,
        Err(Error::NotFound(missing))
    );
}
