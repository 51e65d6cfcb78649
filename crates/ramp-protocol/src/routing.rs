//! restJson1 routing: an operation is chosen by HTTP method and URI template
//! (`/applications/{ApplicationId}`), and each `{Label}` captures exactly one path segment,
//! percent-decoded — so an ARN sent as one encoded segment (`/tags/arn%3Aaws%3A...`) arrives whole.

use http::Method;
use percent_encoding::percent_decode_str;

use crate::AwsError;

/// One entry of a route table.
#[derive(Debug, Clone)]
pub struct Route<Op> {
    pub method: Method,
    pub template: &'static str,
    pub op: Op,
}

/// The values captured by a route's labels, in template order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Labels(Vec<(&'static str, String)>);

impl Labels {
    /// The decoded value of label `name`. Routing guarantees every template label is present.
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }
}

/// A table of routes, matched in order.
#[derive(Debug)]
pub struct Router<Op: Copy> {
    routes: Vec<(Route<Op>, Vec<Segment>)>,
}

#[derive(Debug)]
enum Segment {
    Literal(&'static str),
    Label(&'static str),
}

/// What a path matched.
#[derive(Debug, PartialEq, Eq)]
pub enum Match<Op> {
    Found(Op, Labels),
    /// The path matches a template, but not with this method.
    MethodNotAllowed,
    NotFound,
}

impl<Op: Copy> Router<Op> {
    pub fn new(routes: &[Route<Op>]) -> Self {
        let routes = routes
            .iter()
            .map(|route| {
                let segments = route
                    .template
                    .trim_start_matches('/')
                    .split('/')
                    .map(|s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                        Some(label) => Segment::Label(label),
                        None => Segment::Literal(s),
                    })
                    .collect();
                (route.clone(), segments)
            })
            .collect();
        Self { routes }
    }

    /// Finds the operation for `method` and the raw `path`.
    pub fn find(&self, method: &Method, path: &str) -> Result<Match<Op>, AwsError> {
        let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        let mut method_mismatch = false;
        for (route, segments) in &self.routes {
            let Some(labels) = match_segments(segments, &parts)? else {
                continue;
            };
            if route.method == method {
                return Ok(Match::Found(route.op, labels));
            }
            method_mismatch = true;
        }
        Ok(if method_mismatch {
            Match::MethodNotAllowed
        } else {
            Match::NotFound
        })
    }

    pub fn routes(&self) -> impl Iterator<Item = &Route<Op>> {
        self.routes.iter().map(|(r, _)| r)
    }
}

fn match_segments(segments: &[Segment], parts: &[&str]) -> Result<Option<Labels>, AwsError> {
    if segments.len() != parts.len() {
        return Ok(None);
    }
    let mut labels = Vec::new();
    for (segment, part) in segments.iter().zip(parts) {
        match segment {
            Segment::Literal(lit) if lit == part => {}
            Segment::Literal(_) => return Ok(None),
            Segment::Label(_) if part.is_empty() => return Ok(None),
            Segment::Label(name) => {
                let value = percent_decode_str(part)
                    .decode_utf8()
                    .map_err(|_| AwsError::bad_request(format!("{name} is not valid UTF-8 after percent-decoding")))?;
                labels.push((*name, value.into_owned()));
            }
        }
    }
    Ok(Some(Labels(labels)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Op {
        GetApp,
        DeleteStrategy,
        Tags,
    }

    fn router() -> Router<Op> {
        Router::new(&[
            Route {
                method: Method::GET,
                template: "/applications/{ApplicationId}",
                op: Op::GetApp,
            },
            Route {
                method: Method::DELETE,
                template: "/deployementstrategies/{DeploymentStrategyId}",
                op: Op::DeleteStrategy,
            },
            Route {
                method: Method::GET,
                template: "/tags/{ResourceArn}",
                op: Op::Tags,
            },
        ])
    }

    #[test]
    fn matches_templates_and_decodes_labels() {
        let r = router();
        let Match::Found(op, labels) = r
            .find(
                &Method::GET,
                "/tags/arn%3Aaws%3Aappconfig%3Aus-east-1%3A000000000000%3Aapplication%2Fabc1234",
            )
            .unwrap()
        else {
            panic!()
        };
        assert_eq!(op, Op::Tags);
        assert_eq!(
            labels.get("ResourceArn"),
            "arn:aws:appconfig:us-east-1:000000000000:application/abc1234"
        );
        assert!(matches!(
            r.find(&Method::DELETE, "/deployementstrategies/abc1234").unwrap(),
            Match::Found(Op::DeleteStrategy, _)
        ));
    }

    #[test]
    fn distinguishes_wrong_method_from_unknown_path() {
        let r = router();
        assert_eq!(
            r.find(&Method::POST, "/applications/abc1234").unwrap(),
            Match::MethodNotAllowed
        );
        assert_eq!(
            r.find(&Method::GET, "/applications/abc1234/x").unwrap(),
            Match::NotFound
        );
        assert_eq!(r.find(&Method::GET, "/applications/").unwrap(), Match::NotFound);
        assert!(r.find(&Method::GET, "/applications/%FF").is_err());
    }
}
