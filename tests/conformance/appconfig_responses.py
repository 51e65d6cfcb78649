#!/usr/bin/env python3
"""Model conformance of ramp's AppConfig responses.

    python3 tests/conformance/appconfig_responses.py BASE_URL [ACCOUNT_ID]

Drives a running ramp with boto3, calling every in-scope operation of the `appconfig` 2019-10-09
model (every operation except the extension ones) with valid inputs, and checks each raw HTTP
response against the operation's output shape in the botocore model, recursively (`shapes.py`:
status, members, types, enums, lengths, patterns, ranges; the header-bound members of hosted
configuration versions and their raw payload). Expected errors are checked against their
exception shapes. Out-of-scope operations must answer HTTP 501 with
`x-amzn-ErrorType: NotImplementedException`.

The script also asserts that every in-scope operation was called successfully at least once. It
prints one line per checked response, every violation, and finally `N passed, M failed` (N is the
number of conforming responses); the exit status is non-zero when anything failed.
"""

from __future__ import annotations

import json
import re
import sys
import urllib.request

import boto3
from botocore.config import Config
from shapes import Checker, report

# Operations ramp answers with 501 NotImplementedException for now (none at present).
OUT_OF_SCOPE: set = set()

# The model's shapes reuse input patterns for outputs; `Id` outputs also carry the predefined
# deployment strategies' ids (`AppConfig.AllAtOnce`), which that pattern was never meant for
# (spec/appconfig.md §2.1).
PREDEFINED_ID = re.compile(r"^AppConfig\.[A-Za-z0-9]{9,40}$")
# So do AWS-authored extensions' ids (`AWS.AppConfig.FeatureFlags`, spec/appconfig.md §8.6).
AWS_AUTHORED_ID = re.compile(r"^AWS\.AppConfig\.[A-Za-z]+$")

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
    return operation in OUT_OF_SCOPE


def tolerated(where, shape, value, check):
    """AppConfig's documented divergences from its model, accepted by the checker."""
    if check == "pattern":
        return shape.name == "Id" and bool(PREDEFINED_ID.match(value) or AWS_AUTHORED_ID.match(value))
    # The model gives PercentageComplete a minimum of 1.0, yet AWS's own StartDeployment example
    # answers 0.0 for a deployment that has not taken its first step (spec/appconfig.md §4.2).
    return check == "range" and where.endswith("PercentageComplete") and value == 0.0



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

    # --- Extensions and their associations (spec/appconfig.md §8) ---
    action = {
        "Name": "notify",
        "Uri": "https://hooks.example.com/appconfig",
        "RoleArn": "arn:aws:iam::000000000000:role/extension",
    }
    actions = {"ON_DEPLOYMENT_COMPLETE": [action]}
    extension = c.call(
        "CreateExtension",
        Name="conformance",
        Description="conformance checks",
        Actions=actions,
        Parameters={"channel": {"Required": True, "Description": "where"}, "run": {"Dynamic": True}},
        Tags={"team": "ops"},
        expect={"VersionNumber": 1},
    )
    c.call_error("CreateExtension", "ConflictException", Name="conformance", Actions=actions)
    c.call_error("CreateExtension", "ConflictException", Name="conformance", Actions=actions, LatestVersionNumber=7)
    c.call("CreateExtension", Name="conformance", Actions=actions, LatestVersionNumber=1, expect={"VersionNumber": 2})
    c.call("GetExtension", ExtensionIdentifier=extension["Id"], VersionNumber=1, expect={"VersionNumber": 1})
    c.call("GetExtension", ExtensionIdentifier="conformance", expect={"VersionNumber": 2})
    c.call("GetExtension", ExtensionIdentifier="AWS.AppConfig.FeatureFlags", expect={"VersionNumber": 1})
    c.call_error("GetExtension", "ResourceNotFoundException", ExtensionIdentifier="nothere")
    c.call("ListExtensions")
    c.call("ListExtensions", Name="conformance", MaxResults=1)
    c.call("UpdateExtension", ExtensionIdentifier=extension["Id"], VersionNumber=1, Description="edited", expect={"Description": "edited"})
    c.call_error("UpdateExtension", "ResourceNotFoundException", ExtensionIdentifier="abcd123", Description="x")
    # Version 1 requires `channel`.
    c.call_error(
        "CreateExtensionAssociation",
        "BadRequestException",
        ExtensionIdentifier=extension["Id"],
        ExtensionVersionNumber=1,
        ResourceIdentifier=app_arn,
    )
    association = c.call(
        "CreateExtensionAssociation",
        ExtensionIdentifier=extension["Id"],
        ExtensionVersionNumber=1,
        ResourceIdentifier=app_arn,
        Parameters={"channel": "#ops"},
        Tags={"team": "ops"},
        expect={"ExtensionVersionNumber": 1, "Parameters": {"channel": "#ops"}},
    )
    c.call(
        "CreateExtensionAssociation",
        ExtensionIdentifier="AWS.AppConfig.DeploymentNotificationsToSns",
        ResourceIdentifier=app_arn,
        Parameters={"topicArn": "arn:aws:sns:us-east-1:000000000000:deployments"},
    )
    c.call("GetExtensionAssociation", ExtensionAssociationId=association["Id"])
    c.call_error("GetExtensionAssociation", "ResourceNotFoundException", ExtensionAssociationId="abcd123")
    c.call("ListExtensionAssociations")
    c.call("ListExtensionAssociations", ResourceIdentifier=app_arn, ExtensionIdentifier=extension["Id"], ExtensionVersionNumber=1, MaxResults=1)
    c.call(
        "UpdateExtensionAssociation",
        ExtensionAssociationId=association["Id"],
        Parameters={"channel": "#alerts"},
        expect={"Parameters": {"channel": "#alerts"}},
    )
    c.call_error("DeleteExtension", "BadRequestException", ExtensionIdentifier=extension["Id"], VersionNumber=1)
    c.call("DeleteExtensionAssociation", ExtensionAssociationId=association["Id"])
    c.call_error("DeleteExtensionAssociation", "ResourceNotFoundException", ExtensionAssociationId=association["Id"])
    c.call("DeleteExtension", ExtensionIdentifier=extension["Id"], VersionNumber=1)
    c.call("DeleteExtension", ExtensionIdentifier=extension["Id"])
    c.call_error("DeleteExtension", "ResourceNotFoundException", ExtensionIdentifier=extension["Id"])

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
    checker = Checker(client, tolerated)
    run(checker, account)

    in_scope = {name for name in checker.model.operation_names if not out_of_scope(name)}
    return report(checker, in_scope, len(checker.model.operation_names) - len(in_scope))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
