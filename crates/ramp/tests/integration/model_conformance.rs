//! ramp against the `appconfig` 2019-10-09 model shipped in the botocore Python package
//! (`pip install -r tests/requirements.txt`):
//!
//! * every model operation is routed by exactly one `Op` with the model's method and URI
//!   template, and ramp has no operation the model lacks;
//! * the HTTP statuses of ramp's AWS errors are the model's exception statuses;
//! * every response of a real server conforms to its output shape, checked by
//!   `tests/conformance/appconfig_responses.py` and `tests/conformance/amplify_responses.py`
//!   (boto3, raw HTTP responses, the checker in `tests/conformance/shapes.py`).

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::PathBuf;
use std::process::Command;

use ramp_protocol::AwsError;
use ramp_protocol::appconfig::{DIALECT, Op, ROUTES, errors};
use serde_json::Value;

use crate::harness::TestServer;

const INSTALL_HINT: &str = "run `pip install -r tests/requirements.txt` (the model conformance test needs python3 with \
                            botocore, boto3 and regex)";

fn workspace_root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

/// The botocore `appconfig` model, read from the installed botocore package.
fn appconfig_model() -> Value {
    botocore_model("appconfig/2019-10-09")
}

/// A botocore service model (`service/version`), read from the installed botocore package.
fn botocore_model(service_and_version: &str) -> Value {
    let output = Command::new("python3")
        .args(["-c", "import botocore, os; print(os.path.dirname(botocore.__file__))"])
        .output()
        .unwrap_or_else(|e| panic!("python3 could not be started ({e}); {INSTALL_HINT}"));
    assert!(
        output.status.success(),
        "botocore is not importable: {}\n{INSTALL_HINT}",
        String::from_utf8_lossy(&output.stderr)
    );
    let botocore = PathBuf::from(String::from_utf8(output.stdout).unwrap().trim());
    let path = botocore.join(format!("data/{service_and_version}/service-2.json.gz"));
    let file = std::fs::File::open(&path).unwrap_or_else(|e| panic!("{}: {e}; {INSTALL_HINT}", path.display()));
    let mut json = String::new();
    flate2::read::GzDecoder::new(file)
        .read_to_string(&mut json)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&json).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_model_operation_is_routed_with_the_models_method_and_uri() {
    let routed = ROUTES
        .routes()
        .map(|r| (r.op.name(), r.method.to_string(), r.template))
        .collect();
    let ops = Op::ALL.iter().map(|op| op.name()).collect();
    assert_routes_match(&appconfig_model(), routed, ops);
}

#[test]
fn error_statuses_match_the_models_exception_shapes() {
    // Rendered in AppConfig's dialect, as every AppConfig answer is.
    let ramp = [
        AwsError::bad_request("m"),
        errors::not_found("m"),
        errors::conflict("m"),
        errors::quota_exceeded("m"),
        errors::payload_too_large(1024, 2048),
        AwsError::body_too_large(1024, 2048),
        AwsError::internal(),
    ];
    assert_errors_match(&appconfig_model(), &DIALECT, &ramp);
}

#[test]
fn every_response_conforms_to_its_output_shape() {
    conformance_script_passes("tests/conformance/appconfig_responses.py", &[]);
}

/// Every Amplify operation, a real deploy included, answers as its botocore output shape says.
/// One deploy reads its `sourceUrl` from ramp itself, on loopback.
#[test]
fn every_amplify_response_conforms_to_its_output_shape() {
    conformance_script_passes(
        "tests/conformance/amplify_responses.py",
        &["--allow-private-source-urls"],
    );
}

/// Runs a conformance script (relative to the workspace root) against a fresh server started
/// with `server_flags`; it must end with `N passed, 0 failed`, N > 0.
fn conformance_script_passes(relative_path: &str, server_flags: &[&str]) {
    let server = TestServer::with_args(server_flags);
    let script = workspace_root().join(relative_path);
    let output = Command::new("python3")
        .arg(&script)
        .arg(&server.base_url)
        .current_dir(workspace_root())
        .output()
        .unwrap_or_else(|e| panic!("python3 could not be started ({e}); {INSTALL_HINT}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stderr.contains("ModuleNotFoundError"),
        "{INSTALL_HINT}\n--- stderr ---\n{stderr}"
    );
    assert!(
        output.status.success(),
        "{} found model violations ({})\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}",
        script.display(),
        output.status
    );
    let summary = stdout.lines().last().unwrap_or_default();
    let passed: u32 = summary
        .strip_suffix(" passed, 0 failed")
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no `N passed, 0 failed` summary line:\n{stdout}"));
    assert!(passed > 0, "no responses were checked:\n{stdout}");
}

#[test]
fn appconfigdata_operations_are_routed_with_the_models_method_and_uri() {
    use ramp_protocol::appconfigdata::{Op, ROUTES};
    let model = botocore_model("appconfigdata/2021-11-11");
    let routed = ROUTES
        .routes()
        .map(|r| (r.op.name(), r.method.to_string(), r.template))
        .collect();
    assert_routes_match(&model, routed, Op::ALL.iter().map(|op| op.name()).collect());
    // Both data-plane operations are signed as `appconfig` (spec/appconfig.md §1 "Signing").
    assert_eq!(model["metadata"]["signingName"], "appconfig");
}

/// ramp answers a `/tags/{ResourceArn}` request whose ARN names a service it does not host with
/// `BadRequestException` (400, ramp-server's registry): an error the tag operations of every
/// tagging model ramp speaks or will speak declare, so each SDK maps it to its modelled type.
#[test]
fn the_foreign_arn_error_is_declared_by_every_tagging_model() {
    for service in ["appconfig/2019-10-09", "amplify/2017-07-25"] {
        let model = botocore_model(service);
        assert_eq!(
            model["shapes"]["BadRequestException"]["error"]["httpStatusCode"], 400,
            "{service}"
        );
        for op in ["ListTagsForResource", "TagResource", "UntagResource"] {
            let operation = &model["operations"][op];
            assert_eq!(
                operation["http"]["requestUri"]
                    .as_str()
                    .map(|uri| uri.starts_with("/tags/{")),
                Some(true),
                "{service} {op} is on the shared tags path"
            );
            let declares = operation["errors"]
                .as_array()
                .is_some_and(|errors| errors.iter().any(|e| e["shape"] == "BadRequestException"));
            assert!(declares, "{service} {op} declares BadRequestException");
        }
    }
}

#[test]
fn amplify_operations_are_routed_with_the_models_method_and_uri() {
    use ramp_protocol::amplify::{Op, ROUTES};
    let model = botocore_model("amplify/2017-07-25");
    let routed = ROUTES
        .routes()
        .map(|r| (r.op.name(), r.method.to_string(), r.template))
        .collect();
    assert_routes_match(&model, routed, Op::ALL.iter().map(|op| op.name()).collect());
    assert_eq!(model["metadata"]["signingName"], "amplify");
}

#[test]
fn amplify_error_statuses_match_the_models_exception_shapes() {
    use ramp_protocol::amplify::{DIALECT, errors};
    // Rendered in Amplify's dialect, as every Amplify answer is.
    let ramp = [
        AwsError::bad_request("m"),
        errors::unauthorized("m"),
        errors::not_found("m"),
        errors::resource_not_found("m"),
        errors::limit_exceeded("m"),
        errors::internal_failure("m"),
        errors::dependent_service_failure("m"),
        AwsError::body_too_large(1024, 2048),
        AwsError::internal(),
    ];
    assert_errors_match(&botocore_model("amplify/2017-07-25"), &DIALECT, &ramp);
}

/// Every operation of `model` is routed by exactly one op (`routed`: name, method, URI
/// template) with the model's method and URI, and ramp has no operation (`ops`) the model lacks.
fn assert_routes_match(model: &Value, routed: Vec<(&str, String, &str)>, ops: Vec<&str>) {
    let operations = model["operations"].as_object().expect("model operations");
    let service = model["metadata"]["endpointPrefix"].as_str().unwrap_or("?");
    // Op name -> every (method, template) the route table gives it.
    let mut routes: BTreeMap<&str, Vec<(String, &str)>> = BTreeMap::new();
    for (name, method, template) in routed {
        routes.entry(name).or_default().push((method, template));
    }
    let mut mismatches = Vec::new();
    for (name, operation) in operations {
        let method = operation["http"]["method"].as_str().unwrap_or_default();
        let uri = operation["http"]["requestUri"].as_str().unwrap_or_default();
        let path = uri.split('?').next().unwrap_or_default();
        let carrying = ops.iter().filter(|op| **op == name).count();
        if carrying != 1 {
            mismatches.push(format!(
                "{name}: {carrying} Op variants carry this name, expected exactly 1"
            ));
        }
        match routes.get(name.as_str()).map(Vec::as_slice) {
            None | Some([]) => mismatches.push(format!("{name}: not routed (model: {method} {uri})")),
            Some([(route_method, template)]) => {
                if route_method != method || *template != path {
                    mismatches.push(format!(
                        "{name}: routed as {route_method} {template}, model says {method} {uri}"
                    ));
                }
            }
            Some(many) => mismatches.push(format!("{name}: {} routes {many:?}, expected 1", many.len())),
        }
    }
    for op in &ops {
        if !operations.contains_key(*op) {
            mismatches.push(format!("{op}: ramp has this Op but the model has no such operation"));
        }
        if !routes.contains_key(op) {
            mismatches.push(format!("{op}: Op has no route"));
        }
    }
    if ops.len() != operations.len() {
        mismatches.push(format!(
            "ramp has {} operations, the model {}",
            ops.len(),
            operations.len()
        ));
    }
    assert!(
        mismatches.is_empty(),
        "{} route mismatch(es) against the botocore {service} model:\n  {}",
        mismatches.len(),
        mismatches.join("\n  ")
    );
}

/// ramp's errors, rendered in `dialect`, are the model's exceptions with their statuses and
/// carry every member the model requires (Amplify's ResourceNotFoundException: `code` too);
/// every modelled exception has a ramp constructor.
fn assert_errors_match(model: &Value, dialect: &ramp_protocol::Dialect, ramp: &[AwsError]) {
    let service = model["metadata"]["endpointPrefix"].as_str().unwrap_or("?");
    let modelled: BTreeMap<&str, Option<u64>> = model["shapes"]
        .as_object()
        .expect("model shapes")
        .iter()
        .filter(|(_, shape)| shape["exception"].as_bool() == Some(true))
        .map(|(name, shape)| (name.as_str(), shape["error"]["httpStatusCode"].as_u64()))
        .collect();
    let mut mismatches = Vec::new();
    for error in ramp {
        let (name, status) = (error.name(dialect), error.status(dialect));
        match modelled.get(name) {
            None => mismatches.push(format!("{name}: not an exception shape of the model")),
            Some(modelled) if *modelled != Some(u64::from(status.as_u16())) => mismatches.push(format!(
                "{name}: ramp answers {}, model says {modelled:?}",
                status.as_u16()
            )),
            Some(_) => {}
        }
        let body = error.body(dialect);
        for required in model["shapes"][name]["required"].as_array().into_iter().flatten() {
            let member = required.as_str().unwrap_or_default();
            if body.get(member).is_none() {
                mismatches.push(format!("{name}: the body lacks the required member {member}"));
            }
        }
    }
    let covered: BTreeSet<&str> = ramp.iter().map(|e| e.name(dialect)).collect();
    for name in modelled.keys() {
        if !covered.contains(name) {
            mismatches.push(format!("{name}: modelled exception without a ramp constructor"));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} error mismatch(es) against the botocore {service} model:\n  {}",
        mismatches.len(),
        mismatches.join("\n  ")
    );
}
