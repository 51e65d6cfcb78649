//! The port through which actions are invoked: the domain decides what to send and what an
//! answer means; an [`ActionInvoker`] (crate ramp-actions) talks to Lambda, SQS, SNS,
//! EventBridge or a webhook.

use std::time::Duration;

use async_trait::async_trait;

/// What an action's `Uri` names (spec/appconfig.md §8.1 "Action `Uri`", plus ramp's webhooks).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `arn:aws:lambda:{region}:{account}:function:{name}[:{qualifier}]`.
    Lambda { arn: String, region: String },
    /// `arn:aws:sqs:{region}:{account}:{queue}`.
    Sqs {
        arn: String,
        region: String,
        account: String,
        queue: String,
    },
    /// `arn:aws:sns:{region}:{account}:{topic}`.
    Sns { arn: String, region: String },
    /// `arn:aws:events:{region}:{account}:event-bus/default` (the default bus only, spec §8.6).
    EventBridge { arn: String, region: String },
    /// `http://…` or `https://…`: a POST of the payload, signed (ramp's addition).
    Webhook { url: String },
}

impl Target {
    /// Reads an action's `Uri`; `Err` says why it names nothing ramp can invoke.
    pub fn parse(uri: &str) -> Result<Self, String> {
        if uri.starts_with("http://") || uri.starts_with("https://") {
            return Ok(Self::Webhook { url: uri.to_owned() });
        }
        let parts: Vec<&str> = uri.splitn(6, ':').collect();
        let [arn, partition, service, region, account, resource] = parts.as_slice() else {
            return Err(format!(
                "'{uri}' is neither an ARN of a Lambda function, SQS queue, SNS topic or EventBridge default event bus, nor an http(s) URL"
            ));
        };
        if *arn != "arn" || !partition.starts_with("aws") {
            return Err(format!("'{uri}' is not a valid ARN"));
        }
        let (arn, region) = (uri.to_owned(), (*region).to_owned());
        match (*service, *resource) {
            _ if region.is_empty() => Err(format!(
                "'{uri}' is not an ARN of a Lambda function, SQS queue, SNS topic or EventBridge default event bus"
            )),
            ("lambda", function) if function.starts_with("function:") && function.len() > "function:".len() => {
                Ok(Self::Lambda { arn, region })
            }
            ("sqs", queue) if !queue.is_empty() && !queue.contains([':', '/']) => Ok(Self::Sqs {
                arn,
                region,
                account: (*account).to_owned(),
                queue: queue.to_owned(),
            }),
            ("sns", topic) if !topic.is_empty() && !topic.contains('/') => Ok(Self::Sns { arn, region }),
            ("events", "event-bus/default") => Ok(Self::EventBridge { arn, region }),
            ("events", _) => Err(format!(
                "'{uri}' is not the default event bus; AppConfig sends events to the default bus only"
            )),
            _ => Err(format!(
                "'{uri}' is not an ARN of a Lambda function, SQS queue, SNS topic or EventBridge default event bus"
            )),
        }
    }

    /// The Lambda function ARN or name of a LAMBDA validator (`Content`: a name or an ARN).
    pub fn lambda_validator(function: &str, region: &str, account: &str) -> Self {
        let arn = if function.starts_with("arn:") {
            function.to_owned()
        } else {
            format!("arn:aws:lambda:{region}:{account}:function:{function}")
        };
        let region = arn.split(':').nth(3).unwrap_or(region).to_owned();
        Self::Lambda { arn, region }
    }
}

/// One call of an action.
#[derive(Debug, Clone)]
pub struct Invocation<'a> {
    pub target: &'a Target,
    pub role_arn: Option<&'a str>,
    /// The event (spec/appconfig.md §8.2), sent as JSON.
    pub payload: &'a serde_json::Value,
    /// The action point, for envelopes (SNS `MessageType`, EventBridge `detail-type`).
    pub point: Option<super::ActionPoint>,
    /// EventBridge `resources` (the association's ARN).
    pub resources: &'a [String],
    /// The same on every retry of one invocation, so a receiver can drop repeats.
    pub invocation_id: &'a str,
    /// How long to wait for an answer: the invoker bounds the whole call by it and answers
    /// `Timeout` past it (the one place the limit is enforced).
    pub timeout: Duration,
}

/// Why an invocation failed, as `ActionInvocation.ErrorCode` / `ErrorMessage` show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvocationError {
    pub code: String,
    pub message: String,
}

impl InvocationError {
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for InvocationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

/// Invokes actions. `Ok(Some(json))`: the target answered with a JSON document (a Lambda
/// function's result, a webhook's response body); `Ok(None)`: it took the message and answers
/// nothing (queues, topics, buses, an empty webhook response).
#[async_trait]
pub trait ActionInvoker: Send + Sync {
    async fn invoke(&self, invocation: &Invocation<'_>) -> Result<Option<serde_json::Value>, InvocationError>;
}

/// The invoker of a ramp that was given none: every invocation fails, saying so.
pub struct NoInvoker;

#[async_trait]
impl ActionInvoker for NoInvoker {
    async fn invoke(&self, _invocation: &Invocation<'_>) -> Result<Option<serde_json::Value>, InvocationError> {
        Err(InvocationError::new(
            "InvokerUnavailable",
            "this ramp was started without an action invoker",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_name_their_targets() {
        assert!(matches!(
            Target::parse("arn:aws:lambda:us-east-1:123456789012:function:gate"),
            Ok(Target::Lambda { .. })
        ));
        assert!(matches!(
            Target::parse("arn:aws:lambda:us-east-1:123456789012:function:gate:live"),
            Ok(Target::Lambda { .. })
        ));
        assert_eq!(
            Target::parse("arn:aws:sqs:eu-west-1:123456789012:queue1"),
            Ok(Target::Sqs {
                arn: "arn:aws:sqs:eu-west-1:123456789012:queue1".into(),
                region: "eu-west-1".into(),
                account: "123456789012".into(),
                queue: "queue1".into()
            })
        );
        assert!(matches!(
            Target::parse("arn:aws:sns:us-east-1:123456789012:topic"),
            Ok(Target::Sns { .. })
        ));
        assert!(matches!(
            Target::parse("arn:aws:events:us-east-1:123456789012:event-bus/default"),
            Ok(Target::EventBridge { .. })
        ));
        assert!(matches!(
            Target::parse("https://hooks.example.com/x"),
            Ok(Target::Webhook { .. })
        ));
        for bad in [
            "arn:aws:events:us-east-1:123456789012:event-bus/custom",
            "arn:aws:s3:::bucket",
            "arn:aws:lambda:us-east-1:123456789012:function:",
            "ftp://example.com",
            "not a uri",
        ] {
            assert!(Target::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn validators_name_functions_by_name_or_arn() {
        assert_eq!(
            Target::lambda_validator("check", "us-east-1", "000000000000"),
            Target::Lambda {
                arn: "arn:aws:lambda:us-east-1:000000000000:function:check".into(),
                region: "us-east-1".into()
            }
        );
        assert!(matches!(
            Target::lambda_validator("arn:aws:lambda:eu-west-1:1:function:x", "us-east-1", "0"),
            Target::Lambda { region, .. } if region == "eu-west-1"
        ));
    }
}
