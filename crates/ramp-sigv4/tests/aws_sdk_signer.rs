//! Requests signed by the official `aws-sigv4` crate (what aws-sdk-rust sends) verify here.

#![allow(clippy::unwrap_used, reason = "test helpers panic on broken fixtures by design")]

use std::time::{Duration, UNIX_EPOCH};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{PayloadChecksumKind, SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use http::{HeaderMap, Method, Request};
use percent_encoding::percent_decode_str;
use ramp_clock::Timestamp;
use ramp_sigv4::{Error, SignedRequest, parse_authorization, verify};

const AKID: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const MILLIS: i64 = 1_700_000_000_123;

#[derive(Clone, Copy)]
enum Payload {
    Body,
    DeclaredHash,
    Unsigned,
}

struct Sdk {
    session_token: Option<&'static str>,
    payload: Payload,
}

const PLAIN: Sdk = Sdk {
    session_token: None,
    payload: Payload::Body,
};

/// Signs as aws-sdk-rust does for AppConfig, and returns the request as it goes on the wire.
fn sdk_sign(sdk: &Sdk, method: Method, path_and_query: &str, body: &[u8]) -> Request<Vec<u8>> {
    let mut request = Request::builder()
        .method(method)
        .uri(format!("http://localhost:4750{path_and_query}"))
        .header("host", "localhost:4750")
        .header("content-type", "application/json")
        .header("x-amz-user-agent", "aws-sdk-rust/1.3.0   api/appconfig/1.0")
        .header("user-agent", "aws-sdk-rust/1.3.0 os/linux")
        .body(body.to_vec())
        .unwrap();
    let identity: Identity = Credentials::new(AKID, SECRET, sdk.session_token.map(str::to_owned), None, "test").into();
    let mut settings = SigningSettings::default();
    // Without the header the server would hash the body itself, so an SDK declaring
    // UNSIGNED-PAYLOAD always sends it.
    if matches!(sdk.payload, Payload::DeclaredHash | Payload::Unsigned) {
        settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
    }
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name("appconfig")
        .time(UNIX_EPOCH + Duration::from_millis(MILLIS as u64))
        .settings(settings)
        .build()
        .unwrap()
        .into();
    let signable_body = match sdk.payload {
        Payload::Unsigned => SignableBody::UnsignedPayload,
        _ => SignableBody::Bytes(body),
    };
    let headers: Vec<(&str, &str)> = request
        .headers()
        .iter()
        .map(|(name, value)| (name.as_str(), value.to_str().unwrap()))
        .collect();
    let signable = SignableRequest::new(
        request.method().as_str(),
        request.uri().to_string(),
        headers.into_iter(),
        signable_body,
    )
    .unwrap();
    let (instructions, _) = sign(signable, &params).unwrap().into_parts();
    instructions.apply_to_request_http1x(&mut request);
    request
}

/// What the server does with a request off the wire.
fn server_verify(request: &Request<Vec<u8>>, secret: &str, now: Timestamp) -> Result<(), Error> {
    let query: Vec<(String, String)> = request
        .uri()
        .query()
        .unwrap_or_default()
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let decode = |s: &str| percent_decode_str(s).decode_utf8().unwrap().into_owned();
            (decode(key), decode(value))
        })
        .collect();
    let headers: &HeaderMap = request.headers();
    let auth = parse_authorization(headers["authorization"].to_str().unwrap())?;
    assert_eq!(auth.access_key_id, AKID);
    assert_eq!(auth.service, "appconfig");
    verify(
        &SignedRequest {
            method: request.method(),
            raw_path: request.uri().path(),
            query: &query,
            headers,
            body: request.body(),
        },
        &auth,
        secret,
        now,
    )
}

fn now() -> Timestamp {
    Timestamp::from_millis(MILLIS)
}

#[test]
fn sdk_signed_requests_verify() {
    let arn = "/tags/arn%3Aaws%3Aappconfig%3Aus-east-1%3A000000000000%3Aapplication%2Fabc1234";
    for (method, path_and_query, body) in [
        (Method::GET, "/applications", &b""[..]),
        (
            Method::GET,
            "/applications?max_results=5&next_token=a%20b%2Bc%2F%3D",
            b"",
        ),
        (
            Method::POST,
            "/applications",
            br#"{"Name":"my app","Description":"caf\u00e9"}"#,
        ),
        (Method::GET, arn, b""),
        (Method::POST, arn, br#"{"Tags":{"k":"v"}}"#),
        (Method::DELETE, &format!("{arn}?tagKeys=k1&tagKeys=k0"), b""),
        (
            Method::PATCH,
            "/applications/abc1234/environments/def5678",
            br#"{"Name":"prod"}"#,
        ),
        (
            Method::GET,
            "/applications/abc1234/configurationprofiles/%E1%88%B4%20x",
            b"",
        ),
        // The SDK signs these normalized, while the wire keeps them as they are.
        (Method::GET, "/applications/./abc/../abc1234", b""),
        (Method::GET, "/applications//abc1234", b""),
    ] {
        let request = sdk_sign(&PLAIN, method.clone(), path_and_query, body);
        assert_eq!(
            server_verify(&request, SECRET, now()),
            Ok(()),
            "{method} {path_and_query}"
        );
        assert_eq!(
            server_verify(&request, "wrong secret", now()),
            Err(Error::SignatureMismatch),
            "{method} {path_and_query}"
        );
    }
}

#[test]
fn sdk_payload_modes_and_session_token_verify() {
    let body = br#"{"Name":"my app"}"#;
    for sdk in [
        Sdk {
            session_token: Some("IQoJb3JpZ2luX2VjEXAMPLETOKEN=="),
            payload: Payload::Body,
        },
        Sdk {
            session_token: None,
            payload: Payload::DeclaredHash,
        },
        Sdk {
            session_token: None,
            payload: Payload::Unsigned,
        },
    ] {
        let request = sdk_sign(&sdk, Method::POST, "/applications", body);
        assert_eq!(server_verify(&request, SECRET, now()), Ok(()));
        let declared = request
            .headers()
            .get("x-amz-content-sha256")
            .map(|v| v.to_str().unwrap());
        match sdk.payload {
            Payload::Body => assert_eq!(declared, None),
            Payload::DeclaredHash => assert_eq!(declared.map(str::len), Some(64)),
            Payload::Unsigned => assert_eq!(declared, Some("UNSIGNED-PAYLOAD")),
        }
        if sdk.session_token.is_some() {
            assert!(
                request.headers()["authorization"]
                    .to_str()
                    .unwrap()
                    .contains("x-amz-security-token")
            );
        }

        let mut tampered = request;
        *tampered.body_mut() = br#"{"Name":"my apq"}"#.to_vec();
        let expected = match sdk.payload {
            Payload::Body => Err(Error::SignatureMismatch),
            Payload::DeclaredHash => Err(Error::PayloadHashMismatch),
            // The signer opted out of covering the body: AWS accepts any body then, as do we.
            Payload::Unsigned => Ok(()),
        };
        assert_eq!(server_verify(&tampered, SECRET, now()), expected);
    }
}

#[test]
fn sdk_signed_request_expires() {
    let request = sdk_sign(&PLAIN, Method::GET, "/applications", b"");
    assert_eq!(server_verify(&request, SECRET, now().plus_minutes(14)), Ok(()));
    assert!(matches!(
        server_verify(&request, SECRET, now().plus_minutes(16)),
        Err(Error::Expired(_))
    ));
    assert!(matches!(
        server_verify(&request, SECRET, now().plus_minutes(-16)),
        Err(Error::Expired(_))
    ));
}

/// Both signers must produce the same signature for the same request and time.
#[test]
fn ramp_sign_matches_sdk_sign() {
    let sdk = Sdk {
        session_token: None,
        payload: Payload::DeclaredHash,
    };
    let body = br#"{"Name":"my app"}"#;
    let arn = "/tags/arn%3Aaws%3Aappconfig%3Aus-east-1%3A000000000000%3Aapplication%2Fabc1234";
    let sdk_request = sdk_sign(&sdk, Method::POST, &format!("{arn}?b=2&a=x%20y"), body);

    let mut headers = HeaderMap::new();
    for name in ["host", "content-type", "x-amz-user-agent"] {
        headers.insert(name, sdk_request.headers()[name].clone());
    }
    let query = [("b".to_owned(), "2".to_owned()), ("a".to_owned(), "x y".to_owned())];
    let ours = ramp_sigv4::sign(
        &SignedRequest {
            method: &Method::POST,
            raw_path: arn,
            query: &query,
            headers: &headers,
            body,
        },
        AKID,
        SECRET,
        "us-east-1",
        "appconfig",
        now(),
    );
    let authorization = ours
        .iter()
        .find(|(name, _)| name == "authorization")
        .map(|(_, value)| value)
        .unwrap();
    assert_eq!(authorization, sdk_request.headers()["authorization"]);
}
