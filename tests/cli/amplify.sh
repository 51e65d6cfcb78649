#!/usr/bin/env bash
# The README's Amplify Hosting walkthrough, run with the AWS CLI against a running ramp:
#
#   tests/cli/amplify.sh [ENDPOINT_URL]     (default http://127.0.0.1:4566)
#
# Create an app and a branch, upload a zip of the site, deploy it, see it served at
# main.<appId>.localhost, add a single-page-app rewrite rule, deploy a second version, roll back
# to the first with a RETRY job, and delete the app.
#
# Each step prints one line saying what it checked; the first mismatch exits non-zero with the
# command's output. The last line is "N passed, 0 failed" (CI recognises this form).
# Needs bash, curl, python3 (to make the zip) and the AWS CLI (`pip install -r tests/requirements.txt`).
set -euo pipefail

ENDPOINT="${1:-http://127.0.0.1:4566}"
TOOLS=(aws curl python3)
# shellcheck source=tests/cli/common.sh
source "$(dirname "$0")/common.sh"

# make_site DIR TITLE: a two-page site whose pages name TITLE.
make_site() {
  mkdir -p "$1/assets"
  printf '<!doctype html><title>%s</title><h1>%s</h1>\n' "$2" "$2" >"$1/index.html"
  printf 'about %s\n' "$2" >"$1/about.html"
  printf 'console.log("%s");\n' "$2" >"$1/assets/app.js"
}

# zip_site DIR ZIP: the contents of DIR (not DIR itself) at the root of ZIP, as Amplify expects.
zip_site() {
  python3 - "$1" "$2" <<'PY'
import pathlib, sys, zipfile
root, target = pathlib.Path(sys.argv[1]), sys.argv[2]
with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
    for path in sorted(root.rglob("*")):
        if path.is_file():
            archive.write(path, path.relative_to(root).as_posix())
PY
}

# deploy ZIP: CreateDeployment, PUT the zip to its upload URL, StartDeployment, then wait for
# GetJob to say SUCCEED. Sets JOB_ID.
deploy() {
  local created upload_url started
  created="$(amplify create-deployment --app-id "$APP_ID" --branch-name main \
    --query '[jobId,zipUploadUrl]' --output text)"
  read -r JOB_ID upload_url <<<"$created"
  expect_match "create-deployment jobId" "$JOB_ID" '^[0-9]+$'
  if ! curl -sSf -T "$1" "$upload_url" >/dev/null 2>"$LAST_ERR"; then
    fail "uploading $1 to the zipUploadUrl of job ${JOB_ID} failed"
  fi
  started="$(amplify start-deployment --app-id "$APP_ID" --branch-name main --job-id "$JOB_ID" \
    --query jobSummary.status --output text)"
  expect_eq "start-deployment status" "$started" "PENDING"
  wait_for_job "$JOB_ID"
  expect_eq "job ${JOB_ID} status" "$JOB_STATUS" "SUCCEED"
}

# wait_for_job JOB_ID: polls get-job until the job finishes. Sets JOB_STATUS.
wait_for_job() {
  for _ in $(seq 1 600); do
    JOB_STATUS="$(amplify get-job --app-id "$APP_ID" --branch-name main --job-id "$1" \
      --query job.summary.status --output text)"
    case "$JOB_STATUS" in
      SUCCEED | FAILED | CANCELLED) return ;;
    esac
    sleep 0.1
  done
  fail "job $1 did not finish within a minute (last status ${JOB_STATUS})"
}

# get PATH: GET PATH of the main branch, by Host as a browser would. Sets STATUS and BODY.
get() {
  local out
  if ! out="$(curl -sS -w ' %{http_code}' -H "Host: main.${APP_ID}.localhost" "${ENDPOINT}$1" 2>"$LAST_ERR")"; then
    fail "GET $1 on main.${APP_ID}.localhost failed"
  fi
  # curl wrote the body, then " STATUS"; the pages end with a newline, which BODY drops.
  STATUS="${out##* }"
  BODY="${out% *}"
  BODY="${BODY%$'\n'}"
}

echo "ramp AWS CLI Amplify Hosting walkthrough against ${ENDPOINT} ($(aws --version 2>&1))"

# --- An app and its production branch ---------------------------------------------------------
created="$(amplify create-app --name blog --query '[app.appId,app.defaultDomain]' --output text)"
read -r APP_ID DEFAULT_DOMAIN <<<"$created"
expect_match "create-app appId" "$APP_ID" '^d[a-z0-9]+$'
expect_eq "create-app defaultDomain" "$DEFAULT_DOMAIN" "${APP_ID}.localhost"
pass "create-app --name blog returned appId ${APP_ID}, served under ${DEFAULT_DOMAIN}"

got="$(amplify create-branch --app-id "$APP_ID" --branch-name main --stage PRODUCTION \
  --query '[branch.branchName,branch.stage,branch.totalNumberOfJobs]' --output text)"
expect_eq "create-branch" "$got" "main	PRODUCTION	0"
pass "create-branch main (PRODUCTION) has no job yet"

# --- Deploy a zip: create-deployment, PUT the zip, start-deployment, wait for SUCCEED ----------
make_site "$WORK/v1" "Blog v1"
zip_site "$WORK/v1" "$WORK/v1.zip"
deploy "$WORK/v1.zip"
FIRST_JOB="$JOB_ID"
pass "deployed v1.zip as job ${FIRST_JOB}: create-deployment, curl -T to the zipUploadUrl, start-deployment, get-job SUCCEED"

got="$(amplify get-branch --app-id "$APP_ID" --branch-name main --query branch.activeJobId --output text)"
expect_eq "get-branch activeJobId" "$got" "$FIRST_JOB"
pass "get-branch shows job ${FIRST_JOB} as the active job"

# --- The site is served by Host ---------------------------------------------------------------
get /
expect_eq "GET / status" "$STATUS" "200"
expect_match "GET / body" "$BODY" '<h1>Blog v1</h1>'
get /about
expect_eq "GET /about (clean URL of about.html)" "$STATUS $BODY" "200 about Blog v1"
get /posts/hello
expect_eq "GET /posts/hello before any rule" "$STATUS" "404"
pass "main.${APP_ID}.localhost serves index.html at / and about.html at /about; /posts/hello is 404"

# --- A single-page-app rule: every path without a file extension serves index.html ------------
cat >"$WORK/spa-rules.json" <<'JSON'
[
  {
    "source": "</^[^.]+$|\\.(?!(css|gif|ico|jpg|js|png|txt|svg|woff|woff2|ttf|map|json|webp)$)([^.]+$)/>",
    "target": "/index.html",
    "status": "200"
  }
]
JSON
got="$(amplify update-app --app-id "$APP_ID" --custom-rules "file://${WORK}/spa-rules.json" \
  --query 'app.customRules[0].[target,status]' --output text)"
expect_eq "update-app --custom-rules" "$got" "/index.html	200"
get /posts/hello
expect_eq "GET /posts/hello with the SPA rule" "$STATUS" "200"
expect_match "GET /posts/hello body" "$BODY" '<h1>Blog v1</h1>'
get /assets/app.js
expect_eq "GET /assets/app.js with the SPA rule" "$STATUS $BODY" '200 console.log("Blog v1");'
pass "update-app --custom-rules (SPA rule): /posts/hello serves index.html, /assets/app.js is still the script"

# --- A second version, then a rollback to the first -------------------------------------------
make_site "$WORK/v2" "Blog v2"
zip_site "$WORK/v2" "$WORK/v2.zip"
deploy "$WORK/v2.zip"
SECOND_JOB="$JOB_ID"
get /
expect_match "GET / after the second deploy" "$BODY" '<h1>Blog v2</h1>'
pass "deployed v2.zip as job ${SECOND_JOB}; the site shows v2"

ROLLBACK_JOB="$(amplify start-job --app-id "$APP_ID" --branch-name main --job-type RETRY \
  --job-id "$FIRST_JOB" --query jobSummary.jobId --output text)"
wait_for_job "$ROLLBACK_JOB"
expect_eq "rollback job status" "$JOB_STATUS" "SUCCEED"
get /
expect_match "GET / after the rollback" "$BODY" '<h1>Blog v1</h1>'
pass "start-job --job-type RETRY --job-id ${FIRST_JOB} (job ${ROLLBACK_JOB}) brought v1 back"

got="$(amplify list-jobs --app-id "$APP_ID" --branch-name main \
  --query 'jobSummaries[].[jobId,jobType,status]' --output text)"
expected="$(printf '%s\tRETRY\tSUCCEED\n%s\tMANUAL\tSUCCEED\n%s\tMANUAL\tSUCCEED' \
  "$ROLLBACK_JOB" "$SECOND_JOB" "$FIRST_JOB")"
expect_eq "list-jobs" "$got" "$expected"
pass "list-jobs lists the rollback and both deploys, newest first"

# --- Clean up ---------------------------------------------------------------------------------
amplify delete-app --app-id "$APP_ID" >/dev/null
if aws --endpoint-url "$ENDPOINT" amplify get-app --app-id "$APP_ID" >/dev/null 2>"$LAST_ERR"; then
  fail "get-app still finds ${APP_ID} after delete-app"
fi
if ! grep -q NotFoundException "$LAST_ERR"; then
  fail "get-app after delete-app did not fail with NotFoundException"
fi
: >"$LAST_ERR"
get /
expect_eq "GET / after delete-app" "$STATUS" "404"
pass "delete-app removed blog: get-app is NotFoundException and the site is gone"

summary
