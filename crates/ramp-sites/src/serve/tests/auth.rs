use http::{Method, StatusCode};

use super::*;
use crate::serve::SiteError;

// base64("username1:password1"), as the Terraform provider's tests send (spec §8.6).
const CREDENTIALS: &str = "dXNlcm5hbWUxOnBhc3N3b3JkMQ==";

async fn protected() -> TestSite {
    let settings = SiteSettings {
        basic_auth: Some(CREDENTIALS.to_owned()),
        ..settings()
    };
    deploy(&[file("index.html", "private")], settings).await
}

#[tokio::test]
async fn the_right_credentials_pass() {
    let site = protected().await;
    let response = site
        .get_with("/", &[("authorization", "Basic dXNlcm5hbWUxOnBhc3N3b3JkMQ==")])
        .await;
    assert_eq!((response.status(), body(&response)), (StatusCode::OK, "private"));
    let lowercase_scheme = site
        .get_with("/", &[("authorization", &format!("basic {CREDENTIALS}"))])
        .await;
    assert_eq!(lowercase_scheme.status(), StatusCode::OK);
}

#[tokio::test]
async fn wrong_missing_or_malformed_credentials_are_challenged() {
    let site = protected().await;
    // base64("username1:password2")
    for headers in [
        vec![("authorization", "Basic dXNlcm5hbWUxOnBhc3N3b3JkMg==")],
        vec![],
        vec![("authorization", "Basic !!!")],
        vec![("authorization", "Bearer dXNlcm5hbWUxOnBhc3N3b3JkMQ==")],
    ] {
        let response = site.get_with("/", &headers).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{headers:?}");
        assert!(
            header(&response, "www-authenticate")
                .unwrap()
                .starts_with("Basic realm=\"")
        );
        assert!(!body(&response).contains("private"));
    }
}

#[tokio::test]
async fn options_is_challenged_too() {
    let site = protected().await;
    let challenged = site.send(Method::OPTIONS, "/", &[]).await;
    assert_eq!(challenged.status(), StatusCode::UNAUTHORIZED);
    let authorized = site
        .send(
            Method::OPTIONS,
            "/",
            &[("authorization", &format!("Basic {CREDENTIALS}"))],
        )
        .await;
    assert_eq!(authorized.status(), StatusCode::NO_CONTENT);
}

#[test]
fn credentials_that_are_not_base64_of_user_colon_password_are_refused() {
    for bad in ["not base64!", "dXNlcm5hbWU="] {
        let settings = SiteSettings {
            basic_auth: Some(bad.to_owned()),
            ..settings()
        };
        let error = Site::new(Manifest::default(), settings).unwrap_err();
        assert!(matches!(error, SiteError::BasicAuth(_)), "{bad}: {error}");
    }
}
