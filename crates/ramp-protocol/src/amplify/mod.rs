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
