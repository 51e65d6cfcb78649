//! Who may use the dashboard (DESIGN.md "auth"): with credentials configured, a login with an
//! access key id and its secret, then a session cookie; without, everyone on the (loopback)
//! port, like the rest of ramp.
//!
//! The session is a signed, expiring cookie (`ramp_domain::signed`, key kept in the store), not
//! a row: any node of a cluster accepts it and nothing needs cleaning up. Signing out clears the
//! cookie in the browser; a copied cookie stays valid until it expires ([`SESSION_SECONDS`]).
//! Expiry is checked on real time, like SigV4, never on ramp's possibly manual clock.
//!
//! Every state-changing request must carry the session's CSRF token (the form field `csrf` or
//! the header `X-CSRF-Token`), an HMAC of the session's nonce, and must not come from another
//! origin (`Origin`, `Sec-Fetch-Site`). In open mode the token is the HMAC of a fixed nonce:
//! another site cannot read it, so it still stops cross-site posts to a local ramp.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{FromRequest, Query, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use http::{HeaderMap, Method, StatusCode, header};
use serde::Deserialize;
use subtle::ConstantTimeEq;

use super::html::{self, E, Frame, Html, put};
use crate::AppState;

const COOKIE: &str = "ramp_session";
/// How long a session lasts.
pub const SESSION_SECONDS: i64 = 12 * 60 * 60;
const SESSION_PURPOSE: &str = "ramp/dashboard/session";
const CSRF_PURPOSE: &str = "ramp/dashboard/csrf";
/// The nonce of the one "session" of open mode.
const OPEN_NONCE: &str = "open";

/// The caller of a dashboard request, as the pages need it.
#[derive(Clone)]
pub struct Session {
    /// The token this session's forms carry.
    pub csrf: String,
    /// Logged in with credentials (false in open mode).
    pub signed_in: bool,
}

impl Session {
    pub fn frame<'a>(&'a self, title: &'a str, region: Option<&'a str>) -> Frame<'a> {
        Frame {
            title,
            region,
            csrf: Some(&self.csrf),
            signed_in: self.signed_in,
        }
    }
}

fn csrf_token(state: &AppState, nonce: &str) -> String {
    state.dashboard.signer.sign(CSRF_PURPOSE, nonce.as_bytes())
}

/// The session a request's cookie proves, if any.
fn session_of(state: &AppState, headers: &HeaderMap) -> Option<Session> {
    if state.credentials.is_open() {
        return Some(Session {
            csrf: csrf_token(state, OPEN_NONCE),
            signed_in: false,
        });
    }
    let token = cookie(headers, COOKIE)?;
    let payload = state.dashboard.signer.open(SESSION_PURPOSE, token).ok()?;
    let payload = String::from_utf8(payload).ok()?;
    let mut fields = payload.splitn(3, ':');
    let expires_at: i64 = fields.next()?.parse().ok()?;
    let nonce = fields.next()?;
    let access_key_id = fields.next()?;
    let now = state.signature_clock.now().millis();
    // A key removed from the configuration ends its sessions at the next restart.
    if now >= expires_at || !state.credentials.has_key(access_key_id) {
        return None;
    }
    Some(Session {
        csrf: csrf_token(state, nonce),
        signed_in: true,
    })
}

/// The value of cookie `name` in the request's `Cookie` headers.
fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A request from a page of another site: its `Origin` names another host, or the browser says
/// it is cross-site. Requests without either header (curl, old browsers) rely on the token.
fn cross_origin(headers: &HeaderMap) -> bool {
    if headers
        .get("sec-fetch-site")
        .is_some_and(|v| v == "cross-site" || v == "same-site")
    {
        return true;
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let origin_host = origin.split_once("://").map(|(_, rest)| rest);
    origin_host.is_none() || origin_host != host
}

/// Lets a request through with its [`Session`], or turns it away: a browser's page view goes to
/// the login page, anything else (fragments, the event stream, posts) gets a 401 without data.
/// A state-changing request must also pass the CSRF checks.
pub async fn require(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let Some(session) = session_of(&state, request.headers()) else {
        return refuse_without_session(&request);
    };
    let request = if request.method() == Method::GET || request.method() == Method::HEAD {
        request
    } else {
        match check_csrf(&state, &session, request).await {
            Ok(request) => request,
            Err(refusal) => return refusal,
        }
    };
    let mut request = request;
    request.extensions_mut().insert(session);
    next.run(request).await
}

fn refuse_without_session(request: &Request) -> Response {
    let wants_page = request.method() == Method::GET
        && request
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"));
    if wants_page {
        let target = request.uri().path_and_query().map_or("/_ramp/ui/", |pq| pq.as_str());
        let login = format!("/_ramp/ui/login?next={}", html::U(target));
        return Redirect::to(&login).into_response();
    }
    (
        StatusCode::UNAUTHORIZED,
        [(header::CACHE_CONTROL, "no-store")],
        "sign in to ramp's dashboard first\n",
    )
        .into_response()
}

#[derive(Deserialize)]
struct CsrfField {
    csrf: Option<String>,
}

/// Checks the origin and the token of a state-changing request, which is given back whole
/// (its form body was read to find the token).
async fn check_csrf(state: &AppState, session: &Session, request: Request) -> Result<Request, Response> {
    let forbidden = |message: &str| {
        (
            StatusCode::FORBIDDEN,
            [(header::CACHE_CONTROL, "no-store")],
            message.to_owned(),
        )
            .into_response()
    };
    if cross_origin(request.headers()) {
        return Err(forbidden("refused: the request came from another site\n"));
    }
    let (parts, body) = request.into_parts();
    // A hosted version's document is the largest form: its text, percent-encoded.
    let limit = state.max_body_bytes.saturating_mul(3);
    let Ok(bytes) = axum::body::to_bytes(body, limit).await else {
        return Err((StatusCode::PAYLOAD_TOO_LARGE, "the form is too large\n").into_response());
    };
    let from_header = parts
        .headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let given = match from_header {
        Some(token) => Some(token),
        None => {
            // A POST, so that `Form` reads the body (for a GET it reads the query).
            let mut probe = Request::new(Body::from(bytes.clone()));
            *probe.method_mut() = Method::POST;
            probe.headers_mut().insert(
                header::CONTENT_TYPE,
                http::HeaderValue::from_static("application/x-www-form-urlencoded"),
            );
            Form::<CsrfField>::from_request(probe, &())
                .await
                .ok()
                .and_then(|Form(field)| field.csrf)
        }
    };
    let valid = given.is_some_and(|given| bool::from(given.as_bytes().ct_eq(session.csrf.as_bytes())));
    if !valid {
        return Err(forbidden(
            "refused: missing or wrong CSRF token; reload the page and try again\n",
        ));
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

#[derive(Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
}

/// Only the dashboard's own pages are places to go after signing in (no open redirect).
fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(next) if next.starts_with("/_ramp/ui/") && !next.contains("//") && !next.contains('\\') => next,
        _ => "/_ramp/ui/",
    }
}

pub async fn login_page(State(state): State<Arc<AppState>>, Query(query): Query<LoginQuery>) -> Response {
    if state.credentials.is_open() {
        return Redirect::to("/_ramp/ui/").into_response();
    }
    login_form(StatusCode::OK, safe_next(query.next.as_deref()), "", None)
}

fn login_form(status: StatusCode, next: &str, access_key_id: &str, error: Option<&str>) -> Response {
    let mut h = Html::default();
    h.raw("<form class=\"card narrow\" method=\"post\" action=\"/_ramp/ui/login\">");
    h.raw("<p>ramp runs with credentials: sign in with an access key id and its secret access key.</p>");
    if let Some(error) = error {
        h.raw(&html::message("error", error));
    }
    put!(h, "<input type=\"hidden\" name=\"next\" value=\"{}\">", E(next));
    put!(
        h,
        "<label for=\"access_key_id\">Access key ID</label>\
         <input id=\"access_key_id\" name=\"access_key_id\" value=\"{}\" required autocomplete=\"username\" autofocus>",
        E(access_key_id)
    );
    h.raw(
        "<label for=\"secret_access_key\">Secret access key</label>\
         <input id=\"secret_access_key\" name=\"secret_access_key\" type=\"password\" required autocomplete=\"current-password\">\
         <button type=\"submit\" class=\"primary\">Sign in</button></form>",
    );
    let frame = Frame {
        title: "Sign in",
        region: None,
        csrf: None,
        signed_in: false,
    };
    super::html(status, html::page(&frame, &h.0))
}

#[derive(Deserialize)]
pub struct LoginForm {
    access_key_id: String,
    secret_access_key: String,
    next: Option<String>,
}

pub async fn login(State(state): State<Arc<AppState>>, headers: HeaderMap, Form(form): Form<LoginForm>) -> Response {
    let next = safe_next(form.next.as_deref());
    if cross_origin(&headers) {
        return login_form(
            StatusCode::FORBIDDEN,
            next,
            "",
            Some("Refused: the form came from another site."),
        );
    }
    if state.credentials.is_open() {
        return Redirect::to(next).into_response();
    }
    let access_key_id = form.access_key_id.trim();
    if !state.credentials.check_secret(access_key_id, &form.secret_access_key) {
        tracing::info!(access_key_id, "dashboard sign-in refused");
        return login_form(
            StatusCode::UNAUTHORIZED,
            next,
            access_key_id,
            Some("The access key ID or the secret access key is wrong."),
        );
    }
    let expires_at = state.signature_clock.now().millis() + SESSION_SECONDS * 1000;
    let nonce = ramp_domain::ids::new_hex(16);
    let token = state.dashboard.signer.sign(
        SESSION_PURPOSE,
        format!("{expires_at}:{nonce}:{access_key_id}").as_bytes(),
    );
    let cookie = format!("{COOKIE}={token}; Path=/_ramp/ui; HttpOnly; SameSite=Strict; Max-Age={SESSION_SECONDS}");
    ([(header::SET_COOKIE, cookie)], Redirect::to(next)).into_response()
}

pub async fn logout(Extension(_session): Extension<Session>) -> Response {
    let cookie = format!("{COOKIE}=; Path=/_ramp/ui; HttpOnly; SameSite=Strict; Max-Age=0");
    ([(header::SET_COOKIE, cookie)], Redirect::to("/_ramp/ui/login")).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_stays_on_the_dashboard() {
        assert_eq!(safe_next(Some("/_ramp/ui/us-east-1/")), "/_ramp/ui/us-east-1/");
        assert_eq!(safe_next(Some("https://evil.example/")), "/_ramp/ui/");
        assert_eq!(safe_next(Some("/_ramp/ui//evil.example")), "/_ramp/ui/");
        assert_eq!(safe_next(None), "/_ramp/ui/");
    }

    #[test]
    fn reads_cookies_and_origins() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, "a=1; ramp_session=tok.en; b=2".parse().unwrap());
        assert_eq!(cookie(&headers, COOKIE), Some("tok.en"));
        headers.insert(header::HOST, "127.0.0.1:4566".parse().unwrap());
        assert!(!cross_origin(&headers));
        headers.insert(header::ORIGIN, "http://127.0.0.1:4566".parse().unwrap());
        assert!(!cross_origin(&headers));
        headers.insert(header::ORIGIN, "http://evil.example".parse().unwrap());
        assert!(cross_origin(&headers));
        headers.insert(header::ORIGIN, "null".parse().unwrap());
        assert!(cross_origin(&headers));
    }
}
