//! `sign` then `verify`, and what each kind of tampering is reported as.

#![allow(clippy::unwrap_used, reason = "test helpers panic on broken fixtures by design")]

use http::{HeaderMap, HeaderName, HeaderValue, Method};
use ramp_clock::Timestamp;
use ramp_sigv4::{Authorization, Error, SignedRequest, parse_authorization, sign, verify};

const AKID: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const ARN_PATH: &str = "/tags/arn%3Aaws%3Aappconfig%3Aus-east-1%3A000000000000%3Aapplication%2Fabc1234";

struct Request {
    method: Method,
    path: String,
    query: Vec<(String, String)>,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Request {
    fn new(method: Method, path: &str, query: &[(&str, &str)], body: &[u8]) -> Self {
        let mut headers = HeaderMap::new();
        headers.insert("host", HeaderValue::from_static("localhost:4750"));
        headers.insert("content-type", HeaderValue::from_static("application/json"));
        headers.insert("user-agent", HeaderValue::from_static("aws-sdk-rust/1.0  os/linux"));
        Request {
            method,
            path: path.to_owned(),
            query: query.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(),
            headers,
            body: body.to_vec(),
        }
    }

    fn post() -> Self {
        Request::new(Method::POST, "/applications", &[], br#"{"Name":"my app"}"#)
    }

    fn view(&self) -> SignedRequest<'_> {
        SignedRequest {
            method: &self.method,
            raw_path: &self.path,
            query: &self.query,
            headers: &self.headers,
            body: &self.body,
        }
    }

    /// Signs as `secret` at `time`, adds the headers, and returns the parsed Authorization.
    fn sign_as(&mut self, secret: &str, time: Timestamp) -> Authorization {
        for (name, value) in sign(&self.view(), AKID, secret, "us-east-1", "appconfig", time) {
            self.headers.insert(name, value);
        }
        parse_authorization(self.headers["authorization"].to_str().unwrap()).unwrap()
    }

    fn sign_at(&mut self, time: Timestamp) -> Authorization {
        self.sign_as(SECRET, time)
    }

    fn verify_at(&self, auth: &Authorization, now: Timestamp) -> Result<(), Error> {
        verify(&self.view(), auth, SECRET, now)
    }
}

fn t0() -> Timestamp {
    Timestamp::parse_amz_date("20150830T123600Z").unwrap()
}

#[test]
fn signed_requests_verify() {
    let mut requests = vec![
        Request::post(),
        Request::new(
            Method::GET,
            "/applications",
            &[("max_results", "5"), ("next_token", "a b+c/=")],
            b"",
        ),
        Request::new(Method::GET, ARN_PATH, &[], b""),
        Request::new(Method::DELETE, ARN_PATH, &[("tagKeys", "k1"), ("tagKeys", "k0")], b""),
        Request::new(Method::GET, "", &[("flag", "")], b""),
    ];
    for request in &mut requests {
        let auth = request.sign_at(t0());
        assert_eq!(auth.access_key_id, AKID);
        assert_eq!(
            (auth.date.as_str(), auth.region.as_str(), auth.service.as_str()),
            ("20150830", "us-east-1", "appconfig")
        );
        assert_eq!(
            auth.signed_headers,
            [
                "content-type",
                "host",
                "user-agent",
                "x-amz-content-sha256",
                "x-amz-date"
            ]
        );
        assert_eq!(
            request.verify_at(&auth, t0()),
            Ok(()),
            "{} {}",
            request.method,
            request.path
        );
    }
}

#[test]
fn arn_path_is_signed_double_encoded() {
    let mut request = Request::new(Method::GET, ARN_PATH, &[], b"");
    let auth = request.sign_at(t0());
    assert_eq!(request.verify_at(&auth, t0()), Ok(()));

    // The same ARN decoded once is a different wire path, so a different signature.
    request.path = "/tags/arn:aws:appconfig:us-east-1:000000000000:application%2Fabc1234".to_owned();
    assert_eq!(request.verify_at(&auth, t0()), Err(Error::SignatureMismatch));
    request.path = ARN_PATH.replace("abc1234", "abc1235");
    assert_eq!(request.verify_at(&auth, t0()), Err(Error::SignatureMismatch));
}

#[test]
fn query_arrival_order_does_not_matter() {
    let mut request = Request::new(Method::GET, "/applications", &[("b", "2"), ("a", "1")], b"");
    let auth = request.sign_at(t0());
    request.query.reverse();
    assert_eq!(request.verify_at(&auth, t0()), Ok(()));
}

#[test]
fn tampering_is_caught() {
    let mut signed = Request::new(Method::POST, "/applications", &[("a", "1")], br#"{"Name":"my app"}"#);
    let auth = signed.sign_at(t0());
    let tampered = |change: &dyn Fn(&mut Request)| {
        let mut request = Request::new(Method::POST, "/applications", &[("a", "1")], br#"{"Name":"my app"}"#);
        request.headers = signed.headers.clone();
        change(&mut request);
        request.verify_at(&auth, t0())
    };
    assert_eq!(tampered(&|_| {}), Ok(()));
    assert_eq!(
        tampered(&|r| r.path = "/applicationz".to_owned()),
        Err(Error::SignatureMismatch)
    );
    assert_eq!(tampered(&|r| r.method = Method::PUT), Err(Error::SignatureMismatch));
    assert_eq!(
        tampered(&|r| r.query[0].1 = "2".to_owned()),
        Err(Error::SignatureMismatch)
    );
    assert_eq!(
        tampered(&|r| r.query.push(("b".to_owned(), String::new()))),
        Err(Error::SignatureMismatch)
    );
    assert_eq!(tampered(&|r| r.query.clear()), Err(Error::SignatureMismatch));
    assert_eq!(
        tampered(&|r| {
            r.headers.insert("content-type", HeaderValue::from_static("text/plain"));
        }),
        Err(Error::SignatureMismatch)
    );
    assert_eq!(
        tampered(&|r| {
            r.headers.insert("host", HeaderValue::from_static("evil.example.com"));
        }),
        Err(Error::SignatureMismatch)
    );
    // The declared body hash no longer matches the body.
    assert_eq!(
        tampered(&|r| r.body = br#"{"Name":"my apq"}"#.to_vec()),
        Err(Error::PayloadHashMismatch)
    );
    // Without the declared hash the body hash goes into the signature instead.
    assert_eq!(
        tampered(&|r| {
            r.headers.remove("x-amz-content-sha256");
            r.body = br#"{"Name":"my apq"}"#.to_vec();
        }),
        Err(Error::SignatureMismatch)
    );
    // Headers added on the way (proxies, load balancers) are not signed and do not matter.
    assert_eq!(
        tampered(&|r| {
            r.headers
                .insert("x-forwarded-for", HeaderValue::from_static("10.0.0.1"));
        }),
        Ok(())
    );
}

#[test]
fn wrong_secret_or_signature_mismatches() {
    let mut request = Request::post();
    let auth = request.sign_as("not the secret", t0());
    assert_eq!(request.verify_at(&auth, t0()), Err(Error::SignatureMismatch));

    let mut request = Request::post();
    let mut auth = request.sign_at(t0());
    auth.signature.truncate(63);
    assert_eq!(request.verify_at(&auth, t0()), Err(Error::SignatureMismatch));
    auth.signature.clear();
    assert_eq!(request.verify_at(&auth, t0()), Err(Error::SignatureMismatch));
}

#[test]
fn clock_skew_window() {
    let mut request = Request::post();
    let auth = request.sign_at(t0());
    for minutes in [-15, -14, 0, 14, 15] {
        assert_eq!(
            request.verify_at(&auth, t0().plus_minutes(minutes)),
            Ok(()),
            "{minutes} min"
        );
    }
    for minutes in [-16, 16] {
        assert!(
            matches!(
                request.verify_at(&auth, t0().plus_minutes(minutes)),
                Err(Error::Expired(_))
            ),
            "{minutes} min"
        );
    }
    assert_eq!(
        request.verify_at(&auth, t0().plus_minutes(25)),
        Err(Error::Expired(
            "Signature expired: 20150830T123600Z is now earlier than 20150830T124600Z (20150830T130100Z - 15 min.)"
                .to_owned()
        ))
    );
    assert_eq!(
        request.verify_at(&auth, t0().plus_minutes(-25)),
        Err(Error::Expired(
            "Signature not yet current: 20150830T123600Z is still later than 20150830T122600Z \
             (20150830T121100Z + 15 min.)"
                .to_owned()
        ))
    );
}

#[test]
fn request_time_must_be_there_and_match_the_scope() {
    let mut request = Request::post();
    let auth = request.sign_at(t0());

    let mut other_day = auth.clone();
    other_day.date = "20150831".to_owned();
    let Err(Error::Incomplete(message)) = request.verify_at(&other_day, t0()) else {
        panic!("a scope for another day must be incomplete");
    };
    assert!(message.contains("'20150831' != '20150830'"), "{message}");

    request.headers.remove("x-amz-date");
    let Err(Error::Incomplete(message)) = request.verify_at(&auth, t0()) else {
        panic!("a request without a date must be incomplete");
    };
    assert!(message.contains("X-Amz-Date"), "{message}");

    let mut no_host = auth.clone();
    no_host.signed_headers.retain(|name| name != "host");
    let Err(Error::Incomplete(message)) = request.verify_at(&no_host, t0()) else {
        panic!("host must be signed");
    };
    assert!(message.contains("'Host'"), "{message}");
}

#[test]
fn resigning_replaces_the_old_signature() {
    let mut request = Request::post();
    request.sign_at(t0());
    let later = t0().plus_minutes(60);
    let auth = request.sign_at(later);
    assert_eq!(request.headers.get_all("x-amz-date").iter().count(), 1);
    assert_eq!(request.verify_at(&auth, later), Ok(()));
}

#[test]
fn unsigned_payload_is_accepted_as_declared() {
    // Built by hand: `sign` always hashes the body, but SDKs may declare UNSIGNED-PAYLOAD.
    let mut request = Request::post();
    let auth = request.sign_at(t0());
    request.headers.insert(
        HeaderName::from_static("x-amz-content-sha256"),
        HeaderValue::from_static("UNSIGNED-PAYLOAD"),
    );
    // The signature covered the real hash, so declaring UNSIGNED-PAYLOAD afterwards is tampering.
    assert_eq!(request.verify_at(&auth, t0()), Err(Error::SignatureMismatch));
}

#[test]
fn messages() {
    assert!(
        Error::SignatureMismatch
            .to_string()
            .starts_with("The request signature we calculated does not match")
    );
    assert_eq!(
        Error::SignatureMismatch.message(),
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret \
         Access Key and signing method. Consult the service documentation for details."
    );
    assert_eq!(Error::Incomplete("x".to_owned()).to_string(), "x");
    let boxed: Box<dyn std::error::Error> = Box::new(Error::PayloadHashMismatch);
    assert!(boxed.to_string().contains("x-amz-content-sha256"));
}
