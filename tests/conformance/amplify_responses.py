#!/usr/bin/env python3
"""Model conformance of ramp's Amplify Hosting responses.

    python3 tests/conformance/amplify_responses.py BASE_URL

Drives a running ramp with boto3, calling every operation of the `amplify` 2017-07-25 model
successfully at least once with valid inputs (a real manual deploy included: CreateDeployment,
the zip PUT to its upload URL, StartDeployment, GetJob until SUCCEED), and checks each raw HTTP
response against the operation's output shape in the botocore model, recursively (`shapes.py`:
status, members, types, enums, lengths, patterns, ranges). Expected errors (NotFoundException,
BadRequestException, ResourceNotFoundException) are checked against their exception shapes and
the operation's modelled errors.

The server must run with `--allow-private-source-urls`: one deploy reads its zip from a
`sourceUrl`, a download link of ramp itself.

It prints one line per checked response, every violation, and finally `N passed, M failed` (N is
the number of conforming responses); the exit status is non-zero when anything failed.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import sys
import time
import urllib.error
import urllib.request
import zipfile

import boto3
from botocore.config import Config
from shapes import Checker, report

INDEX_V1 = b"<!doctype html><h1>v1</h1>"
INDEX_V2 = b"<!doctype html><h1>v2</h1>"
# The documented single-page-app rule (spec amplify.md §8.3).
SPA_RULE = {
    "source": "</^[^.]+$|\\.(?!(css|gif|ico|jpg|js|png|txt|svg|woff|woff2|ttf|map|json|webp)$)([^.]+$)/>",
    "target": "/index.html",
    "status": "200",
}
CUSTOM_HEADERS = "customHeaders:\n  - pattern: '**'\n    headers:\n      - key: 'X-Frame-Options'\n        value: 'DENY'\n"
MD5_EMPTY = hashlib.md5(b"").hexdigest()
STACK_ARN = "arn:aws:cloudformation:us-east-1:000000000000:stack/amplify-backend/0a1b2c3d"
# A job reaches SUCCEED in milliseconds; this bounds the polling, it is not a speed requirement.
JOB_POLLS = 1200
POLL_INTERVAL_SECONDS = 0.05


def tolerated(where, shape, value, check):
    """Amplify's documented divergences from its model, accepted by the checker: an unset
    `Branch.stage` answers "NONE", outside the enum, exactly as AWS does (spec amplify.md §1.4)."""
    return check == "enum" and shape.name == "Stage" and where.endswith("stage") and value == "NONE"


def zip_of(files: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def put(url: str, body: bytes, c: Checker, label: str) -> bool:
    """PUTs `body` to an upload URL CreateDeployment handed out; a failure is a violation."""
    request = urllib.request.Request(url, data=body, method="PUT")
    try:
        with urllib.request.urlopen(request) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    if status != 200:
        c.violations.append(f"{label}: the upload PUT answered {status}, expected 200")
        return False
    return True


def finished_status(c: Checker, app_id: str, branch: str, job_id: str) -> str | None:
    """Polls GetJob (each response checked) until the job is SUCCEED, FAILED or CANCELLED."""
    for _ in range(JOB_POLLS):
        job = c.call("GetJob", appId=app_id, branchName=branch, jobId=job_id)
        if job is None:
            return None
        status = job["job"]["summary"]["status"]
        if status in ("SUCCEED", "FAILED", "CANCELLED"):
            return status
        time.sleep(POLL_INTERVAL_SECONDS)
    c.violations.append(f"job {job_id} of {branch} did not finish")
    return None


def deploy_zip(c: Checker, app_id: str, branch: str, files: dict) -> str | None:
    """CreateDeployment, the zip PUT, StartDeployment, GetJob until SUCCEED; the job ID."""
    created = c.call(
        "CreateDeployment", appId=app_id, branchName=branch, expect={"fileUploadUrls": {}}
    )
    if created is None or not put(created["zipUploadUrl"], zip_of(files), c, "zip upload"):
        return None
    job_id = created["jobId"]
    c.call(
        "StartDeployment",
        appId=app_id,
        branchName=branch,
        jobId=job_id,
        expect={"jobSummary": {"jobId": job_id, "status": "PENDING", "jobType": "MANUAL"}},
    )
    status = finished_status(c, app_id, branch, job_id)
    if status != "SUCCEED":
        c.violations.append(f"deploy job {job_id} of {branch} finished {status}, expected SUCCEED")
    return job_id


def every_optional_member(c: Checker):
    """An app, a branch and a domain association with every member set, so that their answers
    carry every optional output member ramp fills in."""
    credentials = base64.b64encode(b"user:secret").decode()
    role = "arn:aws:iam::000000000000:role/amplify"
    app = c.call(
        "CreateApp",
        name="full",
        description="every member",
        repository="",
        platform="WEB",
        iamServiceRoleArn=role,
        computeRoleArn=role,
        environmentVariables={"A": "1"},
        enableBranchAutoBuild=True,
        enableBranchAutoDeletion=True,
        enableBasicAuth=True,
        basicAuthCredentials=credentials,
        customRules=[SPA_RULE, {"source": "/gone", "target": "/404.html", "status": "404-200", "condition": "<US>"}],
        tags={"k": "v"},
        buildSpec="version: 1\n",
        customHeaders=CUSTOM_HEADERS,
        enableAutoBranchCreation=True,
        autoBranchCreationPatterns=["feature/*"],
        autoBranchCreationConfig={
            "stage": "BETA",
            "framework": "React",
            "enableAutoBuild": True,
            "environmentVariables": {"B": "2"},
            "basicAuthCredentials": credentials,
            "enableBasicAuth": True,
            "enablePerformanceMode": False,
            "buildSpec": "version: 1\n",
            "enablePullRequestPreview": True,
            "pullRequestEnvironmentName": "pr",
        },
        jobConfig={"buildComputeType": "LARGE_16GB"},
        cacheConfig={"type": "AMPLIFY_MANAGED"},
        expect={"app": {"basicAuthCredentials": credentials, "jobConfig": {"buildComputeType": "LARGE_16GB"}}},
    )
    if app is None:
        return
    app_id = app["app"]["appId"]
    environment = c.call("CreateBackendEnvironment", appId=app_id, environmentName="prod")
    if environment is None:
        return
    c.call(
        "CreateBranch",
        appId=app_id,
        branchName="main",
        description="every member",
        stage="PRODUCTION",
        framework="React",
        enableNotification=True,
        enableAutoBuild=False,
        enableSkewProtection=True,
        environmentVariables={"C": "3"},
        basicAuthCredentials=credentials,
        enableBasicAuth=True,
        enablePerformanceMode=True,
        tags={"t": "1"},
        buildSpec="version: 1\n",
        ttl="10",
        displayName="production",
        enablePullRequestPreview=True,
        pullRequestEnvironmentName="pr",
        backendEnvironmentArn=environment["backendEnvironment"]["backendEnvironmentArn"],
        computeRoleArn=role,
        expect={"branch": {"displayName": "production", "ttl": "10"}},
    )
    c.call(
        "CreateDomainAssociation",
        appId=app_id,
        domainName="example.org",
        enableAutoSubDomain=True,
        autoSubDomainCreationPatterns=["*", "pr*"],
        autoSubDomainIAMRole=role,
        subDomainSettings=[{"prefix": "", "branchName": "main"}],
        certificateSettings={
            "type": "CUSTOM",
            "customCertificateArn": "arn:aws:acm:us-east-1:000000000000:certificate/0a1b2c3d",
        },
        expect={"domainAssociation": {"certificate": {"type": "CUSTOM"}}},
    )
    c.call("GetApp", appId=app_id, expect={"app": {"productionBranch": {"branchName": "main"}}})
    c.call("ListBranches", appId=app_id)
    c.call("DeleteApp", appId=app_id)


def other_kinds_of_job(c: Checker, app_id: str, artifact_url: str):
    """A deploy from a `sourceUrl`, a deploy that fails with a long reason, and the RELEASE job
    a webhook starts: their summaries and steps carry members the others lack."""
    started = c.call(
        "StartDeployment",
        appId=app_id,
        branchName="main",
        sourceUrl=artifact_url,
        sourceUrlType="ZIP",
        expect={"jobSummary": {"sourceUrl": artifact_url, "sourceUrlType": "ZIP"}},
    )
    if started and finished_status(c, app_id, "main", started["jobSummary"]["jobId"]) != "SUCCEED":
        c.violations.append("the sourceUrl deploy did not succeed")
    # Zip slip with a long name: the job fails, and its reason must still fit the model (≤ 1000).
    hostile = c.call("CreateDeployment", appId=app_id, branchName="main")
    if hostile and put(hostile["zipUploadUrl"], zip_of({"../" * 400 + "x.html": b"x"}), c, "hostile upload"):
        c.call("StartDeployment", appId=app_id, branchName="main", jobId=hostile["jobId"])
        if finished_status(c, app_id, "main", hostile["jobId"]) != "FAILED":
            c.violations.append("the zip-slip deploy did not fail")
    webhook = c.call("CreateWebhook", appId=app_id, branchName="main")
    if webhook is None:
        return
    request = urllib.request.Request(webhook["webhook"]["webhookUrl"], data=b"{}", method="POST")
    with urllib.request.urlopen(request) as response:
        job_id = json.loads(response.read())["jobId"]
    finished_status(c, app_id, "main", job_id)
    c.call("ListJobs", appId=app_id, branchName="main")
    c.call("DeleteWebhook", webhookId=webhook["webhook"]["webhookId"])


def run(c: Checker):
    # --- Apps ---
    app = c.call(
        "CreateApp",
        name="conformance",
        description="Model conformance",
        environmentVariables={"STAGE": "test"},
        customRules=[{"source": "/old", "target": "/new", "status": "301"}],
        tags={"team": "conformance", "stage": "test"},
        expect={"app": {"name": "conformance", "platform": "WEB", "environmentVariables": {"STAGE": "test"}}},
    )
    other = c.call("CreateApp", name="conformance-2", platform="WEB")
    if app is None or other is None:
        raise SystemExit("cannot build the test world without apps")
    app_id, app_arn = app["app"]["appId"], app["app"]["appArn"]
    c.call("GetApp", appId=app_id, expect={"app": {"appId": app_id, "tags": {"team": "conformance", "stage": "test"}}})
    page = c.call("ListApps", maxResults=1)
    if page and page.get("nextToken"):
        c.call("ListApps", maxResults=1, nextToken=page["nextToken"])
    c.call("ListApps")
    c.call(
        "UpdateApp",
        appId=app_id,
        description="Updated",
        customRules=[SPA_RULE],
        customHeaders=CUSTOM_HEADERS,
        cacheConfig={"type": "AMPLIFY_MANAGED_NO_COOKIES"},
        enableBranchAutoBuild=False,
        expect={"app": {"description": "Updated", "customRules": [SPA_RULE], "customHeaders": CUSTOM_HEADERS}},
    )

    # --- Branches ---
    main = c.call(
        "CreateBranch",
        appId=app_id,
        branchName="main",
        stage="PRODUCTION",
        framework="Web",
        tags={"tier": "1"},
        expect={"branch": {"branchName": "main", "stage": "PRODUCTION", "totalNumberOfJobs": "0"}},
    )
    feature = c.call(
        "CreateBranch",
        appId=app_id,
        branchName="feature/x",
        expect={"branch": {"branchName": "feature/x", "displayName": "feature-x", "stage": "NONE"}},
    )
    if main is None or feature is None:
        raise SystemExit("cannot build the test world without branches")
    c.call("GetBranch", appId=app_id, branchName="feature/x", expect={"branch": {"branchName": "feature/x"}})
    c.call("ListBranches", appId=app_id)
    page = c.call("ListBranches", appId=app_id, maxResults=1)
    if page and page.get("nextToken"):
        c.call("ListBranches", appId=app_id, maxResults=1, nextToken=page["nextToken"])
    c.call(
        "UpdateBranch",
        appId=app_id,
        branchName="feature/x",
        description="A feature",
        stage="DEVELOPMENT",
        ttl="30",
        expect={"branch": {"description": "A feature", "stage": "DEVELOPMENT", "ttl": "30"}},
    )
    c.call("GetApp", appId=app_id, expect={"app": {"productionBranch": {"branchName": "main"}}})

    # --- A zip deploy, its artifact and the access logs ---
    first = deploy_zip(c, app_id, "main", {"index.html": INDEX_V1, "assets/app.js": b"console.log(1)"})
    if first is None:
        raise SystemExit("cannot go on without a deployed job")
    c.call("GetBranch", appId=app_id, branchName="main", expect={"branch": {"activeJobId": first}})
    artifacts = c.call("ListArtifacts", appId=app_id, branchName="main", jobId=first)
    if artifacts and artifacts["artifacts"]:
        artifact_id = artifacts["artifacts"][0]["artifactId"]
        url = c.call("GetArtifactUrl", artifactId=artifact_id, expect={"artifactId": artifact_id})
        if url is not None:
            other_kinds_of_job(c, app_id, url["artifactUrl"])
    else:
        c.violations.append(f"ListArtifacts of job {first} lists no artifact")
    c.call("GenerateAccessLogs", appId=app_id, domainName=app["app"]["defaultDomain"])

    # --- A per-file deploy: one PUT per fileMap entry ---
    created = c.call(
        "CreateDeployment",
        appId=app_id,
        branchName="main",
        fileMap={"index.html": hashlib.md5(INDEX_V2).hexdigest()},
        expect={"zipUploadUrl": ""},
    )
    if created and put(created["fileUploadUrls"]["index.html"], INDEX_V2, c, "file upload"):
        c.call("StartDeployment", appId=app_id, branchName="main", jobId=created["jobId"])
        if finished_status(c, app_id, "main", created["jobId"]) != "SUCCEED":
            c.violations.append(f"the per-file deploy job {created['jobId']} did not succeed")

    # --- StopJob on a job never started, DeleteJob of it, StartJob RETRY of the first ---
    reserved = c.call("CreateDeployment", appId=app_id, branchName="main")
    if reserved is not None:
        job = {"appId": app_id, "branchName": "main", "jobId": reserved["jobId"]}
        c.call("StopJob", **job, expect={"jobSummary": {"jobId": reserved["jobId"], "status": "CANCELLED"}})
        c.call_error("StopJob", "BadRequestException", **job)
        c.call("DeleteJob", **job, expect={"jobSummary": {"jobId": reserved["jobId"]}})
        c.call_error("GetJob", "NotFoundException", **job)
    retry = c.call("StartJob", appId=app_id, branchName="main", jobType="RETRY", jobId=first)
    if retry is not None:
        retry_id = retry["jobSummary"]["jobId"]
        if finished_status(c, app_id, "main", retry_id) != "SUCCEED":
            c.violations.append(f"the RETRY job {retry_id} did not succeed")
    c.call("ListJobs", appId=app_id, branchName="main")
    page = c.call("ListJobs", appId=app_id, branchName="main", maxResults=1)
    if page and page.get("nextToken"):
        c.call("ListJobs", appId=app_id, branchName="main", maxResults=1, nextToken=page["nextToken"])

    # --- Domain associations ---
    www = [{"prefix": "www", "branchName": "main"}]
    c.call(
        "CreateDomainAssociation",
        appId=app_id,
        domainName="example.com",
        subDomainSettings=www,
        expect={"domainAssociation": {"domainName": "example.com", "domainStatus": "AVAILABLE"}},
    )
    c.call("GetDomainAssociation", appId=app_id, domainName="example.com")
    c.call("ListDomainAssociations", appId=app_id)
    c.call(
        "UpdateDomainAssociation",
        appId=app_id,
        domainName="example.com",
        subDomainSettings=www + [{"prefix": "", "branchName": "main"}],
        enableAutoSubDomain=False,
    )
    c.call("GenerateAccessLogs", appId=app_id, domainName="example.com", startTime=0, endTime=time.time())

    # --- Webhooks ---
    webhook = c.call(
        "CreateWebhook",
        appId=app_id,
        branchName="main",
        description="release hook",
        expect={"webhook": {"branchName": "main", "description": "release hook"}},
    )
    if webhook is not None:
        webhook_id = webhook["webhook"]["webhookId"]
        c.call("GetWebhook", webhookId=webhook_id, expect={"webhook": {"webhookId": webhook_id}})
        c.call("ListWebhooks", appId=app_id)
        c.call(
            "UpdateWebhook",
            webhookId=webhook_id,
            branchName="feature/x",
            description="feature hook",
            expect={"webhook": {"branchName": "feature/x", "description": "feature hook"}},
        )
        c.call("DeleteWebhook", webhookId=webhook_id)
        c.call_error("GetWebhook", "NotFoundException", webhookId=webhook_id)

    # --- Backend environments ---
    c.call(
        "CreateBackendEnvironment",
        appId=app_id,
        environmentName="staging",
        stackName="amplify-backend",
        deploymentArtifacts="amplify-artifacts",
        expect={"backendEnvironment": {"environmentName": "staging", "stackName": "amplify-backend"}},
    )
    c.call("GetBackendEnvironment", appId=app_id, environmentName="staging")
    c.call("ListBackendEnvironments", appId=app_id)
    c.call("ListBackendEnvironments", appId=app_id, environmentName="staging")
    c.call("UpdateBranch", appId=app_id, branchName="main", backend={"stackArn": STACK_ARN})

    # --- Tags ---
    c.call("ListTagsForResource", resourceArn=app_arn, expect={"tags": {"team": "conformance", "stage": "test"}})
    c.call("ListTagsForResource", resourceArn=main["branch"]["branchArn"], expect={"tags": {"tier": "1"}})
    c.call("TagResource", resourceArn=app_arn, tags={"cost-center": "42"})
    c.call("UntagResource", resourceArn=app_arn, tagKeys=["stage"])
    c.call("ListTagsForResource", resourceArn=app_arn, expect={"tags": {"team": "conformance", "cost-center": "42"}})

    # --- Modelled errors ---
    c.call_error("GetApp", "NotFoundException", appId="d0000000000000")
    c.call_error("GetBranch", "NotFoundException", appId=app_id, branchName="missing")
    c.call_error("GetJob", "NotFoundException", appId=app_id, branchName="main", jobId="999")
    c.call_error("StartJob", "BadRequestException", appId=app_id, branchName="main", jobType="MANUAL")
    c.call_error("StartDeployment", "BadRequestException", appId=app_id, branchName="main")
    c.call_error("CreateBranch", "BadRequestException", appId=app_id, branchName="main")
    c.call_error("CreateDeployment", "BadRequestException", appId=app_id, branchName="main", fileMap={"../x.html": MD5_EMPTY})
    c.call_error("CreateDeployment", "BadRequestException", appId=app_id, branchName="main", fileMap={"index.html": "x"})
    # CreateDeployment and the List operations model no NotFoundException; ramp answers it for a
    # missing app or branch all the same (spec amplify.md §2 "Notes": what AWS answers is
    # UNCONFIRMED; SDKs surface it with its code).
    c.call_error("CreateDeployment", "NotFoundException", unmodelled=True, appId=app_id, branchName="missing")
    c.call_error("ListBranches", "NotFoundException", unmodelled=True, appId="d0000000000000")
    c.call_error("ListJobs", "NotFoundException", unmodelled=True, appId=app_id, branchName="missing")
    c.call_error("ListTagsForResource", "ResourceNotFoundException", resourceArn=app_arn.replace(app_id, "d0000000000000"))
    c.call_error("TagResource", "ResourceNotFoundException", resourceArn=app_arn + "/branches/missing", tags={"a": "b"})

    every_optional_member(c)

    # --- Deletes, children first ---
    c.call("DeleteBackendEnvironment", appId=app_id, environmentName="staging")
    c.call("DeleteDomainAssociation", appId=app_id, domainName="example.com")
    c.call("DeleteBranch", appId=app_id, branchName="feature/x", expect={"branch": {"branchName": "feature/x"}})
    c.call("DeleteApp", appId=other["app"]["appId"])
    c.call("DeleteApp", appId=app_id, expect={"app": {"appId": app_id}})
    c.call_error("GetApp", "NotFoundException", appId=app_id)


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    client = boto3.client(
        "amplify",
        endpoint_url=argv[1],
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"total_max_attempts": 1}),
    )
    checker = Checker(client, tolerated)
    run(checker)
    return report(checker, set(checker.model.operation_names))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
