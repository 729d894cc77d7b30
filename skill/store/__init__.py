"""Where user records live: SQLite on a developer's machine, DynamoDB in Lambda.

Handlers never touch a store: they call skill.store.records (user_record, remember, count,
forget). `persistence_adapter` picks the store the settings name and imports only that one.
"""

from __future__ import annotations

import logging

from skill.config import Settings
from skill.store.records import UnavailableStore, VersionedAdapter

log = logging.getLogger(__name__)


def persistence_adapter(settings: Settings) -> VersionedAdapter | None:
    """The store the settings name: DynamoDB when a table is configured, else SQLite, or none.

    Never raises: a store that cannot be set up answers every request as a store that is down.
    """
    try:
        if settings.state_table:
            # deferred: only the Lambda path pays for boto3
            from skill.store.dynamodb import dynamodb_adapter

            return dynamodb_adapter(settings.state_table, settings.dynamodb_endpoint)
        if settings.state_path:
            from skill.store.sqlite import SQLitePersistenceAdapter

            return SQLitePersistenceAdapter(settings.state_path)
    except Exception as error:
        log.error("the user store could not be set up; answering without memory: %s", error)
        return UnavailableStore(f"{type(error).__name__}: {error}")
    return None
