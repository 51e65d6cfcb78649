//! AWS Amplify Hosting (`amplify` 2017-07-25, restJson1, signing name `amplify`) on the wire:
//! every operation of the model, its route, the inputs ramp parses, the shapes it answers with
//! and its errors. Written by hand with the model's (camelCase) member names;
//! `tests/integration/model_conformance.rs` in the `ramp` crate checks the route table and the
//! error statuses against the botocore model.
//!
//! A handler in `ramp-server` reads one operation like this:
//!
//! * route: [`ROUTES`]`.find(method, path)` gives an [`Op`] and its percent-decoded
//!   [`Labels`](crate::routing::Labels) (`feature%2Fx` arrives as `feature/x`, spec amplify.md §1.2);
//! * parse: `<inputs::X as Input>::parse(request, labels)` (one [`inputs`] struct per operation,
//!   every model constraint checked, a 400 `BadRequestException` naming the member otherwise);
//! * answer: `AwsResponse::json(StatusCode::OK, &shapes::XOutput { … })` — every Amplify
//!   operation answers 200 with a JSON body, the tag operations `{}` ([`shapes::Empty`]);
//! * fail: the constructors of [`errors`], rendered in [`DIALECT`] (`X-Amzn-ErrorType` + `{"message"}`).
//!
//! Typed enums ([`Platform`], [`Stage`], [`JobStatus`], …), [`Sensitive`] strings (redacted from
//! `Debug`) and the epoch-seconds timestamps of restJson1 (spec amplify.md §1.1) live in [`values`].

pub mod errors;
pub mod inputs;
pub mod shapes;
pub mod values;

pub use errors::DIALECT;
pub use values::*;

crate::routing::operations! { "Amplify";
    CreateApp                POST   "/apps",
    CreateBackendEnvironment POST   "/apps/{appId}/backendenvironments",
    CreateBranch             POST   "/apps/{appId}/branches",
    CreateDeployment         POST   "/apps/{appId}/branches/{branchName}/deployments",
    CreateDomainAssociation  POST   "/apps/{appId}/domains",
    CreateWebhook            POST   "/apps/{appId}/webhooks",
    DeleteApp                DELETE "/apps/{appId}",
    DeleteBackendEnvironment DELETE "/apps/{appId}/backendenvironments/{environmentName}",
    DeleteBranch             DELETE "/apps/{appId}/branches/{branchName}",
    DeleteDomainAssociation  DELETE "/apps/{appId}/domains/{domainName}",
    DeleteJob                DELETE "/apps/{appId}/branches/{branchName}/jobs/{jobId}",
    DeleteWebhook            DELETE "/webhooks/{webhookId}",
    GenerateAccessLogs       POST   "/apps/{appId}/accesslogs",
    GetApp                   GET    "/apps/{appId}",
    GetArtifactUrl           GET    "/artifacts/{artifactId}",
    GetBackendEnvironment    GET    "/apps/{appId}/backendenvironments/{environmentName}",
    GetBranch                GET    "/apps/{appId}/branches/{branchName}",
    GetDomainAssociation     GET    "/apps/{appId}/domains/{domainName}",
    GetJob                   GET    "/apps/{appId}/branches/{branchName}/jobs/{jobId}",
    GetWebhook               GET    "/webhooks/{webhookId}",
    ListApps                 GET    "/apps",
    ListArtifacts            GET    "/apps/{appId}/branches/{branchName}/jobs/{jobId}/artifacts",
    ListBackendEnvironments  GET    "/apps/{appId}/backendenvironments",
    ListBranches             GET    "/apps/{appId}/branches",
    ListDomainAssociations   GET    "/apps/{appId}/domains",
    ListJobs                 GET    "/apps/{appId}/branches/{branchName}/jobs",
    ListTagsForResource      GET    "/tags/{resourceArn}",
    ListWebhooks             GET    "/apps/{appId}/webhooks",
    StartDeployment          POST   "/apps/{appId}/branches/{branchName}/deployments/start",
    StartJob                 POST   "/apps/{appId}/branches/{branchName}/jobs",
    StopJob                  DELETE "/apps/{appId}/branches/{branchName}/jobs/{jobId}/stop",
    TagResource              POST   "/tags/{resourceArn}",
    UntagResource            DELETE "/tags/{resourceArn}",
    UpdateApp                POST   "/apps/{appId}",
    UpdateBranch             POST   "/apps/{appId}/branches/{branchName}",
    UpdateDomainAssociation  POST   "/apps/{appId}/domains/{domainName}",
    UpdateWebhook            POST   "/webhooks/{webhookId}",
}

#[cfg(test)]
mod tests {
    use http::Method;

    use super::*;
    use crate::routing::Match;

    /// A request as an SDK sends it: method, path, the operation and the labels it must carry.
    type Request = (&'static str, &'static str, Op, &'static [(&'static str, &'static str)]);

    /// One request per operation.
    const REQUESTS: &[Request] = &[
        ("POST", "/apps", Op::CreateApp, &[]),
        (
            "POST",
            "/apps/d1abc/backendenvironments",
            Op::CreateBackendEnvironment,
            &[("appId", "d1abc")],
        ),
        ("POST", "/apps/d1abc/branches", Op::CreateBranch, &[("appId", "d1abc")]),
        (
            "POST",
            "/apps/d1abc/branches/feature%2Fx/deployments",
            Op::CreateDeployment,
            &[("appId", "d1abc"), ("branchName", "feature/x")],
        ),
        (
            "POST",
            "/apps/d1abc/domains",
            Op::CreateDomainAssociation,
            &[("appId", "d1abc")],
        ),
        ("POST", "/apps/d1abc/webhooks", Op::CreateWebhook, &[("appId", "d1abc")]),
        ("DELETE", "/apps/d1abc", Op::DeleteApp, &[("appId", "d1abc")]),
        (
            "DELETE",
            "/apps/d1abc/backendenvironments/staging",
            Op::DeleteBackendEnvironment,
            &[("environmentName", "staging")],
        ),
        (
            "DELETE",
            "/apps/d1abc/branches/feature%2Fx",
            Op::DeleteBranch,
            &[("branchName", "feature/x")],
        ),
        (
            "DELETE",
            "/apps/d1abc/domains/example.com",
            Op::DeleteDomainAssociation,
            &[("domainName", "example.com")],
        ),
        (
            "DELETE",
            "/apps/d1abc/branches/main/jobs/3",
            Op::DeleteJob,
            &[("branchName", "main"), ("jobId", "3")],
        ),
        ("DELETE", "/webhooks/w-1", Op::DeleteWebhook, &[("webhookId", "w-1")]),
        (
            "POST",
            "/apps/d1abc/accesslogs",
            Op::GenerateAccessLogs,
            &[("appId", "d1abc")],
        ),
        ("GET", "/apps/d1abc", Op::GetApp, &[("appId", "d1abc")]),
        ("GET", "/artifacts/a%2Fb", Op::GetArtifactUrl, &[("artifactId", "a/b")]),
        (
            "GET",
            "/apps/d1abc/backendenvironments/staging",
            Op::GetBackendEnvironment,
            &[("appId", "d1abc"), ("environmentName", "staging")],
        ),
        (
            "GET",
            "/apps/d1abc/branches/feature%2Fx%20y",
            Op::GetBranch,
            &[("appId", "d1abc"), ("branchName", "feature/x y")],
        ),
        (
            "GET",
            "/apps/d1abc/domains/example.com",
            Op::GetDomainAssociation,
            &[("domainName", "example.com")],
        ),
        (
            "GET",
            "/apps/d1abc/branches/feature%2Fx/jobs/12",
            Op::GetJob,
            &[("branchName", "feature/x"), ("jobId", "12")],
        ),
        ("GET", "/webhooks/w-1", Op::GetWebhook, &[("webhookId", "w-1")]),
        ("GET", "/apps", Op::ListApps, &[]),
        (
            "GET",
            "/apps/d1abc/branches/main/jobs/1/artifacts",
            Op::ListArtifacts,
            &[("jobId", "1")],
        ),
        (
            "GET",
            "/apps/d1abc/backendenvironments",
            Op::ListBackendEnvironments,
            &[("appId", "d1abc")],
        ),
        ("GET", "/apps/d1abc/branches", Op::ListBranches, &[("appId", "d1abc")]),
        (
            "GET",
            "/apps/d1abc/domains",
            Op::ListDomainAssociations,
            &[("appId", "d1abc")],
        ),
        (
            "GET",
            "/apps/d1abc/branches/main/jobs",
            Op::ListJobs,
            &[("branchName", "main")],
        ),
        (
            "GET",
            "/tags/arn%3Aaws%3Aamplify%3Aus-east-1%3A123456789012%3Aapps%2Fd1abc%2Fbranches%2Ffeature%2Fx",
            Op::ListTagsForResource,
            &[(
                "resourceArn",
                "arn:aws:amplify:us-east-1:123456789012:apps/d1abc/branches/feature/x",
            )],
        ),
        ("GET", "/apps/d1abc/webhooks", Op::ListWebhooks, &[("appId", "d1abc")]),
        (
            "POST",
            "/apps/d1abc/branches/feature%2Fx%20y/deployments/start",
            Op::StartDeployment,
            &[("branchName", "feature/x y")],
        ),
        (
            "POST",
            "/apps/d1abc/branches/main/jobs",
            Op::StartJob,
            &[("branchName", "main")],
        ),
        (
            "DELETE",
            "/apps/d1abc/branches/main/jobs/3/stop",
            Op::StopJob,
            &[("jobId", "3")],
        ),
        (
            "POST",
            "/tags/arn%3Aaws%3Aamplify%3Aus-east-1%3A123456789012%3Aapps%2Fd1abc",
            Op::TagResource,
            &[("resourceArn", "arn:aws:amplify:us-east-1:123456789012:apps/d1abc")],
        ),
        (
            "DELETE",
            "/tags/arn%3Aaws%3Aamplify%3Aus-east-1%3A123456789012%3Aapps%2Fd1abc",
            Op::UntagResource,
            &[("resourceArn", "arn:aws:amplify:us-east-1:123456789012:apps/d1abc")],
        ),
        ("POST", "/apps/d1abc", Op::UpdateApp, &[("appId", "d1abc")]),
        (
            "POST",
            "/apps/d1abc/branches/release%2F6.2",
            Op::UpdateBranch,
            &[("branchName", "release/6.2")],
        ),
        (
            "POST",
            "/apps/d1abc/domains/example.com",
            Op::UpdateDomainAssociation,
            &[("domainName", "example.com")],
        ),
        ("POST", "/webhooks/w-1", Op::UpdateWebhook, &[("webhookId", "w-1")]),
    ];

    #[test]
    fn every_operation_is_routed_with_decoded_labels() {
        assert_eq!(REQUESTS.len(), Op::ALL.len());
        for op in Op::ALL {
            assert!(
                REQUESTS.iter().any(|(_, _, o, _)| o == op),
                "{} has no request",
                op.name()
            );
        }
        for (method, path, op, labels) in REQUESTS {
            let method = Method::from_bytes(method.as_bytes()).unwrap();
            let Match::Found(found, got) = ROUTES.find(&method, path).unwrap() else {
                panic!("{method} {path} is not routed")
            };
            assert_eq!(found, *op, "{method} {path}");
            for (name, value) in *labels {
                assert_eq!(got.get(name), *value, "{method} {path}: {name}");
            }
        }
    }

    #[test]
    fn wrong_methods_and_unknown_paths_are_told_apart() {
        assert_eq!(
            ROUTES.find(&Method::PUT, "/apps/d1abc").unwrap(),
            Match::MethodNotAllowed
        );
        assert_eq!(
            ROUTES
                .find(&Method::GET, "/apps/d1abc/branches/main/jobs/3/stop")
                .unwrap(),
            Match::MethodNotAllowed
        );
        // A `/` in a branch name that is not percent-encoded is another path.
        assert_eq!(
            ROUTES.find(&Method::GET, "/apps/d1abc/branches/feature/x").unwrap(),
            Match::NotFound
        );
        assert_eq!(
            ROUTES.find(&Method::GET, "/apps/d1abc/branches/").unwrap(),
            Match::NotFound
        );
        assert!(ROUTES.find(&Method::GET, "/apps/d1abc/branches/%FF").is_err());
    }
}
