//! The deploy CLI as a CI pipeline runs it: the real `ramp` binary's client commands (`deploy
//! --wait`, `status`, `stop`, `revert`, `alarm set`, `strategy preview`, `site deploy`) against a
//! real server with a manual clock. The clock moves only when the test says; the CLI's exit code
//! and output are what is checked, never how long anything took.

use std::io::{BufRead as _, BufReader, Read as _};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_sdk_appconfig::Client;
use aws_sdk_appconfig::types::{GrowthType, Monitor};
use serde_json::Value;

use ramp_clock::Timestamp;
use ramp_domain::deployment::{StepTiming, StrategySnapshot};
use ramp_domain::rollout::schedule;

use crate::amplify_common::app_with_branch;
use crate::harness::{ACCESS_KEY, SECRET_KEY, TestServer};

/// How long a CLI run may take in real time before the test gives up on it.
const DEADLINE: Duration = Duration::from_secs(60);

/// An application `shop` with an environment `prod` watching the alarm `errors`, a hosted
/// profile `cfg`, and a strategy `linear-50` (LINEAR 50 % over 2 minutes, 1-minute bake).
struct Shop {
    app: String,
    env: String,
    strategy: String,
}

async fn shop(client: &Client) -> Shop {
    let app = client
        .create_application()
        .name("shop")
        .send()
        .await
        .unwrap()
        .id()
        .unwrap()
        .to_owned();
    let env = client
        .create_environment()
        .application_id(&app)
        .name("prod")
        .monitors(
            Monitor::builder()
                .alarm_arn("arn:aws:cloudwatch:us-east-1:000000000000:alarm:errors")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap()
        .id()
        .unwrap()
        .to_owned();
    client
        .create_configuration_profile()
        .application_id(&app)
        .name("cfg")
        .location_uri("hosted")
        .send()
        .await
        .unwrap();
    let strategy = client
        .create_deployment_strategy()
        .name("linear-50")
        .deployment_duration_in_minutes(2)
        .growth_type(GrowthType::Linear)
        .growth_factor(50.0)
        .final_bake_time_in_minutes(1)
        .send()
        .await
        .unwrap()
        .id()
        .unwrap()
        .to_owned();
    Shop { app, env, strategy }
}

/// The `ramp` binary with `args`, pointed at `server`, in an environment of its own: no AWS
/// profile files, no endpoint variables, and the given credentials (none: the CLI's fallback).
/// The endpoint comes from `RAMP_ENDPOINT_URL`; `line` is split on whitespace.
fn ramp(server: &TestServer, credentials: Option<(&str, &str)>, line: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ramp"));
    command
        .args(line.split_whitespace())
        .env("RAMP_ENDPOINT_URL", &server.base_url)
        .env("AWS_CONFIG_FILE", "/nonexistent/ramp-cli-test/config")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/ramp-cli-test/credentials")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for name in [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_ENDPOINT_URL",
    ] {
        command.env_remove(name);
    }
    if let Some((key, secret)) = credentials {
        command
            .env("AWS_ACCESS_KEY_ID", key)
            .env("AWS_SECRET_ACCESS_KEY", secret);
    }
    command
}

/// What a finished CLI run left.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn from(output: Output) -> Self {
        Self {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not one JSON document ({e}):\n{}\n{}",
                self.stdout, self.stderr
            )
        })
    }

    fn assert_code(&self, expected: i32) {
        assert_eq!(
            self.code, expected,
            "exit code\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.stdout, self.stderr
        );
    }
}

/// Runs a command to its end (within the deadline).
async fn run(mut command: Command) -> Run {
    finish(command.spawn().expect("the ramp binary starts")).await
}

/// Waits for a spawned CLI to exit, polling (it runs in another process); kills it at the deadline.
async fn finish(mut child: Child) -> Run {
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return Run::from(child.wait_with_output().unwrap());
        }
        if started.elapsed() > DEADLINE {
            let _ = child.kill();
            let run = Run::from(child.wait_with_output().unwrap());
            panic!(
                "the CLI did not finish\n--- stdout ---\n{}\n--- stderr ---\n{}",
                run.stdout, run.stderr
            );
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A CLI run in the background whose stdout is read line by line as it comes, so the test can
/// move the clock only once the CLI has shown what it should have.
struct Watched {
    child: Child,
    lines: Arc<Mutex<Vec<String>>>,
    reader: std::thread::JoinHandle<()>,
}

impl Watched {
    fn spawn(mut command: Command) -> Self {
        let mut child = command.spawn().expect("the ramp binary starts");
        let stdout = child.stdout.take().unwrap();
        let lines = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&lines);
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                sink.lock().unwrap().push(line);
            }
        });
        Self { child, lines, reader }
    }

    /// Waits until a line of stdout contains every one of `needles`.
    async fn wait_for(&mut self, needles: &[&str]) {
        let started = Instant::now();
        loop {
            if self
                .lines
                .lock()
                .unwrap()
                .iter()
                .any(|line| needles.iter().all(|n| line.contains(n)))
            {
                return;
            }
            if started.elapsed() > DEADLINE || self.child.try_wait().unwrap().is_some() {
                let _ = self.child.kill();
                let lines = self.lines.lock().unwrap().join("\n");
                let mut stderr = String::new();
                self.child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
                panic!("no line with {needles:?}\n--- stdout ---\n{lines}\n--- stderr ---\n{stderr}");
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Waits for the CLI to exit.
    async fn finish(self) -> Run {
        let mut run = finish(self.child).await;
        self.reader.join().unwrap();
        run.stdout = self.lines.lock().unwrap().join("\n");
        run
    }
}

/// Moves ramp's clock 30 s at a time until the CLI exits.
async fn advance_until_exit(server: &TestServer, mut child: Child) -> Run {
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > DEADLINE {
            let _ = child.kill();
            let run = Run::from(child.wait_with_output().unwrap());
            panic!(
                "the CLI did not finish\n--- stdout ---\n{}\n--- stderr ---\n{}",
                run.stdout, run.stderr
            );
        }
        server.advance_clock(30).await;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Run::from(child.wait_with_output().unwrap())
}

fn config_file(dir: &tempfile::TempDir, content: &str) -> String {
    let path = dir.path().join("config.json");
    std::fs::write(&path, content).unwrap();
    path.to_str().unwrap().to_owned()
}

#[tokio::test]
async fn cli_deploy_wait_follows_the_rollout_to_complete_and_exits_0() {
    let server = TestServer::start();
    shop(&server.appconfig()).await;
    let dir = tempfile::tempdir().unwrap();
    let file = config_file(&dir, r#"{"checkout": {"max_items": 20}}"#);

    let mut cli = Watched::spawn(ramp(
        &server,
        None,
        &format!(
            "deploy --app shop --env prod --profile cfg --file {file} --strategy linear-50 --wait --poll-interval 0.05"
        ),
    ));
    // Observed timing: 50 % at 40 s, 100 % at 80 s, bake from 120 s, complete at 180 s. Each
    // move of the clock waits for the CLI to have shown the step before.
    cli.wait_for(&["DEPLOYMENT_STARTED"]).await;
    cli.wait_for(&["next: 50% at"]).await;
    server.advance_clock(40).await;
    cli.wait_for(&["next: 100% at"]).await;
    server.advance_clock(40).await;
    cli.wait_for(&["bake starts at"]).await;
    server.advance_clock(40).await;
    cli.wait_for(&["bake ends at"]).await;
    server.advance_clock(60).await;
    let run = cli.finish().await;
    run.assert_code(0);
    let stdout = &run.stdout;
    assert!(stdout.contains("Created version 1 of cfg"), "{stdout}");
    assert!(
        stdout.contains("Deployment 1 started: cfg version 1 to prod (shop) with linear-50"),
        "{stdout}"
    );
    // One line per event, oldest first, with the percentage reached.
    let events: Vec<&str> = stdout
        .lines()
        .filter_map(|line| {
            [
                "DEPLOYMENT_STARTED",
                "PERCENTAGE_UPDATED",
                "BAKE_TIME_STARTED",
                "DEPLOYMENT_COMPLETED",
            ]
            .into_iter()
            .find(|event| line.contains(event))
        })
        .collect();
    assert_eq!(
        events,
        vec![
            "DEPLOYMENT_STARTED",
            "PERCENTAGE_UPDATED",
            "PERCENTAGE_UPDATED",
            "BAKE_TIME_STARTED",
            "DEPLOYMENT_COMPLETED"
        ],
        "{stdout}"
    );
    assert!(
        stdout
            .lines()
            .any(|l| l.contains(" 50.00%") && l.contains("Configuration available to 50.00% of clients")),
        "{stdout}"
    );
    assert!(
        stdout.lines().any(|l| l.contains("100.00%  PERCENTAGE_UPDATED")),
        "{stdout}"
    );
    assert!(
        stdout.contains("Deployment 1 of cfg version 1 to prod (shop): COMPLETE"),
        "{stdout}"
    );
}

#[tokio::test]
async fn cli_deploy_wait_exits_3_with_the_reason_when_an_alarm_rolls_it_back() {
    let server = TestServer::start();
    let client = server.appconfig();
    let shop = shop(&client).await;
    let dir = tempfile::tempdir().unwrap();
    let file = config_file(&dir, r#"{"v": 1}"#);

    let mut cli = Watched::spawn(ramp(
        &server,
        None,
        &format!(
            "deploy --app {} --env {} --profile cfg --file {file} --strategy {} --wait --poll-interval 0.05",
            shop.app, shop.env, shop.strategy
        ),
    ));
    // 40 s in, the first step (50 %) is out; then the alarm goes off.
    cli.wait_for(&["next: 50% at"]).await;
    server.advance_clock(40).await;
    cli.wait_for(&[" 50.00%", "PERCENTAGE_UPDATED"]).await;
    let mut alarm = ramp(&server, None, "alarm set errors ALARM --reason");
    alarm.arg("5xx up");
    let alarm = run(alarm).await;
    alarm.assert_code(0);
    assert!(
        alarm.stdout.contains("Alarm errors is ALARM; 1 deployment rolled back"),
        "{}",
        alarm.stdout
    );

    let run = cli.finish().await;
    run.assert_code(3);
    assert!(run.stdout.contains("ROLLBACK_STARTED"), "{}", run.stdout);
    assert!(run.stdout.contains("CLOUDWATCH_ALARM"), "{}", run.stdout);
    let reason = run.stderr.lines().last().unwrap_or_default();
    assert!(
        reason.starts_with("ramp: deployment 1 of cfg version 1 to prod (shop) ROLLED_BACK: "),
        "{reason}"
    );
    assert!(reason.contains("alarm errors (5xx up)"), "{reason}");
    assert!(reason.contains("(triggered by CLOUDWATCH_ALARM)"), "{reason}");
}

#[tokio::test]
async fn cli_ctrl_c_stops_the_waiting_not_the_deployment() {
    let server = TestServer::start();
    let shop = shop(&server.appconfig()).await;
    let mut cli = Watched::spawn(ramp(
        &server,
        None,
        "deploy --app shop --env prod --profile cfg --file /dev/null --strategy linear-50 --wait --poll-interval 0.05",
    ));
    cli.wait_for(&["next: 50% at"]).await;
    let interrupted = Command::new("kill")
        .args(["-INT", &cli.child.id().to_string()])
        .status()
        .unwrap();
    assert!(interrupted.success());

    let run = cli.finish().await;
    run.assert_code(130);
    assert!(
        run.stderr
            .starts_with("ramp: stopped waiting (interrupted); deployment 1 goes on"),
        "{}",
        run.stderr
    );
    assert_eq!(first_deployment_state(&server, &shop).await, "DEPLOYING");
}

/// The state of the shop's first deployment, as GetDeployment reports it.
async fn first_deployment_state(server: &TestServer, shop: &Shop) -> String {
    let deployment = server
        .appconfig()
        .get_deployment()
        .application_id(&shop.app)
        .environment_id(&shop.env)
        .deployment_number(1)
        .send()
        .await
        .unwrap();
    deployment.state().unwrap().as_str().to_owned()
}

#[tokio::test]
async fn cli_timeout_stops_the_waiting_with_exit_5() {
    let server = TestServer::start();
    let shop = shop(&server.appconfig()).await;
    // The clock never moves: only --timeout (real time) ends the wait.
    let timed_out = run(ramp(
        &server,
        None,
        "deploy --app shop --env prod --profile cfg --file /dev/null --strategy linear-50 --wait --poll-interval 0.05 --timeout 0.5",
    ))
    .await;
    timed_out.assert_code(5);
    assert!(
        timed_out
            .stderr
            .starts_with("ramp: stopped waiting (--timeout passed); deployment 1 goes on"),
        "{}",
        timed_out.stderr
    );
    assert_eq!(first_deployment_state(&server, &shop).await, "DEPLOYING");

    let without_wait = run(ramp(
        &server,
        None,
        "deploy --app shop --env prod --profile cfg --version 1 --timeout 5",
    ))
    .await;
    without_wait.assert_code(2);
    assert!(without_wait.stderr.contains("--wait"), "{}", without_wait.stderr);
}

#[tokio::test]
async fn cli_json_output_of_deploy_status_stop_and_revert_parses() {
    let server = TestServer::start();
    shop(&server.appconfig()).await;
    let dir = tempfile::tempdir().unwrap();
    let file = config_file(&dir, r#"{"v": 1}"#);

    // AllAtOnce: 100 % at once, then a 10-minute bake.
    let child = ramp(
        &server,
        None,
        &format!("deploy --app shop --env prod --profile cfg --file {file} --wait --poll-interval 0.05 --output json"),
    )
    .spawn()
    .unwrap();
    let deployed = advance_until_exit(&server, child).await;
    deployed.assert_code(0);
    let document = deployed.json();
    assert_eq!(document["State"], "COMPLETE");
    assert_eq!(document["DeploymentNumber"], 1);
    assert_eq!(document["ConfigurationVersion"], "1");
    assert_eq!(document["DeploymentStrategyId"], "AppConfig.AllAtOnce");
    assert_eq!(document["PercentageComplete"], 100.0);
    let events: Vec<&str> = document["EventLog"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["EventType"].as_str().unwrap())
        .collect();
    assert_eq!(events.first(), Some(&"DEPLOYMENT_STARTED"));
    assert_eq!(events.last(), Some(&"DEPLOYMENT_COMPLETED"));

    let status = run(ramp(&server, None, "status --output json")).await;
    status.assert_code(0);
    let status = status.json();
    let environment = &status["Applications"][0]["Environments"][0];
    assert_eq!(status["Applications"][0]["Name"], "shop");
    assert_eq!(environment["Name"], "prod");
    assert_eq!(environment["State"], "READY_FOR_DEPLOYMENT");
    assert_eq!(environment["Deployed"][0]["ConfigurationVersion"], "1");
    assert_eq!(environment["LatestDeployment"]["State"], "COMPLETE");
    assert_eq!(environment["InFlight"], serde_json::json!([]));

    // Revert the completed deployment: the environment is REVERTED, nothing is deployed.
    let reverted = run(ramp(&server, None, "revert --app shop --env prod --output json")).await;
    reverted.assert_code(0);
    assert_eq!(reverted.json()["State"], "REVERTED");
    let status = run(ramp(&server, None, "status --app shop --env prod --output json")).await;
    let environment = &status.json()["Applications"][0]["Environments"][0];
    assert_eq!(environment["State"], "REVERTED");
    assert_eq!(environment["Deployed"], serde_json::json!([]));

    // A deployment without --wait is in flight; `ramp stop` finds it and rolls it back.
    let started = run(ramp(
        &server,
        None,
        "deploy --app shop --env prod --profile cfg --version 1 --strategy linear-50 --output json",
    ))
    .await;
    started.assert_code(0);
    assert_eq!(started.json()["State"], "DEPLOYING");
    let status = run(ramp(&server, None, "status --app shop --output json")).await;
    let in_flight = &status.json()["Applications"][0]["Environments"][0]["InFlight"][0];
    assert_eq!(in_flight["DeploymentNumber"], 2);
    assert!(
        in_flight["NextStep"].as_str().unwrap().starts_with("next: 50% in 40s"),
        "{in_flight}"
    );
    // The same as people read it.
    let text = run(ramp(&server, None, "status")).await;
    let lines: Vec<&str> = text.stdout.lines().skip(1).collect();
    assert_eq!(lines[0].split("  ").last(), Some("DEPLOYING"), "{}", text.stdout);
    assert_eq!(
        lines[1..],
        ["    in flight  deployment 2 of cfg version 1: DEPLOYING 0%, next: 50% in 40s"],
        "{}",
        text.stdout
    );
    let stopped = run(ramp(&server, None, "stop --app shop --env prod")).await;
    stopped.assert_code(0);
    assert!(
        stopped
            .stdout
            .contains("Deployment 2 of cfg version 1 to prod (shop): ROLLED_BACK"),
        "{}",
        stopped.stdout
    );
    let none_left = run(ramp(&server, None, "stop --app shop --env prod")).await;
    none_left.assert_code(1);
    assert_eq!(
        none_left.stderr.trim(),
        "ramp: no deployment is in progress in environment \"prod\""
    );
}

#[tokio::test]
async fn cli_strategy_preview_is_the_engines_schedule_by_name_or_id() {
    let server = TestServer::start();
    let client = server.appconfig();
    let shop = shop(&client).await;

    let by_name = run(ramp(&server, None, "strategy preview linear-50 --output json")).await;
    by_name.assert_code(0);
    let by_id = run(ramp(
        &server,
        None,
        &format!("strategy preview {} --output json", shop.strategy),
    ))
    .await;
    by_id.assert_code(0);
    assert_eq!(by_name.json(), by_id.json());

    let strategy = StrategySnapshot {
        deployment_duration_in_minutes: 2,
        growth_type: ramp_domain::entities::GrowthType::Linear,
        growth_factor: 50.0,
        final_bake_time_in_minutes: 1,
    };
    for (timing, flag) in [
        (StepTiming::Observed, "observed"),
        (StepTiming::Documented, "documented"),
    ] {
        let preview = run(ramp(
            &server,
            None,
            &format!("strategy preview linear-50 --step-timing {flag} --output json"),
        ))
        .await
        .json();
        assert_eq!(preview["StepTiming"], flag);
        let offsets: Vec<f64> = preview["Timeline"]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| row["OffsetSeconds"].as_f64().unwrap())
            .collect();
        let expected: Vec<f64> = schedule(&strategy, timing, Timestamp::from_millis(0))
            .iter()
            .map(|s| s.due_at.millis() as f64 / 1000.0)
            .collect();
        assert_eq!(offsets, expected, "{flag}");
    }

    // The table of a predefined strategy: 50 % over 1 minute, 1-minute bake.
    let table = run(ramp(
        &server,
        None,
        "strategy preview AppConfig.Linear50PercentEvery30Seconds",
    ))
    .await;
    table.assert_code(0);
    let rows: Vec<&str> = table.stdout.lines().skip(2).collect();
    assert_eq!(
        rows,
        vec![
            "AT          CLIENTS  EVENT",
            "+0s              0%  deployment starts",
            "+20s            50%  configuration available to 50%",
            "+40s           100%  configuration available to 100%",
            "+1m00s         100%  bake time starts",
            "+2m00s         100%  deployment complete",
        ],
        "{}",
        table.stdout
    );
}

#[tokio::test]
async fn cli_errors_are_one_line_naming_what_is_wrong_with_exit_1() {
    let server = TestServer::start();
    shop(&server.appconfig()).await;

    let error = |line: &'static str| {
        let command = ramp(&server, None, line);
        async move {
            let run = run(command).await;
            run.assert_code(1);
            assert_eq!(run.stderr.lines().count(), 1, "one line: {}", run.stderr);
            run.stderr.trim().to_owned()
        }
    };
    assert_eq!(
        error("status --app nope").await,
        "ramp: no application named \"nope\" (nor with that ID)"
    );
    assert_eq!(
        error("deploy --app shop --env staging --profile cfg --version 1").await,
        "ramp: no environment named \"staging\" in application \"shop\" (nor with that ID)"
    );
    // The server's own refusal: the operation, AWS's error code and message.
    let missing_version = error("deploy --app shop --env prod --profile cfg --version 7").await;
    assert!(
        missing_version.starts_with("ramp: StartDeployment: ResourceNotFoundException: "),
        "{missing_version}"
    );
    // Nothing listening; the flag wins over the variable.
    let unreachable = error("status --endpoint-url http://127.0.0.1:9").await;
    assert!(unreachable.contains("cannot reach the server"), "{unreachable}");

    // A usage error is clap's, exit 2.
    let usage = run(ramp(&server, None, "deploy --app shop --env prod --profile cfg")).await;
    usage.assert_code(2);
}

#[tokio::test]
async fn cli_site_deploy_zips_uploads_and_waits_until_the_site_serves() {
    let server = TestServer::start();
    // An Amplify app named "site" with a branch "main".
    let app_id = app_with_branch(&server.amplify(), "main").await;
    let site = tempfile::tempdir().unwrap();
    std::fs::write(site.path().join("index.html"), "<h1>hello from the CLI</h1>").unwrap();
    std::fs::create_dir_all(site.path().join("css")).unwrap();
    std::fs::write(site.path().join("css/site.css"), "h1 { color: red }").unwrap();

    let dir = site.path().to_str().unwrap();
    let deploy = |app: &str, extra: &str| {
        let line = format!("site deploy {dir} --app {app} --branch main --wait --poll-interval 0.05 {extra}");
        run(ramp(&server, None, &line))
    };
    let deployed = deploy("site", "").await;
    deployed.assert_code(0);
    let port = server.base_url.rsplit(':').next().unwrap();
    assert!(deployed.stdout.contains("2 files"), "{}", deployed.stdout);
    assert!(
        deployed
            .stdout
            .contains(&format!("SUCCEED: http://main.{app_id}.localhost:{port}/")),
        "{}",
        deployed.stdout
    );

    for (path, content) in [
        ("index.html", "<h1>hello from the CLI</h1>"),
        ("css/site.css", "h1 { color: red }"),
    ] {
        let response = server
            .http()
            .get(server.url(&format!("/_ramp/sites/{app_id}/main/{path}")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 200, "{path}");
        assert_eq!(response.text().await.unwrap(), content);
    }

    // JSON, by app ID.
    let again = deploy(&app_id, "--output json").await;
    again.assert_code(0);
    let document = again.json();
    assert_eq!(document["Status"], "SUCCEED");
    assert_eq!(document["AppId"], app_id.as_str());
    assert_eq!(document["Url"], format!("http://main.{app_id}.localhost:{port}/"));
}

#[tokio::test]
async fn cli_site_deploy_exits_3_with_the_reason_when_the_job_fails() {
    let server = TestServer::with_args(&["--deploy-max-files", "1"]);
    // An Amplify app named "site" with a branch "main".
    app_with_branch(&server.amplify(), "main").await;
    let site = tempfile::tempdir().unwrap();
    std::fs::write(site.path().join("index.html"), "one").unwrap();
    std::fs::write(site.path().join("other.html"), "two").unwrap();

    let dir = site.path().to_str().unwrap();
    let failed = run(ramp(
        &server,
        None,
        &format!("site deploy {dir} --app site --branch main --wait --poll-interval 0.05"),
    ))
    .await;
    failed.assert_code(3);
    assert!(failed.stdout.contains("DEPLOY FAILED"), "{}", failed.stdout);
    assert_eq!(
        failed.stderr.trim(),
        "ramp: job 1 FAILED: the archive holds 2 entries; the limit is 1"
    );
}

#[tokio::test]
async fn cli_alarm_set_signs_for_service_ramp_when_the_server_has_credentials() {
    let server = TestServer::with_args(&["--access-key-id", ACCESS_KEY, "--secret-access-key", SECRET_KEY]);

    let signed = run(ramp(&server, Some((ACCESS_KEY, SECRET_KEY)), "alarm set errors ALARM")).await;
    signed.assert_code(0);
    assert!(signed.stdout.contains("Alarm errors is ALARM"), "{}", signed.stdout);
    let listed = run(ramp(
        &server,
        Some((ACCESS_KEY, SECRET_KEY)),
        "alarm set errors ok --reason recovered --output json",
    ))
    .await;
    listed.assert_code(0);
    assert_eq!(listed.json()["Alarms"][0]["State"], "OK");
    assert_eq!(listed.json()["Alarms"][0]["Reason"], "recovered");

    let wrong_secret = run(ramp(
        &server,
        Some((ACCESS_KEY, "not-the-secret")),
        "alarm set errors ALARM",
    ))
    .await;
    wrong_secret.assert_code(1);
    assert!(
        wrong_secret
            .stderr
            .starts_with("ramp: PUT /_ramp/alarms/errors: 403 InvalidSignatureException: "),
        "{}",
        wrong_secret.stderr
    );

    // The SDK's requests are signed with the same credentials; without any, the dummy key the
    // CLI falls back to is refused by name.
    let status = run(ramp(&server, Some((ACCESS_KEY, SECRET_KEY)), "status")).await;
    status.assert_code(0);
    let anonymous = run(ramp(&server, None, "status")).await;
    anonymous.assert_code(1);
    assert!(
        anonymous
            .stderr
            .contains("ListApplications: UnrecognizedClientException"),
        "{}",
        anonymous.stderr
    );
}
