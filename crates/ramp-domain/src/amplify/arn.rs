//! Amplify ARNs (spec/amplify.md §4), and reading a taggable resource back out of one.
//!
//! A branch name may hold `/` (`feature/x`), which would make ARNs ambiguous (`…/branches/a/jobs`
//! could be branch `a/jobs` or the jobs of branch `a`). ramp percent-encodes the branch name in
//! ARNs (`…/branches/feature%2Fx`), as AWS asks for in S3 bucket policies (spec §3.2, UNCONFIRMED
//! for the API's own ARNs; README "Amplify Hosting").

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

use crate::arn::{Scope, partition};
use crate::store::TaggedResource;

/// What stays literal in a branch name inside an ARN: the unreserved characters.
const BRANCH_IN_ARN: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

fn prefix(scope: &Scope) -> String {
    format!(
        "arn:{}:amplify:{}:{}:",
        partition(&scope.region),
        scope.region,
        scope.account_id
    )
}

pub fn app(scope: &Scope, app_id: &str) -> String {
    format!("{}apps/{app_id}", prefix(scope))
}

pub fn branch(scope: &Scope, app_id: &str, branch_name: &str) -> String {
    format!(
        "{}/branches/{}",
        app(scope, app_id),
        utf8_percent_encode(branch_name, BRANCH_IN_ARN)
    )
}

pub fn job(scope: &Scope, app_id: &str, branch_name: &str, number: i64) -> String {
    format!(
        "{}/jobs/{}",
        branch(scope, app_id, branch_name),
        super::ids::padded_job_number(number)
    )
}

pub fn domain_association(scope: &Scope, app_id: &str, domain_name: &str) -> String {
    format!("{}/domains/{domain_name}", app(scope, app_id))
}

pub fn webhook(scope: &Scope, app_id: &str, webhook_id: &str) -> String {
    format!("{}/webhooks/{webhook_id}", app(scope, app_id))
}

pub fn backend_environment(scope: &Scope, app_id: &str, environment_name: &str) -> String {
    format!("{}/backendenvironments/{environment_name}", app(scope, app_id))
}

/// The taggable resource (app, branch or job, the resources the model's TagResource documents)
/// an ARN of this scope names; `None` for anything else, which to the caller names nothing here.
pub fn parse_taggable(scope: &Scope, arn: &str) -> Option<TaggedResource> {
    let rest = arn.strip_prefix(&prefix(scope))?.strip_prefix("apps/")?;
    let region = scope.region.clone();
    let parts: Vec<&str> = rest.split('/').collect();
    let app_id = |id: &str| Some(id.to_owned()).filter(|id| super::is_app_id(id));
    match parts.as_slice() {
        [id] => Some(TaggedResource::AmplifyApp {
            region,
            app_id: app_id(id)?,
        }),
        [id, "branches", name] => Some(TaggedResource::AmplifyBranch {
            region,
            app_id: app_id(id)?,
            branch_name: decode_branch(name)?,
        }),
        [id, "branches", name, "jobs", number] => Some(TaggedResource::AmplifyJob {
            region,
            app_id: app_id(id)?,
            branch_name: decode_branch(name)?,
            number: parse_padded_number(number)?,
        }),
        _ => None,
    }
}

fn decode_branch(encoded: &str) -> Option<String> {
    let name = percent_decode_str(encoded).decode_utf8().ok()?.into_owned();
    (!name.is_empty()).then_some(name)
}

fn parse_padded_number(text: &str) -> Option<i64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok().filter(|n| *n > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope() -> Scope {
        Scope::new("us-east-1", "123456789012")
    }

    #[test]
    fn arns_have_amplifys_forms() {
        assert_eq!(
            app(&scope(), "d1abc"),
            "arn:aws:amplify:us-east-1:123456789012:apps/d1abc"
        );
        assert_eq!(
            job(&scope(), "d1abc", "main", 3),
            "arn:aws:amplify:us-east-1:123456789012:apps/d1abc/branches/main/jobs/0000000003"
        );
        assert_eq!(
            branch(&scope(), "d1abc", "feature/x y"),
            "arn:aws:amplify:us-east-1:123456789012:apps/d1abc/branches/feature%2Fx%20y"
        );
    }

    #[test]
    fn taggable_arns_parse_back() {
        let s = scope();
        assert_eq!(
            parse_taggable(&s, &branch(&s, "d1abc", "feature/x")),
            Some(TaggedResource::AmplifyBranch {
                region: "us-east-1".into(),
                app_id: "d1abc".into(),
                branch_name: "feature/x".into()
            })
        );
        assert_eq!(
            parse_taggable(&s, &job(&s, "d1abc", "a/jobs", 7)),
            Some(TaggedResource::AmplifyJob {
                region: "us-east-1".into(),
                app_id: "d1abc".into(),
                branch_name: "a/jobs".into(),
                number: 7
            })
        );
        for other in [
            "arn:aws:amplify:eu-west-1:123456789012:apps/d1abc",
            "arn:aws:amplify:us-east-1:123456789012:apps/x1abc",
            "arn:aws:amplify:us-east-1:123456789012:apps/d1abc/domains/example.com",
            "arn:aws:amplify:us-east-1:123456789012:apps/d1abc/branches/main/jobs/x",
            "arn:aws:amplify:us-east-1:123456789012:apps/d1abc/branches/main/jobs/0",
        ] {
            assert_eq!(parse_taggable(&s, other), None, "{other}");
        }
    }
}
