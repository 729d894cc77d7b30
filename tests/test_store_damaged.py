"""One unreadable record (bad JSON, the wrong types) is replaced, and "forget me" deletes it.

A damaged record is no outage: the store answers, only this user's record cannot be understood.
It used to block "forget me" ("Sorry, I can't reach my memory right now") and greet the user as
new on every visit, forever. Now it is logged (its length, never its content), treated as empty
for the turn, replaced by the next save, and deleted by "forget me" whatever it holds.
"""

from __future__ import annotations

import json
import logging
import sqlite3

import pytest

from skill.app import build_skill
from skill.config import Settings
from tests.alexa_api import FakeAlexaApi
from tests.conftest import replayer
from tests.test_state_dynamodb import (  # noqa: F401  (aws_env, dynamodb_url: fixtures)
    aws_env,
    create_state_table,
    dynamodb_url,
)

USER = "amzn1.ask.account.TEST_USER"
SECRET = "PRIVATE-NOTE-7731"

DAMAGED_JSON = [
    "{not json " + SECRET,                                    # bad JSON
    json.dumps(["a list", SECRET]),                           # JSON, not an object
    json.dumps(SECRET),                                       # a bare string
    json.dumps({"visits": SECRET, "topic": 5, "tips": [SECRET], "reminder": SECRET,
                "first_seen": 7, "last_seen": None}),         # an object with the wrong types
]


def damage_sqlite(path, text: str) -> None:
    replayer(build_skill(Settings(state_path=str(path)), api_client=FakeAlexaApi()))(
        "cause_coffee")
    with sqlite3.connect(path) as db:
        assert db.execute("UPDATE users SET attributes = ? WHERE id = ?", (text, USER)).rowcount


def rows(path) -> int:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT count(*) FROM users").fetchone()[0]


@pytest.mark.parametrize("text", DAMAGED_JSON)
def test_forget_me_deletes_an_unreadable_record(store_path, text, caplog):
    damage_sqlite(store_path, text)
    run = replayer(build_skill(Settings(state_path=str(store_path)), api_client=FakeAlexaApi()))
    with caplog.at_level(logging.DEBUG):
        asked = run("memory_forget_me")
        assert asked.speech.startswith("Do you want me to delete everything"), asked.speech
        done = run("memory_forget_yes", **asked.attributes)
    assert done.speech.startswith("Done. I've deleted everything"), done.speech
    assert rows(store_path) == 0
    assert SECRET not in caplog.text


@pytest.mark.parametrize("text", DAMAGED_JSON)
def test_an_unreadable_record_is_replaced_so_the_user_is_known_again(store_path, text, caplog):
    damage_sqlite(store_path, text)
    run = replayer(build_skill(Settings(state_path=str(store_path)), api_client=FakeAlexaApi()))
    with caplog.at_level(logging.DEBUG):
        run("memory_launch")
    assert run("memory_launch").speech.startswith("Welcome back to Muscle Twitch Guide.")
    assert SECRET not in caplog.text


@pytest.mark.parametrize("attributes", [{"S": SECRET}, {"N": "3"}, {"L": [{"S": SECRET}]},
                                        None])
def test_an_unreadable_dynamodb_item_is_deleted_and_replaced(dynamodb_url, attributes,  # noqa: F811
                                                             request):
    import boto3

    table = create_state_table(dynamodb_url, f"users-damaged-{abs(hash(request.node.name))}")
    client = boto3.client("dynamodb", endpoint_url=dynamodb_url)   # typed values, as stored
    item = {"id": {"S": USER}}
    if attributes is not None:
        item["attributes"] = attributes
    client.put_item(TableName=table.name, Item=item)
    run = replayer(build_skill(Settings(state_table=table.name, dynamodb_endpoint=dynamodb_url),
                               api_client=FakeAlexaApi()))
    asked = run("memory_forget_me")
    assert asked.speech.startswith("Do you want me to delete everything"), asked.speech
    assert run("memory_forget_yes", **asked.attributes).speech.startswith("Done.")
    assert "Item" not in table.get_item(Key={"id": USER}, ConsistentRead=True)

    client.put_item(TableName=table.name, Item=item)
    run("memory_launch")
    assert run("memory_launch").speech.startswith("Welcome back to Muscle Twitch Guide.")
