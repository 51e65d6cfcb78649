//! An AWS request as received, and the restJson1 bindings that read members out of it:
//! query strings, headers and the JSON body. Every failure names the member it is about.

use bytes::Bytes;
use http::{HeaderMap, Method};
use percent_encoding::percent_decode_str;
use serde::de::DeserializeOwned;

use crate::AwsError;
use crate::routing::Labels;

/// An operation input read from a routed request: its labels, query, headers and body, with
/// every model constraint checked. Each API's `inputs` module implements it once per operation.
pub trait Input: Sized {
    fn parse(req: &AwsRequest, labels: &Labels) -> Result<Self, AwsError>;
}

/// The parts of an HTTP request an AWS operation reads.
#[derive(Debug, Clone)]
pub struct AwsRequest {
    pub method: Method,
    /// The raw (still percent-encoded) path.
    pub path: String,
    /// Decoded query parameters in order; a key may repeat (`tagKeys=a&tagKeys=b`).
    pub query: Vec<(String, String)>,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl AwsRequest {
    pub fn new(method: Method, path_and_query: &str, headers: HeaderMap, body: Bytes) -> Result<Self, AwsError> {
        let (path, query) = path_and_query.split_once('?').unwrap_or((path_and_query, ""));
        Ok(Self {
            method,
            path: path.to_owned(),
            query: parse_query(query)?,
            headers,
            body,
        })
    }

    /// The single value of query parameter `name`, if present.
    pub fn query(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// Every value of query parameter `name` (list bindings).
    pub fn query_all(&self, name: &str) -> Vec<&str> {
        self.query
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// Query parameter `name` parsed as an integer, naming `member` when it is not one.
    pub fn query_int(&self, name: &str, member: &str) -> Result<Option<i64>, AwsError> {
        self.query(name).map(|v| parse_int(v, member)).transpose()
    }

    /// The value of header `name` as text (header values must be visible ASCII).
    pub fn header(&self, name: &str, member: &str) -> Result<Option<&str>, AwsError> {
        match self.headers.get(name) {
            None => Ok(None),
            Some(value) => value.to_str().map(Some).map_err(|_| {
                AwsError::bad_request(format!("Header {name} ({member}) must contain only ASCII characters"))
            }),
        }
    }

    /// Header `name` parsed as an integer.
    pub fn header_int(&self, name: &str, member: &str) -> Result<Option<i64>, AwsError> {
        self.header(name, member)?
            .map(|v| parse_int(v.trim(), member))
            .transpose()
    }

    /// Header `name` parsed as a boolean (`true`/`false`).
    pub fn header_bool(&self, name: &str, member: &str) -> Result<Option<bool>, AwsError> {
        match self.header(name, member)?.map(str::trim) {
            None => Ok(None),
            Some(v) if v.eq_ignore_ascii_case("true") => Ok(Some(true)),
            Some(v) if v.eq_ignore_ascii_case("false") => Ok(Some(false)),
            Some(v) => Err(AwsError::bad_request(format!(
                "{member} must be true or false, not '{v}'"
            ))),
        }
    }

    /// The body parsed as the operation's JSON input. An empty body reads as `{}`; wrong JSON,
    /// wrong member types and missing required members answer 400 naming the member.
    pub fn json_body<T: DeserializeOwned>(&self) -> Result<T, AwsError> {
        let body: &[u8] = if self.body.iter().all(u8::is_ascii_whitespace) {
            b"{}"
        } else {
            &self.body
        };
        let mut deserializer = serde_json::Deserializer::from_slice(body);
        let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            let what = describe_json_error(&inner);
            if path == "." || path.is_empty() {
                AwsError::bad_request(format!("Invalid request body: {what}"))
            } else {
                AwsError::bad_request(format!("Invalid value for {path}: {what}"))
            }
        })?;
        deserializer
            .end()
            .map_err(|e| AwsError::bad_request(format!("Invalid request body: {}", describe_json_error(&e))))?;
        Ok(value)
    }
}

fn describe_json_error(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let text = e.to_string();
    // serde says "missing field `Name`"; keep that, it names the member.
    let text = text.split(" at line ").next().unwrap_or(&text).replace('`', "'");
    match e.classify() {
        Category::Syntax | Category::Eof => format!("malformed JSON ({text})"),
        Category::Data | Category::Io => text,
    }
}

/// Parses an integer member, naming it on failure.
pub fn parse_int(text: &str, member: &str) -> Result<i64, AwsError> {
    text.parse::<i64>()
        .map_err(|_| AwsError::bad_request(format!("{member} must be an integer, not '{text}'")))
}

fn parse_query(query: &str) -> Result<Vec<(String, String)>, AwsError> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            Ok((decode_query_component(k)?, decode_query_component(v)?))
        })
        .collect()
}

fn decode_query_component(text: &str) -> Result<String, AwsError> {
    // Most components (a configuration token, ids) have neither: one copy, no decoding pass.
    if !text.contains(['+', '%']) {
        return Ok(text.to_owned());
    }
    let text = text.replace('+', " ");
    percent_decode_str(&text)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| AwsError::bad_request("Query string is not valid UTF-8 after percent-decoding"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "PascalCase")]
    #[allow(dead_code)]
    struct Body {
        name: String,
        monitors: Option<Vec<Monitor>>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "PascalCase")]
    #[allow(dead_code)]
    struct Monitor {
        alarm_arn: String,
    }

    fn request(body: &str) -> AwsRequest {
        AwsRequest::new(
            Method::POST,
            "/x?a=1&tagKeys=k%2F1&tagKeys=k2",
            HeaderMap::new(),
            Bytes::from(body.to_owned()),
        )
        .unwrap()
    }

    #[test]
    fn query_lists_and_decoding() {
        let r = request("");
        assert_eq!(r.query("a"), Some("1"));
        assert_eq!(r.query_all("tagKeys"), vec!["k/1", "k2"]);
        let r = AwsRequest::new(
            Method::GET,
            "/x?a+b=c%20d+e&plain=x.y-z_",
            HeaderMap::new(),
            Bytes::new(),
        )
        .unwrap();
        assert_eq!(r.query("a b"), Some("c d e"));
        assert_eq!(r.query("plain"), Some("x.y-z_"));
        assert!(AwsRequest::new(Method::GET, "/x?a=%FF", HeaderMap::new(), Bytes::new()).is_err());
    }

    #[test]
    fn json_errors_name_the_member() {
        let err = request("{}").json_body::<Body>().unwrap_err();
        assert!(err.message.contains("missing field 'Name'"), "{}", err.message);
        let err = request(r#"{"Name": 5}"#).json_body::<Body>().unwrap_err();
        assert!(err.message.contains("Name"), "{}", err.message);
        let err = request(r#"{"Name": "a", "Monitors": [{"AlarmArn": 1}]}"#)
            .json_body::<Body>()
            .unwrap_err();
        assert!(err.message.contains("Monitors[0].AlarmArn"), "{}", err.message);
        let err = request(r#"{"Name": "a""#).json_body::<Body>().unwrap_err();
        assert!(err.message.contains("malformed JSON"), "{}", err.message);
        let err = request(r#"{"Name": "a"} trailing"#).json_body::<Body>().unwrap_err();
        assert_eq!(err.name(&crate::appconfig::DIALECT), "BadRequestException");
    }
}
