//! Lambda targets and validators: `Invoke` with `InvocationType=RequestResponse`, so the
//! function's answer (a PRE_* action's new content, a tick's directive) comes back.

use aws_sdk_lambda::Client;
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::InvocationType;
use ramp_domain::extensions::InvocationError;
use serde_json::Value;

use crate::aws::{Credentialing, Service, sdk_client, sdk_error};
use crate::snippet;

pub(crate) struct Lambda {
    service: Service<Client>,
}

impl Lambda {
    pub(crate) fn new(endpoint: Option<String>) -> Self {
        Self {
            service: Service::new("lambda", endpoint),
        }
    }

    pub(crate) async fn invoke(
        &self,
        credentials: &Credentialing,
        arn: &str,
        region: &str,
        body: Vec<u8>,
    ) -> Result<Option<Value>, InvocationError> {
        let client = self
            .service
            .client(credentials, region, |region, credentials, endpoint| {
                sdk_client!(aws_sdk_lambda, region, credentials, endpoint)
            })
            .await;
        let output = client
            .invoke()
            .function_name(arn)
            .invocation_type(InvocationType::RequestResponse)
            .payload(Blob::new(body))
            .send()
            .await
            .map_err(|error| sdk_error(error, &self.service.endpoint(region)))?;
        let payload = output.payload().map(Blob::as_ref).unwrap_or_default();
        if let Some(function_error) = output.function_error() {
            return Err(function_failure(function_error, payload));
        }
        answer(arn, payload)
    }
}

/// A function that raised: Lambda's error document `{"errorType", "errorMessage", …}` when the
/// payload is one, else the `X-Amz-Function-Error` kind (`Unhandled`) and the raw payload.
fn function_failure(function_error: &str, payload: &[u8]) -> InvocationError {
    let document: Option<Value> = serde_json::from_slice(payload).ok();
    let field = |name: &str| {
        document
            .as_ref()
            .and_then(|document| document.get(name))
            .and_then(Value::as_str)
            .filter(|text| !text.is_empty())
            .map(str::to_owned)
    };
    let code = field("errorType").unwrap_or_else(|| function_error.to_owned());
    let message = field("errorMessage").unwrap_or_else(|| {
        if payload.is_empty() {
            format!("the function failed ({function_error}) without an error payload")
        } else {
            snippet(payload)
        }
    });
    InvocationError::new(code, message)
}

/// A successful result: a JSON document, or nothing for an empty or `null` result.
fn answer(arn: &str, payload: &[u8]) -> Result<Option<Value>, InvocationError> {
    if payload.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    match serde_json::from_slice(payload) {
        Ok(Value::Null) => Ok(None),
        Ok(document) => Ok(Some(document)),
        // Lambda serializes whatever a handler returns as JSON; anything else is not a Lambda.
        Err(error) => Err(InvocationError::new(
            "InvalidResponse",
            format!(
                "{arn} returned a payload that is not JSON ({error}): {}",
                snippet(payload)
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_errors_use_lambdas_error_document() {
        let error = function_failure("Unhandled", br#"{"errorMessage":"no","errorType":"ValueError"}"#);
        assert_eq!(error, InvocationError::new("ValueError", "no"));
        let error = function_failure("Unhandled", b"Process exited before completing request");
        assert_eq!(
            error,
            InvocationError::new("Unhandled", "Process exited before completing request")
        );
        let error = function_failure("Handled", b"");
        assert_eq!(error.code, "Handled");
        assert!(error.message.contains("without an error payload"), "{error}");
    }

    #[test]
    fn results_are_json_or_nothing() {
        assert_eq!(answer("f", b""), Ok(None));
        assert_eq!(answer("f", b"null"), Ok(None));
        assert_eq!(
            answer("f", br#"{"Directive":"CONTINUE"}"#),
            Ok(Some(serde_json::json!({"Directive": "CONTINUE"})))
        );
        assert_eq!(
            answer("f", b"<html>").map_err(|e| e.code),
            Err("InvalidResponse".to_owned())
        );
    }
}
