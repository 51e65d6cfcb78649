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
        Ok(match self.find_index(method, path)? {
            Match::Found(index, labels) => Match::Found(self.routes[index].0.op, labels),
            Match::MethodNotAllowed => Match::MethodNotAllowed,
            Match::NotFound => Match::NotFound,
        })
    }

    /// Like [`find`](Self::find), naming the route by its index in the table (see [`op`](Self::op)).
    /// Allocates nothing unless the route has labels.
    pub fn find_index(&self, method: &Method, path: &str) -> Result<Match<usize>, AwsError> {
        let path = path.trim_start_matches('/');
        let count = path.split('/').count();
        let mut method_mismatch = false;
        for (index, (route, segments)) in self.routes.iter().enumerate() {
            if segments.len() != count || !matches_shape(segments, path) {
                continue;
            }
            if route.method != method {
                method_mismatch = true;
                continue;
            }
            return Ok(Match::Found(index, labels(segments, path)?));
        }
        Ok(if method_mismatch {
            Match::MethodNotAllowed
        } else {
            Match::NotFound
        })
    }

    /// The operation of the route at `index` (from [`find_index`](Self::find_index)).
    pub fn op(&self, index: usize) -> Option<Op> {
        self.routes.get(index).map(|(route, _)| route.op)
    }

    pub fn routes(&self) -> impl Iterator<Item = &Route<Op>> {
        self.routes.iter().map(|(r, _)| r)
    }
}

/// Whether the literal segments match and every label has a (non-empty) segment.
fn matches_shape(segments: &[Segment], path: &str) -> bool {
    segments
        .iter()
        .zip(path.split('/'))
        .all(|(segment, part)| match segment {
            Segment::Literal(lit) => *lit == part,
            Segment::Label(_) => !part.is_empty(),
        })
}

/// The percent-decoded labels of a path whose shape matched.
fn labels(segments: &[Segment], path: &str) -> Result<Labels, AwsError> {
    let mut labels = Vec::new();
    for (segment, part) in segments.iter().zip(path.split('/')) {
        if let Segment::Label(name) = segment {
            let value = percent_decode_str(part)
                .decode_utf8()
                .map_err(|_| AwsError::bad_request(format!("{name} is not valid UTF-8 after percent-decoding")))?;
            labels.push((*name, value.into_owned()));
        }
    }
    Ok(Labels(labels))
}

/// Declares a service's operations from a route table with one line per operation,
/// `Name METHOD "/uri/{Label}"`, straight from the model's `http` traits: the `Op` enum (with
/// `Op::ALL` and `Op::name`) and `ROUTES`, matched in table order. Invoked with braces, so
/// rustfmt leaves the table's columns as written.
macro_rules! operations {
    ($service:literal; $( $op:ident $method:ident $template:literal ),* $(,)?) => {
        #[doc = concat!("Every operation of the ", $service, " model.")]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Op { $($op),* }

        impl Op {
            pub const ALL: &'static [Op] = &[$(Op::$op),*];

            /// The operation's name in the model.
            pub fn name(self) -> &'static str {
                match self { $(Op::$op => stringify!($op)),* }
            }
        }

        /// The route table, straight from the model's `http` traits.
        pub static ROUTES: std::sync::LazyLock<$crate::routing::Router<Op>> = std::sync::LazyLock::new(|| {
            $crate::routing::Router::new(&[
                $($crate::routing::Route { method: http::Method::$method, template: $template, op: Op::$op }),*
            ])
        });
    };
}
pub(crate) use operations;

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
    fn routes_are_named_by_their_index_in_the_table() {
        let r = router();
        let Match::Found(index, labels) = r.find_index(&Method::GET, "/tags/arn%3Ax").unwrap() else {
            panic!()
        };
        assert_eq!((index, labels.get("ResourceArn")), (2, "arn:x"));
        assert_eq!(r.op(index), Some(Op::Tags));
        assert_eq!(r.op(3), None);
        assert!(matches!(r.find_index(&Method::GET, "/").unwrap(), Match::NotFound));
        // A wrong method is found out before the labels are decoded.
        assert_eq!(
            r.find(&Method::PUT, "/applications/%FF").unwrap(),
            Match::MethodNotAllowed
        );
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
