//! AWS's published SigV4 test suite (credentials AKIDEXAMPLE, 20150830T123600Z, us-east-1,
//! service `service`): canonical request, string to sign and signature of each case, then
//! `verify` on the signed request as the suite's `.authz` gives it.

use http::{HeaderMap, Method};
use ramp_clock::Timestamp;

use crate::canonical::{canonical_uri, header_value};
use crate::signing::{Scope, compute, sha256_hex};
use crate::{Error, SignedRequest, parse_authorization, verify};

mod cases;

use cases::{cases, get};

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const AMZ_DATE: &str = "20150830T123600Z";
const SCOPE: Scope<'static> = Scope {
    date: "20150830",
    region: "us-east-1",
    service: "service",
};
const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const UNRESERVED: &str = "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const HOST: (&str, &str) = ("Host", "example.amazonaws.com");
const DATE: (&str, &str) = ("X-Amz-Date", AMZ_DATE);

struct Case {
    name: &'static str,
    method: Method,
    path: &'static str,
    query: &'static [(&'static str, &'static str)],
    /// As in the `.req` file, in order; a repeated name is a repeated header line.
    headers: &'static [(&'static str, &'static str)],
    body: &'static str,
    /// The `.creq` file without its last line, the payload hash (checked separately).
    canonical_request: &'static str,
    signature: &'static str,
}

struct Request {
    method: Method,
    path: String,
    query: Vec<(String, String)>,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Request {
    fn of(case: &Case) -> Self {
        let mut headers = HeaderMap::new();
        for (name, value) in case.headers {
            headers.append(
                http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                value.parse().unwrap(),
            );
        }
        Request {
            method: case.method.clone(),
            path: case.path.to_owned(),
            query: case
                .query
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            headers,
            body: case.body.as_bytes().to_vec(),
        }
    }

    fn signed(&self) -> SignedRequest<'_> {
        SignedRequest {
            method: &self.method,
            raw_path: &self.path,
            query: &self.query,
            headers: &self.headers,
            body: &self.body,
        }
    }

    /// The suite signs every header of the request.
    fn signed_headers(&self) -> Vec<(String, String)> {
        let mut names: Vec<&str> = self.headers.keys().map(http::HeaderName::as_str).collect();
        names.sort_unstable();
        names
            .into_iter()
            .map(|name| (name.to_owned(), header_value(&self.headers, name).unwrap()))
            .collect()
    }

    fn authorization(&self, signature: &str) -> String {
        let names: Vec<String> = self.signed_headers().into_iter().map(|(name, _)| name).collect();
        format!(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
             SignedHeaders={}, Signature={signature}",
            names.join(";")
        )
    }
}

fn now() -> Timestamp {
    Timestamp::parse_amz_date(AMZ_DATE).unwrap()
}

#[test]
fn aws_test_suite() {
    for case in cases() {
        let request = Request::of(&case);
        let payload_hash = sha256_hex(case.body.as_bytes());
        let computed = compute(
            &request.signed(),
            &canonical_uri(case.path),
            &request.signed_headers(),
            AMZ_DATE,
            &SCOPE,
            &payload_hash,
            SECRET,
        );
        assert_eq!(
            computed.canonical_request,
            format!("{}\n{payload_hash}", case.canonical_request),
            "{}: canonical request",
            case.name
        );
        assert_eq!(
            computed.string_to_sign,
            format!(
                "AWS4-HMAC-SHA256\n{AMZ_DATE}\n20150830/us-east-1/service/aws4_request\n{}",
                sha256_hex(computed.canonical_request.as_bytes())
            ),
            "{}: string to sign",
            case.name
        );
        assert_eq!(computed.signature, case.signature, "{}: signature", case.name);

        let auth = parse_authorization(&request.authorization(case.signature)).unwrap();
        assert_eq!(
            verify(&request.signed(), &auth, SECRET, now()),
            Ok(()),
            "{}: verify",
            case.name
        );
    }
}

#[test]
fn get_vanilla_string_to_sign() {
    let case = get("get-vanilla", "/", "/", "");
    let request = Request::of(&case);
    let computed = compute(
        &request.signed(),
        "/",
        &request.signed_headers(),
        AMZ_DATE,
        &SCOPE,
        EMPTY_SHA256,
        SECRET,
    );
    assert_eq!(
        computed.string_to_sign,
        "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n\
         bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63"
    );
}

/// A signer that does not normalize the path (the suite's `get-slashes-unnormalized`) verifies too.
#[test]
fn unnormalized_slashes_verify_too() {
    let request = Request::of(&get("get-slashes-unnormalized", "//example//", "", ""));
    let auth = request.authorization("87cca117541a147f6df867677d98a7d80dff226d2bfca9e4ffa899665623c7e5");
    let auth = parse_authorization(&auth).unwrap();
    assert_eq!(verify(&request.signed(), &auth, SECRET, now()), Ok(()));
}

#[test]
fn get_vanilla_rejects_one_changed_character() {
    let signature = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";
    let request = Request::of(&get("get-vanilla", "/", "/", signature));
    let auth = parse_authorization(&request.authorization(signature)).unwrap();
    assert_eq!(verify(&request.signed(), &auth, SECRET, now()), Ok(()));

    let mut body = Request::of(&get("get-vanilla", "/", "/", signature));
    body.body = b"x".to_vec();
    assert_eq!(
        verify(&body.signed(), &auth, SECRET, now()),
        Err(Error::SignatureMismatch)
    );

    let mut path = Request::of(&get("get-vanilla", "/", "/", signature));
    path.path = "/a".to_owned();
    assert_eq!(
        verify(&path.signed(), &auth, SECRET, now()),
        Err(Error::SignatureMismatch)
    );

    let mut wrong = auth.clone();
    wrong.signature.replace_range(0..1, "6");
    assert_eq!(
        verify(&request.signed(), &wrong, SECRET, now()),
        Err(Error::SignatureMismatch)
    );

    let mut secret = SECRET.to_owned();
    secret.replace_range(0..1, "v");
    assert_eq!(
        verify(&request.signed(), &auth, &secret, now()),
        Err(Error::SignatureMismatch)
    );
}

/// The suite's `double-url-encode` case: an ARN in a path segment, as AppConfig's tag
/// operations send it, is signed encoded twice.
#[test]
fn double_url_encoded_arn_path() {
    let path =
        "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-west-2%3A892717189312%3Afunction%3Amy-rusty-fun/invocations";
    let mut headers = HeaderMap::new();
    headers.insert("host", "lambda.us-east-2.amazonaws.com".parse().unwrap());
    headers.insert("x-amz-date", "20210511T154045Z".parse().unwrap());
    let request = SignedRequest {
        method: &Method::POST,
        raw_path: path,
        query: &[],
        headers: &headers,
        body: b"",
    };
    let scope = Scope {
        date: "20210511",
        region: "us-east-2",
        service: "lambda",
    };
    let signed = [
        ("host".to_owned(), "lambda.us-east-2.amazonaws.com".to_owned()),
        ("x-amz-date".to_owned(), "20210511T154045Z".to_owned()),
    ];
    let computed = compute(
        &request,
        &canonical_uri(path),
        &signed,
        "20210511T154045Z",
        &scope,
        EMPTY_SHA256,
        SECRET,
    );
    assert_eq!(
        computed.canonical_request,
        format!(
            "POST\n/2015-03-31/functions/arn%253Aaws%253Alambda%253Aus-west-2%253A892717189312%253Afunction%253A\
             my-rusty-fun/invocations\n\nhost:lambda.us-east-2.amazonaws.com\nx-amz-date:20210511T154045Z\n\n\
             host;x-amz-date\n{EMPTY_SHA256}"
        )
    );
    let signature = "4b93abbcc68be32bd64c18e2c71150660ab4c29bbd6c32a383a7517a88fc1804";
    assert_eq!(computed.signature, signature);

    let auth = parse_authorization(&format!(
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20210511/us-east-2/lambda/aws4_request, \
         SignedHeaders=host;x-amz-date, Signature={signature}"
    ))
    .unwrap();
    let now = Timestamp::parse_amz_date("20210511T154045Z").unwrap();
    assert_eq!(verify(&request, &auth, SECRET, now), Ok(()));
    let decoded_once = SignedRequest {
        raw_path: "/2015-03-31/functions/arn:aws:lambda:us-west-2:892717189312:function:my-rusty-fun/invocations",
        ..request
    };
    assert_eq!(verify(&decoded_once, &auth, SECRET, now), Err(Error::SignatureMismatch));
}
