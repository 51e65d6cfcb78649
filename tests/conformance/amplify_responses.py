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

It prints one line per checked response, every violation, and finally `N passed, M failed` (N is
the number of conforming responses); the exit status is non-zero when anything failed.
"""

from __future__ import annotations

import hashlib
import io
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
        c.call("GetArtifactUrl", artifactId=artifact_id, expect={"artifactId": artifact_id})
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
