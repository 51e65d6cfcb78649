//! [`Site`]: one deploy with its app's and branch's settings, compiled once, answering requests
//! in the order of spec amplify.md §8.2.

use bytes::Bytes;
use http::header::HOST;
use http::request::Parts;
use http::{HeaderValue, Method, Response, StatusCode};

use super::auth::{AuthError, BasicAuth};
use super::content::Content;
use super::files::{Files, PreparedFile, Route};
use super::headers::{self, HeaderRules, HeadersError};
use super::rules::{self, Action, Rule, RuleError, RuleInput, Rules};
use super::{path, reply, skew};
use crate::manifest::Manifest;

/// What the app and branch say about serving a deploy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SiteSettings {
    /// The app's `customRules`, in order.
    pub rules: Vec<Rule>,
    /// The app's `customHeaders` YAML; ignored when the deploy has its own `customHttp.yml`.
    pub app_custom_headers: Option<String>,
    /// `basicAuthCredentials` (base64 of `user:password`) when auth is on: the app's when the
    /// app enables it (the app wins, §8.6), else the branch's.
    pub basic_auth: Option<String>,
    /// The job that made the deploy, named by the skew-protection cookie.
    pub deploy_id: String,
    /// The branch's `enableSkewProtection`.
    pub skew_protection: bool,
    /// The monorepo app root (`AMPLIFY_MONOREPO_APP_ROOT`), choosing the `applications` entry of
    /// monorepo-form custom headers; `None` takes the first.
    pub app_root: Option<String>,
}

/// Settings that cannot serve, naming what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SiteError {
    #[error(transparent)]
    Rule(#[from] RuleError),
    #[error("{origin}: {error}")]
    Headers {
        /// "the app's customHeaders" or "the deploy's customHttp.yml".
        origin: &'static str,
        error: HeadersError,
    },
    #[error(transparent)]
    BasicAuth(#[from] AuthError),
    #[error("deploy id {0:?} cannot name a deploy in the skew-protection cookie")]
    DeployId(String),
}

/// A deploy ready to serve. Immutable: a settings change or a new deploy builds a new `Site`,
/// which the server swaps in atomically (§8.7).
#[derive(Debug)]
pub struct Site {
    files: Files,
    rules: Rules,
    headers: HeaderRules,
    auth: Option<BasicAuth>,
    skew_cookie: Option<HeaderValue>,
}

impl Site {
    pub fn new(manifest: Manifest, settings: SiteSettings) -> Result<Site, SiteError> {
        let rules = rules::compile(&settings.rules)?;
        let app_root = settings.app_root.as_deref();
        let headers = match (&manifest.custom_headers, &settings.app_custom_headers) {
            (Some(yaml), _) if !yaml.trim().is_empty() => {
                headers::compile(yaml, app_root).map_err(|error| SiteError::Headers {
                    origin: "the deploy's customHttp.yml",
                    error,
                })?
            }
            (_, Some(yaml)) => headers::compile(yaml, app_root).map_err(|error| SiteError::Headers {
                origin: "the app's customHeaders",
                error,
            })?,
            _ => HeaderRules::default(),
        };
        let auth = settings.basic_auth.as_deref().map(BasicAuth::new).transpose()?;
        let skew_cookie = if settings.skew_protection {
            Some(skew::cookie(&settings.deploy_id).ok_or_else(|| SiteError::DeployId(settings.deploy_id.clone()))?)
        } else {
            None
        };
        Ok(Site {
            files: Files::new(&manifest, &headers),
            rules,
            headers,
            auth,
            skew_cookie,
        })
    }

    /// The answer to `request`: basic auth, then rules before the lookup, the lookup with clean
    /// URLs, then 404 rules, then a plain 404 (§8.2).
    pub async fn respond(&self, request: &Parts, content: &Content) -> Response<Bytes> {
        if let Some(auth) = &self.auth
            && !auth.allows(&request.headers)
        {
            // OPTIONS too, as AWS does (§8.6): a preflight to a protected site fails.
            return reply::unauthorized();
        }
        let method = &request.method;
        if method != Method::GET && method != Method::HEAD && method != Method::OPTIONS {
            return reply::method_not_allowed();
        }
        let raw_path = request.uri.path();
        let Ok(path) = path::decode(raw_path) else {
            return reply::bad_request();
        };
        if method == Method::OPTIONS {
            return reply::options(&self.headers.for_path(&path));
        }
        let input = RuleInput {
            path: &path,
            raw_path,
            raw_query: request.uri.query(),
            host: host(request),
        };
        let found = match self.rules.before_lookup(&input) {
            Some(Action::Redirect { status, location }) => return self.redirect(status, &location, &path),
            Some(Action::Proxy) => return self.not_found(&path),
            Some(Action::Rewrite(target)) => self.rewritten(&target),
            None => match self.files.route(&path) {
                Route::File(file) => Some(file),
                Route::AddSlash => return self.add_slash(request, &path),
                Route::Miss => None,
            },
        };
        if let Some(file) = found {
            return reply::file(request, StatusCode::OK, file, self.cookie_for(file), content).await;
        }
        match self.rules.after_miss(&input) {
            Some((status, Action::Rewrite(target))) => match self.rewritten(&target) {
                Some(file) => reply::file(request, status, file, self.cookie_for(file), content).await,
                None => self.not_found(&path),
            },
            _ => self.not_found(&path),
        }
    }

    /// The file a rewrite names, if the deploy has it and the target is a clean path.
    fn rewritten(&self, target: &str) -> Option<&PreparedFile> {
        if !target.starts_with('/') || path::check_segments(target).is_err() {
            return None;
        }
        self.files.rewritten(target)
    }

    fn cookie_for(&self, file: &PreparedFile) -> Option<&HeaderValue> {
        self.skew_cookie.as_ref().filter(|_| file.html)
    }

    fn redirect(&self, status: StatusCode, location: &str, path: &str) -> Response<Bytes> {
        match HeaderValue::from_str(location) {
            Ok(location) => reply::redirect(status, location, &self.headers.for_path(path)),
            // Cannot happen (locations are percent-encoded), but never a panic.
            Err(_) => self.not_found(path),
        }
    }

    /// 301 from `/about` to `/about/` (§8.4), keeping the query.
    fn add_slash(&self, request: &Parts, path: &str) -> Response<Bytes> {
        let mut location = String::with_capacity(request.uri.path().len() + 1);
        location.push_str(request.uri.path());
        location.push('/');
        if let Some(query) = request.uri.query() {
            location.push('?');
            location.push_str(query);
        }
        self.redirect(StatusCode::MOVED_PERMANENTLY, &location, path)
    }

    fn not_found(&self, path: &str) -> Response<Bytes> {
        reply::not_found(&self.headers.for_path(path))
    }
}

/// The request's host without its port (`Host`, or the authority of an HTTP/2 request).
fn host(request: &Parts) -> Option<&str> {
    let host = request
        .headers
        .get(HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| request.uri.host())?;
    if let Some(bracketed) = host.strip_prefix('[') {
        return bracketed.split(']').next();
    }
    Some(host.split(':').next().unwrap_or(host))
}
