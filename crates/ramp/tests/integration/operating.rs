//! Running ramp as an operator does: `--log-format json` lines parsed, and `--config ramp.toml`
//! with its precedence (flags, then `RAMP_*` variables, then the file) and its errors.

use std::process::Command;
use std::time::Duration;

use aws_sdk_appconfig::operation::RequestId;
use serde_json::Value;

use crate::harness::TestServer;

#[tokio::test]
async fn json_logs_are_one_object_per_line_with_the_request_fields() {
    let server = TestServer::with_args_and_env(
        &["--log-format", "json", "--log-requests"],
        &[("RUST_LOG", "ramp=info,ramp_server=info")],
    );
    let client = server.appconfig();
    let created = client.create_application().name("logged").send().await.unwrap();
    let created_id = created.request_id().unwrap().to_owned();
    let missing = client
        .get_application()
        .application_id("nope123")
        .send()
        .await
        .unwrap_err();
    let missing_id = missing.request_id().unwrap().to_owned();

    let lines = wait_for_lines(&server, &[&created_id, &missing_id]).await;
    let objects: Vec<Value> = lines
        .iter()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}")))
        .collect();
    for object in &objects {
        assert!(
            object["timestamp"].is_string() && object["level"].is_string(),
            "{object}"
        );
    }
    let served = find(&objects, &created_id);
    assert_eq!(served["service"], "AppConfig");
    assert_eq!(served["operation"], "CreateApplication");
    assert_eq!(served["status"], 201);
    assert_eq!(served["method"], "POST");
    assert_eq!(served["level"], "INFO");
    assert!(served["latency_ms"].as_f64().is_some_and(|ms| ms >= 0.0), "{served}");
    let refused = find(&objects, &missing_id);
    assert_eq!(refused["operation"], "GetApplication");
    assert_eq!(refused["status"], 404);
    assert_eq!(refused["message"], "request refused");
    assert!(objects.iter().any(|o| {
        o["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("ramp listening on"))
    }));
}

/// The server's log lines once every one of `needles` appears in them.
async fn wait_for_lines(server: &TestServer, needles: &[&str]) -> Vec<String> {
    for _ in 0..200 {
        let lines = server.log_lines();
        if needles.iter().all(|n| lines.iter().any(|line| line.contains(n))) {
            return lines;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the log never showed {needles:?}: {:#?}", server.log_lines());
}

fn find<'a>(objects: &'a [Value], request_id: &str) -> &'a Value {
    objects
        .iter()
        .find(|o| o["request_id"] == request_id)
        .unwrap_or_else(|| panic!("no line for request {request_id}"))
}

fn config_file(text: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ramp.toml");
    std::fs::write(&path, text).unwrap();
    let path = path.to_str().unwrap().to_owned();
    (dir, path)
}

#[tokio::test]
async fn the_config_file_sets_flags_and_variables_and_flags_win_over_it() {
    let (_dir, path) = config_file(
        "# ramp.toml\nmanual_clock_start = \"2030-01-01T00:00:00Z\"\nregion = \"eu-west-1\"\nlog-requests = true\n\
         source-buckets = [\"a\", \"b\"]\n",
    );
    let from_file = TestServer::with_args(&["--config", &path]);
    assert_eq!(from_file.clock_now().await.to_iso8601(), "2030-01-01T00:00:00.000Z");
    drop(from_file);

    let from_env = TestServer::with_args_and_env(
        &["--config", &path],
        &[("RAMP_MANUAL_CLOCK_START", "2031-01-01T00:00:00Z")],
    );
    assert_eq!(from_env.clock_now().await.to_iso8601(), "2031-01-01T00:00:00.000Z");
    drop(from_env);

    let from_flag = TestServer::with_args_and_env(
        &["--config", &path, "--manual-clock-start", "2032-01-01T00:00:00Z"],
        &[("RAMP_MANUAL_CLOCK_START", "2031-01-01T00:00:00Z")],
    );
    assert_eq!(from_flag.clock_now().await.to_iso8601(), "2032-01-01T00:00:00.000Z");

    // RAMP_CONFIG names the file as --config does.
    let by_variable = TestServer::with_args_and_env(&[], &[("RAMP_CONFIG", &path)]);
    assert_eq!(by_variable.clock_now().await.to_iso8601(), "2030-01-01T00:00:00.000Z");
}

/// `ramp serve --config FILE` with a bad file: it exits at once, non-zero, saying why.
fn refused(text: &str) -> String {
    let (dir, path) = config_file(text);
    let output = Command::new(env!("CARGO_BIN_EXE_ramp"))
        .args(["serve", "--listen", "127.0.0.1:0", "--config", &path, "--data-dir"])
        .arg(dir.path().join("data"))
        .env_remove("RAMP_MANUAL_CLOCK_START")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!output.status.success(), "ramp accepted {text:?}: {stderr}");
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(&path), "the message names the file: {stderr}");
    stderr
}

#[test]
fn a_bad_config_file_is_refused_naming_the_key() {
    let unknown = refused("listen = \"127.0.0.1:0\"\ntime_scael = 60\n");
    assert!(
        unknown.contains("unknown setting `time_scael` (did you mean `time-scale`?)"),
        "{unknown}"
    );
    let number = refused("time-scale = \"fast\"\n");
    assert!(number.contains("`time-scale`") && number.contains("'fast'"), "{number}");
    let address = refused("metrics-listen = \"somewhere\"\n");
    assert!(
        address.contains("`metrics-listen`") && address.contains("'somewhere'"),
        "{address}"
    );
    let choice = refused("step-timing = \"sometimes\"\n");
    assert!(
        choice.contains("`step-timing`") && choice.contains("observed, documented"),
        "{choice}"
    );
    let switch = refused("insecure = \"yes\"\n");
    assert!(switch.contains("`insecure` must be true or false"), "{switch}");
    let syntax = refused("listen = \"127.0.0.1:0\"\nregion = \n");
    assert!(
        syntax.contains("not valid TOML") && syntax.contains("line 2"),
        "{syntax}"
    );
    let missing = Command::new(env!("CARGO_BIN_EXE_ramp"))
        .args(["serve", "--config", "/nonexistent/ramp.toml"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/nonexistent/ramp.toml"));
}
