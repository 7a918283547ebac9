"""A session reduced to what it sends: per kind of event (type + event name, or page/screen
name) its count, and per property path its presence, JSON types and low-cardinality values.
Read from stored events, from messages, or from an NDJSON file."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inspector.domain import jsoncodec
from inspector.domain.labels import kind_label
from inspector.domain.ndjson import NdjsonError, messages_of, objects

DEFAULT_TOLERANCE = 0.5
MAX_VALUES = 10  # distinct values up to which a string/boolean property is "low-cardinality"
MAX_DEPTH = 4

EventKey = tuple[str, str]  # (type, name) - name is "" for kinds without one


def json_type(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int | float):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    if isinstance(v, dict):
        return "object"
    return type(v).__name__


def event_key(type_: str, message: Mapping[str, Any]) -> EventKey:
    """What kind of event this is: track by event name, page/screen by name (or category)."""
    return (type_, kind_label(type_, message) or "")


def infer_type(message: Mapping[str, Any]) -> str:
    t = message.get("type")
    if isinstance(t, str) and t:
        return t.lower()
    if "event" in message:
        return "track"
    if "previousId" in message:
        return "alias"
    if "groupId" in message:
        return "group"
    if "traits" in message:
        return "identify"
    return "unknown"


def payload_of(type_: str, message: Mapping[str, Any]) -> Any:
    return message.get("traits") if type_ in ("identify", "group") else message.get("properties")


def describe(key: EventKey) -> str:
    t, n = key
    return f'{t} "{n}"' if n else t


@dataclass(slots=True)
class PropStats:
    present: int = 0
    types: Counter[str] = field(default_factory=Counter)
    values: Counter[str] = field(default_factory=Counter)  # JSON text of string/bool values
    overflow: bool = False  # more than MAX_VALUES distinct values (or non-scalar ones)

    def observe(self, v: Any) -> None:
        self.present += 1
        t = json_type(v)
        self.types[t] += 1
        if self.overflow:
            return
        if t in ("string", "boolean"):
            text = (v if isinstance(v, str) else "true" if v else "false")[:200]
            if text not in self.values and len(self.values) >= MAX_VALUES:
                self.overflow = True
                self.values.clear()
            else:
                self.values[text] += 1
        elif t != "null":
            self.overflow = True
            self.values.clear()

    def to_dict(self) -> dict[str, Any]:
        return {
            "present": self.present,
            "types": dict(self.types),
            "values": None if self.overflow else dict(self.values),
        }


@dataclass(slots=True)
class EventStats:
    key: EventKey
    count: int = 0
    props: dict[str, PropStats] = field(default_factory=dict)

    def observe(self, payload: Any) -> None:
        self.count += 1
        if isinstance(payload, dict):
            seen: set[str] = set()
            self._walk(payload, "", 0, seen)

    def _walk(self, obj: dict[str, Any], prefix: str, depth: int, seen: set[str]) -> None:
        for k, v in obj.items():
            path = f"{prefix}{k}"
            if path not in seen:  # an array of objects counts a path once per event
                seen.add(path)
                self.props.setdefault(path, PropStats()).observe(v)
            if depth + 1 >= MAX_DEPTH:
                continue
            if isinstance(v, dict):
                self._walk(v, path + ".", depth + 1, seen)
            elif isinstance(v, list):
                for item in v[:50]:
                    if isinstance(item, dict):
                        self._walk(item, path + "[].", depth + 1, seen)

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.key[0],
            "name": self.key[1],
            "count": self.count,
            "properties": {p: s.to_dict() for p, s in sorted(self.props.items())},
        }


@dataclass(slots=True)
class Profile:
    label: str = ""
    total: int = 0
    events: dict[EventKey, EventStats] = field(default_factory=dict)

    def add(self, type_: str, message: Mapping[str, Any]) -> None:
        key = event_key(type_, message)
        stats = self.events.get(key)
        if stats is None:
            stats = self.events[key] = EventStats(key)
        stats.observe(payload_of(type_, message))
        self.total += 1

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "events": self.total, "kinds": len(self.events)}


def profile_messages(messages: Iterable[Mapping[str, Any]], label: str = "") -> Profile:
    """A profile of raw Segment messages (an NDJSON export)."""
    p = Profile(label)
    for m in messages:
        p.add(infer_type(m), m)
    return p


def profile_typed(items: Iterable[tuple[str, Mapping[str, Any]]], label: str = "") -> Profile:
    """A profile of ``(type, message)`` pairs (stored events carry their resolved type)."""
    p = Profile(label)
    for t, m in items:
        p.add(t, m)
    return p


def profile_file(path: Path) -> Profile:
    """The profile of a file: NDJSON (messages, batches, API events or pages, one a line) or
    one JSON document over several lines (an array of messages, an ``/api/events`` answer).
    Raises :class:`~inspector.domain.ndjson.NdjsonError` naming the file and line."""
    try:
        parsed = list(objects(path))
    except NdjsonError as exc:
        if exc.line is None:
            raise
        try:  # a JSON document written over several lines
            parsed = [(1, jsoncodec.loads(path.read_bytes()))]
        except (jsoncodec.JSONDecodeError, UnicodeDecodeError, ValueError, RecursionError):
            raise exc from None
    msgs: list[Mapping[str, Any]] = []
    if len(parsed) == 1 and isinstance(parsed[0][1], list):  # one array of messages
        parsed = [(1, item) for item in parsed[0][1]]
    for n, obj in parsed:
        if not isinstance(obj, dict):
            raise NdjsonError(f"{path}: line {n} is not a JSON object", n)
        msgs.extend(messages_of(obj))
    return profile_messages(msgs, str(path))
