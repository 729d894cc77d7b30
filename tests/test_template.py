"""template.yaml: lints clean, transforms offline into CloudFormation, and deploys what we build."""

from __future__ import annotations

import copy
import importlib
import re
from pathlib import Path
from typing import Any

import pytest
from cfnlint.api import ManualArgs, lint
from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse

from skill.build import package
from skill.store.table import STATE_TABLE_KEY

TEMPLATE_FILE = Path(__file__).resolve().parent.parent / "template.yaml"
TEMPLATE_TEXT = TEMPLATE_FILE.read_text(encoding="utf-8")
TEMPLATE = yaml_parse(TEMPLATE_TEXT)
FUNCTION = TEMPLATE["Resources"]["SkillFunction"]["Properties"]
TABLE = TEMPLATE["Resources"]["UserStateTable"]
SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"
# The regions that host Alexa skill endpoints (NA, EU and IN, FE).
ALEXA_REGIONS = ["us-east-1", "eu-west-1", "us-west-2"]


class NoManagedPolicies:
    """The translator's managed-policy map, offline: the template names no managed policy."""

    def load(self) -> dict[str, str]:
        return {}


@pytest.fixture(scope="module")
def cloudformation() -> dict[str, Any]:
    """What CloudFormation receives after `sam deploy` uploaded the code to S3."""
    template = copy.deepcopy(TEMPLATE)
    template["Resources"]["SkillFunction"]["Properties"]["CodeUri"] = "s3://bucket/skill.zip"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("AWS_DEFAULT_REGION", "us-east-1")
        return transform(template, {"SkillId": SKILL_ID}, NoManagedPolicies())


def resources_of(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {name: r for name, r in template["Resources"].items() if r["Type"] == kind}


def test_cfn_lint_finds_nothing_in_any_alexa_region():
    matches = lint(TEMPLATE_TEXT, config=ManualArgs(regions=ALEXA_REGIONS))
    assert [str(match) for match in matches] == []


def test_it_transforms_into_a_function_alexa_alone_may_invoke(cloudformation):
    [function] = resources_of(cloudformation, "AWS::Lambda::Function").values()
    assert function["Properties"]["Code"] == {"S3Bucket": "bucket", "S3Key": "skill.zip"}
    [permission] = resources_of(cloudformation, "AWS::Lambda::Permission").values()
    assert permission["Properties"]["Principal"] == "alexa-appkit.amazon.com"
    assert permission["Properties"]["EventSourceToken"] == {"Ref": "SkillId"}


def test_the_function_may_touch_only_its_table(cloudformation):
    [role] = resources_of(cloudformation, "AWS::IAM::Role").values()
    statements = [s for policy in role["Properties"]["Policies"]
                  for s in policy["PolicyDocument"]["Statement"]]
    assert statements
    for statement in statements:
        assert all(action.startswith("dynamodb:") for action in statement["Action"])
        assert {"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"} <= set(
            statement["Action"])
        for resource in statement["Resource"]:
            assert resource != "*"
            assert resource["Fn::Sub"][1] == {"tableName": {"Ref": "UserStateTable"}}
    assert role["Properties"]["ManagedPolicyArns"] == [
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]


def test_the_function_runs_what_skill_package_builds():
    assert FUNCTION["Runtime"] == package.LAMBDA_RUNTIME
    assert FUNCTION["Architectures"] == [package.LAMBDA_ARCHITECTURE]
    assert TEMPLATE["Resources"]["SkillFunction"]["Metadata"]["BuildMethod"] == "makefile"
    makefile = (TEMPLATE_FILE.parent / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^build-SkillFunction:\n\t.*-m skill\.build\.package lambda --into "
                     r"\"\$\(ARTIFACTS_DIR\)\"$", makefile, re.M)


def test_the_handler_it_names_exists():
    module, function = FUNCTION["Handler"].rsplit(".", 1)
    assert callable(getattr(importlib.import_module(module), function))


def test_the_function_answers_before_alexa_gives_up():
    assert FUNCTION["Timeout"] < 8
    assert 256 <= FUNCTION["MemorySize"] <= 1024


def test_in_lambda_user_records_go_to_the_table_never_to_sqlite():
    variables = FUNCTION["Environment"]["Variables"]
    assert variables["STATE_TABLE"] == {"Ref": "UserStateTable"}
    assert variables["LOG_LEVEL"] == {"Ref": "LogLevel"}
    assert "STATE_PATH" not in variables
    assert variables["PYTHONWARNINGS"] == "ignore::SyntaxWarning"


def test_the_table_is_on_demand_recoverable_and_keyed_as_the_adapter_expects():
    properties = TABLE["Properties"]
    assert properties["BillingMode"] == "PAY_PER_REQUEST"
    assert properties["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert properties["KeySchema"] == [{"AttributeName": STATE_TABLE_KEY, "KeyType": "HASH"}]
    assert properties["AttributeDefinitions"] == [
        {"AttributeName": STATE_TABLE_KEY, "AttributeType": "S"}]
    assert TABLE["DeletionPolicy"] == TABLE["UpdateReplacePolicy"] == "Retain"


def test_logs_are_kept_for_a_bounded_time():
    assert FUNCTION["LoggingConfig"] == {"LogGroup": {"Ref": "SkillLogGroup"}}
    log_group = TEMPLATE["Resources"]["SkillLogGroup"]["Properties"]
    assert log_group["RetentionInDays"] == {"Ref": "LogRetentionDays"}


def test_parameters_and_outputs_a_builder_needs():
    parameters = TEMPLATE["Parameters"]
    assert {"SkillId", "Stage", "LogLevel"} <= set(parameters)
    assert re.fullmatch(parameters["SkillId"]["AllowedPattern"], SKILL_ID)
    assert not re.fullmatch(parameters["SkillId"]["AllowedPattern"], "amzn1.ask.skill.oops")
    assert parameters["LogLevel"]["Default"] in parameters["LogLevel"]["AllowedValues"]
    assert TEMPLATE["Outputs"]["SkillFunctionArn"]["Value"] == {
        "Fn::GetAtt": ["SkillFunction", "Arn"]}


def test_no_secret_or_account_specific_value_is_written_in_it():
    assert not re.search(r"AKIA[0-9A-Z]{16}|aws_secret|password|token", TEMPLATE_TEXT, re.I)
    assert not re.search(r"\b\d{12}\b", TEMPLATE_TEXT), "an account id"
    assert not re.search(r"amzn1\.ask\.skill\.[0-9a-f]{8}-", TEMPLATE_TEXT), "a skill id"
