"""The SDK's serializer, with its slowest steps made fast; every result stays the SDK's own.

ask-sdk-core's `DefaultSerializer` turns each request envelope (and each Alexa API answer) into
ask-sdk-model objects, and each response (and each Alexa API request) back into JSON. Measured on
recorded turns, that is about half of a warm request's CPU time, and a reminder turn, which also
reads and writes the Reminders API's documents, spends more there than anywhere else. The work
that repeats identically on every object of every request is done once per class here:

- every nested type name ("ask_sdk_model.request_envelope.RequestEnvelope") is resolved with
  `__import__` and `getattr`, and every "list[...]" / "dict(...)" type string parsed with a
  regular expression, again for every value; the classes never change within a process, so each
  name and type string is read once and kept;
- every model class's attribute map (Python name -> JSON key) is merged, and the JSON keys it
  does not cover are searched for in a list, again for every object: here once per class;
- every date ("2026-11-25T09:30:00Z") is parsed by dateutil's general-purpose parser; the Alexa
  documents' dates are ISO 8601, which `datetime.fromisoformat` reads in a fraction of the time.
  Anything it does not read goes to the SDK's own parser, unchanged.

The overridden deserializing steps are private to the SDK (name-mangled). If an upgrade renames
them, the SDK simply never calls these and its own code runs: slower, never wrong.
tests/test_sdk_internals.py fails in that case, saying what to re-check, and checks that every
recorded envelope, every response the skill gives to them and the Alexa APIs' answers give the
same objects and the same JSON as with the stock serializer.
"""

from __future__ import annotations

import decimal
import re
from datetime import date, datetime
from enum import Enum
from typing import Any, ClassVar

from ask_sdk_core.exceptions import SerializationException
from ask_sdk_core.serialize import DefaultSerializer


class FastSerializer(DefaultSerializer):
    """`DefaultSerializer` with names, type strings and attribute maps read once per class, and
    ISO dates read by the standard library."""

    # Shared by every instance: each is a fact about the installed SDK's classes.
    _classes: ClassVar[dict[str, Any]] = {}          # class name -> class
    _types: ClassVar[dict[str, tuple[str, Any]]] = {}  # type string -> how to read a value
    _readers: ClassVar[dict[type, str]] = {}          # class -> what kind of class it is
    _fields: ClassVar[dict[type, Any]] = {}           # model class -> (fields, JSON keys)
    _writers: ClassVar[dict[type, Any]] = {}          # type of a value -> (kind, fields)

    # --- to JSON -----------------------------------------------------------------------------

    def serialize(self, obj: Any) -> Any:
        """What `DefaultSerializer.serialize` returns, the same checks made once per type."""
        if obj is None:
            return None
        plan = self._writers.get(type(obj))
        if plan is None:
            plan = self._writers[type(obj)] = self._writer(obj)
        kind, fields = plan
        if kind == "model":
            written = {}
            for attribute, key in fields:
                value = getattr(obj, attribute)
                if value is not None:
                    written[key] = value
            return {key: self.serialize(value) for key, value in written.items()}
        if kind == "as_is":
            return obj
        if kind == "list":
            return [self.serialize(item) for item in obj]
        if kind == "dict":
            return {key: self.serialize(value) for key, value in obj.items()}
        return DefaultSerializer.serialize(self, obj)   # dates, enums, decimals, tuples, others

    def _writer(self, obj: Any) -> tuple[str, Any]:
        """How to write values of `obj`'s type: the stock method's checks, in its order."""
        if isinstance(obj, self.PRIMITIVE_TYPES):
            return "as_is", None
        if isinstance(obj, list):
            return "list", None
        if isinstance(obj, (tuple, datetime, date, Enum, decimal.Decimal)):
            return "stock", None
        if isinstance(obj, dict):
            return "dict", None
        types = getattr(type(obj), "deserialized_types", None)
        own = getattr(obj, "__dict__", {})
        if not isinstance(types, dict) or "attribute_map" in own or "deserialized_types" in own:
            return "stock", None
        names = getattr(type(obj), "attribute_map", {})
        return "model", tuple((attribute, names.get(attribute, attribute)) for attribute in types)

    # --- from JSON ---------------------------------------------------------------------------

    def _DefaultSerializer__deserialize(self, payload: Any, obj_type: Any) -> Any:
        if payload is None:
            return None
        if isinstance(obj_type, str):
            kind, of = self._types.get(obj_type) or self._type(obj_type)
            if kind == "list":
                return [self._DefaultSerializer__deserialize(item, of) for item in payload]
            if kind == "class":
                obj_type = of
            elif kind == "dict":
                return {key: self._DefaultSerializer__deserialize(value, of)
                        for key, value in payload.items()}
            elif kind == "mixed_list":
                return [self._DefaultSerializer__deserialize(item, item_type)
                        for item, item_type in zip(payload, of, strict=False)]
            else:   # "empty": the stock method's answer to a list or dict type it cannot read
                return of()
        if type(payload) is obj_type and obj_type in self.PRIMITIVE_TYPES:
            return payload   # what str(s), int(n) ... give back: an equal value, no call
        if obj_type in self.PRIMITIVE_TYPES:
            return self._DefaultSerializer__deserialize_primitive(payload, obj_type)  # type: ignore[attr-defined]
        if obj_type is object:
            return payload
        if obj_type in (date, datetime):
            return self._DefaultSerializer__deserialize_datetime(payload, obj_type)
        return self._DefaultSerializer__deserialize_model(payload, obj_type)

    def _type(self, obj_type: str) -> tuple[str, Any]:
        """How to read a value of a type string, as the stock method reads it; kept once read."""
        if obj_type.startswith("list["):
            inner = re.match(r"list\[(.*)\]", obj_type)
            if inner is None:
                plan: tuple[str, Any] = ("empty", list)
            elif "," in inner.group(1):
                plan = ("mixed_list", tuple(part.strip() for part in inner.group(1).split(",")))
            else:
                plan = ("list", inner.group(1).strip())
        elif obj_type.startswith("dict("):
            inner = re.match(r"dict\(([^,]*), (.*)\)", obj_type)
            plan = ("empty", dict) if inner is None else ("dict", inner.group(2))
        elif obj_type in self.NATIVE_TYPES_MAPPING:
            plan = ("class", self.NATIVE_TYPES_MAPPING[obj_type])
        else:   # raises SerializationException for a name that is not there: not kept
            plan = ("class", self._DefaultSerializer__load_class_from_name(obj_type))
        self._types[obj_type] = plan
        return plan

    def _DefaultSerializer__deserialize_model(self, payload: Any, obj_type: Any) -> Any:
        try:
            kind = self._readers.get(obj_type) or self._reader(obj_type)
            if kind == "enum":
                return obj_type(payload)
            if kind == "as_is":
                return payload
            if kind == "discriminated":
                obj_type = self._DefaultSerializer__get_obj_by_discriminator(  # type: ignore[attr-defined]
                    payload, obj_type)
            fields, keys = self._fields.get(obj_type) or self._fields_of(obj_type)
            model = obj_type()
            for attribute, key, value_type in fields:
                if key in payload:
                    setattr(model, attribute,
                            self._DefaultSerializer__deserialize(payload[key], value_type))
            for name in payload:   # keys the model does not name are kept as they are
                if name not in keys:
                    setattr(model, name, payload[name])
            return model
        except Exception as error:   # as the stock method: any failure, a SerializationException
            raise SerializationException(str(error)) from error

    def _reader(self, cls: Any) -> str:
        """What kind of class the stock method sees in `cls`, asked in its order; kept."""
        if issubclass(cls, Enum):
            kind = "enum"
        elif not hasattr(cls, "deserialized_types"):
            kind = "as_is"
        elif hasattr(cls, "get_real_child_model"):
            kind = "discriminated"
        else:
            kind = "model"
        self._readers[cls] = kind
        return kind

    def _fields_of(self, cls: Any) -> tuple[tuple[tuple[str, str, str], ...], frozenset[str]]:
        """A model class's (attribute, JSON key, type string) triples in the stock method's
        order (the attribute map's, then attributes it leaves out), and the JSON keys; kept."""
        types = cls.deserialized_types
        names = dict(getattr(cls, "attribute_map", {}))
        names.update({attribute: attribute for attribute in types if attribute not in names})
        plan = (tuple((attribute, key, types[attribute]) for attribute, key in names.items()),
                frozenset(names.values()))
        self._fields[cls] = plan
        return plan

    def _DefaultSerializer__deserialize_datetime(self, payload: Any, obj_type: Any
                                                 ) -> Any:
        try:
            parsed = datetime.fromisoformat(payload)
        except (TypeError, ValueError):   # not ISO 8601 as Python reads it: the SDK's way
            return DefaultSerializer._DefaultSerializer__deserialize_datetime(  # type: ignore[attr-defined]
                self, payload, obj_type)
        return parsed.date() if obj_type is date else parsed
