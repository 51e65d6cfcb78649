//! A job's artifact (the archive it deployed) and an app's access logs: both answered with a
//! download link (spec amplify.md §2).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ramp_domain::amplify::links::Link;
use ramp_domain::amplify::{JobKey, is_app_id, parse_job_id};
use ramp_protocol::amplify::errors::not_found;
use ramp_protocol::amplify::{inputs, shapes};
use ramp_protocol::{AwsError, AwsResponse};

use super::errors::to_aws;
use super::links::Links;
use super::{Ctx, ok};

/// What ListArtifacts calls the one artifact of a job.
const ARTIFACT_FILE_NAME: &str = "artifacts.zip";
/// GenerateAccessLogs without a `startTime`: the last day up to `endTime`.
const DEFAULT_ACCESS_LOG_MILLIS: i64 = 24 * 3600 * 1000;

/// The artifact ID of a job's archive: `base64url("{appId}/{jobId}/{branchName}")`. The region
/// is the request's, as for every other Amplify ID. Opaque to clients (the model's `artifactId`
/// is any string of at most 255 characters), so GetArtifactUrl needs nothing but it.
fn artifact_id(job: &JobKey) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}/{}/{}", job.app_id, job.number, job.branch_name))
}

/// The job an artifact ID names, in `region`; `None` for anything [`artifact_id`] did not make.
fn job_of_artifact(region: &str, id: &str) -> Option<JobKey> {
    let bytes = URL_SAFE_NO_PAD.decode(id).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (app_id, rest) = text.split_once('/')?;
    let (number, branch_name) = rest.split_once('/')?;
    let number = parse_job_id(number).ok().filter(|n| n.to_string() == number)?;
    let valid = is_app_id(app_id) && !branch_name.is_empty() && branch_name.chars().count() <= 255;
    let key = JobKey {
        region: region.to_owned(),
        app_id: app_id.to_owned(),
        branch_name: branch_name.to_owned(),
        number,
    };
    // Only the one spelling of a key is an artifact ID (no padding, no stray bits).
    (valid && artifact_id(&key) == id).then_some(key)
}

fn artifact_not_found(id: &str) -> AwsError {
    not_found(format!("Artifact {id} not found."))
}

/// The job's archive, when it has one; a job has one artifact, so there is one page.
pub async fn list(cx: &Ctx<'_>, input: inputs::ListArtifacts) -> Result<AwsResponse, AwsError> {
    if input.page.next_token.is_some() {
        return Err(AwsError::bad_request(
            "The nextToken is not valid: ListArtifacts answers in one page.",
        ));
    }
    let key = super::jobs::job_key(cx, &input.app_id, &input.branch_name, &input.job_id)?;
    let job = cx.amplify.job(cx.scope, &key).await.map_err(to_aws)?;
    let artifacts = job
        .archive
        .map(|_| shapes::Artifact {
            artifact_file_name: ARTIFACT_FILE_NAME.to_owned(),
            artifact_id: artifact_id(&key),
        })
        .into_iter()
        .collect();
    ok(&shapes::ListArtifactsOutput {
        artifacts,
        next_token: None,
    })
}

pub async fn url(cx: &Ctx<'_>, input: inputs::GetArtifactUrl) -> Result<AwsResponse, AwsError> {
    let id = input.artifact_id;
    let key = job_of_artifact(&cx.scope.region, &id).ok_or_else(|| artifact_not_found(&id))?;
    let links = Links::new(cx)?;
    let job = cx.amplify.job(cx.scope, &key).await.map_err(to_aws)?;
    if job.archive.is_none() {
        return Err(artifact_not_found(&id));
    }
    let artifact_url = links.download(Link::Artifact { job: (&key).into() });
    ok(&shapes::GetArtifactUrlOutput {
        artifact_id: id,
        artifact_url,
    })
}

/// A link to the app's access log between `startTime` (default: a day before `endTime`) and
/// `endTime` (default: now), for its default domain or one of its custom domains.
pub async fn access_logs(cx: &Ctx<'_>, input: inputs::GenerateAccessLogs) -> Result<AwsResponse, AwsError> {
    let app = cx.amplify.app(cx.scope, &input.app_id).await.map_err(to_aws)?;
    let domain_name = input.domain_name.trim_end_matches('.').to_ascii_lowercase();
    if domain_name != cx.amplify.default_domain(&app.app_id) {
        cx.amplify
            .domain_association(cx.scope, &app.app_id, &domain_name)
            .await
            .map_err(to_aws)?;
    }
    let links = Links::new(cx)?;
    let end = input.end_time.unwrap_or_else(|| cx.amplify.now());
    let start = input
        .start_time
        .unwrap_or_else(|| end.plus_millis(-DEFAULT_ACCESS_LOG_MILLIS));
    if start > end {
        return Err(AwsError::bad_request("startTime must not be after endTime."));
    }
    let log_url = links.download(Link::AccessLog {
        region: cx.scope.region.clone(),
        app_id: app.app_id,
        from: start.millis(),
        to: end.millis(),
    });
    ok(&shapes::GenerateAccessLogsOutput { log_url: Some(log_url) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(branch_name: &str, number: i64) -> JobKey {
        JobKey {
            region: "us-east-1".into(),
            app_id: "d1abc".into(),
            branch_name: branch_name.into(),
            number,
        }
    }

    #[test]
    fn artifact_ids_name_their_job() {
        for job in [key("main", 1), key("feature/x y", 1234567890), key("ünïcode/ß", 7)] {
            let id = artifact_id(&job);
            assert!(
                id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
                "{id}"
            );
            assert_eq!(job_of_artifact("us-east-1", &id), Some(job));
        }
    }

    #[test]
    fn artifact_ids_are_read_in_the_requests_region() {
        let id = artifact_id(&key("main", 3));
        assert_eq!(
            job_of_artifact("eu-west-1", &id).map(|k| k.region).as_deref(),
            Some("eu-west-1")
        );
    }

    #[test]
    fn anything_else_names_no_artifact() {
        let encode = |text: &str| URL_SAFE_NO_PAD.encode(text);
        let padded = format!("{}=", artifact_id(&key("ma", 1)));
        for id in [
            String::new(),
            "not base64!".into(),
            padded,
            encode("d1abc/1"),
            encode("d1abc/1/"),
            encode("x1abc/1/main"),
            encode("d1abc/0/main"),
            encode("d1abc/01/main"),
            encode("d1abc/-1/main"),
            encode("d1abc/1x/main"),
            encode(&format!("d1abc/1/{}", "b".repeat(256))),
            URL_SAFE_NO_PAD.encode([0xff, 0xfe, b'/', b'1', b'/', b'm']),
        ] {
            assert_eq!(job_of_artifact("us-east-1", &id), None, "{id}");
        }
    }
}
