"""User records in DynamoDB, the store the Lambda uses (STATE_TABLE), meaning what SQLite means.

Imported only when a table is configured, because boto3 is heavy and the local paths never need
it. Settled here:

- Concurrency. Every write is a PutItem conditional on the version this turn read (a first
  write: on there being no item), so two requests for one user cannot overwrite each other;
  records.py merges and retries when the condition fails. Reads are strongly consistent, so a
  retry sees the write that beat it. A write also carries a fresh token: when its reply is lost
  and botocore's retry of it fails the condition (the first try had landed), the token read
  back tells a write that landed from one that was beaten, so nothing is counted twice.
- Numbers. DynamoDB refuses Python floats and hands every number back as a Decimal, which JSON
  (session attributes, the SQLite store) cannot take. Records go in as JSON-shaped data and come
  back as int or float, so a handler reads back exactly what it wrote, whichever store is behind.
- Time. boto3 waits 60 seconds per call and retries; Alexa gives up after 8. A slow table must
  cost a turn its memory, never its answer, so calls time out in about a second and retry once.

The item: {id: user id, attributes: the record (a map), version: a number, born: the deletion
marker it was created after, writer: the token of the write that produced it}. An item written
before versions existed has neither version nor born and loads as version 0. A deletion marker
is an item of its own, {id: records.marker_key(user id), version, expires}: the table's
time-to-live (template.yaml) removes it after records.MARKER_SECONDS.
Creating a record and deleting one are transactions with the marker (TransactWriteItems).
"""

from __future__ import annotations

import json
import time
import uuid
from decimal import Decimal
from typing import Any

import boto3
from ask_sdk_core.exceptions import PersistenceException
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from skill.store.records import (
    MARKER_SECONDS,
    Stored,
    VersionedAdapter,
    marker_key,
    unreadable_or,
)
from skill.store.table import (
    STATE_TABLE_ATTRIBUTE,
    STATE_TABLE_BORN,
    STATE_TABLE_EXPIRES,
    STATE_TABLE_KEY,
    STATE_TABLE_VERSION,
    STATE_TABLE_WRITER,
)

_CLIENT_CONFIG = Config(connect_timeout=1.0, read_timeout=1.0,
                        retries={"total_max_attempts": 2, "mode": "standard"})
_SERIALIZE = TypeSerializer().serialize
_DESERIALIZE = TypeDeserializer().deserialize
_NAMES = {"#k": STATE_TABLE_KEY, "#v": STATE_TABLE_VERSION, "#b": STATE_TABLE_BORN,
          "#e": STATE_TABLE_EXPIRES}


def _number(value: Any) -> Any:
    return from_item(_DESERIALIZE(value)) if value is not None else None


def _names(expression: str) -> dict[str, str]:
    return {name: value for name, value in _NAMES.items() if name in expression}


def to_item(record: dict[str, Any]) -> dict[str, Any]:
    """A JSON-shaped record as DynamoDB stores it: floats become Decimals."""
    try:
        return json.loads(json.dumps(record, allow_nan=False), parse_float=Decimal)
    except (TypeError, ValueError) as error:
        raise PersistenceException(f"the user record is not JSON data: {error}") from error


def from_item(value: Any) -> Any:
    """A stored record as the handlers wrote it: Decimals back to int or float."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {key: from_item(item) for key, item in value.items()}
    if isinstance(value, list | set | tuple):
        return [from_item(item) for item in value]
    return value


def _failed_condition(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code") in (
        "ConditionalCheckFailedException", "TransactionCanceledException")


class DynamoDbStore(VersionedAdapter):
    """User records in one DynamoDB table, written with optimistic concurrency."""

    def __init__(self, table_name: str, client: Any) -> None:
        self.table_name = table_name
        self.client = client

    def _key(self, user_id: str) -> dict[str, Any]:
        return {STATE_TABLE_KEY: {"S": user_id}}

    def _marker(self, user_id: str) -> dict[str, Any]:
        return {STATE_TABLE_KEY: {"S": marker_key(user_id)}}

    def read(self, user_id: str) -> Stored:
        try:
            item = self.client.get_item(TableName=self.table_name, Key=self._key(user_id),
                                        ConsistentRead=True).get("Item")
            if item is None:   # no record: the record and the marker from one snapshot
                items = self.client.transact_get_items(TransactItems=[
                    {"Get": {"TableName": self.table_name, "Key": self._key(user_id)}},
                    {"Get": {"TableName": self.table_name, "Key": self._marker(user_id)}},
                ])["Responses"]
                item, marker = (entry.get("Item") for entry in items)
                if item is None:
                    forgotten = _number((marker or {}).get(STATE_TABLE_VERSION))
                    return Stored(forgotten=forgotten if isinstance(forgotten, int) else 0)
        except (BotoCoreError, ClientError) as error:
            raise PersistenceException(f"cannot read the user record: {error}") from error
        stored = Stored(exists=True, version=_number(item.get(STATE_TABLE_VERSION)),
                        born=_number(item.get(STATE_TABLE_BORN)))
        try:
            record = from_item(_DESERIALIZE(item[STATE_TABLE_ATTRIBUTE]))
        except (KeyError, TypeError, ValueError, ArithmeticError):
            record = None
        return unreadable_or(record, stored, len(json.dumps(item, default=str)))

    def write(self, user_id: str, record: dict[str, Any], base: Stored) -> bool:
        token = uuid.uuid4().hex
        item = {**self._key(user_id),
                STATE_TABLE_ATTRIBUTE: _SERIALIZE(to_item(record)),
                STATE_TABLE_VERSION: {"N": str(base.next_version())},
                STATE_TABLE_WRITER: {"S": token}}
        born = base.born if base.exists else base.forgotten
        if born is not None:
            item[STATE_TABLE_BORN] = _SERIALIZE(to_item({"b": born})["b"])
        try:
            if base.exists:
                conditions, values = [], {}
                for name, value in (("#v", base.version), ("#b", base.born)):
                    if value is None:
                        conditions.append(f"attribute_not_exists({name})")
                    else:
                        conditions.append(f"{name} = :{name[1]}")
                        values[f":{name[1]}"] = _SERIALIZE(to_item({"x": value})["x"])
                condition = "attribute_exists(#k) AND " + " AND ".join(conditions)
                self.client.put_item(TableName=self.table_name, Item=item,
                                     ConditionExpression=condition,
                                     ExpressionAttributeNames=_names(condition),
                                     **({"ExpressionAttributeValues": values} if values else {}))
                return True
            # A first record, only if no deletion came between the read and now.
            marker_condition = "attribute_not_exists(#k)" if not base.forgotten else "#v = :f"
            check: dict[str, Any] = {"TableName": self.table_name, "Key": self._marker(user_id),
                                     "ConditionExpression": marker_condition,
                                     "ExpressionAttributeNames": _names(marker_condition)}
            if base.forgotten:
                check["ExpressionAttributeValues"] = {":f": {"N": str(base.forgotten)}}
            self.client.transact_write_items(TransactItems=[
                {"Put": {"TableName": self.table_name, "Item": item,
                         "ConditionExpression": "attribute_not_exists(#k)",
                         "ExpressionAttributeNames": {"#k": STATE_TABLE_KEY}}},
                {"ConditionCheck": check},
            ])
            return True
        except ClientError as error:
            if _failed_condition(error):
                return self._landed(user_id, token)
            raise PersistenceException(f"cannot save the user record: {error}") from error
        except BotoCoreError as error:
            raise PersistenceException(f"cannot save the user record: {error}") from error

    def _landed(self, user_id: str, token: str) -> bool:
        """Did the write carrying `token` land after all (a retried copy failed the condition)?"""
        try:
            item = self.client.get_item(TableName=self.table_name, Key=self._key(user_id),
                                        ConsistentRead=True,
                                        ProjectionExpression="#w",
                                        ExpressionAttributeNames={"#w": STATE_TABLE_WRITER}
                                        ).get("Item") or {}
        except (BotoCoreError, ClientError) as error:
            raise PersistenceException(f"cannot read the user record: {error}") from error
        return item.get(STATE_TABLE_WRITER, {}).get("S") == token

    def delete(self, user_id: str) -> None:
        """The record goes, whatever it holds; the user's deletion marker moves on."""
        expires = int(time.time()) + MARKER_SECONDS
        update = "SET #v = if_not_exists(#v, :zero) + :one, #e = :expires"
        try:
            self.client.transact_write_items(TransactItems=[
                {"Delete": {"TableName": self.table_name, "Key": self._key(user_id)}},
                {"Update": {"TableName": self.table_name, "Key": self._marker(user_id),
                            "UpdateExpression": update,
                            "ExpressionAttributeNames": _names(update),
                            "ExpressionAttributeValues": {
                                ":zero": {"N": "0"}, ":one": {"N": "1"},
                                ":expires": {"N": str(expires)}}}},
            ])
        except (BotoCoreError, ClientError) as error:
            raise PersistenceException(f"cannot delete the user record: {error}") from error


def dynamodb_adapter(table_name: str, endpoint_url: str | None = None) -> DynamoDbStore:
    """The store for `table_name`; `endpoint_url` points at an emulator in tests."""
    client = boto3.client("dynamodb", endpoint_url=endpoint_url, config=_CLIENT_CONFIG)
    return DynamoDbStore(table_name, client)
