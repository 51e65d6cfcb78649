"""Checks raw HTTP responses of an AWS restJson1 service against its botocore model.

Shared by the conformance scripts beside it (`appconfig_responses.py`, `amplify_responses.py`):
each drives a running ramp with boto3 through a `Checker`, which captures every raw HTTP response
and checks it recursively against the operation's output shape:

* the HTTP status is the operation's `http.responseCode` (200 when the model gives none);
* operations without output answer with an empty body;
* JSON bodies are `application/json` objects; every required member is present, every member
  present is declared in the shape, and every value has the shape's type (ISO-8601 strings for
  `iso8601` timestamps, epoch-second numbers otherwise), enum value, length, pattern and range;
* header-bound members are read from the headers named by their `locationName`, required ones
  must be there, and a blob or string payload member is the raw body.

Expected errors are checked the same way against their exception shapes (status, the
`x-amzn-ErrorType` header, the operation's modelled error list, body members).
"""

from __future__ import annotations

import base64
import json
import re

import regex
from botocore import xform_name
from botocore.exceptions import ClientError

ISO8601 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$")


class Checker:
    """Calls operations, captures each raw HTTP response and checks it against the model."""

    def __init__(self, client, tolerated=None):
        self.client = client
        # (where, shape, value, check) -> True for a documented divergence from the model that
        # the service's checker accepts; `check` is "enum", "pattern" or "range".
        self.tolerated = tolerated or (lambda _where, _shape, _value, _check: False)
        self.model = client.meta.service_model
        self.checked = 0
        self.failed = 0
        self.violations: list[str] = []
        self.succeeded: set[str] = set()
        self._captured = None
        client.meta.events.register(f"after-call.{self.model.service_id.hyphenize()}", self._capture)

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

    def call_error(self, operation, code, *, unmodelled=False, **params):
        """Calls `operation`, which must fail with the modelled exception `code`, and checks the error.

        `unmodelled=True` is for a documented choice to answer an exception of the model that
        this operation does not list: its shape is checked all the same, and it must indeed be
        missing from the list (so the exception is dropped once the model lists it).
        """
        self._captured = None
        try:
            getattr(self.client, xform_name(operation))(**params)
        except ClientError:
            pass
        else:
            self._finish(f"{operation} ({code})", [f"succeeded, expected {code}"])
            return
        model, http = self._captured
        problems = self.error_problems(model, http, code, unmodelled)
        self._finish(f"{operation} ({code})", problems, http.status_code)

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

    def error_problems(self, op_model, http, code, unmodelled=False):
        problems = []
        error_type = error_type_header(http)
        if error_type != code:
            problems.append(f"x-amzn-ErrorType {error_type!r}, expected {code!r}")
        modelled = {shape.name for shape in op_model.error_shapes}
        if unmodelled:
            if error_type in modelled:
                problems.append(f"{error_type} is now a modelled error of the operation: drop unmodelled=True")
            if error_type not in self.model.shape_names:
                problems.append(f"{error_type} is no exception shape of the model")
                return problems
        elif error_type not in modelled:
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
            if shape.enum and value not in shape.enum and not self.tolerated(where, shape, value, "enum"):
                problems.append(f"{where}: {value!r} is not one of {shape.enum}")
            problems += size_problems(where, meta, len(value), "characters")
            pattern = meta.get("pattern")
            tolerated = self.tolerated(where, shape, value, "pattern")
            # Smithy patterns are not implicitly anchored: a search, not a full match. `regex`,
            # not `re`: the patterns use Unicode classes (`\\p{L}`) that `re` lacks.
            if pattern and not tolerated and not regex.search(pattern, value):
                problems.append(f"{where}: {value!r} does not match the pattern {pattern!r} of {shape.name}")
            return problems
        if kind in ("integer", "long"):
            if not isinstance(value, int) or isinstance(value, bool):
                return [f"{where}: expected an integer ({shape.name}), got {type(value).__name__} {value!r}"]
            return self.range_problems(where, shape, value)
        if kind in ("float", "double"):
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                return [f"{where}: expected a number ({shape.name}), got {type(value).__name__} {value!r}"]
            return self.range_problems(where, shape, value)
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

    def range_problems(self, where, shape, value):
        if self.tolerated(where, shape, value, "range"):
            return []
        return range_problems(where, shape.metadata, value)

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


def report(checker: Checker, required: set, excluded: int = 0) -> int:
    """Prints the violations and the closing `N passed, M failed` line; the exit status.

    Every operation in `required` must have answered at least one conforming success;
    `excluded` is the number of the model's operations left out of `required`.
    """
    missing = sorted(required - checker.succeeded)
    if missing:
        checker.violations.append(f"operations that never answered a conforming success: {', '.join(missing)}")
    print(f"{len(required)} operations required, {excluded} out of scope")
    if checker.violations:
        print(f"\n{len(checker.violations)} violation(s):")
        for violation in checker.violations:
            print(f"  - {violation}")
    failed = checker.failed + (1 if missing else 0)
    print(f"{checker.checked - checker.failed} passed, {failed} failed")
    return 1 if failed else 0
