"""Shared test vocabulary: replay a recorded request, read the reply the way a person hears it."""

from __future__ import annotations

import copy
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from skill.app import build_skill, handle_event
from skill.config import Settings
from skill.content import CONTENT_DIR
from tests.alexa_api import FakeAlexaApi

FIXTURES = Path(__file__).parent / "fixtures"
_TAG = re.compile(r"<[^>]+>")


def spoken(ssml: str | None) -> str:
    """What a person hears: SSML tags removed, entities decoded, spaces folded."""
    text = _TAG.sub("", ssml or "")
    for entity, char in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"),
                         ("&amp;", "&")):
        text = text.replace(entity, char)
    return " ".join(text.split())


@dataclass
class Reply:
    """A response envelope, read as the person and the next turn see it."""

    envelope: dict[str, Any]

    @property
    def response(self) -> dict[str, Any]:
        return self.envelope.get("response") or {}

    @property
    def ssml(self) -> str:
        return (self.response.get("outputSpeech") or {}).get("ssml", "")

    @property
    def speech(self) -> str:
        return spoken(self.ssml)

    @property
    def reprompt(self) -> str:
        reprompt = self.response.get("reprompt") or {}
        return spoken((reprompt.get("outputSpeech") or {}).get("ssml"))

    @property
    def card(self) -> dict[str, Any] | None:
        return self.response.get("card")

    @property
    def ends_session(self) -> bool | None:
        return self.response.get("shouldEndSession")

    @property
    def attributes(self) -> dict[str, Any]:
        return self.envelope.get("sessionAttributes") or {}

    @property
    def directives(self) -> list[dict[str, Any]]:
        return self.response.get("directives") or []


def load_fixture(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def skill():
    # No store, and Alexa APIs that refuse every call (as with no permission): never the network.
    return build_skill(Settings(), api_client=FakeAlexaApi())


def replayer(skill):
    """A replay function for `skill`."""

    def run(name_or_envelope: str | dict[str, Any], **session_attributes: Any) -> Reply:
        envelope = (load_fixture(name_or_envelope) if isinstance(name_or_envelope, str)
                    else copy.deepcopy(name_or_envelope))
        if session_attributes:
            envelope.setdefault("session", {}).setdefault("attributes", {}).update(
                session_attributes)
        return Reply(handle_event(skill, envelope))

    return run


@pytest.fixture
def replay(skill):
    """replay("cause_coffee") -> Reply: the recorded request through the Lambda entry path."""
    return replayer(skill)


@pytest.fixture
def alexa_api():
    """The Alexa APIs as a recording fake; tests say how each call is answered."""
    return FakeAlexaApi()


@pytest.fixture
def store_path(tmp_path):
    return tmp_path / "users.sqlite3"


@pytest.fixture
def remembering(store_path, alexa_api):
    """replay() through a skill that keeps user records (SQLite under tmp_path)."""
    return replayer(build_skill(Settings(state_path=str(store_path)), api_client=alexa_api))


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A scratch copy of content/, for tests that break a file on purpose."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first `old` in a file; the test fails if `old` is not there."""
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


# --- the web service's tests: one private CA per module, and a fetcher standing in for HTTPS ---

from tests.certs import CERT_URL, Fetcher, make_pki  # noqa: E402 (fixtures below only)


@pytest.fixture(scope="module")
def pki():
    return make_pki()


@pytest.fixture(scope="module")
def signer(pki):
    return pki.signer()


@pytest.fixture
def fetcher(signer):
    return Fetcher({CERT_URL: signer.chain_pem()})
