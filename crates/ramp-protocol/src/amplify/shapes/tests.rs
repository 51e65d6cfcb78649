use serde_json::{Value, json};

use super::*;
use crate::amplify::values::{JobStatus, JobType, Platform, SourceUrlType};

fn at(seconds: i64) -> Timestamp {
    Timestamp::from_millis(seconds * 1000)
}

fn manual_app() -> App {
    App {
        app_id: "d1abc".into(),
        app_arn: "arn:aws:amplify:us-east-1:123456789012:apps/d1abc".into(),
        name: "blog".into(),
        tags: None,
        description: String::new(),
        repository: String::new(),
        platform: Platform::Web,
        create_time: at(1_717_000_000),
        update_time: Timestamp::from_millis(1_717_000_000_250),
        compute_role_arn: None,
        iam_service_role_arn: None,
        environment_variables: HashMap::new(),
        default_domain: "d1abc.amplifyapp.com".into(),
        enable_branch_auto_build: false,
        enable_branch_auto_deletion: None,
        enable_basic_auth: false,
        basic_auth_credentials: None,
        custom_rules: None,
        production_branch: None,
        build_spec: None,
        custom_headers: None,
        enable_auto_branch_creation: None,
        auto_branch_creation_patterns: None,
        auto_branch_creation_config: None,
        repository_clone_method: None,
        cache_config: None,
        webhook_create_time: None,
        waf_configuration: None,
        job_config: None,
    }
}

#[test]
fn an_app_sends_every_required_member_and_no_unset_optional_one() {
    let value = serde_json::to_value(AppOutput { app: manual_app() }).unwrap();
    assert_eq!(
        value,
        json!({ "app": {
            "appId": "d1abc",
            "appArn": "arn:aws:amplify:us-east-1:123456789012:apps/d1abc",
            "name": "blog",
            "description": "",
            "repository": "",
            "platform": "WEB",
            "createTime": 1_717_000_000,
            "updateTime": 1_717_000_000.25,
            "environmentVariables": {},
            "defaultDomain": "d1abc.amplifyapp.com",
            "enableBranchAutoBuild": false,
            "enableBasicAuth": false,
        }})
    );
    let list = serde_json::to_value(ListAppsOutput {
        apps: vec![],
        next_token: None,
    })
    .unwrap();
    assert_eq!(list, json!({ "apps": [] }));
}

#[test]
fn nested_members_use_the_models_names() {
    let app = App {
        cache_config: Some(CacheConfig {
            r#type: CacheConfigType::AmplifyManagedNoCookies,
        }),
        job_config: Some(JobConfig {
            build_compute_type: BuildComputeType::Large16Gb,
        }),
        basic_auth_credentials: Some(Sensitive::new("dTpw")),
        production_branch: Some(ProductionBranch {
            last_deploy_time: Some(at(5)),
            branch_name: Some("main".into()),
            ..ProductionBranch::default()
        }),
        ..manual_app()
    };
    let value = serde_json::to_value(&app).unwrap();
    assert_eq!(value["cacheConfig"], json!({ "type": "AMPLIFY_MANAGED_NO_COOKIES" }));
    assert_eq!(value["jobConfig"], json!({ "buildComputeType": "LARGE_16GB" }));
    assert_eq!(value["basicAuthCredentials"], "dTpw");
    assert_eq!(
        value["productionBranch"],
        json!({ "lastDeployTime": 5, "branchName": "main" })
    );
    let domain = DomainAssociation {
        domain_association_arn: "arn".into(),
        domain_name: "example.com".into(),
        enable_auto_sub_domain: false,
        auto_sub_domain_creation_patterns: None,
        auto_sub_domain_iam_role: Some(String::new()),
        domain_status: crate::amplify::DomainStatus::Available,
        update_status: None,
        status_reason: String::new(),
        certificate_verification_dns_record: Some("_x.example.com. CNAME _y".into()),
        sub_domains: vec![SubDomain {
            sub_domain_setting: SubDomainSetting {
                prefix: "www".into(),
                branch_name: "main".into(),
            },
            verified: true,
            dns_record: "www CNAME main.d1abc.amplifyapp.com".into(),
        }],
        certificate: None,
    };
    let value = serde_json::to_value(DomainAssociationOutput {
        domain_association: domain,
    })
    .unwrap();
    let domain = &value["domainAssociation"];
    assert_eq!(domain["autoSubDomainIAMRole"], "");
    assert!(domain["certificateVerificationDNSRecord"].is_string());
    assert_eq!(domain["subDomains"][0]["subDomainSetting"]["branchName"], "main");
}

#[test]
fn a_branch_without_a_stage_answers_none_and_counts_jobs_as_a_string() {
    let branch = Branch {
        branch_arn: "arn:aws:amplify:us-east-1:123456789012:apps/d1abc/branches/feature/x".into(),
        branch_name: "feature/x".into(),
        description: String::new(),
        tags: Some(HashMap::from([("k".to_owned(), "v".to_owned())])),
        stage: None,
        display_name: "feature-x".into(),
        enable_notification: false,
        create_time: at(1),
        update_time: at(2),
        environment_variables: HashMap::new(),
        enable_auto_build: true,
        enable_skew_protection: None,
        custom_domains: vec![],
        framework: String::new(),
        active_job_id: String::new(),
        total_number_of_jobs: 0,
        enable_basic_auth: false,
        enable_performance_mode: None,
        thumbnail_url: None,
        basic_auth_credentials: None,
        build_spec: None,
        ttl: "5".into(),
        associated_resources: None,
        enable_pull_request_preview: false,
        pull_request_environment_name: None,
        destination_branch: None,
        source_branch: None,
        backend_environment_arn: None,
        backend: None,
        compute_role_arn: None,
    };
    let value = serde_json::to_value(BranchOutput { branch: branch.clone() }).unwrap();
    assert_eq!(value["branch"]["stage"], "NONE");
    assert_eq!(value["branch"]["totalNumberOfJobs"], "0");
    assert_eq!(value["branch"]["tags"], json!({ "k": "v" }));
    let keys: Vec<&str> = value["branch"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys.len(), 18, "17 required members and tags: {keys:?}");
    let staged = Branch {
        stage: Some(Stage::Production),
        total_number_of_jobs: 12,
        ..branch
    };
    let value = serde_json::to_value(&staged).unwrap();
    assert_eq!(
        (value["stage"].clone(), value["totalNumberOfJobs"].clone()),
        (json!("PRODUCTION"), json!("12"))
    );
}

#[test]
fn jobs_and_deployments() {
    let summary = JobSummary {
        job_arn: "arn:aws:amplify:us-east-1:123456789012:apps/d1abc/branches/main/jobs/0000000003".into(),
        job_id: "3".into(),
        commit_id: "HEAD".into(),
        commit_message: String::new(),
        commit_time: at(10),
        start_time: at(10),
        status: JobStatus::Succeed,
        end_time: Some(at(12)),
        job_type: JobType::Manual,
        source_url: Some("s3://b/k.zip".into()),
        source_url_type: Some(SourceUrlType::Zip),
    };
    let job = Job {
        summary: summary.clone(),
        steps: vec![Step {
            step_name: "DEPLOY".into(),
            start_time: at(10),
            status: JobStatus::Succeed,
            end_time: at(11),
            log_url: None,
            artifacts_url: None,
            test_artifacts_url: None,
            test_config_url: None,
            screenshots: None,
            status_reason: None,
            context: None,
        }],
    };
    let value = serde_json::to_value(GetJobOutput { job }).unwrap();
    assert_eq!(value["job"]["summary"]["status"], "SUCCEED");
    assert_eq!(value["job"]["summary"]["jobType"], "MANUAL");
    assert_eq!(value["job"]["summary"]["endTime"], 12);
    assert_eq!(value["job"]["summary"]["sourceUrlType"], "ZIP");
    assert_eq!(
        value["job"]["steps"][0],
        json!({ "stepName": "DEPLOY", "startTime": 10, "status": "SUCCEED", "endTime": 11 })
    );
    let value = serde_json::to_value(JobSummaryOutput { job_summary: summary }).unwrap();
    assert!(
        value["jobSummary"]["jobArn"]
            .as_str()
            .unwrap()
            .ends_with("/jobs/0000000003")
    );
    let value = serde_json::to_value(CreateDeploymentOutput {
        job_id: Some("4".into()),
        file_upload_urls: HashMap::new(),
        zip_upload_url: "https://ramp.example/upload/x".into(),
    })
    .unwrap();
    assert_eq!(
        value,
        json!({ "jobId": "4", "fileUploadUrls": {}, "zipUploadUrl": "https://ramp.example/upload/x" })
    );
    assert_eq!(
        serde_json::to_value(Empty {}).unwrap(),
        Value::Object(Default::default())
    );
}
