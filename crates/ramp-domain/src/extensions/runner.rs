//! Running actions: one invocation of one action of one applied extension, with its timeout,
//! its `ActionInvocation` record, and the ordered runs of the synchronous PRE_* points.

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use super::payload::{self, Content, Subject};
use super::{
    Action, ActionInvocation, ActionInvoker, ActionPoint, AppliedExtension, Invocation, InvocationError, Target,
};
use crate::error::{Error, InvalidConfigurationDetail};

/// How long ramp waits for an action's answer.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    /// PRE_* actions and LAMBDA validators (AppConfig allows validators 15 s, spec §8.3).
    pub synchronous: Duration,
    /// AT_DEPLOYMENT_TICK (AppConfig waits about 3 s, spec §8.1).
    pub tick: Duration,
    /// ON_* notifications.
    pub notification: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            synchronous: Duration::from_secs(15),
            tick: Duration::from_secs(3),
            notification: Duration::from_secs(10),
        }
    }
}

/// The outcome of one invocation: its record and the target's answer.
pub struct Ran {
    pub invocation: ActionInvocation,
    pub answer: Result<Option<Value>, InvocationError>,
}

/// Invokes actions through an [`ActionInvoker`].
pub struct ActionRunner {
    invoker: Arc<dyn ActionInvoker>,
    pub timeouts: Timeouts,
}

impl ActionRunner {
    pub fn new(invoker: Arc<dyn ActionInvoker>, timeouts: Timeouts) -> Self {
        Self { invoker, timeouts }
    }

    /// Invokes `action` of `applied` at `point` with the event for `subject` (and `content`),
    /// under `invocation_id`, waiting at most `timeout`.
    #[allow(clippy::too_many_arguments)]
    pub async fn run(
        &self,
        applied: &AppliedExtension,
        action: &Action,
        point: ActionPoint,
        subject: &Subject,
        content: Option<&Content>,
        invocation_id: &str,
        timeout: Duration,
    ) -> Ran {
        let mut invocation = ActionInvocation {
            extension_identifier: applied.extension_id.clone(),
            action_name: action.name.clone(),
            uri: action.uri.clone(),
            role_arn: action.role_arn.clone(),
            error_message: None,
            error_code: None,
            invocation_id: invocation_id.to_owned(),
        };
        let answer = match action.uri.as_deref().map(Target::parse) {
            Some(Ok(target)) => {
                let event = payload::event(point, invocation_id, &applied.parameters, subject, content);
                let resources = [applied.association_arn.clone()];
                let resources = if applied.association_arn.is_empty() {
                    &[][..]
                } else {
                    &resources[..]
                };
                let call = Invocation {
                    target: &target,
                    role_arn: action.role_arn.as_deref(),
                    payload: &event,
                    point: Some(point),
                    resources,
                    invocation_id,
                    timeout,
                };
                self.invoker.invoke(&call).await
            }
            Some(Err(why)) => Err(InvocationError::new("InvalidUri", why)),
            None => Err(InvocationError::new("InvalidUri", "the action has no Uri")),
        };
        if let Err(error) = &answer {
            invocation.error_code = Some(error.code.clone());
            invocation.error_message = Some(error.message.clone());
        }
        Ran { invocation, answer }
    }

    /// Runs the PRE_* actions at `point` one after the other, in the order of `applied`, each
    /// seeing the content the previous one left; the first failure refuses the request with
    /// `BadRequestException` (`Reason: InvalidConfiguration`, the action's error in the
    /// details, spec/appconfig.md §8.1) and nothing is stored.
    pub async fn run_synchronous(
        &self,
        point: ActionPoint,
        applied: &[AppliedExtension],
        subject: &Subject,
        mut content: Content,
    ) -> Result<(Content, Vec<ActionInvocation>), Error> {
        let mut invocations = Vec::new();
        for extension in applied {
            for action in extension.actions.get(&point).into_iter().flatten() {
                let id = crate::ids::new_id();
                let ran = self
                    .run(
                        extension,
                        action,
                        point,
                        subject,
                        Some(&content),
                        &id,
                        self.timeouts.synchronous,
                    )
                    .await;
                let replaced = ran.answer.and_then(|answer| payload::replaced_content(answer.as_ref()));
                match replaced {
                    Ok(Some(bytes)) => content.bytes = bytes,
                    Ok(None) => {}
                    Err(error) => return Err(refused(point, extension, action, &error)),
                }
                invocations.push(ran.invocation);
            }
        }
        Ok((content, invocations))
    }

    /// Invokes a LAMBDA validator (spec/appconfig.md §8.3): a function error refuses the
    /// configuration.
    pub async fn validate_with_lambda(&self, target: &Target, event: &Value) -> Result<(), InvocationError> {
        let call = Invocation {
            target,
            role_arn: None,
            payload: event,
            point: None,
            resources: &[],
            invocation_id: &crate::ids::new_id(),
            timeout: self.timeouts.synchronous,
        };
        self.invoker.invoke(&call).await.map(drop)
    }
}

/// The client's error for a PRE_* action that failed.
fn refused(point: ActionPoint, extension: &AppliedExtension, action: &Action, error: &InvocationError) -> Error {
    let action_name = action.name.as_deref().unwrap_or("(unnamed)");
    Error::InvalidConfiguration {
        message: format!(
            "The {} action {action_name} of extension {} refused the request: {}: {}",
            point.as_str(),
            extension.extension_id,
            error.code,
            error.message
        ),
        details: vec![InvalidConfigurationDetail {
            constraint: String::new(),
            location: format!("{}/{}", extension.extension_id, action_name),
            reason: error.code.clone(),
            detail_type: "Extension".to_owned(),
            value: error.message.clone(),
        }],
    }
}
