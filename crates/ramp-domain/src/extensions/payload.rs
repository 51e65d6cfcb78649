//! The event an action receives (spec/appconfig.md §8.2), and what its answer means.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use serde::Serialize;
use serde_json::Value;

use super::{ActionPoint, InvocationError, ParameterValues};

/// An `{Id, Name}` pair of the payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Named {
    pub id: String,
    pub name: String,
}

/// What an action runs about: the application, environment and profile, and (once it exists)
/// the deployment.
#[derive(Debug, Clone, PartialEq)]
pub struct Subject {
    pub application: Named,
    pub environment: Option<Named>,
    pub configuration_profile: Named,
    pub configuration_profile_type: Option<String>,
    pub deployment_number: Option<i64>,
    pub configuration_version: Option<String>,
    pub description: Option<String>,
    /// AT_DEPLOYMENT_TICK's view of the deployment.
    pub deployment_state: Option<&'static str>,
    pub percentage_complete: Option<f64>,
}

/// The content a PRE_* action receives and may replace.
#[derive(Debug, Clone, PartialEq)]
pub struct Content {
    pub bytes: Bytes,
    pub content_type: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Event<'a> {
    invocation_id: &'a str,
    parameters: &'a ParameterValues,
    r#type: &'static str,
    application: &'a Named,
    #[serde(skip_serializing_if = "Option::is_none")]
    environment: Option<&'a Named>,
    configuration_profile: &'a Named,
    #[serde(skip_serializing_if = "Option::is_none")]
    configuration_profile_type: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    deployment_number: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    configuration_version: Option<&'a str>,
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    deployment_state: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    percentage_complete: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    content: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    content_type: Option<&'a str>,
}

/// The JSON event of one invocation at `point`.
pub fn event(
    point: ActionPoint,
    invocation_id: &str,
    parameters: &ParameterValues,
    subject: &Subject,
    content: Option<&Content>,
) -> Value {
    let event = Event {
        invocation_id,
        parameters,
        r#type: point.event_type(),
        application: &subject.application,
        environment: subject.environment.as_ref(),
        configuration_profile: &subject.configuration_profile,
        configuration_profile_type: subject.configuration_profile_type.as_deref(),
        deployment_number: subject.deployment_number,
        configuration_version: subject.configuration_version.as_deref(),
        description: subject.description.as_deref(),
        deployment_state: subject.deployment_state,
        percentage_complete: subject.percentage_complete,
        content: content.map(|c| STANDARD.encode(&c.bytes)),
        content_type: content.map(|c| c.content_type.as_str()),
    };
    serde_json::to_value(&event).unwrap_or(Value::Null)
}

/// An explicit refusal in an answer: `{"Error": code, "Message": text}` (the form emulators and
/// webhooks use; a Lambda function may also just raise).
fn refusal(answer: &Value) -> Option<InvocationError> {
    let code = answer.get("Error")?.as_str()?;
    let message = answer.get("Message").and_then(Value::as_str).unwrap_or(code);
    Some(InvocationError::new(code, message))
}

/// What a PRE_* action answered: the content to continue with (its `Content`, base64, replaces
/// the configuration; without it the configuration stays as it was).
pub fn replaced_content(answer: Option<&Value>) -> Result<Option<Bytes>, InvocationError> {
    let Some(answer) = answer else { return Ok(None) };
    if let Some(refused) = refusal(answer) {
        return Err(refused);
    }
    match answer.get("Content") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(encoded)) => STANDARD
            .decode(encoded)
            .map(|bytes| Some(Bytes::from(bytes)))
            .map_err(|_| InvocationError::new("InvalidContent", "the action returned Content that is not base64")),
        Some(_) => Err(InvocationError::new(
            "InvalidContent",
            "the action returned Content that is not a base64 string",
        )),
    }
}

/// What an AT_DEPLOYMENT_TICK action decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Directive {
    Continue,
    RollBack { description: Option<String> },
}

/// `{"Directive": "ROLL_BACK", "Description": …}` rolls back; anything else continues
/// (spec/appconfig.md §8.1).
pub fn directive(answer: Option<&Value>) -> Result<Directive, InvocationError> {
    let Some(answer) = answer else {
        return Ok(Directive::Continue);
    };
    if let Some(refused) = refusal(answer) {
        return Err(refused);
    }
    match answer.get("Directive").and_then(Value::as_str) {
        Some("ROLL_BACK") => Ok(Directive::RollBack {
            description: answer.get("Description").and_then(Value::as_str).map(str::to_owned),
        }),
        _ => Ok(Directive::Continue),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn subject() -> Subject {
        Subject {
            application: Named {
                id: "app1234".into(),
                name: "MyApp".into(),
            },
            environment: Some(Named {
                id: "env1234".into(),
                name: "MyEnv".into(),
            }),
            configuration_profile: Named {
                id: "pro1234".into(),
                name: "MyProfile".into(),
            },
            configuration_profile_type: None,
            deployment_number: Some(1),
            configuration_version: Some("1".into()),
            description: None,
            deployment_state: None,
            percentage_complete: None,
        }
    }

    #[test]
    fn events_carry_the_documented_members() {
        let parameters = [("topicArn".to_owned(), "arn".to_owned())].into_iter().collect();
        let event = event(
            ActionPoint::OnDeploymentComplete,
            "5tfjcig",
            &parameters,
            &subject(),
            None,
        );
        assert_eq!(
            event,
            json!({
                "InvocationId": "5tfjcig",
                "Parameters": {"topicArn": "arn"},
                "Type": "OnDeploymentComplete",
                "Application": {"Id": "app1234", "Name": "MyApp"},
                "Environment": {"Id": "env1234", "Name": "MyEnv"},
                "ConfigurationProfile": {"Id": "pro1234", "Name": "MyProfile"},
                "DeploymentNumber": 1,
                "ConfigurationVersion": "1",
                "Description": null
            })
        );
        let content = Content {
            bytes: Bytes::from_static(b"{}"),
            content_type: "application/json".into(),
        };
        let pre = super::event(
            ActionPoint::PreStartDeployment,
            "x",
            &parameters,
            &subject(),
            Some(&content),
        );
        assert_eq!(pre["Content"], "e30=");
        assert_eq!(pre["ContentType"], "application/json");
    }

    #[test]
    fn answers_replace_content_refuse_or_roll_back() {
        assert_eq!(replaced_content(None), Ok(None));
        assert_eq!(
            replaced_content(Some(&json!({"Content": "e30="}))),
            Ok(Some(Bytes::from_static(b"{}")))
        );
        assert_eq!(replaced_content(Some(&json!({"statusCode": 200}))), Ok(None));
        assert!(replaced_content(Some(&json!({"Content": "%%%"}))).is_err());
        assert_eq!(
            replaced_content(Some(&json!({"Error": "BadRequestError", "Message": "no"}))),
            Err(InvocationError::new("BadRequestError", "no"))
        );
        assert_eq!(
            directive(Some(&json!({"Directive": "CONTINUE"}))),
            Ok(Directive::Continue)
        );
        assert_eq!(
            directive(Some(&json!({"Directive": "ROLL_BACK", "Description": "p99 up"}))),
            Ok(Directive::RollBack {
                description: Some("p99 up".into())
            })
        );
    }
}
