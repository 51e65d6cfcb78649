//! What the integration tests share: an invoker pointed at local stand-ins, one invocation.

#![allow(dead_code, reason = "each test binary uses a part")]

use std::sync::Arc;
use std::time::Duration;

use ramp_actions::{AccessKey, Invoker, InvokerConfig};
use ramp_clock::{ManualClock, Timestamp};
use ramp_domain::extensions::{ActionInvoker, ActionPoint, Invocation, InvocationError, Target};
use serde_json::{Value, json};

pub const SECRET: &[u8] = b"whsec_ramp_tests";
/// 2023-11-14T22:13:20Z: webhook signatures carry ramp's clock, not the wall clock.
pub const NOW_SECS: i64 = 1_700_000_000;
pub const ASSOCIATION: &str = "arn:aws:appconfig:us-east-1:123456789012:extensionassociation/abc1234";

/// An invoker whose every AWS service is at `endpoint` (moto speaks them all).
pub fn invoker(endpoint: &str) -> Invoker {
    Invoker::new(InvokerConfig {
        lambda_endpoint: Some(endpoint.to_owned()),
        sqs_endpoint: Some(endpoint.to_owned()),
        sns_endpoint: Some(endpoint.to_owned()),
        eventbridge_endpoint: Some(endpoint.to_owned()),
        credentials: Some(AccessKey::new("testing", "testing")),
        webhook_secret: SECRET.to_vec(),
        clock: Arc::new(ManualClock::new(Timestamp::from_millis(NOW_SECS * 1000))),
    })
    .expect("the invoker builds")
}

pub fn event() -> Value {
    json!({
        "InvocationId": "5tfjcig",
        "Parameters": {"topicArn": "arn:aws:sns:us-east-1:123456789012:t"},
        "Type": "OnDeploymentComplete",
        "Application": {"Id": "ba8toh7", "Name": "MyApp"},
        "Environment": {"Id": "pgil2o7", "Name": "MyEnv"},
        "ConfigurationProfile": {"Id": "ga3tqep", "Name": "MyConfigProfile"},
        "DeploymentNumber": 1,
        "ConfigurationVersion": "1",
        "Description": null
    })
}

/// Invokes `uri` with `payload` at ON_DEPLOYMENT_COMPLETE.
pub async fn invoke(
    invoker: &Invoker,
    uri: &str,
    payload: &Value,
    invocation_id: &str,
    timeout: Duration,
) -> Result<Option<Value>, InvocationError> {
    let target = Target::parse(uri).expect("a valid target");
    let resources = [ASSOCIATION.to_owned()];
    let invocation = Invocation {
        target: &target,
        role_arn: None,
        payload,
        point: Some(ActionPoint::OnDeploymentComplete),
        resources: &resources,
        invocation_id,
        timeout,
    };
    invoker.invoke(&invocation).await
}

/// A loopback port nothing listens on.
pub fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("an address").port()
}
