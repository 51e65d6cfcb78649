//! The README quick start with the real AWS CLI (`tests/cli/quickstart.sh`) against the real binary.

use std::process::Command;

use crate::harness::TestServer;

#[test]
fn aws_cli_quickstart_walkthrough_passes() {
    walkthrough_passes("quickstart.sh");
}

/// Runs `tests/cli/{script}` against a fresh server; it must succeed and end with
/// `N passed, 0 failed`, N > 0.
pub fn walkthrough_passes(script: &str) {
    let aws = Command::new("aws").arg("--version").output();
    assert!(
        aws.as_ref().is_ok_and(|o| o.status.success()),
        "the `aws` command is missing or broken ({}); run `pip install -r tests/requirements.txt`",
        match &aws {
            Ok(o) => String::from_utf8_lossy(&o.stderr).into_owned(),
            Err(e) => e.to_string(),
        }
    );

    let server = TestServer::start();
    let path = format!("{}/../../tests/cli/{script}", env!("CARGO_MANIFEST_DIR"));
    let output = Command::new("bash")
        .arg(&path)
        .arg(&server.base_url)
        .output()
        .expect("bash runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "tests/cli/{script} failed ({})\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}",
        output.status
    );
    let summary = stdout.lines().last().unwrap_or_default();
    assert!(
        summary
            .strip_suffix(" passed, 0 failed")
            .and_then(|n| n.parse::<u32>().ok())
            .is_some_and(|n| n > 0),
        "no `N passed, 0 failed` summary line:\n{stdout}"
    );
}

#[test]
fn aws_cli_extensions_walkthrough_passes() {
    walkthrough_passes("extensions.sh");
}
