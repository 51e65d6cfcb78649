use std::fmt;

/// Why a request's signature was not accepted. [`Error::message`] gives the text AWS answers
/// with; the server picks the status and error code from the variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The header is there but malformed, or the request lacks what the signature needs.
    /// AWS answers 400 IncompleteSignatureException.
    Incomplete(String),
    /// X-Amz-Date is more than [`crate::MAX_CLOCK_SKEW_MILLIS`] away from now.
    /// AWS answers 403 InvalidSignatureException.
    Expired(String),
    /// `x-amz-content-sha256` is neither `UNSIGNED-PAYLOAD` nor the SHA-256 of the body.
    PayloadHashMismatch,
    /// The signature we computed differs from the one in the header.
    SignatureMismatch,
}

impl Error {
    pub fn message(&self) -> String {
        match self {
            Error::Incomplete(message) | Error::Expired(message) => message.clone(),
            Error::PayloadHashMismatch => {
                "The provided 'x-amz-content-sha256' header does not match what was computed.".to_owned()
            }
            Error::SignatureMismatch => "The request signature we calculated does not match the signature you \
                provided. Check your AWS Secret Access Key and signing method. Consult the service \
                documentation for details."
                .to_owned(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for Error {}
