# Shared by the AWS CLI walkthroughs (tests/cli/*.sh): a clean CLI environment, the step
# reporting ("ok N - …", then "N passed, 0 failed", which CI recognises) and the checks.
# Source it after setting ENDPOINT and the list of tools the walkthrough needs:
#
#   ENDPOINT="${1:-http://127.0.0.1:4566}"; TOOLS=(aws curl); source "$(dirname "$0")/common.sh"

# ramp runs open unless started with credentials: any key works. The CLI must not pick up the
# caller's own profile, output format or binary-format settings, so it gets empty config files.
export AWS_ACCESS_KEY_ID=test
export AWS_SECRET_ACCESS_KEY=test
export AWS_DEFAULT_REGION=us-east-1
export AWS_REGION=us-east-1
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_DEFAULT_OUTPUT AWS_ENDPOINT_URL 2>/dev/null || true
export AWS_PAGER=""
# A 5xx from ramp must fail the step, not be retried away.
export AWS_MAX_ATTEMPTS=1

for tool in "${TOOLS[@]}"; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "FAIL: the $tool command is missing (the AWS CLI: pip install -r tests/requirements.txt)" >&2
    exit 1
  fi
done

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
touch "$WORK/aws-config" "$WORK/aws-credentials"
export AWS_CONFIG_FILE="$WORK/aws-config"
export AWS_SHARED_CREDENTIALS_FILE="$WORK/aws-credentials"

PASSED=0
LAST_ERR="$WORK/last.err"

pass() {
  PASSED=$((PASSED + 1))
  echo "ok ${PASSED} - $*"
}

fail() {
  echo "FAIL: $*" >&2
  if [[ -s "$LAST_ERR" ]]; then
    echo "--- stderr of the last command ---" >&2
    cat "$LAST_ERR" >&2
  fi
  echo "${PASSED} passed, 1 failed" >&2
  exit 1
}

# `aws_service SERVICE SUBCOMMAND ARGS...`: runs the CLI against ramp; stdout is the command's
# output. A failing command fails the walkthrough, naming the command.
aws_service() {
  local out
  if ! out="$(aws --endpoint-url "$ENDPOINT" "$@" 2>"$LAST_ERR")"; then
    fail "aws $1 $2 exited non-zero"
  fi
  printf '%s' "$out"
}

appconfig() { aws_service appconfig "$@"; }
amplify() { aws_service amplify "$@"; }

# expect_eq WHAT ACTUAL EXPECTED
expect_eq() {
  if [[ "$2" != "$3" ]]; then
    fail "$1: expected '$3', got '$2'"
  fi
}

# expect_match WHAT ACTUAL REGEX
expect_match() {
  if [[ ! "$2" =~ $3 ]]; then
    fail "$1: '$2' does not match /$3/"
  fi
}

# expect_contains WHAT HAYSTACK NEEDLE
expect_contains() {
  if [[ "$2" != *"$3"* ]]; then
    fail "$1: '$3' not found in: $2"
  fi
}

# The summary line CI looks for; call it last.
summary() {
  echo "${PASSED} passed, 0 failed"
}
