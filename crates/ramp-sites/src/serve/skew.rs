//! Skew protection (spec amplify.md §8.8): a visitor keeps being served the deploy their page
//! came from, named by the `_dpl` cookie ramp sets on HTML responses.
//!
//! The cookie is `Path=/; HttpOnly; SameSite=Lax` without `Secure`, because ramp may serve sites
//! over plain HTTP (a `Secure` cookie would then be dropped); put sites behind HTTPS in production.

use http::HeaderValue;
use http::header::COOKIE;
use http::request::Parts;

/// The cookie, query parameter and header that name a deploy.
pub const COOKIE_NAME: &str = "_dpl";
pub const QUERY_PARAMETER: &str = "dpl";
pub const HEADER: &str = "x-amplify-dpl";

/// The longest deploy id accepted from a request; Amplify's job ids are short decimal numbers.
const MAX_ID_LENGTH: usize = 128;

/// The deploy a request asks for, in the order of §8.8: the `X-Amplify-Dpl` header, then the
/// `dpl` query parameter, then the `_dpl` cookie. Only ids of letters, digits, `-` and `_` (at
/// most 128) are returned; anything else counts as not asking. The server decides whether that
/// deploy may serve (it exists, is recent enough, skew protection is on).
pub fn requested_deploy(request: &Parts) -> Option<String> {
    let from_header = request
        .headers
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|id| is_deploy_id(id));
    let from_query = || {
        request.uri.query().and_then(|query| {
            query.split('&').find_map(|pair| {
                let (key, value) = pair.split_once('=')?;
                (key == QUERY_PARAMETER && is_deploy_id(value)).then_some(value)
            })
        })
    };
    let from_cookie = || {
        request
            .headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .find_map(|pair| {
                let (name, value) = pair.trim().split_once('=')?;
                let value = value.trim_matches('"');
                (name == COOKIE_NAME && is_deploy_id(value)).then_some(value)
            })
    };
    from_header.or_else(from_query).or_else(from_cookie).map(str::to_owned)
}

/// Whether `id` can name a deploy in a cookie, a header and a URL without escaping.
pub fn is_deploy_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_LENGTH
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
}

/// The `Set-Cookie` value naming `deploy_id`, or `None` when the id cannot be a cookie value.
pub fn cookie(deploy_id: &str) -> Option<HeaderValue> {
    if !is_deploy_id(deploy_id) {
        return None;
    }
    HeaderValue::from_str(&format!("{COOKIE_NAME}={deploy_id}; Path=/; HttpOnly; SameSite=Lax")).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(uri: &str, headers: &[(&str, &str)]) -> Parts {
        let mut request = http::Request::builder().uri(uri);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.body(()).unwrap().into_parts().0
    }

    #[test]
    fn the_header_wins_then_the_query_then_the_cookie() {
        let cookie = ("cookie", "a=b; _dpl=7");
        let all = parts("/x?dpl=5", &[("x-amplify-dpl", "9"), cookie]);
        assert_eq!(requested_deploy(&all).as_deref(), Some("9"));
        let query_and_cookie = parts("/x?a=1&dpl=5", &[cookie]);
        assert_eq!(requested_deploy(&query_and_cookie).as_deref(), Some("5"));
        assert_eq!(requested_deploy(&parts("/x", &[cookie])).as_deref(), Some("7"));
        assert_eq!(requested_deploy(&parts("/x", &[])), None);
    }

    #[test]
    fn ids_that_are_not_plain_tokens_are_ignored() {
        let odd = parts("/x?dpl=..%2F1", &[("x-amplify-dpl", "1;2"), ("cookie", "_dpl=")]);
        assert_eq!(requested_deploy(&odd), None);
        assert_eq!(cookie("12").unwrap(), "_dpl=12; Path=/; HttpOnly; SameSite=Lax");
        assert_eq!(cookie("1\r\n2"), None);
    }
}
