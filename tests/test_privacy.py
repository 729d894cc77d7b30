"""What the skill says about privacy is what it does: every field the skill writes to a person's
record is named, with how long it is kept, in the hosted privacy policy (deploy/privacy-policy.md)
and in every locale's store description; nothing is named that the skill does not keep.

The record is read back from a real store after the skill has been used the way a person would:
opened, asked a question, asked for tips, asked for a reminder. A field added to the record
without a sentence here fails the first test.
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

from skill.build import package
from skill.handlers.daily_tip import KEEP_DAYS
from tests.alexa_api import REMINDERS_PATH, TIME_ZONE_PATH

ROOT = Path(__file__).resolve().parent.parent
POLICY = (ROOT / "deploy" / "privacy-policy.md").read_text(encoding="utf-8")
MANIFEST = json.loads(package.SKILL_JSON.read_text(encoding="utf-8"))["manifest"]
USER = "amzn1.ask.account.TEST_USER"
CREATED = {"alertToken": "ALERT-TOKEN-1", "createdTime": "2026-11-25T11:30:00.000Z",
           "updatedTime": "2026-11-25T11:30:00.000Z", "status": "ON", "version": "1",
           "href": "/v1/alerts/reminders/ALERT-TOKEN-1"}

# Each field of the user record -> the words that tell a person about it (policy and listing).
RECORD_FIELDS = {
    "visits": "how many times you have visited",
    "first_seen": "the dates of your first and latest visit",
    "last_seen": "the dates of your first and latest visit",
    "topic": "the last topic you heard about",
    "tips": f"the tips you heard in the last {KEEP_DAYS} days",
    "reminder": "your daily reminder time",
    "time_zone": "your device's time zone, for the day",
}
DELETION = ['"forget me"', "disable the skill"]


def descriptions() -> list[tuple[str, str]]:
    return sorted((locale, " ".join(listing["description"].split()))
                  for locale, listing in MANIFEST["publishingInformation"]["locales"].items())


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def used_record(remembering, alexa_api, store_path) -> dict:
    """The record after a visit that touches everything the skill can remember."""
    alexa_api.on("GET", TIME_ZONE_PATH, 200, "America/New_York")
    alexa_api.on("GET", REMINDERS_PATH, 200, {"alerts": [], "totalCount": "0"})
    alexa_api.on("POST", REMINDERS_PATH, 201, CREATED)
    for fixture in ("memory_launch", "cause_coffee", "daily_tip", "daily_another_tip",
                    "reminder_set_8am"):
        remembering(fixture)
    with sqlite3.connect(store_path) as db:
        (attributes,) = db.execute("SELECT attributes FROM users WHERE id = ?",
                                   (USER,)).fetchone()
    return json.loads(attributes)


def test_every_field_the_skill_keeps_is_told_and_nothing_else(used_record):
    assert set(used_record) == set(RECORD_FIELDS), (
        "the record and the privacy text disagree: update RECORD_FIELDS, "
        "deploy/privacy-policy.md and every locale's description together")


@pytest.mark.parametrize("field", sorted(RECORD_FIELDS))
def test_the_policy_and_every_store_listing_name_each_field(field):
    words = RECORD_FIELDS[field]
    assert words in flat(POLICY), field
    for locale, description in descriptions():
        assert words in description, (locale, field)


def test_they_say_how_to_delete_it_and_that_symptom_answers_are_never_kept():
    for text in [flat(POLICY)] + [description for _, description in descriptions()]:
        for words in DELETION:
            assert words in text
        assert re.search(r"answers to the symptom check are never kept", text)
        assert "never an emergency" in text or "emergency answer is never kept" in text


def test_the_policy_says_how_long_backups_and_logs_keep_anything():
    template = (ROOT / "template.yaml").read_text(encoding="utf-8")
    # DynamoDB point-in-time recovery keeps 35 days of backups unless told otherwise
    assert "PointInTimeRecoveryEnabled: true" in template
    assert "RecoveryPeriodInDays" not in template
    assert "backups for 35 days" in flat(POLICY)
    default = re.search(r"LogRetentionDays:.*?Default: (\d+)", template, re.S).group(1)
    assert f"kept for {default} days" in flat(POLICY)


def test_the_policy_is_true_to_the_manifests_answers():
    privacy = MANIFEST["privacyAndCompliance"]
    assert privacy["containsAds"] is False and "no ads" in flat(POLICY)
    assert privacy["allowsPurchases"] is False and "sells nothing" in flat(POLICY)
    assert privacy["isChildDirected"] is False and "not directed at children" in flat(POLICY)
    # no name, email, address or phone: the record is keyed by the skill's own anonymous user id
    assert privacy["usesPersonalInfo"] is False
    assert "no name, email address, postal address, phone number" in flat(POLICY)
