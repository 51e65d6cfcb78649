use crate::harness::{TestServer, error_code, error_message};

#[tokio::test]
async fn application_lifecycle() {
    let server = TestServer::start();
    let client = server.appconfig();

    let created = client
        .create_application()
        .name("shop")
        .description("the shop")
        .tags("team", "payments")
        .send()
        .await
        .unwrap();
    let id = created.id().unwrap().to_owned();
    assert_eq!(id.len(), 7);
    assert_eq!(created.name(), Some("shop"));
    assert_eq!(created.description(), Some("the shop"));

    let got = client.get_application().application_id(&id).send().await.unwrap();
    assert_eq!(got.name(), Some("shop"));

    let updated = client
        .update_application()
        .application_id(&id)
        .name("store")
        .send()
        .await
        .unwrap();
    assert_eq!(updated.name(), Some("store"));
    assert_eq!(
        updated.description(),
        Some("the shop"),
        "omitted members stay unchanged"
    );

    let listed = client.list_applications().send().await.unwrap();
    assert_eq!(listed.items().len(), 1);
    assert_eq!(listed.items()[0].id(), Some(id.as_str()));

    client.delete_application().application_id(&id).send().await.unwrap();
    let gone = client.get_application().application_id(&id).send().await.unwrap_err();
    assert_eq!(error_code(&gone), "ResourceNotFoundException");
    assert!(error_message(&gone).contains(&id));
    let again = client
        .delete_application()
        .application_id(&id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_code(&again), "ResourceNotFoundException");
}

#[tokio::test]
async fn pagination_walks_every_application_once() {
    let server = TestServer::start();
    let client = server.appconfig();
    let mut created = Vec::new();
    for i in 0..7 {
        let app = client
            .create_application()
            .name(format!("app-{i}"))
            .send()
            .await
            .unwrap();
        created.push(app.id().unwrap().to_owned());
    }
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = client
            .list_applications()
            .max_results(3)
            .set_next_token(token.clone())
            .send()
            .await
            .unwrap();
        assert!(page.items().len() <= 3);
        seen.extend(page.items().iter().map(|a| a.id().unwrap().to_owned()));
        token = page.next_token().map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    assert_eq!(seen, created, "creation order, each once");

    // The SDK paginator agrees.
    let all: Vec<_> = client
        .list_applications()
        .max_results(2)
        .into_paginator()
        .items()
        .send()
        .collect::<Vec<_>>()
        .await;
    assert_eq!(all.len(), 7);
}

#[tokio::test]
async fn bad_page_parameters_are_refused() {
    let server = TestServer::start();
    let client = server.appconfig();
    for _ in 0..3 {
        client.create_application().name("a").send().await.unwrap();
    }
    let page = client.list_applications().max_results(1).send().await.unwrap();
    let token = page.next_token().unwrap().to_owned();

    let mut forged = token.clone();
    forged.insert(0, 'x');
    let err = client.list_applications().next_token(forged).send().await.unwrap_err();
    assert_eq!(error_code(&err), "BadRequestException");
    assert!(error_message(&err).contains("NextToken"));

    for bad in [0, 51] {
        let err = client.list_applications().max_results(bad).send().await.unwrap_err();
        assert_eq!(error_code(&err), "BadRequestException", "max_results {bad}");
        assert!(error_message(&err).contains("MaxResults"));
    }

    // A token from one list is refused by another.
    let app = client.create_application().name("parent").send().await.unwrap();
    let err = client
        .list_environments()
        .application_id(app.id().unwrap())
        .next_token(token)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_code(&err), "BadRequestException");
}

#[tokio::test]
async fn invalid_members_name_themselves() {
    let server = TestServer::start();
    let client = server.appconfig();
    let err = client
        .create_application()
        .name("x".repeat(65))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_code(&err), "BadRequestException");
    assert!(error_message(&err).contains("'Name'"), "{}", error_message(&err));

    let err = client
        .create_application()
        .name("ok")
        .description("d".repeat(1025))
        .send()
        .await
        .unwrap_err();
    assert!(error_message(&err).contains("'Description'"));

    let err = client
        .create_application()
        .name("ok")
        .tags("aws:reserved", "v")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_code(&err), "BadRequestException");

    let err = client
        .get_application()
        .application_id("NOT-AN-ID")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_code(&err), "BadRequestException");
    assert!(error_message(&err).contains("ApplicationId"));
}

#[tokio::test]
async fn application_quota_answers_402() {
    let server = TestServer::with_args(&["--quota-applications", "2"]);
    let client = server.appconfig();
    client.create_application().name("a").send().await.unwrap();
    client.create_application().name("b").send().await.unwrap();
    let err = client.create_application().name("c").send().await.unwrap_err();
    assert_eq!(error_code(&err), "ServiceQuotaExceededException");
    assert_eq!(err.raw_response().unwrap().status().as_u16(), 402);
    assert_eq!(
        client.list_applications().send().await.unwrap().items().len(),
        2,
        "nothing half-written"
    );
}

#[tokio::test]
async fn deleting_an_application_with_children_is_refused() {
    let server = TestServer::start();
    let client = server.appconfig();
    let app = client.create_application().name("a").send().await.unwrap();
    let id = app.id().unwrap();
    let env = client
        .create_environment()
        .application_id(id)
        .name("prod")
        .send()
        .await
        .unwrap();
    let err = client.delete_application().application_id(id).send().await.unwrap_err();
    assert_eq!(error_code(&err), "BadRequestException");
    assert!(error_message(&err).contains("environments"), "{}", error_message(&err));
    client
        .get_application()
        .application_id(id)
        .send()
        .await
        .expect("still there");

    client
        .delete_environment()
        .application_id(id)
        .environment_id(env.id().unwrap())
        .send()
        .await
        .unwrap();
    client.delete_application().application_id(id).send().await.unwrap();
}

#[tokio::test]
async fn regions_are_separate() {
    let server = TestServer::start();
    let east = server.appconfig();
    let west = server.appconfig_with(crate::harness::ACCESS_KEY, crate::harness::SECRET_KEY, "eu-west-1");
    let app = east.create_application().name("east-only").send().await.unwrap();
    let err = west
        .get_application()
        .application_id(app.id().unwrap())
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_code(&err), "ResourceNotFoundException");
    assert!(west.list_applications().send().await.unwrap().items().is_empty());
}
