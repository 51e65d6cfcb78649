use bytes::Bytes;
use http::{HeaderMap, Method};

use super::*;
use crate::amplify::ROUTES;
use crate::routing::Match;

/// Routes and parses a request as the pipeline does.
fn parse<T: Input>(method: Method, path_and_query: &str, body: &str) -> Result<T, AwsError> {
    let req = AwsRequest::new(method, path_and_query, HeaderMap::new(), Bytes::from(body.to_owned()))?;
    let Match::Found(_, labels) = ROUTES.find(&req.method, &req.path)? else {
        panic!("{path_and_query} is not routed")
    };
    T::parse(&req, &labels)
}

fn message<T: Input + std::fmt::Debug>(method: Method, path_and_query: &str, body: &str) -> String {
    let err = parse::<T>(method, path_and_query, body).unwrap_err();
    assert_eq!(err.name(&crate::amplify::DIALECT), "BadRequestException");
    err.message
}

#[test]
fn a_manual_deploy_app_needs_only_a_name_and_unknown_members_are_ignored() {
    let app: CreateApp = parse(Method::POST, "/apps", r#"{"name":"blog","someFutureMember":1}"#).unwrap();
    assert_eq!(app.name, "blog");
    assert!(app.platform.is_none());
    let app: CreateApp = parse(
        Method::POST,
        "/apps",
        r#"{"name":"blog","platform":"WEB","cacheConfig":{"type":"AMPLIFY_MANAGED_NO_COOKIES"},
            "customRules":[{"source":"/<*>","target":"/index.html","status":"404-200"}],
            "autoBranchCreationConfig":{"stage":"BETA"},"tags":{"team":"web"}}"#,
    )
    .unwrap();
    assert_eq!(app.platform, Some(Platform::Web));
    assert_eq!(app.custom_rules.unwrap()[0].status.as_deref(), Some("404-200"));
    assert_eq!(app.auto_branch_creation_config.unwrap().stage, Some(Stage::Beta));
}

#[test]
fn create_app_failures_name_the_member() {
    let m = message::<CreateApp>(Method::POST, "/apps", "{}");
    assert!(m.contains("missing field 'name'"), "{m}");
    let m = message::<CreateApp>(Method::POST, "/apps", &format!(r#"{{"name":"{}"}}"#, "n".repeat(256)));
    assert_eq!(
        m,
        "Value at 'name' failed to satisfy constraint: Member must have length less than or equal to 255"
    );
    let m = message::<CreateApp>(Method::POST, "/apps", r#"{"name":"a","platform":"WEB_SSR"}"#);
    assert!(
        m.contains("platform") && m.contains("WEB, WEB_DYNAMIC, WEB_COMPUTE"),
        "{m}"
    );
    let m = message::<CreateApp>(
        Method::POST,
        "/apps",
        r#"{"name":"a","customRules":[{"source":"/a","target":"/b"},{"source":"/a","target":"/b","status":"30"}]}"#,
    );
    assert!(m.contains("'customRules[1].status'"), "{m}");
    let m = message::<CreateApp>(Method::POST, "/apps", r#"{"name":"a","customRules":[{"source":"/a"}]}"#);
    assert!(m.contains("customRules[0]") && m.contains("target"), "{m}");
    let m = message::<CreateApp>(
        Method::POST,
        "/apps",
        r#"{"name":"a","autoBranchCreationConfig":{"stage":"prod"}}"#,
    );
    assert!(m.contains("autoBranchCreationConfig.stage"), "{m}");
    let m = message::<CreateApp>(Method::POST, "/apps", r#"{"name":"a","accessToken":""}"#);
    assert!(m.contains("'accessToken'"), "{m}");
    let m = message::<CreateApp>(Method::POST, "/apps", r#"{"name":"a","cacheConfig":{}}"#);
    assert!(m.contains("cacheConfig") && m.contains("type"), "{m}");
    let m = message::<CreateApp>(
        Method::POST,
        "/apps",
        r#"{"name":"a","jobConfig":{"buildComputeType":"HUGE"}}"#,
    );
    assert!(m.contains("jobConfig.buildComputeType"), "{m}");
}

#[test]
fn tags_follow_the_models_patterns() {
    let m = message::<CreateApp>(Method::POST, "/apps", r#"{"name":"a","tags":{"aws:x":"v"}}"#);
    assert!(m.contains("aws:"), "{m}");
    let m = message::<CreateApp>(Method::POST, "/apps", r#"{"name":"a","tags":{"a b":"v"}}"#);
    assert!(m.contains("'tags.key'"), "{m}");
    let m = message::<CreateApp>(Method::POST, "/apps", r#"{"name":"a","tags":{"k":"v!"}}"#);
    assert!(m.contains("'tags.k'"), "{m}");
    // `+-=` is a range in the model's key class: digits and `;` pass (spec amplify.md §2).
    let ok: TagResource = parse(
        Method::POST,
        "/tags/arn%3Aaws%3Aamplify%3Aus-east-1%3A123456789012%3Aapps%2Fd1abc",
        r#"{"tags":{"env;1":"prod é 1"}}"#,
    )
    .unwrap();
    assert_eq!(ok.resource_arn, "arn:aws:amplify:us-east-1:123456789012:apps/d1abc");
    let m = message::<TagResource>(Method::POST, "/tags/arn%3Aaws%3Aamplify%3Ax", "{}");
    assert!(m.contains("missing field 'tags'"), "{m}");
}

#[test]
fn sensitive_members_stay_out_of_debug() {
    let app: CreateApp = parse(
        Method::POST,
        "/apps",
        r#"{"name":"a","basicAuthCredentials":"c2VjcmV0MQ==","oauthToken":"gho_secret2","accessToken":"secret3",
            "buildSpec":"secret4","autoBranchCreationConfig":{"basicAuthCredentials":"secret5"}}"#,
    )
    .unwrap();
    let debug = format!("{app:?}");
    for secret in ["c2VjcmV0MQ==", "gho_secret2", "secret3", "secret4", "secret5"] {
        assert!(!debug.contains(secret), "{secret} in {debug}");
    }
    assert_eq!(app.oauth_token.as_ref().map(Sensitive::expose), Some("gho_secret2"));
    let branch: CreateBranch = parse(
        Method::POST,
        "/apps/d1abc/branches",
        r#"{"branchName":"main","basicAuthCredentials":"c2VjcmV0MQ=="}"#,
    )
    .unwrap();
    assert!(!format!("{branch:?}").contains("c2VjcmV0MQ=="));
}

#[test]
fn labels_are_decoded_and_checked() {
    let branch: BranchRef = parse(Method::GET, "/apps/d1abc/branches/feature%2Fx", "").unwrap();
    assert_eq!(
        (branch.app_id.as_str(), branch.branch_name.as_str()),
        ("d1abc", "feature/x")
    );
    let m = message::<AppRef>(Method::GET, "/apps/D1abc", "");
    assert_eq!(
        m,
        "Value at 'appId' failed to satisfy constraint: Member must satisfy regular expression pattern: d[a-z0-9]+"
    );
    let m = message::<AppRef>(Method::GET, &format!("/apps/d{}", "a".repeat(20)), "");
    assert!(m.contains("'appId'"), "{m}");
    let m = message::<BranchRef>(Method::GET, &format!("/apps/d1/branches/{}", "b".repeat(256)), "");
    assert!(m.contains("'branchName'"), "{m}");
    let m = message::<JobRef>(Method::GET, "/apps/d1/branches/main/jobs/latest", "");
    assert!(m.contains("'jobId'"), "{m}");
    let job: JobRef = parse(Method::DELETE, "/apps/d1/branches/a%2Fb/jobs/7/stop", "").unwrap();
    assert_eq!((job.branch_name.as_str(), job.job_id.as_str()), ("a/b", "7"));
    let m = message::<DomainRef>(Method::GET, "/apps/d1/domains/-bad.com", "");
    assert!(m.contains("'domainName'"), "{m}");
    let m = message::<ResourceRef>(
        Method::GET,
        "/tags/arn%3Aaws%3Aappconfig%3Aus-east-1%3A123456789012%3Aapplication%2Fabc",
        "",
    );
    assert!(m.contains("'resourceArn'") && m.contains("^arn:aws:amplify:.*"), "{m}");
}

#[test]
fn domain_names_follow_the_models_pattern_without_look_ahead() {
    for ok in ["example.com", "a.io", "www.my-site.example.com.", "x1.b2"] {
        assert!(domain_name("domainName", ok).is_ok(), "{ok}");
    }
    for bad in ["com", "-a.com", "a-.com", "a.-com", "a.c", "a..com", "a_b.com"] {
        assert!(domain_name("domainName", bad).is_err(), "{bad}");
    }
    let m = domain_name("domainName", "-a.com").unwrap_err().message;
    assert!(m.contains("(?!-)"), "the model's pattern is named: {m}");
}

#[test]
fn pages_are_bounded_per_operation() {
    let list: ListApps = parse(Method::GET, "/apps?maxResults=100&nextToken=abc", "").unwrap();
    assert_eq!(list.page.max_results, Some(100));
    assert_eq!(list.page.next_token.as_deref(), Some("abc"));
    let m = message::<ListApps>(Method::GET, "/apps?maxResults=101", "");
    assert!(m.contains("'maxResults'"), "{m}");
    let m = message::<ListBranches>(Method::GET, "/apps/d1/branches?maxResults=51", "");
    assert!(m.contains("'maxResults'") && m.contains("50"), "{m}");
    let m = message::<ListJobs>(Method::GET, "/apps/d1/branches/main/jobs?maxResults=x", "");
    assert!(m.contains("maxResults"), "{m}");
    let m = message::<ListWebhooks>(
        Method::GET,
        &format!("/apps/d1/webhooks?nextToken={}", "t".repeat(2001)),
        "",
    );
    assert!(m.contains("'nextToken'"), "{m}");
    let list: ListBackendEnvironments =
        parse(Method::GET, "/apps/d1/backendenvironments?environmentName=staging", "").unwrap();
    assert_eq!(list.environment_name.as_deref(), Some("staging"));
}

#[test]
fn deployments_and_jobs() {
    let start: StartDeployment = parse(
        Method::POST,
        "/apps/d1/branches/main/deployments/start",
        r#"{"sourceUrl":"s3://bucket/site.zip","sourceUrlType":"ZIP"}"#,
    )
    .unwrap();
    assert_eq!(start.source_url_type, Some(SourceUrlType::Zip));
    assert_eq!(start.branch_name, "main");
    let m = message::<StartDeployment>(
        Method::POST,
        "/apps/d1/branches/main/deployments/start",
        r#"{"sourceUrl":"ftp://x"}"#,
    );
    assert!(m.contains("'sourceUrl'"), "{m}");
    let m = message::<StartDeployment>(
        Method::POST,
        "/apps/d1/branches/main/deployments/start",
        r#"{"jobId":"x1"}"#,
    );
    assert!(m.contains("'jobId'"), "{m}");
    let m = message::<StartDeployment>(
        Method::POST,
        "/apps/d1/branches/main/deployments/start",
        r#"{"sourceUrlType":"TAR"}"#,
    );
    assert!(m.contains("sourceUrlType") && m.contains("ZIP, BUCKET_PREFIX"), "{m}");
    let create: CreateDeployment = parse(
        Method::POST,
        "/apps/d1/branches/main/deployments",
        r#"{"fileMap":{"index.html":"d41d8cd98f00b204e9800998ecf8427e"}}"#,
    )
    .unwrap();
    assert_eq!(create.file_map.unwrap().len(), 1);
    let m = message::<CreateDeployment>(
        Method::POST,
        "/apps/d1/branches/main/deployments",
        &format!(r#"{{"fileMap":{{"a":"{}"}}}}"#, "f".repeat(33)),
    );
    assert!(m.contains("'fileMap.a'"), "{m}");
    let job: StartJob = parse(
        Method::POST,
        "/apps/d1/branches/main/jobs",
        r#"{"jobType":"RETRY","jobId":"3","commitTime":1717000000.5}"#,
    )
    .unwrap();
    assert_eq!(job.job_type, JobType::Retry);
    assert_eq!(job.commit_time, Some(Timestamp::from_millis(1_717_000_000_500)));
    let m = message::<StartJob>(Method::POST, "/apps/d1/branches/main/jobs", "{}");
    assert!(m.contains("missing field 'jobType'"), "{m}");
    let m = message::<StartJob>(
        Method::POST,
        "/apps/d1/branches/main/jobs",
        r#"{"jobType":"RELEASE","commitTime":"yesterday"}"#,
    );
    assert!(m.contains("commitTime"), "{m}");
}

#[test]
fn branch_settings_are_checked_on_create_and_update() {
    let m = message::<CreateBranch>(Method::POST, "/apps/d1/branches", r#"{"branchName":"main","ttl":"5s"}"#);
    assert!(m.contains("'ttl'"), "{m}");
    let m = message::<UpdateBranch>(Method::POST, "/apps/d1/branches/main", r#"{"stage":"PROD"}"#);
    assert!(m.contains("stage") && m.contains("PULL_REQUEST"), "{m}");
    let m = message::<UpdateBranch>(
        Method::POST,
        "/apps/d1/branches/main",
        r#"{"backend":{"stackArn":"arn:aws:s3:::bucket/with/a/long/name"}}"#,
    );
    assert!(m.contains("'backend.stackArn'"), "{m}");
    let m = message::<UpdateBranch>(
        Method::POST,
        "/apps/d1/branches/main",
        &format!(r#"{{"pullRequestEnvironmentName":"{}"}}"#, "p".repeat(21)),
    );
    assert!(m.contains("'pullRequestEnvironmentName'"), "{m}");
    let update: UpdateBranch = parse(
        Method::POST,
        "/apps/d1/branches/feature%2Fx",
        r#"{"stage":"PRODUCTION","appId":"dother"}"#,
    )
    .unwrap();
    assert_eq!(
        (update.app_id.as_str(), update.branch_name.as_str()),
        ("d1", "feature/x")
    );
    assert_eq!(update.stage, Some(Stage::Production));
}

#[test]
fn domains_webhooks_and_untagging() {
    let m = message::<CreateDomainAssociation>(Method::POST, "/apps/d1/domains", r#"{"domainName":"example.com"}"#);
    assert!(m.contains("missing field 'subDomainSettings'"), "{m}");
    let created: CreateDomainAssociation = parse(
        Method::POST,
        "/apps/d1/domains",
        r#"{"domainName":"example.com","subDomainSettings":[{"prefix":"","branchName":"main"}],
            "autoSubDomainIAMRole":"","certificateSettings":{"type":"AMPLIFY_MANAGED"}}"#,
    )
    .unwrap();
    assert_eq!(created.sub_domain_settings[0].branch_name, "main");
    let m = message::<UpdateDomainAssociation>(
        Method::POST,
        "/apps/d1/domains/example.com",
        r#"{"subDomainSettings":[{"prefix":"www","branchName":""}]}"#,
    );
    assert!(m.contains("'subDomainSettings[0].branchName'"), "{m}");
    let m = message::<UpdateDomainAssociation>(
        Method::POST,
        "/apps/d1/domains/example.com",
        r#"{"autoSubDomainIAMRole":"arn:aws:iam::1:role/x"}"#,
    );
    assert!(m.contains("'autoSubDomainIAMRole'"), "{m}");
    let m = message::<CreateDomainAssociation>(
        Method::POST,
        "/apps/d1/domains",
        r#"{"domainName":"example.com","subDomainSettings":[],"certificateSettings":{"type":"CUSTOM","customCertificateArn":"arn:aws:iam::123456789012:x"}}"#,
    );
    assert!(m.contains("'certificateSettings.customCertificateArn'"), "{m}");
    let m = message::<CreateWebhook>(Method::POST, "/apps/d1/webhooks", r#"{"branchName":""}"#);
    assert!(m.contains("'branchName'"), "{m}");
    let untag: UntagResource = parse(
        Method::DELETE,
        "/tags/arn%3Aaws%3Aamplify%3Aus-east-1%3A123456789012%3Aapps%2Fd1?tagKeys=a&tagKeys=b%2Fc",
        "",
    )
    .unwrap();
    assert_eq!(untag.tag_keys, ["a", "b/c"]);
    let m = message::<UntagResource>(Method::DELETE, "/tags/arn%3Aaws%3Aamplify%3Ax", "");
    assert_eq!(
        m,
        "Value at 'tagKeys' failed to satisfy constraint: Member must not be null"
    );
    let m = message::<GenerateAccessLogs>(
        Method::POST,
        "/apps/d1/accesslogs",
        r#"{"domainName":"example.com","startTime":-5}"#,
    );
    assert!(m.contains("startTime"), "{m}");
}
