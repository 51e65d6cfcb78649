#!/usr/bin/env python3
"""Model conformance of ramp's AppConfig responses.

    python3 tests/conformance/appconfig_responses.py BASE_URL [ACCOUNT_ID]

Drives a running ramp with boto3, calling every in-scope operation of the `appconfig` 2019-10-09
model (every operation except the deployment ones, GetConfiguration and the extension ones) with
valid inputs, and checks each raw HTTP response against the operation's output shape in the
botocore model, recursively:

* the HTTP status is the operation's `http.responseCode` (200 when the model gives none);
* operations without output answer with an empty body;
* JSON bodies are `application/json` objects; every required member is present, every member
  present is declared in the shape, and every value has the shape's type (ISO-8601 strings for
  `iso8601` timestamps), enum value, length, pattern and range;
* header-bound members (hosted configuration versions) are read from the headers named by their
  `locationName`, required ones must be there, and the blob payload member is the raw body.

Expected errors are checked the same way against their exception shapes (status, the
`x-amzn-ErrorType` header, the operation's modelled error list, body members). Out-of-scope
operations must answer HTTP 501 with `x-amzn-ErrorType: NotImplementedException`.

The script also asserts that every in-scope operation was called successfully at least once. It
prints one line per checked response, every violation, and finally `N passed, M failed` (N is the
number of conforming responses); the exit status is non-zero when anything failed.
"""

from __future__ import annotations

import base64
import json
import re
import sys
import urllib.request

import boto3
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import ClientError

# Operations ramp answers with 501 NotImplementedException for now, besides every operation whose
# name contains "Extension" (extensions and extension associations).
OUT_OF_SCOPE: set = set()

# The model's shapes reuse input patterns for outputs; `Id` outputs also carry the predefined
# deployment strategies' ids (`AppConfig.AllAtOnce`), which that pattern was never meant for
# (spec/appconfig.md §2.1).
PREDEFINED_ID = re.compile(r"^AppConfig\.[A-Za-z0-9]{9,40}$")

ISO8601 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$")

ALARM_ARN = "arn:aws:cloudwatch:us-east-1:000000000000:alarm:errors"
ALARM_ARN_2 = "arn:aws:cloudwatch:us-east-1:000000000000:alarm:latency"
ROLE_ARN = "arn:aws:iam::000000000000:role/appconfig-monitor"

SCHEMA = json.dumps(
    {
        "$schema": "http://json-schema.org/draft-04/schema#",
        "type": "object",
        "properties": {"greeting": {"type": "string"}, "maxItems": {"type": "integer", "minimum": 1}},
        "required": ["greeting"],
    }
)
CONFIG_V1 = b'{"greeting": "hello", "maxItems": 25}\n'
CONFIG_V2 = b'{"greeting": "bonjour", "maxItems": 50}\n'
CONFIG_INVALID = b'{"maxItems": 0}'
FLAGS = json.dumps(
    {
        "version": "1",
        "flags": {
            "checkout": {
                "name": "New checkout",
                "description": "The redesigned checkout",
                "attributes": {
                    "limit": {"constraints": {"type": "number", "required": True, "minimum": 1, "maximum": 100}},
                    "mode": {"constraints": {"type": "string", "enum": ["fast", "safe"]}},
                },
            },
            "banner": {"name": "Holiday banner"},
        },
        "values": {"checkout": {"enabled": True, "limit": 10, "mode": "safe"}, "banner": {"enabled": False}},
    }
).encode()
FLAGS_INVALID = json.dumps(
    {
        "version": "1",
        "flags": {"checkout": {"name": "x", "attributes": {"limit": {"constraints": {"type": "number", "maximum": 5}}}}},
        "values": {"checkout": {"enabled": True, "limit": 50}},
    }
).encode()


def out_of_scope(operation: str) -> bool:
    return operation in OUT_OF_SCOPE or "Extension" in operation


class Checker:
    """Calls operations, captures each raw HTTP response and checks it against the model."""

    def __init__(self, client):
        self.client = client
        self.model = client.meta.service_model
        self.checked = 0
        self.failed = 0
        self.violations: list[str] = []
        self.succeeded: set[str] = set()
        self._captured = None
        client.meta.events.register("after-call.appconfig", self._capture)

    def _capture(self, http_response, model, **_kwargs):
        self._captured = (model, http_response)

    # --- calls ------------------------------------------------------------------------------------

    def call(self, operation, *, expect=None, expect_headers=None, expect_content=None, **params):
        """Calls `operation`, which must succeed, and checks its response. Returns the parsed output."""
        self._captured = None
        try:
            parsed = getattr(self.client, xform_name(operation))(**params)
        except ClientError as error:
            self._finish(operation, [f"failed: {error}"])
            return None
        model, http = self._captured
        problems = self.response_problems(model, http, expect_content)
        if expect is not None:
            problems += self.expectation_problems(json_or_none(http.content), expect)
        for header, value in (expect_headers or {}).items():
            actual = http.headers.get(header)
            if actual != value:
                problems.append(f"header {header}: expected {value!r}, got {actual!r}")
        if not problems:
            self.succeeded.add(operation)
        self._finish(operation, problems, http.status_code)
        return parsed

    def call_error(self, operation, code, **params):
        """Calls `operation`, which must fail with the modelled exception `code`, and checks the error."""
        self._captured = None
        try:
            getattr(self.client, xform_name(operation))(**params)
        except ClientError:
            pass
        else:
            self._finish(f"{operation} ({code})", [f"succeeded, expected {code}"])
            return
        model, http = self._captured
        self._finish(f"{operation} ({code})", self.error_problems(model, http, code), http.status_code)

    def call_not_implemented(self, operation, **params):
        """Calls an out-of-scope operation, which must answer 501 NotImplementedException."""
        self._captured = None
        try:
            getattr(self.client, xform_name(operation))(**params)
        except ClientError:
            pass
        model, http = self._captured
        problems = []
        if http.status_code != 501:
            problems.append(f"HTTP status {http.status_code}, expected 501")
        error_type = error_type_header(http)
        if error_type != "NotImplementedException":
            problems.append(f"x-amzn-ErrorType {error_type!r}, expected 'NotImplementedException'")
        body = json_or_none(http.content)
        if not isinstance(body, dict) or not isinstance(body.get("Message"), str):
            problems.append(f"body is not a JSON object with a Message: {http.content[:200]!r}")
        self._finish(f"{operation} (not implemented)", problems, http.status_code)

    def _finish(self, label, problems, status=None):
        self.checked += 1
        status_text = f" {status}" if status is not None else ""
        if problems:
            self.failed += 1
            print(f"FAIL {label}{status_text}")
            for problem in problems:
                self.violations.append(f"{label}: {problem}")
                print(f"     {problem}")
        else:
            print(f"ok   {label}{status_text}")

    # --- checks -----------------------------------------------------------------------------------

    def response_problems(self, op_model, http, expect_content):
        problems = []
        expected_status = op_model.http.get("responseCode", 200)
        if http.status_code != expected_status:
            problems.append(f"HTTP status {http.status_code}, model says {expected_status}")
        output = op_model.output_shape
        if output is None:
            if http.content:
                problems.append(f"operation has no output but the body is {http.content[:200]!r}")
            return problems

        # Header-bound members.
        for name, member in output.members.items():
            location = member.serialization.get("location")
            if location != "header":
                continue
            header = member.serialization.get("name", name)
            value = http.headers.get(header)
            if value is None:
                if name in output.required_members:
                    problems.append(f"required header {header} ({name}) is missing")
                continue
            problems += self.header_problems(f"header {header}", member, value)

        payload = output.serialization.get("payload")
        if payload is not None:
            member = output.members[payload]
            if member.type_name in ("blob", "string"):
                if expect_content is not None and http.content != expect_content:
                    problems.append(
                        f"payload {payload} is {http.content[:200]!r}, expected the stored bytes {expect_content[:200]!r}"
                    )
                return problems
            problems += self.json_body_problems(http)
            body = json_or_none(http.content)
            if body is not None:
                problems += self.value_problems(payload, member, body)
            return problems

        problems += self.json_body_problems(http)
        body = json_or_none(http.content)
        if body is not None:
            body_members = {n: m for n, m in output.members.items() if "location" not in m.serialization}
            problems += self.structure_problems("", output, body, body_members)
        return problems

    def error_problems(self, op_model, http, code):
        problems = []
        error_type = error_type_header(http)
        if error_type != code:
            problems.append(f"x-amzn-ErrorType {error_type!r}, expected {code!r}")
        modelled = {shape.name for shape in op_model.error_shapes}
        if error_type not in modelled:
            problems.append(f"{error_type} is not among the operation's modelled errors {sorted(modelled)}")
            return problems
        shape = self.model.shape_for(error_type)
        expected_status = shape.metadata.get("error", {}).get("httpStatusCode")
        if http.status_code != expected_status:
            problems.append(f"HTTP status {http.status_code}, model says {expected_status} for {error_type}")
        problems += self.json_body_problems(http)
        body = json_or_none(http.content)
        if body is not None:
            body_members = {n: m for n, m in shape.members.items() if "location" not in m.serialization}
            problems += self.structure_problems("", shape, body, body_members)
        return problems

    @staticmethod
    def json_body_problems(http):
        problems = []
        content_type = http.headers.get("content-type", "")
        if content_type.split(";")[0].strip() != "application/json":
            problems.append(f"Content-Type {content_type!r}, expected application/json")
        body = json_or_none(http.content)
        if not isinstance(body, dict):
            problems.append(f"body is not a JSON object: {http.content[:200]!r}")
        return problems

    def header_problems(self, where, shape, value):
        kind = shape.type_name
        if kind in ("integer", "long"):
            if not re.fullmatch(r"-?\d+", value):
                return [f"{where}: {value!r} is not an integer"]
            return self.value_problems(where, shape, int(value))
        if kind == "boolean":
            if value not in ("true", "false"):
                return [f"{where}: {value!r} is not a boolean"]
            return []
        if kind == "string":
            return self.value_problems(where, shape, value)
        return [f"{where}: unexpected header-bound type {kind}"]

    def structure_problems(self, where, shape, value, members=None):
        if not isinstance(value, dict):
            return [f"{where or '<body>'}: expected a JSON object ({shape.name}), got {type(value).__name__}"]
        members = shape.members if members is None else members
        problems = []
        prefix = f"{where}." if where else ""
        for name in value:
            if name not in members:
                problems.append(f"{prefix}{name}: not a member of {shape.name}")
        for name in shape.required_members:
            if name in members and value.get(name) is None:
                problems.append(f"{prefix}{name}: required member of {shape.name} is missing")
        if shape.metadata.get("union"):
            present = [name for name, item in value.items() if item is not None]
            if len(present) != 1:
                problems.append(f"{where or '<body>'}: union {shape.name} must set exactly one member, got {present}")
        for name, item in value.items():
            if name not in members:
                continue
            if item is None:
                if name not in shape.required_members:
                    problems.append(f"{prefix}{name}: null (omit unset members)")
                continue
            problems += self.value_problems(f"{prefix}{name}", members[name], item)
        return problems

    def value_problems(self, where, shape, value):
        kind = shape.type_name
        meta = shape.metadata
        if kind == "structure":
            return self.structure_problems(where, shape, value)
        if kind == "list":
            if not isinstance(value, list):
                return [f"{where}: expected a list ({shape.name}), got {type(value).__name__}"]
            problems = size_problems(where, meta, len(value), "items")
            for index, item in enumerate(value):
                if item is None:
                    problems.append(f"{where}[{index}]: null list element")
                else:
                    problems += self.value_problems(f"{where}[{index}]", shape.member, item)
            return problems
        if kind == "map":
            if not isinstance(value, dict):
                return [f"{where}: expected a map ({shape.name}), got {type(value).__name__}"]
            problems = size_problems(where, meta, len(value), "entries")
            for key, item in value.items():
                problems += self.value_problems(f"{where} key {key!r}", shape.key, key)
                if item is None:
                    problems.append(f"{where}[{key!r}]: null map value")
                else:
                    problems += self.value_problems(f"{where}[{key!r}]", shape.value, item)
            return problems
        if kind == "string":
            if not isinstance(value, str):
                return [f"{where}: expected a string ({shape.name}), got {type(value).__name__} {value!r}"]
            problems = []
            if shape.enum and value not in shape.enum:
                problems.append(f"{where}: {value!r} is not one of {shape.enum}")
            problems += size_problems(where, meta, len(value), "characters")
            pattern = meta.get("pattern")
            predefined = shape.name == "Id" and PREDEFINED_ID.match(value)
            # Smithy patterns are not implicitly anchored: a search, not a full match.
            if pattern and not predefined and not re.search(pattern, value):
                problems.append(f"{where}: {value!r} does not match the pattern {pattern!r} of {shape.name}")
            return problems
        if kind in ("integer", "long"):
            if not isinstance(value, int) or isinstance(value, bool):
                return [f"{where}: expected an integer ({shape.name}), got {type(value).__name__} {value!r}"]
            return range_problems(where, meta, value)
        if kind in ("float", "double"):
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                return [f"{where}: expected a number ({shape.name}), got {type(value).__name__} {value!r}"]
            return range_problems(where, meta, value)
        if kind == "boolean":
            if not isinstance(value, bool):
                return [f"{where}: expected a boolean, got {type(value).__name__} {value!r}"]
            return []
        if kind == "timestamp":
            fmt = shape.serialization.get("timestampFormat", "unixTimestamp")
            if fmt == "iso8601":
                if not isinstance(value, str) or not ISO8601.match(value):
                    return [f"{where}: expected an ISO-8601 timestamp string, got {value!r}"]
                return []
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                return [f"{where}: expected an epoch-seconds number, got {value!r}"]
            return []
        if kind == "blob":
            if not isinstance(value, str):
                return [f"{where}: expected a base64 string, got {type(value).__name__}"]
            try:
                base64.b64decode(value, validate=True)
            except ValueError:
                return [f"{where}: {value[:40]!r} is not base64"]
            return []
        return [f"{where}: unexpected shape type {kind}"]

    def expectation_problems(self, body, expected, where=""):
        """`expected` must be a subset of `body` (objects: the listed members; lists: element-wise)."""
        if isinstance(expected, dict):
            if not isinstance(body, dict):
                return [f"{where or '<body>'}: expected an object, got {body!r}"]
            problems = []
            for key, value in expected.items():
                path = f"{where}.{key}" if where else key
                if key not in body:
                    problems.append(f"{path}: missing, expected {value!r}")
                else:
                    problems += self.expectation_problems(body[key], value, path)
            return problems
        if isinstance(expected, list):
            if not isinstance(body, list) or len(body) != len(expected):
                return [f"{where}: expected {expected!r}, got {body!r}"]
            problems = []
            for index, (actual, value) in enumerate(zip(body, expected)):
                problems += self.expectation_problems(actual, value, f"{where}[{index}]")
            return problems
        if body != expected:
            return [f"{where}: expected {expected!r}, got {body!r}"]
        return []


def size_problems(where, meta, size, unit):
    problems = []
    if "min" in meta and size < meta["min"]:
        problems.append(f"{where}: {size} {unit}, fewer than the minimum {meta['min']}")
    if "max" in meta and size > meta["max"]:
        problems.append(f"{where}: {size} {unit}, more than the maximum {meta['max']}")
    return problems


def range_problems(where, meta, value):
    problems = []
    # The model gives PercentageComplete a minimum of 1.0, yet AWS's own StartDeployment example
    # answers 0.0 for a deployment that has not taken its first step (spec/appconfig.md §4.2).
    if where.endswith("PercentageComplete") and value == 0.0:
        return problems
    if "min" in meta and value < meta["min"]:
        problems.append(f"{where}: {value} is below the minimum {meta['min']}")
    if "max" in meta and value > meta["max"]:
        problems.append(f"{where}: {value} is above the maximum {meta['max']}")
    return problems


def json_or_none(content):
    try:
        return json.loads(content) if content else None
    except ValueError:
        return None


def error_type_header(http):
    """The error code as restJson1 clients read it: before any `:`, after any `#`."""
    value = http.headers.get("x-amzn-errortype")
    if value is None:
        return None
    return value.split(":")[0].split("#")[-1]


def run(c: Checker, account: str):
    def arn(path):
        return f"arn:aws:appconfig:us-east-1:{account}:{path}"

    # --- Account settings ---
    protection = {"Enabled": True, "ProtectionPeriodInMinutes": 30}
    c.call("UpdateAccountSettings", DeletionProtection=protection, expect={"DeletionProtection": protection})
    c.call("GetAccountSettings", expect={"DeletionProtection": protection})

    # --- Applications ---
    app = c.call(
        "CreateApplication",
        Name="conformance",
        Description="Model conformance",
        Tags={"team": "conformance", "stage": "test"},
        expect={"Name": "conformance", "Description": "Model conformance"},
    )
    other_app = c.call("CreateApplication", Name="conformance-2")
    if app is None or other_app is None:
        raise SystemExit("cannot build the test world without applications")
    app_id = app["Id"]

    # --- Environments ---
    monitors = [{"AlarmArn": ALARM_ARN, "AlarmRoleArn": ROLE_ARN}]
    env = c.call(
        "CreateEnvironment",
        ApplicationId=app_id,
        Name="prod",
        Description="Production",
        Monitors=monitors,
        Tags={"tier": "1"},
        expect={"ApplicationId": app_id, "Name": "prod", "State": "READY_FOR_DEPLOYMENT", "Monitors": monitors},
    )
    staging = c.call("CreateEnvironment", ApplicationId=app_id, Name="staging")
    if env is None or staging is None:
        raise SystemExit("cannot build the test world without environments")
    env_id = env["Id"]

    # --- Configuration profiles ---
    validators = [{"Type": "JSON_SCHEMA", "Content": SCHEMA}]
    profile = c.call(
        "CreateConfigurationProfile",
        ApplicationId=app_id,
        Name="main",
        Description="Main configuration",
        LocationUri="hosted",
        Type="AWS.Freeform",
        RetrievalRoleArn=ROLE_ARN,
        Validators=validators,
        Tags={"kind": "freeform"},
        expect={"ApplicationId": app_id, "Name": "main", "LocationUri": "hosted", "Validators": validators},
    )
    flags = c.call(
        "CreateConfigurationProfile",
        ApplicationId=app_id,
        Name="flags",
        LocationUri="hosted",
        Type="AWS.AppConfig.FeatureFlags",
        expect={"Type": "AWS.AppConfig.FeatureFlags"},
    )
    if profile is None or flags is None:
        raise SystemExit("cannot build the test world without configuration profiles")
    profile_id, flags_id = profile["Id"], flags["Id"]

    # --- Hosted configuration versions ---
    hosted = {"ApplicationId": app_id, "ConfigurationProfileId": profile_id}
    version_headers = {"Application-Id": app_id, "Configuration-Profile-Id": profile_id}
    c.call(
        "CreateHostedConfigurationVersion",
        **hosted,
        Content=CONFIG_V1,
        ContentType="application/json",
        Description="first version",
        VersionLabel="v1.0",
        expect_content=CONFIG_V1,
        expect_headers={
            **version_headers,
            "Version-Number": "1",
            "Content-Type": "application/json",
            "VersionLabel": "v1.0",
            "Description": "first version",
        },
    )
    c.call(
        "CreateHostedConfigurationVersion",
        **hosted,
        Content=CONFIG_V2,
        ContentType="application/json",
        LatestVersionNumber=1,
        VersionLabel="v2.0-beta",
        expect_content=CONFIG_V2,
        expect_headers={**version_headers, "Version-Number": "2", "VersionLabel": "v2.0-beta"},
    )
    c.call(
        "CreateHostedConfigurationVersion",
        **hosted,
        Content=CONFIG_INVALID,
        ContentType="application/json",
        Description="breaks the schema",
        expect_content=CONFIG_INVALID,
        expect_headers={**version_headers, "Version-Number": "3"},
    )
    c.call(
        "CreateHostedConfigurationVersion",
        ApplicationId=app_id,
        ConfigurationProfileId=flags_id,
        Content=FLAGS,
        ContentType="application/json",
        VersionLabel="flags-1",
        expect_headers={"Application-Id": app_id, "Configuration-Profile-Id": flags_id, "Version-Number": "1"},
    )

    # --- Deployment strategies ---
    strategy = c.call(
        "CreateDeploymentStrategy",
        Name="conformance",
        Description="Exponential canary",
        DeploymentDurationInMinutes=20,
        FinalBakeTimeInMinutes=5,
        GrowthFactor=12.5,
        GrowthType="EXPONENTIAL",
        ReplicateTo="NONE",
        Tags={"owner": "conformance"},
        expect={
            "Name": "conformance",
            "DeploymentDurationInMinutes": 20,
            "FinalBakeTimeInMinutes": 5,
            "GrowthFactor": 12.5,
            "GrowthType": "EXPONENTIAL",
            "ReplicateTo": "NONE",
        },
    )
    if strategy is None:
        raise SystemExit("cannot build the test world without a deployment strategy")
    strategy_id = strategy["Id"]

    # --- Reads ---
    c.call("GetApplication", ApplicationId=app_id, expect={"Id": app_id, "Name": "conformance"})
    page = c.call("ListApplications", MaxResults=1)
    if page and page.get("NextToken"):
        c.call("ListApplications", MaxResults=1, NextToken=page["NextToken"])
    c.call("ListApplications")
    c.call("GetEnvironment", ApplicationId=app_id, EnvironmentId=env_id, expect={"Id": env_id, "Monitors": monitors})
    c.call("ListEnvironments", ApplicationId=app_id)
    c.call("ListEnvironments", ApplicationId=app_id, MaxResults=1)
    c.call(
        "GetConfigurationProfile",
        ApplicationId=app_id,
        ConfigurationProfileId=profile_id,
        expect={"Id": profile_id, "Type": "AWS.Freeform", "RetrievalRoleArn": ROLE_ARN, "Validators": validators},
    )
    c.call("GetConfigurationProfile", ApplicationId=app_id, ConfigurationProfileId=flags_id)
    c.call("ListConfigurationProfiles", ApplicationId=app_id)
    c.call("ListConfigurationProfiles", ApplicationId=app_id, Type="AWS.AppConfig.FeatureFlags")
    c.call(
        "GetHostedConfigurationVersion",
        **hosted,
        VersionNumber=1,
        expect_content=CONFIG_V1,
        expect_headers={
            **version_headers,
            "Version-Number": "1",
            "Content-Type": "application/json",
            "VersionLabel": "v1.0",
            "Description": "first version",
        },
    )
    c.call("GetHostedConfigurationVersion", ApplicationId=app_id, ConfigurationProfileId=flags_id, VersionNumber=1)
    c.call("ListHostedConfigurationVersions", **hosted)
    c.call("ListHostedConfigurationVersions", **hosted, MaxResults=1)
    c.call("ListHostedConfigurationVersions", **hosted, VersionLabel="v1*")
    c.call("ListHostedConfigurationVersions", ApplicationId=app_id, ConfigurationProfileId=flags_id)
    c.call("GetDeploymentStrategy", DeploymentStrategyId=strategy_id, expect={"Id": strategy_id})
    c.call(
        "GetDeploymentStrategy",
        DeploymentStrategyId="AppConfig.AllAtOnce",
        expect={"Id": "AppConfig.AllAtOnce", "GrowthFactor": 100.0, "FinalBakeTimeInMinutes": 10},
    )
    c.call("ListDeploymentStrategies")
    c.call("ListDeploymentStrategies", MaxResults=2)

    # --- Tags ---
    app_arn = arn(f"application/{app_id}")
    c.call("ListTagsForResource", ResourceArn=app_arn, expect={"Tags": {"team": "conformance", "stage": "test"}})
    c.call("ListTagsForResource", ResourceArn=arn(f"application/{app_id}/environment/{env_id}"))
    c.call("ListTagsForResource", ResourceArn=arn(f"application/{app_id}/configurationprofile/{profile_id}"))
    c.call("ListTagsForResource", ResourceArn=arn(f"deploymentstrategy/{strategy_id}"))
    c.call("TagResource", ResourceArn=app_arn, Tags={"cost-center": "42", "empty": ""})
    c.call("UntagResource", ResourceArn=app_arn, TagKeys=["stage"])
    c.call(
        "ListTagsForResource",
        ResourceArn=app_arn,
        expect={"Tags": {"team": "conformance", "cost-center": "42", "empty": ""}},
    )

    # --- Updates and validation ---
    c.call(
        "UpdateApplication",
        ApplicationId=app_id,
        Name="conformance-renamed",
        Description="Renamed",
        expect={"Id": app_id, "Name": "conformance-renamed", "Description": "Renamed"},
    )
    new_monitors = [{"AlarmArn": ALARM_ARN}, {"AlarmArn": ALARM_ARN_2, "AlarmRoleArn": ROLE_ARN}]
    c.call(
        "UpdateEnvironment",
        ApplicationId=app_id,
        EnvironmentId=env_id,
        Description="Production (updated)",
        Monitors=new_monitors,
        expect={"Description": "Production (updated)", "Monitors": new_monitors},
    )
    new_validators = [{"Type": "JSON_SCHEMA", "Content": SCHEMA}, {"Type": "JSON_SCHEMA", "Content": '{"type": "object"}'}]
    c.call(
        "UpdateConfigurationProfile",
        ApplicationId=app_id,
        ConfigurationProfileId=profile_id,
        Name="main-renamed",
        Description="Updated",
        Validators=new_validators,
        expect={"Name": "main-renamed", "Validators": new_validators},
    )
    c.call(
        "UpdateDeploymentStrategy",
        DeploymentStrategyId=strategy_id,
        Description="Now linear",
        GrowthType="LINEAR",
        GrowthFactor=25.0,
        DeploymentDurationInMinutes=0,
        FinalBakeTimeInMinutes=1440,
        expect={"GrowthType": "LINEAR", "GrowthFactor": 25.0, "DeploymentDurationInMinutes": 0},
    )
    c.call("ValidateConfiguration", **hosted, ConfigurationVersion="1")
    c.call("ValidateConfiguration", **hosted, ConfigurationVersion="2")
    c.call("ValidateConfiguration", ApplicationId=app_id, ConfigurationProfileId=flags_id, ConfigurationVersion="1")

    # --- Modelled errors ---
    c.call_error("GetApplication", "ResourceNotFoundException", ApplicationId="zz99zz9")
    c.call_error("GetEnvironment", "ResourceNotFoundException", ApplicationId=app_id, EnvironmentId="zz99zz9")
    c.call_error("GetHostedConfigurationVersion", "ResourceNotFoundException", **hosted, VersionNumber=99)
    c.call_error("ValidateConfiguration", "BadRequestException", **hosted, ConfigurationVersion="3")
    c.call_error(
        "CreateHostedConfigurationVersion",
        "ConflictException",
        **hosted,
        Content=CONFIG_V1,
        ContentType="application/json",
        LatestVersionNumber=1,
    )
    c.call_error(
        "CreateHostedConfigurationVersion",
        "BadRequestException",
        ApplicationId=app_id,
        ConfigurationProfileId=flags_id,
        Content=FLAGS_INVALID,
        ContentType="application/json",
    )
    c.call_error(
        "CreateHostedConfigurationVersion",
        "PayloadTooLargeException",
        **hosted,
        Content=b" " * (1024 * 1024 + 1),
        ContentType="application/json",
    )
    c.call_error("DeleteConfigurationProfile", "BadRequestException", **hosted)
    c.call_error("DeleteDeploymentStrategy", "BadRequestException", DeploymentStrategyId="AppConfig.AllAtOnce")

    # --- Deployments ---
    env_params = {"ApplicationId": app_id, "EnvironmentId": env_id}
    deploy = {"DeploymentStrategyId": strategy_id, "ConfigurationProfileId": profile_id, "ConfigurationVersion": "1"}
    started = c.call("StartDeployment", **env_params, **deploy, Description="conformance", Tags={"run": "1"},
                     expect={"DeploymentNumber": 1, "State": "DEPLOYING", "ConfigurationVersion": "1"})
    c.call_error("StartDeployment", "ConflictException", **env_params, **deploy)
    c.call("GetDeployment", **env_params, DeploymentNumber=1, expect={"DeploymentNumber": 1})
    c.call("ListDeployments", **env_params)
    c.call("ListDeployments", **env_params, MaxResults=1)
    # Let ramp's (manual) clock run the engine so the deployment has reached its clients.
    urllib.request.urlopen(urllib.request.Request(c.client.meta.endpoint_url + "/_ramp/clock", data=b'{"AdvanceSeconds": 0}', method="POST"))
    c.call("GetConfiguration", Application=app_id, Environment=env_id, Configuration=profile_id, ClientId="conformance")
    c.call("StopDeployment", **env_params, DeploymentNumber=1, expect={"State": "ROLLED_BACK"})
    c.call_error("StopDeployment", "BadRequestException", **env_params, DeploymentNumber=1)
    c.call_error("GetDeployment", "ResourceNotFoundException", **env_params, DeploymentNumber=99)
    c.call(
        "ListTagsForResource",
        ResourceArn=arn(f"application/{app_id}/environment/{env_id}/deployment/{started['DeploymentNumber']}"),
        expect={"Tags": {"run": "1"}},
    )

    # --- Out of scope: 501 NotImplementedException ---
    action = {
        "Name": "notify",
        "Uri": "arn:aws:lambda:us-east-1:000000000000:function:notify",
        "RoleArn": "arn:aws:iam::000000000000:role/extension",
    }
    c.call_not_implemented("CreateExtension", Name="conformance", Actions={"ON_DEPLOYMENT_COMPLETE": [action]})
    c.call_not_implemented("GetExtension", ExtensionIdentifier="AWS.AppConfig.FeatureFlags")
    c.call_not_implemented("ListExtensions")
    c.call_not_implemented("UpdateExtension", ExtensionIdentifier="abcd123", Description="x")
    c.call_not_implemented("DeleteExtension", ExtensionIdentifier="abcd123")
    c.call_not_implemented(
        "CreateExtensionAssociation", ExtensionIdentifier="AWS.AppConfig.FeatureFlags", ResourceIdentifier=app_arn
    )
    c.call_not_implemented("GetExtensionAssociation", ExtensionAssociationId="abcd123")
    c.call_not_implemented("ListExtensionAssociations")
    c.call_not_implemented("UpdateExtensionAssociation", ExtensionAssociationId="abcd123", Parameters={"k": "v"})
    c.call_not_implemented("DeleteExtensionAssociation", ExtensionAssociationId="abcd123")

    # --- Deletes, children first ---
    protection_off = {"Enabled": False, "ProtectionPeriodInMinutes": 60}
    c.call("UpdateAccountSettings", DeletionProtection=protection_off, expect={"DeletionProtection": protection_off})
    for version in (1, 2, 3):
        c.call("DeleteHostedConfigurationVersion", **hosted, VersionNumber=version)
    c.call("DeleteHostedConfigurationVersion", ApplicationId=app_id, ConfigurationProfileId=flags_id, VersionNumber=1)
    c.call("DeleteConfigurationProfile", **hosted)
    c.call("DeleteConfigurationProfile", ApplicationId=app_id, ConfigurationProfileId=flags_id, DeletionProtectionCheck="BYPASS")
    c.call("DeleteEnvironment", ApplicationId=app_id, EnvironmentId=env_id)
    c.call("DeleteEnvironment", ApplicationId=app_id, EnvironmentId=staging["Id"], DeletionProtectionCheck="APPLY")
    c.call("DeleteDeploymentStrategy", DeploymentStrategyId=strategy_id)
    c.call("DeleteApplication", ApplicationId=app_id)
    c.call("DeleteApplication", ApplicationId=other_app["Id"])
    c.call_error("GetApplication", "ResourceNotFoundException", ApplicationId=app_id)


def main(argv):
    if len(argv) not in (2, 3):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    base_url = argv[1]
    account = argv[2] if len(argv) == 3 else "000000000000"
    client = boto3.client(
        "appconfig",
        endpoint_url=base_url,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"total_max_attempts": 1}),
    )
    checker = Checker(client)
    run(checker, account)

    in_scope = {name for name in checker.model.operation_names if not out_of_scope(name)}
    missing = sorted(in_scope - checker.succeeded)
    if missing:
        checker.violations.append(f"in-scope operations never answered a conforming success: {', '.join(missing)}")
    print(f"{len(in_scope)} in-scope operations, {len(checker.model.operation_names) - len(in_scope)} out of scope")

    if checker.violations:
        print(f"\n{len(checker.violations)} violation(s):")
        for violation in checker.violations:
            print(f"  - {violation}")
    failed = checker.failed + (1 if missing else 0)
    print(f"{checker.checked - checker.failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
