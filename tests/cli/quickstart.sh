#!/usr/bin/env bash
# The README quick start, run with the AWS CLI against a running ramp:
#
#   tests/cli/quickstart.sh [ENDPOINT_URL]     (default http://127.0.0.1:4566)
#
# Each step prints one line saying what it checked; the first mismatch exits non-zero with the
# command's output. The last line is "N passed, 0 failed" (CI recognises this form).
# Needs only bash, cmp and the AWS CLI (`pip install -r tests/requirements.txt`).
set -euo pipefail

ENDPOINT="${1:-http://127.0.0.1:4566}"
TOOLS=(aws)
# shellcheck source=tests/cli/common.sh
source "$(dirname "$0")/common.sh"

ID_RE='^[a-z0-9]{4,7}$'
ALARM_ARN="arn:aws:cloudwatch:us-east-1:000000000000:alarm:errors"

echo "ramp AWS CLI quick start against ${ENDPOINT} ($(aws --version 2>&1))"

# --- Application -------------------------------------------------------------------------------
APP_ID="$(appconfig create-application --name shop --description "Online shop" --query Id --output text)"
expect_match "create-application Id" "$APP_ID" "$ID_RE"
pass "create-application --name shop returned Id ${APP_ID}"

got="$(appconfig get-application --application-id "$APP_ID" --query '[Id,Name,Description]' --output text)"
expect_eq "get-application" "$got" "${APP_ID}	shop	Online shop"
pass "get-application returns Id, Name 'shop' and the description"

got="$(appconfig list-applications --query "Items[?Id=='${APP_ID}'].Name" --output text)"
expect_eq "list-applications" "$got" "shop"
pass "list-applications lists shop"

# --- Environment with a monitor ----------------------------------------------------------------
env_line="$(appconfig create-environment --application-id "$APP_ID" --name prod \
  --monitors "AlarmArn=${ALARM_ARN}" --query '[Id,State,Monitors[0].AlarmArn]' --output text)"
read -r ENV_ID ENV_STATE ENV_ALARM <<<"$env_line"
expect_match "create-environment Id" "$ENV_ID" "$ID_RE"
expect_eq "create-environment State" "$ENV_STATE" "READY_FOR_DEPLOYMENT"
expect_eq "create-environment Monitors[0].AlarmArn" "$ENV_ALARM" "$ALARM_ARN"
pass "create-environment prod (Id ${ENV_ID}) is READY_FOR_DEPLOYMENT and echoes the monitor"

got="$(appconfig get-environment --application-id "$APP_ID" --environment-id "$ENV_ID" \
  --query '[Name,State,Monitors[0].AlarmArn]' --output text)"
expect_eq "get-environment" "$got" "prod	READY_FOR_DEPLOYMENT	${ALARM_ARN}"
pass "get-environment returns the monitor's AlarmArn"

got="$(appconfig list-environments --application-id "$APP_ID" --query 'Items[].Id' --output text)"
expect_eq "list-environments" "$got" "$ENV_ID"
pass "list-environments lists prod"

# --- Hosted freeform configuration -------------------------------------------------------------
PROFILE_ID="$(appconfig create-configuration-profile --application-id "$APP_ID" --name main \
  --location-uri hosted --type AWS.Freeform --query Id --output text)"
expect_match "create-configuration-profile Id" "$PROFILE_ID" "$ID_RE"
pass "create-configuration-profile main --location-uri hosted returned Id ${PROFILE_ID}"

got="$(appconfig get-configuration-profile --application-id "$APP_ID" --configuration-profile-id "$PROFILE_ID" \
  --query '[Name,LocationUri,Type]' --output text)"
expect_eq "get-configuration-profile" "$got" "main	hosted	AWS.Freeform"
pass "get-configuration-profile returns LocationUri hosted and Type AWS.Freeform"

printf '{\n  "greeting": "hello",\n  "maxItems": 25,\n  "nested": {"on": true}\n}\n' >"$WORK/config.json"
got="$(appconfig create-hosted-configuration-version --application-id "$APP_ID" \
  --configuration-profile-id "$PROFILE_ID" --content "fileb://${WORK}/config.json" \
  --content-type application/json --version-label v1.0 --description "first version" \
  --query '[VersionNumber,ContentType,VersionLabel]' --output text "$WORK/created.json")"
expect_eq "create-hosted-configuration-version" "$got" "1	application/json	v1.0"
if ! cmp -s "$WORK/config.json" "$WORK/created.json"; then
  fail "create-hosted-configuration-version: the outfile differs from the uploaded bytes"
fi
pass "create-hosted-configuration-version stored version 1 and echoed the exact bytes"

got="$(appconfig get-hosted-configuration-version --application-id "$APP_ID" \
  --configuration-profile-id "$PROFILE_ID" --version-number 1 \
  --query '[VersionNumber,ContentType,VersionLabel,Description]' --output text "$WORK/fetched.json")"
expect_eq "get-hosted-configuration-version" "$got" "1	application/json	v1.0	first version"
if ! cmp -s "$WORK/config.json" "$WORK/fetched.json"; then
  fail "get-hosted-configuration-version: the content differs from the uploaded bytes"
fi
pass "get-hosted-configuration-version 1 returns the same bytes and headers"

got="$(appconfig list-hosted-configuration-versions --application-id "$APP_ID" \
  --configuration-profile-id "$PROFILE_ID" --query 'Items[].[VersionNumber,VersionLabel]' --output text)"
expect_eq "list-hosted-configuration-versions" "$got" "1	v1.0"
pass "list-hosted-configuration-versions lists version 1 (v1.0)"

# --- Deployment strategies ---------------------------------------------------------------------
STRATEGY_ID="$(appconfig create-deployment-strategy --name quick-linear --deployment-duration-in-minutes 10 \
  --growth-factor 25 --final-bake-time-in-minutes 5 --replicate-to NONE --query Id --output text)"
expect_match "create-deployment-strategy Id" "$STRATEGY_ID" "$ID_RE"
pass "create-deployment-strategy quick-linear returned Id ${STRATEGY_ID}"

got="$(appconfig get-deployment-strategy --deployment-strategy-id "$STRATEGY_ID" \
  --query '[DeploymentDurationInMinutes,GrowthType,GrowthFactor,FinalBakeTimeInMinutes]' --output text)"
expect_eq "get-deployment-strategy" "$got" "10	LINEAR	25.0	5"
pass "get-deployment-strategy defaults GrowthType to LINEAR"

STRATEGIES="$(appconfig list-deployment-strategies --query 'Items[].Id' --output text)"
for predefined in AppConfig.AllAtOnce AppConfig.Linear50PercentEvery30Seconds \
  AppConfig.Canary10Percent20Minutes AppConfig.Linear20PercentEvery6Minutes "$STRATEGY_ID"; do
  expect_contains "list-deployment-strategies" "$STRATEGIES" "$predefined"
done
pass "list-deployment-strategies contains the 4 predefined AppConfig.* strategies and quick-linear"

# --- Tags --------------------------------------------------------------------------------------
APP_ARN="arn:aws:appconfig:us-east-1:000000000000:application/${APP_ID}"
appconfig tag-resource --resource-arn "$APP_ARN" --tags team=payments,stage=prod >/dev/null
got="$(appconfig list-tags-for-resource --resource-arn "$APP_ARN" --query '[Tags.team,Tags.stage]' --output text)"
expect_eq "list-tags-for-resource" "$got" "payments	prod"
pass "tag-resource then list-tags-for-resource shows team=payments, stage=prod"

appconfig untag-resource --resource-arn "$APP_ARN" --tag-keys stage >/dev/null
got="$(appconfig list-tags-for-resource --resource-arn "$APP_ARN" --query 'keys(Tags)' --output text)"
expect_eq "list-tags-for-resource after untag-resource" "$got" "team"
pass "untag-resource removed the stage tag"

# --- Account settings --------------------------------------------------------------------------
got="$(appconfig get-account-settings \
  --query '[DeletionProtection.Enabled,DeletionProtection.ProtectionPeriodInMinutes]' --output text)"
expect_eq "get-account-settings" "$got" "False	60"
pass "get-account-settings: deletion protection disabled, 60-minute period"

# --- Feature flags -----------------------------------------------------------------------------
FLAGS_ID="$(appconfig create-configuration-profile --application-id "$APP_ID" --name flags \
  --location-uri hosted --type AWS.AppConfig.FeatureFlags --query Id --output text)"
expect_match "create-configuration-profile (feature flags) Id" "$FLAGS_ID" "$ID_RE"
pass "create-configuration-profile flags --type AWS.AppConfig.FeatureFlags returned Id ${FLAGS_ID}"

cat >"$WORK/flags.json" <<'JSON'
{
  "version": "1",
  "flags": {
    "checkout": {
      "name": "New checkout",
      "attributes": {
        "limit": {"constraints": {"type": "number", "required": true, "minimum": 1, "maximum": 100}}
      }
    },
    "banner": {"name": "Holiday banner"}
  },
  "values": {
    "checkout": {"enabled": true, "limit": 10},
    "banner": {"enabled": false}
  }
}
JSON
got="$(appconfig create-hosted-configuration-version --application-id "$APP_ID" \
  --configuration-profile-id "$FLAGS_ID" --content "fileb://${WORK}/flags.json" \
  --content-type application/json --query '[VersionNumber,ContentType]' --output text "$WORK/flags-out.json")"
expect_eq "create-hosted-configuration-version (flags)" "$got" "1	application/json"
flags_out="$(cat "$WORK/flags-out.json")"
expect_contains "stored flag document" "$flags_out" "\"checkout\""
expect_contains "stored flag document" "$flags_out" "\"limit\""
pass "a valid feature flag document is accepted as version 1"

cat >"$WORK/bad-flags.json" <<'JSON'
{"version": "1", "flags": {"checkout": {"name": "x", "attributes": {"limit": {"constraints": {"type": "number", "maximum": 5}}}}}, "values": {"checkout": {"enabled": true, "limit": 50}}}
JSON
if aws --endpoint-url "$ENDPOINT" appconfig create-hosted-configuration-version --application-id "$APP_ID" \
  --configuration-profile-id "$FLAGS_ID" --content "fileb://${WORK}/bad-flags.json" \
  --content-type application/json "$WORK/bad-out.json" >/dev/null 2>"$LAST_ERR"; then
  fail "a flag value breaking its constraint (limit 50 > maximum 5) was accepted"
fi
expect_contains "invalid flag document error" "$(cat "$LAST_ERR")" "BadRequestException"
: >"$LAST_ERR"
pass "a flag value breaking its constraint fails with BadRequestException"

# --- An expected failure -----------------------------------------------------------------------
if aws --endpoint-url "$ENDPOINT" appconfig get-application --application-id zz99zz9 >/dev/null 2>"$LAST_ERR"; then
  fail "get-application on a missing id succeeded"
fi
expect_contains "get-application on a missing id" "$(cat "$LAST_ERR")" "ResourceNotFoundException"
: >"$LAST_ERR"
pass "get-application on a missing id fails with ResourceNotFoundException"

# --- A deployment: start, watch, stop ---------------------------------------------------------------
got="$(appconfig start-deployment --application-id "$APP_ID" --environment-id "$ENV_ID" \
  --configuration-profile-id "$PROFILE_ID" --configuration-version 1 \
  --deployment-strategy-id AppConfig.Canary10Percent20Minutes \
  --query '[DeploymentNumber, State, EventLog[0].EventType]' --output text)"
expect_eq "start-deployment" "$got" "$(printf '1\tDEPLOYING\tDEPLOYMENT_STARTED')"
pass "start-deployment with AppConfig.Canary10Percent20Minutes is DEPLOYING"

got="$(appconfig get-environment --application-id "$APP_ID" --environment-id "$ENV_ID" --query State --output text)"
expect_eq "environment state during the deployment" "$got" "DEPLOYING"
if aws --endpoint-url "$ENDPOINT" appconfig start-deployment --application-id "$APP_ID" --environment-id "$ENV_ID" \
  --configuration-profile-id "$PROFILE_ID" --configuration-version 1 \
  --deployment-strategy-id AppConfig.AllAtOnce >/dev/null 2>"$LAST_ERR"; then
  fail "a second start-deployment into the same environment succeeded"
fi
expect_contains "second start-deployment" "$(cat "$LAST_ERR")" "ConflictException"
: >"$LAST_ERR"
pass "a second start-deployment while one is in progress fails with ConflictException"

got="$(appconfig stop-deployment --application-id "$APP_ID" --environment-id "$ENV_ID" --deployment-number 1 \
  --query State --output text)"
expect_eq "stop-deployment" "$got" "ROLLED_BACK"
got="$(appconfig list-deployments --application-id "$APP_ID" --environment-id "$ENV_ID" \
  --query 'Items[0].[DeploymentNumber, State]' --output text)"
expect_eq "list-deployments" "$got" "$(printf '1\tROLLED_BACK')"
pass "stop-deployment rolls it back and list-deployments shows it"

# --- Clean up, children first ------------------------------------------------------------------
appconfig delete-hosted-configuration-version --application-id "$APP_ID" \
  --configuration-profile-id "$PROFILE_ID" --version-number 1 >/dev/null
appconfig delete-hosted-configuration-version --application-id "$APP_ID" \
  --configuration-profile-id "$FLAGS_ID" --version-number 1 >/dev/null
got="$(appconfig list-hosted-configuration-versions --application-id "$APP_ID" \
  --configuration-profile-id "$PROFILE_ID" --query 'length(Items)' --output text)"
expect_eq "list-hosted-configuration-versions after delete" "$got" "0"
pass "delete-hosted-configuration-version removed both hosted versions"

appconfig delete-configuration-profile --application-id "$APP_ID" --configuration-profile-id "$PROFILE_ID" >/dev/null
appconfig delete-configuration-profile --application-id "$APP_ID" --configuration-profile-id "$FLAGS_ID" >/dev/null
got="$(appconfig list-configuration-profiles --application-id "$APP_ID" --query 'length(Items)' --output text)"
expect_eq "list-configuration-profiles after delete" "$got" "0"
pass "delete-configuration-profile removed both profiles"

appconfig delete-environment --application-id "$APP_ID" --environment-id "$ENV_ID" >/dev/null
got="$(appconfig list-environments --application-id "$APP_ID" --query 'length(Items)' --output text)"
expect_eq "list-environments after delete" "$got" "0"
pass "delete-environment removed prod"

appconfig delete-deployment-strategy --deployment-strategy-id "$STRATEGY_ID" >/dev/null
got="$(appconfig list-deployment-strategies --query "length(Items[?Id=='${STRATEGY_ID}'])" --output text)"
expect_eq "list-deployment-strategies after delete" "$got" "0"
pass "delete-deployment-strategy removed quick-linear"

appconfig delete-application --application-id "$APP_ID" >/dev/null
if aws --endpoint-url "$ENDPOINT" appconfig get-application --application-id "$APP_ID" >/dev/null 2>"$LAST_ERR"; then
  fail "get-application still finds ${APP_ID} after delete-application"
fi
expect_contains "get-application after delete" "$(cat "$LAST_ERR")" "ResourceNotFoundException"
: >"$LAST_ERR"
pass "delete-application removed shop"

summary
