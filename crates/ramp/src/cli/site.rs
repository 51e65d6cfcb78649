//! `ramp site deploy DIR`: Amplify Hosting's manual deploy in one command. The folder is zipped
//! (every file, by its path relative to the folder), CreateDeployment hands out a `zipUploadUrl`,
//! the zip is PUT there, StartDeployment queues the job, and with `--wait` GetJob is polled until
//! the job SUCCEEDs (the site's URL is printed) or FAILs (with the reason).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use aws_sdk_amplify::types::{Job, JobStatus};
use clap::{Args, Subcommand};
use serde_json::json;

use super::api::Call;
use super::progress::Progress;
use super::resolve::{self, Named};
use super::{ConnectArgs, Outcome, Session, WaitArgs, print_json};

#[derive(Subcommand, Debug)]
pub enum SiteCommand {
    /// Deploy a folder to an Amplify branch.
    #[command(after_long_help = DEPLOY_HELP)]
    Deploy(DeployArgs),
}

const DEPLOY_HELP: &str = "\
Examples:
  ramp site deploy ./dist --app web --branch main --wait
  ramp site deploy ./dist --app d2abc123example --branch main --wait --output json

The folder's files go into a zip by their paths relative to it (symbolic links to files are
followed, links to folders are not). With --wait, exit 0 once the job SUCCEEDs (the site's
URL is printed), 3 if it FAILED (with the reason), 4 if it was CANCELLED, 5 when --timeout
passes first, 130 on Ctrl-C.";

#[derive(Args, Debug)]
pub struct DeployArgs {
    /// The folder to deploy (its index.html is the site's root).
    dir: PathBuf,
    /// The Amplify app (name or ID).
    #[arg(long, value_name = "APP")]
    app: String,
    /// The branch.
    #[arg(long, value_name = "BRANCH")]
    branch: String,
    #[command(flatten)]
    wait: WaitArgs,
    #[command(flatten)]
    connect: ConnectArgs,
}

pub async fn deploy(args: DeployArgs) -> anyhow::Result<Outcome> {
    let session = Session::open(&args.connect).await?;
    let client = session.amplify();
    let app = resolve::amplify_app(&client, &args.app).await?;

    // 1. The zip, before anything is created on the server.
    let (zip, files) = zip_folder(&args.dir)?;

    // 2. CreateDeployment, the upload, StartDeployment.
    let created = client
        .create_deployment()
        .app_id(&app.id)
        .branch_name(&args.branch)
        .send()
        .await
        .call("CreateDeployment")?;
    let job_id = created.job_id().unwrap_or_default().to_owned();
    upload(created.zip_upload_url(), zip).await?;
    client
        .start_deployment()
        .app_id(&app.id)
        .branch_name(&args.branch)
        .job_id(&job_id)
        .send()
        .await
        .call("StartDeployment")?;
    if !session.is_json() {
        println!(
            "Job {job_id} started: {files} files from {} to branch {} of {}",
            args.dir.display(),
            args.branch,
            app.name
        );
    }

    // 3. Without --wait, that is all; with it, follow the job.
    if !args.wait.wait {
        if session.is_json() {
            print_json(&json!({ "AppId": app.id, "BranchName": args.branch, "JobId": job_id, "Status": "PENDING" }));
        }
        return Ok(Outcome::Success);
    }
    let progress = Progress::spinner(session.output);
    let followed = tokio::select! {
        job = poll_job(&client, &app, &args.branch, &job_id, args.wait.poll_interval, &progress) => Ok(job?),
        outcome = args.wait.cut_short() => Err(outcome),
    };
    progress.finish();
    let job = match followed {
        Ok(job) => job,
        Err(outcome) => {
            eprintln!("ramp: stopped waiting; job {job_id} goes on");
            return Ok(outcome);
        }
    };
    report_end(&session, &app, &args.branch, &job_id, &job).await
}

/// Polls GetJob until the job ends, printing each step's status as it changes.
async fn poll_job(
    client: &aws_sdk_amplify::Client,
    app: &Named,
    branch: &str,
    job_id: &str,
    poll_interval: Duration,
    progress: &Progress,
) -> anyhow::Result<Job> {
    let mut last_seen = String::new();
    loop {
        let output = client
            .get_job()
            .app_id(&app.id)
            .branch_name(branch)
            .job_id(job_id)
            .send()
            .await
            .call("GetJob")?;
        let job = output
            .job()
            .cloned()
            .ok_or_else(|| anyhow::anyhow!("GetJob: no job in the answer"))?;
        let status = job_status(&job);
        let steps: Vec<String> = job
            .steps()
            .iter()
            .map(|s| format!("{} {}", s.step_name(), s.status().as_str()))
            .collect();
        let seen = match steps.is_empty() {
            true => format!("job {job_id} {}", status.as_str()),
            false => format!("job {job_id} {}: {}", status.as_str(), steps.join(", ")),
        };
        if seen != last_seen {
            progress.line(&seen);
            progress.status(0.0, status.as_str());
            last_seen = seen;
        }
        if matches!(status, JobStatus::Succeed | JobStatus::Failed | JobStatus::Cancelled) {
            return Ok(job);
        }
        tokio::time::sleep(poll_interval).await;
    }
}

fn job_status(job: &Job) -> JobStatus {
    job.summary().map_or(JobStatus::Pending, |s| s.status().clone())
}

/// The site's URL on success, the failed step's reason otherwise; the exit code that goes with it.
async fn report_end(session: &Session, app: &Named, branch: &str, job_id: &str, job: &Job) -> anyhow::Result<Outcome> {
    let status = job_status(job);
    let (outcome, url, reason) = match status {
        JobStatus::Succeed => (Outcome::Success, site_url(session, app, branch).await?, None),
        JobStatus::Cancelled => (Outcome::Reverted, None, Some("the job was cancelled".to_owned())),
        _ => (Outcome::Failed, None, Some(failure_reason(job))),
    };
    if session.is_json() {
        print_json(&json!({
            "AppId": app.id,
            "BranchName": branch,
            "JobId": job_id,
            "Status": status.as_str(),
            "Url": url,
            "Reason": reason,
        }));
        return Ok(outcome);
    }
    match (&url, &reason) {
        (Some(url), _) => println!("Job {job_id} {}: {url}", status.as_str()),
        (None, Some(reason)) => eprintln!("ramp: job {job_id} {}: {reason}", status.as_str()),
        (None, None) => println!("Job {job_id} {}", status.as_str()),
    }
    Ok(outcome)
}

fn failure_reason(job: &Job) -> String {
    job.steps()
        .iter()
        .find(|s| s.status() == &JobStatus::Failed)
        .and_then(|s| s.status_reason())
        .unwrap_or("no reason given")
        .to_owned()
}

/// `http://{displayName}.{defaultDomain}:{port}/` on ramp (its sites answer by `Host` on its one
/// port), `https://{displayName}.{defaultDomain}` on AWS.
async fn site_url(session: &Session, app: &Named, branch: &str) -> anyhow::Result<Option<String>> {
    let client = session.amplify();
    let got_app = client.get_app().app_id(&app.id).send().await.call("GetApp")?;
    let got_branch = client
        .get_branch()
        .app_id(&app.id)
        .branch_name(branch)
        .send()
        .await
        .call("GetBranch")?;
    let (Some(app), Some(branch)) = (got_app.app(), got_branch.branch()) else {
        return Ok(None);
    };
    let host = format!("{}.{}", branch.display_name(), app.default_domain());
    let url = match session.ramp_endpoint().and_then(|e| reqwest::Url::parse(e).ok()) {
        Some(endpoint) => {
            let port = endpoint.port().map(|p| format!(":{p}")).unwrap_or_default();
            format!("{}://{host}{port}/", endpoint.scheme())
        }
        None => format!("https://{host}/"),
    };
    Ok(Some(url))
}

/// PUT of the zip to the `zipUploadUrl` (a signed link: it needs no other credentials).
async fn upload(url: &str, zip: Vec<u8>) -> anyhow::Result<()> {
    if url.is_empty() {
        anyhow::bail!("CreateDeployment answered no zipUploadUrl");
    }
    let response = reqwest::Client::new()
        .put(url)
        .header("content-type", "application/zip")
        .body(zip)
        .send()
        .await
        .map_err(|e| anyhow::anyhow!("uploading the zip: {e}"))?;
    let status = response.status();
    if !status.is_success() {
        let body = response.text().await.unwrap_or_default();
        anyhow::bail!("uploading the zip: {}: {}", status.as_u16(), body.trim());
    }
    Ok(())
}

/// The folder's files in a zip (deflated, sorted by path); the zip and how many files it holds.
fn zip_folder(dir: &Path) -> anyhow::Result<(Vec<u8>, usize)> {
    let mut files = Vec::new();
    collect_files(dir, "", &mut files).map_err(|e| anyhow::anyhow!("cannot read the folder {}: {e}", dir.display()))?;
    if files.is_empty() {
        anyhow::bail!("the folder {} has no files to deploy", dir.display());
    }
    files.sort();
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(false);
    for (name, path) in &files {
        let content = std::fs::read(path).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
        writer
            .start_file(name.as_str(), options.large_file(content.len() >= u32::MAX as usize))
            .and_then(|()| writer.write_all(&content).map_err(Into::into))
            .map_err(|e| anyhow::anyhow!("cannot zip {}: {e}", path.display()))?;
    }
    let zip = writer
        .finish()
        .map_err(|e| anyhow::anyhow!("cannot finish the zip: {e}"))?
        .into_inner();
    Ok((zip, files.len()))
}

/// Every file under `dir`, named by its `/`-separated path relative to the root folder.
/// Links to files are followed; links to folders are not (they could loop).
fn collect_files(dir: &Path, prefix: &str, files: &mut Vec<(String, PathBuf)>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
            return Err(std::io::Error::other(format!(
                "{} has a name that is not UTF-8",
                path.display()
            )));
        };
        let relative = format!("{prefix}{name}");
        let is_link = entry.file_type()?.is_symlink();
        let metadata = std::fs::metadata(&path)?;
        if metadata.is_dir() && !is_link {
            collect_files(&path, &format!("{relative}/"), files)?;
        } else if metadata.is_file() {
            files.push((relative, path));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_zips_with_relative_paths() {
        let dir = std::env::temp_dir().join(format!("ramp-cli-zip-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("assets/css")).unwrap();
        std::fs::write(dir.join("index.html"), "<h1>hi</h1>").unwrap();
        std::fs::write(dir.join("assets/css/site.css"), "h1 {}").unwrap();

        let (zip, count) = zip_folder(&dir).unwrap();
        assert_eq!(count, 2);
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
        let mut names: Vec<String> = (0..archive.len())
            .map(|i| archive.by_index(i).unwrap().name().unwrap().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, vec!["assets/css/site.css", "index.html"]);
        let mut index = String::new();
        std::io::Read::read_to_string(&mut archive.by_name("index.html").unwrap(), &mut index).unwrap();
        assert_eq!(index, "<h1>hi</h1>");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn an_empty_folder_is_refused() {
        let dir = std::env::temp_dir().join(format!("ramp-cli-empty-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let error = zip_folder(&dir).unwrap_err();
        assert!(error.to_string().contains("has no files"), "{error}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
