//! Parsing the Authorization header, and what each malformed one is reported as.

#![allow(clippy::unwrap_used, reason = "test helpers panic on broken fixtures by design")]

use ramp_sigv4::{Authorization, Error, parse_authorization};

const GOOD: &str = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
    SignedHeaders=host;x-amz-date, \
    Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";

fn incomplete(header: &str) -> String {
    match parse_authorization(header) {
        Err(Error::Incomplete(message)) => message,
        other => panic!("{header:?} should be incomplete, got {other:?}"),
    }
}

#[test]
fn good_header() {
    let expected = Authorization {
        access_key_id: "AKIDEXAMPLE".to_owned(),
        date: "20150830".to_owned(),
        region: "us-east-1".to_owned(),
        service: "service".to_owned(),
        signed_headers: vec!["host".to_owned(), "x-amz-date".to_owned()],
        signature: "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31".to_owned(),
    };
    assert_eq!(parse_authorization(GOOD), Ok(expected.clone()));
    // Some signers leave out the spaces after the commas, or pad the header.
    assert_eq!(
        parse_authorization(&format!("  {}  ", GOOD.replace(", ", ","))),
        Ok(expected.clone())
    );
    // Unknown parameters are ignored, and signed header names are lowercased.
    let padded = GOOD
        .replace("host;", "Host;")
        .replace("Signature=", "Extra=1, Signature=");
    assert_eq!(parse_authorization(&padded), Ok(expected));
}

#[test]
fn wrong_algorithm() {
    for header in [
        GOOD.replace("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA1"),
        GOOD.replace("AWS4-HMAC-SHA256", "AWS4-ECDSA-P256-SHA256"),
        "AWS AKIDEXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=".to_owned(),
        String::new(),
    ] {
        let message = incomplete(&header);
        assert!(message.contains("algorithm"), "{message}");
    }
}

#[test]
fn missing_parameters_are_all_named() {
    let message = incomplete("AWS4-HMAC-SHA256 SignedHeaders=host;x-amz-date");
    assert!(message.contains("requires 'Credential' parameter"), "{message}");
    assert!(message.contains("requires 'Signature' parameter"), "{message}");
    assert!(!message.contains("'SignedHeaders'"), "{message}");

    let message = incomplete(&GOOD.replace("SignedHeaders=host;x-amz-date, ", ""));
    assert!(message.contains("requires 'SignedHeaders' parameter"), "{message}");
    assert!(!message.contains("'Credential'"), "{message}");

    let message = incomplete(&GOOD.replace(
        "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
        "Signature=",
    ));
    assert!(message.contains("requires 'Signature' parameter"), "{message}");

    let message = incomplete("AWS4-HMAC-SHA256");
    assert!(message.matches("requires").count() == 3, "{message}");
}

#[test]
fn malformed_parameters() {
    let message = incomplete(&GOOD.replace(", SignedHeaders=host;x-amz-date", ", SignedHeaders"));
    assert!(
        message.contains("'SignedHeaders' is not of the form key=value"),
        "{message}"
    );

    let message = incomplete(&format!("{GOOD}, Signature=00"));
    assert!(message.contains("more than one 'Signature'"), "{message}");
}

#[test]
fn bad_credential_scope() {
    for credential in [
        "AKIDEXAMPLE/20150830/us-east-1/service",
        "AKIDEXAMPLE/20150830/us-east-1/service/aws4_request/x",
        "AKIDEXAMPLE",
    ] {
        let message = incomplete(&GOOD.replace("AKIDEXAMPLE/20150830/us-east-1/service/aws4_request", credential));
        assert!(message.contains("exactly 5 slash-delimited elements"), "{message}");
        assert!(message.contains(credential), "{message}");
    }
    for (credential, named) in [
        ("/20150830/us-east-1/service/aws4_request", "access key id"),
        ("AKIDEXAMPLE/20150830//service/aws4_request", "region"),
        ("AKIDEXAMPLE/20150830/us-east-1//aws4_request", "service"),
        ("AKIDEXAMPLE/2015-08-30/us-east-1/service/aws4_request", "date"),
        ("AKIDEXAMPLE/20150830T123600Z/us-east-1/service/aws4_request", "date"),
        (
            "AKIDEXAMPLE/20150830/us-east-1/service/aws5_request",
            "terminator: 'aws4_request', not 'aws5_request'",
        ),
    ] {
        let message = incomplete(&GOOD.replace("AKIDEXAMPLE/20150830/us-east-1/service/aws4_request", credential));
        assert!(message.contains(named), "{credential}: {message}");
    }
}

#[test]
fn bad_signed_headers() {
    let message = incomplete(&GOOD.replace("SignedHeaders=host;x-amz-date", "SignedHeaders=x-amz-date"));
    assert!(
        message.contains("'Host' or ':authority' must be a 'SignedHeader'"),
        "{message}"
    );

    let message = incomplete(&GOOD.replace("SignedHeaders=host;x-amz-date", "SignedHeaders=host;;x-amz-date"));
    assert!(
        message.contains("SignedHeaders must be a ';'-separated list"),
        "{message}"
    );
}

#[test]
fn the_region_alone_is_read_from_exactly_the_headers_that_parse() {
    use ramp_sigv4::authorization_region;
    assert_eq!(authorization_region(GOOD), Ok("us-east-1"));
    for bad in [
        "",
        "AWS4-HMAC-SHA256",
        "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/service/aws4_request, Signature=ab",
        "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/service/aws4_request/x, SignedHeaders=host, Signature=ab",
        "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/service, SignedHeaders=host, Signature=ab",
        "AWS4-HMAC-SHA256 Credential=AKID/2015083/us-east-1/service/aws4_request, SignedHeaders=host, Signature=ab",
        "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/service/aws4_request, SignedHeaders=x-amz-date, Signature=ab",
        "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/service/aws4_request, SignedHeaders=host;;x, Signature=ab",
    ] {
        assert_eq!(
            authorization_region(bad).map(str::to_owned),
            parse_authorization(bad).map(|a| a.region),
            "{bad}"
        );
        assert!(authorization_region(bad).is_err(), "{bad}");
    }
}
