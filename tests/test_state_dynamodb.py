"""The Lambda's store: user records in the DynamoDB table template.yaml declares.

Run against moto's DynamoDB server on loopback (a real HTTP endpoint speaking DynamoDB's wire
protocol, through boto3 and the SDK's adapter), with a table built from the template itself.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.skill_builder import CustomSkillBuilder
from ask_sdk_model import Response
from moto.server import ThreadedMotoServer
from samtranslator.yaml_helper import yaml_parse

from skill.app import build_skill, handle_event
from skill.config import Settings
from skill.store import persistence_adapter
from skill.store.dynamodb import DynamoDbStore, dynamodb_adapter
from skill.store.records import (
    SaveUserRecord,
    forget,
    remember,
    user_record,
)
from skill.store.table import (
    STATE_TABLE_ATTRIBUTE,
    STATE_TABLE_KEY,
    STATE_TABLE_VERSION,
    STATE_TABLE_WRITER,
)
from tests.conftest import Reply, load_fixture

TEMPLATE = yaml_parse((Path(__file__).resolve().parent.parent / "template.yaml").read_text())
USER = "amzn1.ask.account.TEST_USER"


@contextmanager
def dynamodb_emulator() -> Iterator[str]:
    """moto's DynamoDB server on a free loopback port; yields its URL."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture(scope="module")
def dynamodb_url() -> Iterator[str]:
    with dynamodb_emulator() as url:
        yield url


@pytest.fixture(autouse=True)
def aws_env(monkeypatch, tmp_path):
    """Dummy credentials and a region, and no profile or config of whoever runs the tests."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "aws-credentials"))


@pytest.fixture
def table(dynamodb_url, request) -> Iterator[Any]:
    """A fresh table for each test."""
    created = create_state_table(dynamodb_url, f"users-{request.node.name}")
    yield created
    created.delete()


def create_state_table(dynamodb_url: str, name: str) -> Any:
    """A table as template.yaml declares UserStateTable: its key schema and billing mode."""
    import boto3

    declared = TEMPLATE["Resources"]["UserStateTable"]["Properties"]
    dynamodb = boto3.resource("dynamodb", endpoint_url=dynamodb_url)
    created = dynamodb.create_table(TableName=name, KeySchema=declared["KeySchema"],
                                    AttributeDefinitions=declared["AttributeDefinitions"],
                                    BillingMode=declared["BillingMode"])
    created.wait_until_exists()
    return created


def settings_for(table, dynamodb_url) -> Settings:
    return Settings(state_table=table.name, dynamodb_endpoint=dynamodb_url)


class Visit(AbstractRequestHandler):
    """A stand-in feature that remembers visits ("VisitIntent") or forgets them ("ForgetIntent").

    The core skill has no handler that writes a record yet; this one goes through the same SDK
    dispatch, attributes manager and SaveUserRecord interceptor that build_skill() wires up.
    """

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return handler_input.request_envelope.request.object_type == "IntentRequest"

    def handle(self, handler_input: HandlerInput) -> Response:
        name = handler_input.request_envelope.request.intent.name
        record = user_record(handler_input)
        before = json.dumps(record, sort_keys=True)
        if name == "ForgetIntent":
            done = forget(handler_input)
        else:
            done = remember(handler_input, visits=record.get("visits", 0) + 1, score=0.5,
                            history=[*record.get("history", []), "tip_water"])
        speech = f"{name} {done} {before}"
        return handler_input.response_builder.speak(speech).response


def feature_skill(settings: Settings):
    builder = CustomSkillBuilder(persistence_adapter=persistence_adapter(settings))
    builder.add_request_handler(Visit())
    builder.add_global_response_interceptor(SaveUserRecord())
    return builder.create()


def intent(name: str) -> dict[str, Any]:
    envelope = load_fixture("daily_tip")
    envelope["request"]["intent"] = {"name": name, "confirmationStatus": "NONE", "slots": {}}
    return envelope


def said(skill, name: str) -> str:
    return Reply(handle_event(skill, intent(name))).speech


def test_a_record_written_by_one_turn_is_read_by_the_next_and_deleted_by_forget(
        table, dynamodb_url):
    skill = feature_skill(settings_for(table, dynamodb_url))
    assert said(skill, "VisitIntent") == "VisitIntent True {}"
    assert said(skill, "VisitIntent") == (
        'VisitIntent True {"history": ["tip_water"], "score": 0.5, "visits": 1}')
    stored = table.get_item(Key={STATE_TABLE_KEY: USER})["Item"]
    assert set(stored) == {STATE_TABLE_KEY, STATE_TABLE_ATTRIBUTE, STATE_TABLE_VERSION, "born",
                           STATE_TABLE_WRITER}
    assert stored[STATE_TABLE_VERSION] == 2
    assert stored[STATE_TABLE_ATTRIBUTE]["visits"] == 2

    assert said(skill, "ForgetIntent").startswith("ForgetIntent True")
    assert "Item" not in table.get_item(Key={STATE_TABLE_KEY: USER})
    assert said(skill, "VisitIntent") == "VisitIntent True {}"


def test_records_read_back_as_the_same_json_from_dynamodb_and_from_sqlite(
        table, dynamodb_url, tmp_path):
    """The two stores mean the same thing: a handler cannot tell which one it runs on."""
    answers = {}
    for store, settings in (("dynamodb", settings_for(table, dynamodb_url)),
                            ("sqlite", Settings(state_path=str(tmp_path / "users.sqlite3")))):
        skill = feature_skill(settings)
        said(skill, "VisitIntent")
        answers[store] = said(skill, "VisitIntent")
    assert answers["dynamodb"] == answers["sqlite"]
    assert '"visits": 1' in answers["dynamodb"] and '"score": 0.5' in answers["dynamodb"]


def test_the_skill_answers_with_the_table_as_its_store(table, dynamodb_url):
    skill = build_skill(settings_for(table, dynamodb_url))
    assert type(skill.persistence_adapter).__name__ == "DynamoDbStore"
    welcome = Reply(handle_event(skill, load_fixture("launch")))
    assert "not medical advice" in welcome.speech.lower()
    assert "caffeine" in Reply(handle_event(skill, load_fixture("cause_coffee"))).speech.lower()


def test_a_missing_table_costs_the_turn_its_memory_not_its_answer(dynamodb_url):
    settings = Settings(state_table="no-such-table", dynamodb_endpoint=dynamodb_url)
    assert said(feature_skill(settings), "VisitIntent") == "VisitIntent False {}"
    welcome = Reply(handle_event(build_skill(settings), load_fixture("launch")))
    assert "not medical advice" in welcome.speech.lower()


def test_a_slow_table_cannot_hold_a_turn_past_alexas_eight_seconds(dynamodb_url):
    """boto3 would wait 60 s per try; the store gives up after about a second and one retry."""
    adapter = persistence_adapter(Settings(state_table="users", dynamodb_endpoint=dynamodb_url))
    config = adapter.client.meta.config
    assert config.connect_timeout <= 1 and config.read_timeout <= 1
    assert config.retries["total_max_attempts"] <= 2


class RepliesLost:
    """A client whose writes land but whose replies are lost, so botocore sends each write again.

    That is what a read time-out after DynamoDB applied the write looks like from the skill: the
    copy fails its condition (the version it expects has moved on: by this very write).
    """

    def __init__(self, client: Any) -> None:
        self.client = client

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)

    def put_item(self, **request: Any) -> Any:
        self.client.put_item(**request)
        return self.client.put_item(**request)

    def transact_write_items(self, **request: Any) -> Any:
        self.client.transact_write_items(**request)
        return self.client.transact_write_items(**request)


def test_a_write_that_landed_though_its_reply_was_lost_counts_once(table, dynamodb_url):
    store = DynamoDbStore(table.name, RepliesLost(dynamodb_adapter(table.name,
                                                                   dynamodb_url).client))
    assert store.write(USER, {"visits": 1}, store.read(USER)) is True        # the first record
    assert store.write(USER, {"visits": 2}, store.read(USER)) is True        # a later version
    stored = table.get_item(Key={STATE_TABLE_KEY: USER}, ConsistentRead=True)["Item"]
    assert stored[STATE_TABLE_ATTRIBUTE]["visits"] == 2 and stored[STATE_TABLE_VERSION] == 2


def test_a_write_beaten_by_another_turn_is_reported_as_not_kept(table, dynamodb_url):
    store = dynamodb_adapter(table.name, dynamodb_url)
    base = store.read(USER)
    assert store.write(USER, {"visits": 1}, base) is True
    assert store.write(USER, {"visits": 1}, base) is False   # read before the write above


def test_an_item_written_before_versions_existed_still_loads_and_saves(table, dynamodb_url):
    table.put_item(Item={STATE_TABLE_KEY: USER, STATE_TABLE_ATTRIBUTE: {"visits": 4}})
    skill = feature_skill(settings_for(table, dynamodb_url))
    assert said(skill, "VisitIntent") == 'VisitIntent True {"visits": 4}'
    stored = table.get_item(Key={STATE_TABLE_KEY: USER}, ConsistentRead=True)["Item"]
    assert stored[STATE_TABLE_ATTRIBUTE]["visits"] == 5 and stored[STATE_TABLE_VERSION] == 1


def test_deletion_markers_expire_through_the_tables_time_to_live():
    from skill.store.table import STATE_TABLE_EXPIRES

    ttl = TEMPLATE["Resources"]["UserStateTable"]["Properties"]["TimeToLiveSpecification"]
    assert ttl == {"AttributeName": STATE_TABLE_EXPIRES, "Enabled": True}
