//! Configuration profiles: round trip with type filters, the per-application quota and parent
//! check, and deletion refused while hosted versions exist.

use ramp_domain::entities::{ConfigurationProfile, FEATURE_FLAGS_TYPE, Tags, Validator, ValidatorType};
use ramp_domain::store::{Conflict, Error, ResourceKind};

use super::{ALL, PLENTY, Store, app, app_arn, app_with_profile, at, create_version, profile, profile_arn};

pub async fn configuration_profiles_round_trip(store: &dyn Store) {
    let r = "ap-south-1";
    store
        .create_application(&app(r, "a"), &app_arn(r, "a"), &Tags::new(), PLENTY)
        .await
        .expect("app");
    let flags = ConfigurationProfile {
        description: Some("flags".to_owned()),
        retrieval_role_arn: Some("arn:aws:iam::1:role/get".to_owned()),
        validators: vec![
            Validator {
                validator_type: ValidatorType::JsonSchema,
                content: r#"{"type":"object"}"#.to_owned(),
            },
            Validator {
                validator_type: ValidatorType::Lambda,
                content: "arn:aws:lambda:x".to_owned(),
            },
        ],
        profile_type: Some(FEATURE_FLAGS_TYPE.to_owned()),
        kms_key_identifier: Some("alias/mine".to_owned()),
        last_accessed_at: Some(at(7)),
        ..profile("a", "flags")
    };
    let untyped = profile("a", "untyped");
    let freeform = ConfigurationProfile {
        profile_type: Some("AWS.Freeform".to_owned()),
        ..profile("a", "free")
    };
    for p in [&flags, &untyped, &freeform] {
        store
            .create_configuration_profile(p, &profile_arn(r, "a", &p.id), &Tags::new(), PLENTY)
            .await
            .expect("create");
    }
    assert_eq!(
        store.configuration_profile("a", "flags").await.expect("get"),
        Some(flags.clone())
    );
    assert_eq!(
        store.configuration_profile("a", "untyped").await.expect("get"),
        Some(untyped.clone())
    );
    assert_eq!(
        store.configuration_profile("b", "flags").await.expect("other app"),
        None
    );
    assert!(matches!(
        store
            .create_configuration_profile(&untyped, &profile_arn(r, "a", "untyped"), &Tags::new(), PLENTY)
            .await,
        Err(Error::Conflict(Conflict::AlreadyExists(
            ResourceKind::ConfigurationProfile
        )))
    ));

    let all: Vec<String> = store
        .configuration_profiles("a", None, ALL)
        .await
        .expect("list")
        .into_iter()
        .map(|l| l.item.id)
        .collect();
    assert_eq!(all, ["flags", "untyped", "free"]);
    let only_flags = store
        .configuration_profiles("a", Some(FEATURE_FLAGS_TYPE), ALL)
        .await
        .expect("list flags");
    assert_eq!(only_flags.len(), 1);
    assert_eq!(only_flags[0].item, flags);
    let free = store
        .configuration_profiles("a", Some("AWS.Freeform"), ALL)
        .await
        .expect("list freeform");
    assert_eq!(free.iter().map(|l| l.item.id.as_str()).collect::<Vec<_>>(), ["free"]);

    let updated = ConfigurationProfile {
        name: "renamed".to_owned(),
        description: None,
        retrieval_role_arn: None,
        validators: vec![],
        kms_key_identifier: None,
        last_accessed_at: Some(at(8)),
        ..flags.clone()
    };
    store.update_configuration_profile(&updated).await.expect("update");
    // The last access is `record_access`'s to set, not the update's.
    assert_eq!(
        store.configuration_profile("a", "flags").await.expect("get"),
        Some(ConfigurationProfile {
            last_accessed_at: flags.last_accessed_at,
            ..updated
        })
    );

    store
        .delete_configuration_profile("a", "flags", &profile_arn(r, "a", "flags"), None)
        .await
        .expect("delete");
    assert_eq!(store.configuration_profile("a", "flags").await.expect("get"), None);
    let missing = ResourceKind::ConfigurationProfile;
    assert_eq!(
        store.update_configuration_profile(&flags).await,
        Err(Error::NotFound(missing))
    );
    assert_eq!(
        store
            .delete_configuration_profile("a", "flags", &profile_arn(r, "a", "flags"), None)
            .await,
        Err(Error::NotFound(missing))
    );
}

pub async fn configuration_profile_quota_and_parent(store: &dyn Store) {
    let r = "ap-south-2";
    assert_eq!(
        store
            .create_configuration_profile(&profile("ghost", "p"), &profile_arn(r, "ghost", "p"), &Tags::new(), 9)
            .await,
        Err(Error::NotFound(ResourceKind::Application))
    );
    for id in ["a", "b"] {
        store
            .create_application(&app(r, id), &app_arn(r, id), &Tags::new(), PLENTY)
            .await
            .expect("app");
    }
    for id in ["p1", "p2", "p3"] {
        store
            .create_configuration_profile(&profile("a", id), &profile_arn(r, "a", id), &Tags::new(), 3)
            .await
            .expect("under quota");
    }
    assert_eq!(
        store
            .create_configuration_profile(&profile("a", "p4"), &profile_arn(r, "a", "p4"), &Tags::new(), 3)
            .await,
        Err(Error::QuotaExceeded)
    );
    store
        .create_configuration_profile(&profile("b", "p4"), &profile_arn(r, "b", "p4"), &Tags::new(), 3)
        .await
        .expect("quota is per application");
}

pub async fn delete_profile_refused_with_hosted_versions(store: &dyn Store) {
    let r = "ca-central-1";
    app_with_profile(store, r, "a").await;
    let n = create_version(store, r, "a", None, b"{}").await;
    assert_eq!(
        store
            .delete_configuration_profile("a", "p", &profile_arn(r, "a", "p"), None)
            .await,
        Err(Error::HasChildren(ResourceKind::HostedConfigurationVersion))
    );
    assert!(store.configuration_profile("a", "p").await.expect("get").is_some());
    store.delete_hosted_version("a", "p", n).await.expect("delete version");
    store
        .delete_configuration_profile("a", "p", &profile_arn(r, "a", "p"), None)
        .await
        .expect("delete profile");
}
