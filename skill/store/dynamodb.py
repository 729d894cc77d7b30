"""User records in DynamoDB, the store the Lambda uses (STATE_TABLE), meaning what SQLite means.

Imported only when a table is configured, because boto3 is heavy and the local paths never need
it. Two things the SDK's DynamoDbAdapter leaves to its caller are settled here:

- Numbers. DynamoDB refuses Python floats and hands every number back as a Decimal, which JSON
  (session attributes, the SQLite store) cannot take. Records go in as JSON-shaped data and come
  back as int or float, so a handler reads back exactly what it wrote, whichever store is behind.
- Time. boto3 waits 60 seconds per call and retries; Alexa gives up after 8. A slow table must
  cost a turn its memory, never its answer, so calls time out in about a second and retry once.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import boto3
from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_dynamodb.adapter import DynamoDbAdapter
from ask_sdk_model import RequestEnvelope
from botocore.config import Config

from skill.store.table import STATE_TABLE_ATTRIBUTE, STATE_TABLE_KEY

_CLIENT_CONFIG = Config(connect_timeout=1.0, read_timeout=1.0,
                        retries={"total_max_attempts": 2, "mode": "standard"})


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


class JsonDynamoDbAdapter(DynamoDbAdapter):
    """The SDK's DynamoDB adapter, storing JSON-shaped records (see the module docstring)."""

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        return from_item(super().get_attributes(request_envelope))

    def save_attributes(self, request_envelope: RequestEnvelope, attributes: dict[str, Any]
                        ) -> None:
        super().save_attributes(request_envelope, to_item(attributes))


def dynamodb_adapter(table_name: str, endpoint_url: str | None = None) -> JsonDynamoDbAdapter:
    """The adapter for `table_name`; `endpoint_url` points at an emulator in tests."""
    resource = boto3.resource("dynamodb", endpoint_url=endpoint_url, config=_CLIENT_CONFIG)
    return JsonDynamoDbAdapter(table_name=table_name, partition_key_name=STATE_TABLE_KEY,
                               attribute_name=STATE_TABLE_ATTRIBUTE, create_table=False,
                               dynamodb_resource=resource)
