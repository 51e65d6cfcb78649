//! SDK errors as one line a person can act on: the operation, AWS's error code and message, or
//! why the server could not be reached.

use aws_sdk_appconfig::error::{ProvideErrorMetadata, SdkError};

/// Turns an SDK call's error into a one-line `anyhow` error naming the operation.
pub trait Call<T> {
    fn call(self, operation: &str) -> anyhow::Result<T>;
}

impl<T, E, R> Call<T> for Result<T, SdkError<E, R>>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    fn call(self, operation: &str) -> anyhow::Result<T> {
        self.map_err(|error| anyhow::anyhow!("{operation}: {}", describe(&error)))
    }
}

/// AWS's code and message for a service error; the cause chain, with a hint, for the rest.
fn describe<E, R>(error: &SdkError<E, R>) -> String
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    match error {
        SdkError::ServiceError(service) => {
            let err = service.err();
            match (err.code(), err.message()) {
                (Some(code), Some(message)) => format!("{code}: {message}"),
                (Some(code), None) => code.to_owned(),
                _ => causes(error),
            }
        }
        SdkError::DispatchFailure(failure) if failure.is_io() || failure.is_timeout() => cannot_reach(error),
        SdkError::TimeoutError(_) => cannot_reach(error),
        _ => causes(error),
    }
}

fn cannot_reach<E, R>(error: &SdkError<E, R>) -> String
where
    E: std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    format!(
        "cannot reach the server ({}); is `ramp serve` running, or is --endpoint-url right?",
        causes(error)
    )
}

/// An error and its causes, as one line: `dispatch failure: io error: client error (Connect): …`.
/// (The SDK's `DisplayErrorContext` appends the whole error's `Debug` form as well.)
fn causes(error: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = Some(error);
    while let Some(error) = next {
        let text = error.to_string();
        // Wrappers often repeat their source's text: keep each message once.
        if !parts.iter().any(|part| part.contains(&text)) {
            parts.push(text);
        }
        next = error.source();
    }
    parts.join(": ")
}
