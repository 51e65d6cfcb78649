#!/usr/bin/env bash
# README's "Extensions" with the AWS CLI against a running ramp:
#
#   tests/cli/extensions.sh [ENDPOINT_URL]     (default http://127.0.0.1:4566)
#
# Starts a small webhook receiver (python3), creates an extension whose PRE_START_DEPLOYMENT
# and ON_DEPLOYMENT_START actions call it, associates it with an application, deploys, and reads
# what the receiver got and what GetDeployment reports (AppliedExtensions, ActionInvocations).
# Each step prints one line; the last line is "N passed, 0 failed".
# Needs bash, python3 and the AWS CLI (`pip install -r tests/requirements.txt`).
set -euo pipefail

ENDPOINT="${1:-http://127.0.0.1:4566}"
TOOLS=(aws python3)
# shellcheck source=tests/cli/common.sh
source "$(dirname "$0")/common.sh"

# --- A webhook receiver: appends each POST's event Type to $WORK/received, answers {} -----------
python3 - "$WORK" <<'PY' &
import http.server, json, pathlib, sys
work = pathlib.Path(sys.argv[1])
class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        event = json.loads(body)
        with open(work / "received", "a") as log:
            log.write(f"{event['Type']} {self.headers['X-Ramp-Invocation-Id']} {bool(self.headers['X-Ramp-Signature'])}\n")
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(("127.0.0.1", 0), Hook)
(work / "port").write_text(str(server.server_port))
server.serve_forever()
PY
RECEIVER_PID=$!
trap 'kill "$RECEIVER_PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do [[ -s "$WORK/port" ]] && break; sleep 0.05; done
HOOK="http://127.0.0.1:$(cat "$WORK/port")/appconfig"

# wait_received N: until the receiver logged N calls (10 s at most).
wait_received() {
  for _ in $(seq 200); do
    if [[ -f "$WORK/received" ]] && (($(wc -l <"$WORK/received") >= $1)); then return 0; fi
    sleep 0.05
  done
  fail "the receiver got $(wc -l <"$WORK/received" 2>/dev/null || echo 0) calls, not $1"
}

echo "ramp AWS CLI extensions walkthrough against ${ENDPOINT}"

got="$(appconfig list-extensions --query 'Items[0].Id' --output text)"
expect_eq "list-extensions" "$got" "AWS.AppConfig.FeatureFlags"
pass "list-extensions lists AWS's extensions, AWS.AppConfig.FeatureFlags first"

ext_line="$(appconfig create-extension --name release-gate \
  --actions "{\"PRE_START_DEPLOYMENT\":[{\"Name\":\"gate\",\"Uri\":\"${HOOK}\"}],\"ON_DEPLOYMENT_START\":[{\"Name\":\"announce\",\"Uri\":\"${HOOK}\"}]}" \
  --parameters '{"ticket":{"Dynamic":true,"Description":"change ticket"}}' \
  --query '[Id,VersionNumber]' --output text)"
read -r EXT_ID EXT_VERSION <<<"$ext_line"
expect_eq "create-extension VersionNumber" "$EXT_VERSION" "1"
pass "create-extension release-gate (Id ${EXT_ID}) is version 1"

if aws --endpoint-url "$ENDPOINT" appconfig create-extension --name release-gate \
  --actions "{\"ON_DEPLOYMENT_START\":[{\"Uri\":\"${HOOK}\"}]}" >/dev/null 2>"$LAST_ERR"; then
  fail "create-extension with a taken name succeeded"
fi
expect_contains "create-extension again" "$(cat "$LAST_ERR")" "ConflictException"
pass "create-extension with a taken name and no --latest-version-number is a ConflictException"

APP_ID="$(appconfig create-application --name shop --query Id --output text)"
ENV_ID="$(appconfig create-environment --application-id "$APP_ID" --name prod --query Id --output text)"
PROFILE_ID="$(appconfig create-configuration-profile --application-id "$APP_ID" --name main \
  --location-uri hosted --query Id --output text)"
printf '{"greeting": "hello"}' >"$WORK/config.json"
appconfig create-hosted-configuration-version --application-id "$APP_ID" --configuration-profile-id "$PROFILE_ID" \
  --content "fileb://${WORK}/config.json" --content-type application/json "$WORK/out.json" >/dev/null
APP_ARN="arn:aws:appconfig:us-east-1:000000000000:application/${APP_ID}"
ASSOCIATION_ID="$(appconfig create-extension-association --extension-identifier release-gate \
  --resource-identifier "$APP_ARN" --query Id --output text)"
got="$(appconfig list-extension-associations --resource-identifier "$APP_ARN" --query 'Items[0].Id' --output text)"
expect_eq "list-extension-associations" "$got" "$ASSOCIATION_ID"
pass "create-extension-association on the application; list-extension-associations finds it"

NUMBER="$(appconfig start-deployment --application-id "$APP_ID" --environment-id "$ENV_ID" \
  --configuration-profile-id "$PROFILE_ID" --configuration-version 1 --deployment-strategy-id AppConfig.AllAtOnce \
  --dynamic-extension-parameters "${EXT_ID}#ticket=CHG-42" --query DeploymentNumber --output text)"
wait_received 2
expect_eq "receiver" "$(cut -d' ' -f1 "$WORK/received" | tr '\n' ' ')" "PreStartDeployment OnDeploymentStart "
expect_eq "signatures" "$(cut -d' ' -f3 "$WORK/received" | sort -u)" "True"
pass "start-deployment called the gate, then announced the start, each call signed"

START_ID="$(sed -n 2p "$WORK/received" | cut -d' ' -f2)"
for _ in $(seq 100); do
  got="$(appconfig get-deployment --application-id "$APP_ID" --environment-id "$ENV_ID" --deployment-number "$NUMBER" \
    --query "EventLog[?EventType=='DEPLOYMENT_STARTED'].ActionInvocations[].InvocationId" --output text)"
  [[ "$got" == *"$START_ID"* ]] && break
  sleep 0.1
done
expect_contains "get-deployment ActionInvocations" "$got" "$START_ID"
got="$(appconfig get-deployment --application-id "$APP_ID" --environment-id "$ENV_ID" --deployment-number "$NUMBER" \
  --query 'AppliedExtensions[0].[ExtensionId,ExtensionAssociationId,Parameters.ticket]' --output text)"
expect_eq "get-deployment AppliedExtensions" "$got" "${EXT_ID}	${ASSOCIATION_ID}	CHG-42"
pass "get-deployment shows the applied extension with the dynamic parameter and both invocations"

if aws --endpoint-url "$ENDPOINT" appconfig delete-extension --extension-identifier "$EXT_ID" >/dev/null 2>"$LAST_ERR"; then
  fail "delete-extension succeeded while associated"
fi
expect_contains "delete-extension while associated" "$(cat "$LAST_ERR")" "BadRequestException"
appconfig delete-extension-association --extension-association-id "$ASSOCIATION_ID" >/dev/null
appconfig delete-extension --extension-identifier "$EXT_ID" >/dev/null
pass "delete-extension is refused while associated, then deletes once the association is gone"

summary
