//! Deployments and jobs (spec amplify.md §6, §7): CreateDeployment hands out upload URLs,
//! StartDeployment and StartJob make a PENDING job the hosting runtime deploys.

use std::collections::HashMap;

use ramp_domain::amplify::links::Link;
use ramp_domain::amplify::{self as domain, DEPLOY_STEP, Job, JobKey, JobSource, StartJobRequest, arn, parse_job_id};
use ramp_protocol::amplify::{JobStatus, JobType, SourceUrlType, inputs, shapes};
use ramp_protocol::{AwsError, AwsResponse};
use ramp_sites::ingest::{IngestLimits, PathError, SitePath, site_path};

use super::errors::to_aws;
use super::links::Links;
use super::{Ctx, ok};

pub(super) fn wire_status(status: domain::JobStatus) -> JobStatus {
    use domain::JobStatus as S;
    match status {
        S::Created => JobStatus::Created,
        S::Pending => JobStatus::Pending,
        S::Provisioning => JobStatus::Provisioning,
        S::Running => JobStatus::Running,
        S::Failed => JobStatus::Failed,
        S::Succeed => JobStatus::Succeed,
        S::Cancelling => JobStatus::Cancelling,
        S::Cancelled => JobStatus::Cancelled,
    }
}

fn wire_type(job_type: domain::JobType) -> JobType {
    use domain::JobType as T;
    match job_type {
        T::Release => JobType::Release,
        T::Retry => JobType::Retry,
        T::Manual => JobType::Manual,
        T::WebHook => JobType::WebHook,
    }
}

fn domain_type(job_type: JobType) -> domain::JobType {
    use domain::JobType as T;
    match job_type {
        JobType::Release => T::Release,
        JobType::Retry => T::Retry,
        JobType::Manual => T::Manual,
        JobType::WebHook => T::WebHook,
    }
}

/// The job named by a request's labels; a job ID that is not a positive number is a 400.
pub(super) fn job_key(cx: &Ctx<'_>, app_id: &str, branch_name: &str, job_id: &str) -> Result<JobKey, AwsError> {
    Ok(JobKey {
        region: cx.scope.region.clone(),
        app_id: app_id.to_owned(),
        branch_name: branch_name.to_owned(),
        number: parse_job_id(job_id).map_err(to_aws)?,
    })
}

fn summary(cx: &Ctx<'_>, job: &Job) -> shapes::JobSummary {
    let (source_url, source_url_type) = match &job.source {
        JobSource::Url { url, url_type } => (Some(url.clone()), SourceUrlType::from_wire(url_type)),
        _ => (None, None),
    };
    shapes::JobSummary {
        job_arn: arn::job(cx.scope, &job.app_id, &job.branch_name, job.number),
        job_id: job.number.to_string(),
        commit_id: job.commit_id.clone(),
        commit_message: job.commit_message.clone(),
        commit_time: job.commit_time,
        start_time: job.start_time,
        status: wire_status(job.status),
        end_time: job.end_time,
        job_type: wire_type(job.job_type),
        source_url,
        source_url_type,
    }
}

fn summary_output(cx: &Ctx<'_>, job: &Job) -> Result<AwsResponse, AwsError> {
    ok(&shapes::JobSummaryOutput {
        job_summary: summary(cx, job),
    })
}

/// The model's limit on `Step.statusReason`, in characters.
const MAX_STATUS_REASON_CHARS: usize = 1000;

/// A step's reason as the model allows it: at most 1,000 characters. A failure names what it
/// refused (an archive entry, a URL), which a client controls and may make long; the job's log
/// keeps the whole reason.
fn fitted_reason(reason: &str) -> String {
    if reason.chars().count() <= MAX_STATUS_REASON_CHARS {
        return reason.to_owned();
    }
    let mut fitted: String = reason.chars().take(MAX_STATUS_REASON_CHARS - 1).collect();
    fitted.push('…');
    fitted
}

/// A step as the wire shows it. The model requires `endTime` even while the step runs: a
/// running step ends, so far, where it started. The DEPLOY step carries the job's log.
fn step(step: &domain::Step, log_url: Option<&str>) -> shapes::Step {
    shapes::Step {
        step_name: step.step_name.clone(),
        start_time: step.start_time,
        status: wire_status(step.status),
        end_time: step.end_time.unwrap_or(step.start_time),
        log_url: (step.step_name == DEPLOY_STEP)
            .then(|| log_url.map(str::to_owned))
            .flatten(),
        artifacts_url: None,
        test_artifacts_url: None,
        test_config_url: None,
        screenshots: None,
        status_reason: step.status_reason.as_deref().map(fitted_reason),
        context: None,
    }
}

/// A `fileMap` as CreateDeployment accepts it (spec §6.2): every key a file path inside the
/// site (§11.1), every value an MD5 in hex, so that no upload URL is handed out for a file the
/// deploy would refuse or an upload could never match. The job checks the paths again against
/// the server's configured limits (length, depth); those are not judged here.
fn check_file_map(file_map: &HashMap<String, String>) -> Result<(), AwsError> {
    let refused = |name: &str, why: String| AwsError::bad_request(format!("fileMap key `{name}` {why}."));
    for (name, md5) in file_map {
        match site_path(name, &IngestLimits::default()) {
            Ok(SitePath::File(_) | SitePath::Junk) | Err(PathError::TooLong { .. } | PathError::TooDeep { .. }) => {}
            Ok(SitePath::Directory) => return Err(refused(name, "names a directory, not a file".to_owned())),
            Err(why) => return Err(refused(name, why.to_string())),
        }
        if md5.len() != 32 || !md5.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(AwsError::bad_request(format!(
                "fileMap value of `{name}` must be the file's MD5 as 32 hexadecimal digits."
            )));
        }
    }
    Ok(())
}

/// Upload URLs: one per `fileMap` file, or one zip URL (spec §6.2). Both members are always
/// sent: `{}` and `""` for the kind not asked for.
pub async fn create_deployment(cx: &Ctx<'_>, input: inputs::CreateDeployment) -> Result<AwsResponse, AwsError> {
    if let Some(file_map) = &input.file_map {
        check_file_map(file_map)?;
    }
    let links = Links::new(cx)?;
    let file_map = input.file_map.map(super::ordered);
    let job = cx
        .amplify
        .create_deployment(cx.scope, &input.app_id, &input.branch_name, file_map)
        .await
        .map_err(to_aws)?;
    let key = job.key();
    let (file_upload_urls, zip_upload_url) = match &job.source {
        JobSource::Files { file_map } => {
            let urls: HashMap<_, _> = file_map
                .keys()
                .map(|file| (file.clone(), links.upload(&key, Some(file.clone()))))
                .collect();
            (urls, String::new())
        }
        _ => (HashMap::new(), links.upload(&key, None)),
    };
    ok(&shapes::CreateDeploymentOutput {
        job_id: Some(job.number.to_string()),
        file_upload_urls,
        zip_upload_url,
    })
}

pub async fn start_deployment(cx: &Ctx<'_>, input: inputs::StartDeployment) -> Result<AwsResponse, AwsError> {
    // `ZIP` unless told otherwise (spec §6.4).
    let source = input.source_url.map(|url| {
        let kind = input.source_url_type.unwrap_or(SourceUrlType::Zip);
        (url, kind.as_str().to_owned())
    });
    let job = cx
        .amplify
        .start_deployment(
            cx.scope,
            &input.app_id,
            &input.branch_name,
            input.job_id.as_deref(),
            source,
        )
        .await
        .map_err(to_aws)?;
    cx.events.job_pending(job.key());
    summary_output(cx, &job)
}

pub async fn start(cx: &Ctx<'_>, input: inputs::StartJob) -> Result<AwsResponse, AwsError> {
    let request = StartJobRequest {
        job_type: domain_type(input.job_type),
        job_id: input.job_id,
        job_reason: input.job_reason,
        commit_id: input.commit_id,
        commit_message: input.commit_message,
        commit_time: input.commit_time,
    };
    let job = cx
        .amplify
        .start_job(cx.scope, &input.app_id, &input.branch_name, request)
        .await
        .map_err(to_aws)?;
    cx.events.job_pending(job.key());
    summary_output(cx, &job)
}

pub async fn get(cx: &Ctx<'_>, input: inputs::JobRef) -> Result<AwsResponse, AwsError> {
    let key = job_key(cx, &input.app_id, &input.branch_name, &input.job_id)?;
    let links = Links::new(cx)?;
    let job = cx.amplify.job(cx.scope, &key).await.map_err(to_aws)?;
    if job.status.is_finished() {
        cx.events.settled().await;
    }
    let log_url = links.download(Link::JobLog { job: (&key).into() });
    ok(&shapes::GetJobOutput {
        job: shapes::Job {
            summary: summary(cx, &job),
            steps: job.steps.iter().map(|s| step(s, Some(&log_url))).collect(),
        },
    })
}

pub async fn list(cx: &Ctx<'_>, input: inputs::ListJobs) -> Result<AwsResponse, AwsError> {
    let (jobs, next_token) = cx
        .amplify
        .list_jobs(
            cx.scope,
            &input.app_id,
            &input.branch_name,
            input.page.max_results,
            input.page.next_token.as_deref(),
        )
        .await
        .map_err(to_aws)?;
    if jobs.iter().any(|job| job.status.is_finished()) {
        cx.events.settled().await;
    }
    ok(&shapes::ListJobsOutput {
        job_summaries: jobs.iter().map(|job| summary(cx, job)).collect(),
        next_token,
    })
}

pub async fn stop(cx: &Ctx<'_>, input: inputs::JobRef) -> Result<AwsResponse, AwsError> {
    let key = job_key(cx, &input.app_id, &input.branch_name, &input.job_id)?;
    let job = cx.amplify.stop_job(cx.scope, &key).await.map_err(to_aws)?;
    cx.events.changed().await;
    summary_output(cx, &job)
}

pub async fn delete(cx: &Ctx<'_>, input: inputs::JobRef) -> Result<AwsResponse, AwsError> {
    let key = job_key(cx, &input.app_id, &input.branch_name, &input.job_id)?;
    let job = cx.amplify.delete_job(cx.scope, &key).await.map_err(to_aws)?;
    cx.events.changed().await;
    summary_output(cx, &job)
}

#[cfg(test)]
mod tests {
    use ramp_clock::Timestamp;

    use super::*;

    #[test]
    fn statuses_and_types_keep_their_wire_names() {
        use domain::JobStatus as S;
        for status in [
            S::Created,
            S::Pending,
            S::Provisioning,
            S::Running,
            S::Failed,
            S::Succeed,
            S::Cancelling,
            S::Cancelled,
        ] {
            assert_eq!(wire_status(status).as_str(), status.as_str());
        }
        for job_type in JobType::ALL {
            assert_eq!(wire_type(domain_type(*job_type)), *job_type);
            assert_eq!(domain_type(*job_type).as_str(), job_type.as_str());
        }
    }

    #[test]
    fn a_file_map_names_files_inside_the_site_with_their_md5() {
        let md5 = "d41d8cd98f00b204e9800998ecf8427e";
        let map = |name: &str, md5: &str| HashMap::from([(name.to_owned(), md5.to_owned())]);
        for good in ["index.html", "assets/app.js", "./a//b.css", ".DS_Store"] {
            assert_eq!(check_file_map(&map(good, md5)), Ok(()), "{good}");
        }
        assert_eq!(check_file_map(&map("index.html", &md5.to_uppercase())), Ok(()));
        for (bad, names) in [
            ("../x.html", "escapes the site root"),
            ("a/../../x", "escapes the site root"),
            ("..\\x", "escapes the site root"),
            ("/etc/passwd", "absolute"),
            ("C:x", "drive letter"),
            ("a\0b", "control character"),
            ("assets/", "names a directory"),
            ("", "empty name"),
        ] {
            let error = check_file_map(&map(bad, md5)).unwrap_err();
            assert_eq!(error.name(&ramp_protocol::amplify::DIALECT), "BadRequestException");
            assert!(error.message.contains(names), "{bad}: {}", error.message);
        }
        for bad_md5 in ["", "d41d8cd9", "z41d8cd98f00b204e9800998ecf8427e"] {
            let error = check_file_map(&map("index.html", bad_md5)).unwrap_err();
            assert!(error.message.contains("32 hexadecimal digits"), "{}", error.message);
        }
    }

    #[test]
    fn a_long_reason_is_cut_to_the_models_limit() {
        let short = "archive entry `../x` escapes the site root";
        assert_eq!(fitted_reason(short), short);
        let exact = "é".repeat(MAX_STATUS_REASON_CHARS);
        assert_eq!(fitted_reason(&exact), exact);
        let long = format!("archive entry `{}x` escapes the site root", "../".repeat(400));
        let fitted = fitted_reason(&long);
        assert_eq!(fitted.chars().count(), MAX_STATUS_REASON_CHARS);
        assert!(fitted.starts_with("archive entry `../../"), "{fitted}");
        assert!(fitted.ends_with('…'), "{fitted}");
    }

    #[test]
    fn only_the_deploy_step_carries_the_log_and_a_running_step_ends_where_it_started() {
        let running = domain::Step {
            step_name: DEPLOY_STEP.into(),
            status: domain::JobStatus::Running,
            start_time: Timestamp::from_millis(5_000),
            ..domain::Step::default()
        };
        let deploy = step(&running, Some("http://h/log"));
        assert_eq!(deploy.log_url.as_deref(), Some("http://h/log"));
        assert_eq!(deploy.end_time, Timestamp::from_millis(5_000));
        let verify = domain::Step {
            step_name: domain::VERIFY_STEP.into(),
            end_time: Some(Timestamp::from_millis(6_000)),
            ..running
        };
        let verify = step(&verify, Some("http://h/log"));
        assert_eq!((verify.log_url, verify.end_time), (None, Timestamp::from_millis(6_000)));
    }
}
