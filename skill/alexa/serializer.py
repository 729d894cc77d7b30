"""The SDK's serializer, with its two slowest steps made fast; every result stays the SDK's own.

ask-sdk-core's `DefaultSerializer` turns each request envelope (and each Alexa API answer) into
ask-sdk-model objects. Measured on a recorded Echo Show envelope, that takes about half of a warm
request's CPU time, and two steps account for most of it:

- every nested type name ("ask_sdk_model.request_envelope.RequestEnvelope") is resolved with
  `__import__` and `getattr`, again for every object of every request; the classes never change
  within a process, so each name is resolved once here and kept;
- every date ("2026-11-25T09:30:00Z") is parsed by dateutil's general-purpose parser; the Alexa
  documents' dates are ISO 8601, which `datetime.fromisoformat` reads in a fraction of the time.
  Anything it does not read goes to the SDK's own parser, unchanged.

The two overridden methods are private to the SDK (name-mangled). If an upgrade renames them,
the SDK simply never calls these and its own code runs: slower, never wrong.
tests/test_sdk_internals.py fails in that case, saying what to re-check, and checks that every
recorded envelope deserializes to the same objects as with the stock serializer.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from ask_sdk_core.serialize import DefaultSerializer


class FastSerializer(DefaultSerializer):
    """`DefaultSerializer` with class names resolved once and ISO dates read by the standard
    library."""

    # Shared by every instance: the name -> class mapping is a fact about the installed SDK.
    _classes: ClassVar[dict[str, Any]] = {}

    def _DefaultSerializer__load_class_from_name(self, class_name: str) -> Any:
        found = self._classes.get(class_name)
        if found is None:
            found = DefaultSerializer._DefaultSerializer__load_class_from_name(  # type: ignore[attr-defined]
                self, class_name)
            self._classes[class_name] = found
        return found

    def _DefaultSerializer__deserialize_datetime(self, payload: Any, obj_type: Any
                                                 ) -> Any:
        try:
            parsed = datetime.fromisoformat(payload)
        except (TypeError, ValueError):   # not ISO 8601 as Python reads it: the SDK's way
            return DefaultSerializer._DefaultSerializer__deserialize_datetime(  # type: ignore[attr-defined]
                self, payload, obj_type)
        return parsed.date() if obj_type is date else parsed
