"""Compare what a release sends against a golden session: the tracking plan as observed.

Each session is reduced to a :class:`Profile`: for every kind of event (type + event name, or
page/screen name) its count, and for every property path (``properties`` of track/page/screen,
``traits`` of identify/group; nested objects as ``a.b``, arrays of objects as ``items[].sku``)
how often it is present, its JSON types, and — for low-cardinality string/boolean properties —
the set of values seen. :func:`compare` reports the differences, each either a *regression*
(the release stopped sending something the baseline sent) or a mere *change*:

regression (exit status 1)
    ``event_removed``     an event kind of the baseline never occurs
    ``property_removed``  a property of the baseline never occurs on that event
    ``type_changed``      a property now has a JSON type the baseline never had (number -> string,
                          or null appearing); int and float are both ``number``. For the
                          amounts that revenue and conversions are computed from
                          (``revenue``, ``price``, ``value``, ``quantity``) any change of the
                          type set is one, narrowing too (``number|string`` -> ``string``)
change (reported, exit status 0 unless ``strict``)
    ``event_added``, ``property_added``, ``count_changed`` (relative change over the tolerance),
    ``property_optional`` (present on every baseline event, now only on some), ``type_narrowed``
    (a baseline type no longer seen, none new), ``values_changed`` (low-cardinality value set)

Pure Python: the CLI prints it, the window can show ``DiffResult.rows`` side by side.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

DEFAULT_TOLERANCE = 0.5
MAX_VALUES = 10  # distinct values up to which a string/boolean property is "low-cardinality"
MAX_DEPTH = 4
_ID_LIKE = re.compile(
    r"(^|[_\-.])(id|ids|uuid|guid|token|key|hash|email|url|href|path|search|"
    r"referrer|title|timestamp|time|date|at)$",
    re.IGNORECASE,
)
_ID_CAMEL = re.compile(r"[a-z0-9](Id|Ids|ID|At|Url|URL|Uuid|Token|Key|Email|Time|Date)$")

#: properties whose JSON type feeds revenue and conversion numbers: any type change regresses
AMOUNT_KEYS = frozenset({"revenue", "price", "value", "quantity"})

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

    def s(key: str) -> str:
        v = message.get(key)
        return "" if v is None else v if isinstance(v, str) else str(v)

    if type_ == "track":
        return ("track", s("event"))
    if type_ in ("page", "screen"):
        return (type_, s("name") or s("category"))
    return (type_, "")


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


# -- comparing -------------------------------------------------------------------------------
REGRESSION_KINDS = frozenset({"event_removed", "property_removed", "type_changed"})


@dataclass(slots=True)
class Change:
    kind: str
    key: EventKey
    message: str
    path: str | None = None
    baseline: Any = None
    current: Any = None

    @property
    def regression(self) -> bool:
        return self.kind in REGRESSION_KINDS

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "regression": self.regression,
            "type": self.key[0],
            "name": self.key[1],
            "path": self.path,
            "message": self.message,
            "baseline": self.baseline,
            "current": self.current,
        }


@dataclass(slots=True)
class Row:
    """One event kind, both sides: what the window shows side by side."""

    key: EventKey
    baseline: EventStats | None
    current: EventStats | None
    changes: list[Change]

    @property
    def status(self) -> str:
        if self.current is None:
            return "removed"
        if self.baseline is None:
            return "added"
        if any(c.regression for c in self.changes):
            return "regressed"
        return "changed" if self.changes else "same"

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.key[0],
            "name": self.key[1],
            "status": self.status,
            "baseline": self.baseline.count if self.baseline else 0,
            "current": self.current.count if self.current else 0,
            "changes": [c.to_dict() for c in self.changes],
        }


@dataclass(slots=True)
class DiffResult:
    baseline: Profile
    current: Profile
    tolerance: float
    rows: list[Row]

    @property
    def changes(self) -> list[Change]:
        return [c for r in self.rows for c in r.changes]

    @property
    def regressions(self) -> list[Change]:
        return [c for c in self.changes if c.regression]

    @property
    def regressed(self) -> bool:
        return any(c.regression for c in self.changes)

    @property
    def identical(self) -> bool:
        return not self.changes

    def failed(self, strict: bool = False) -> bool:
        return bool(self.changes) if strict else self.regressed

    def to_dict(self) -> dict[str, Any]:
        changes = self.changes
        return {
            "baseline": self.baseline.to_dict(),
            "current": self.current.to_dict(),
            "tolerance": self.tolerance,
            "regressed": self.regressed,
            "identical": self.identical,
            "summary": {
                "regressions": sum(c.regression for c in changes),
                "changes": sum(not c.regression for c in changes),
                "kinds": len(self.rows),
                "same": sum(r.status == "same" for r in self.rows),
            },
            "regressions": [c.to_dict() for c in changes if c.regression],
            "changes": [c.to_dict() for c in changes if not c.regression],
            "events": [r.to_dict() for r in self.rows],
        }


def _types(s: PropStats) -> str:
    return "|".join(sorted(s.types))


def _compares_values(path: str, b: PropStats, c: PropStats) -> bool:
    leaf = path.rsplit(".", 1)[-1]
    if (
        b.overflow
        or c.overflow
        or not b.values
        or not c.values
        or _ID_LIKE.search(leaf)
        or _ID_CAMEL.search(leaf)
    ):
        return False
    # identifiers that never repeat are not an enumeration, however few events there are
    return not (
        len(b.values) > 1
        and len(b.values) == b.present
        and len(c.values) == c.present
        and len(c.values) > 1
    )


def _compare_props(key: EventKey, b: EventStats, c: EventStats) -> list[Change]:
    out: list[Change] = []
    for path in sorted(set(b.props) | set(c.props)):
        bp, cp = b.props.get(path), c.props.get(path)
        if cp is None:
            assert bp is not None
            out.append(
                Change(
                    "property_removed",
                    key,
                    f"{describe(key)}: property {path} is gone (was on {bp.present} of {b.count})",
                    path,
                    _types(bp),
                    None,
                )
            )
            continue
        if bp is None:
            out.append(
                Change(
                    "property_added",
                    key,
                    f"{describe(key)}: new property {path} ({_types(cp)}, "
                    f"on {cp.present} of {c.count})",
                    path,
                    None,
                    _types(cp),
                )
            )
            continue
        new_types = set(cp.types) - set(bp.types)
        leaf = path.rsplit(".", 1)[-1].removesuffix("[]").lower()
        if leaf in AMOUNT_KEYS and set(cp.types) != set(bp.types):
            out.append(
                Change(
                    "type_changed",
                    key,
                    f"{describe(key)}: {path} type changed {_types(bp)} -> {_types(cp)} "
                    f"({leaf} is an amount: revenue and conversions are computed from it)",
                    path,
                    _types(bp),
                    _types(cp),
                )
            )
        elif new_types:
            out.append(
                Change(
                    "type_changed",
                    key,
                    f"{describe(key)}: {path} type changed {_types(bp)} -> {_types(cp)}",
                    path,
                    _types(bp),
                    _types(cp),
                )
            )
        elif set(bp.types) - set(cp.types):
            out.append(
                Change(
                    "type_narrowed",
                    key,
                    f"{describe(key)}: {path} is no longer "
                    f"{'|'.join(sorted(set(bp.types) - set(cp.types)))} "
                    f"({_types(bp)} -> {_types(cp)})",
                    path,
                    _types(bp),
                    _types(cp),
                )
            )
        if bp.present == b.count and cp.present < c.count:
            out.append(
                Change(
                    "property_optional",
                    key,
                    f"{describe(key)}: {path} was on every event, now on {cp.present} of {c.count}",
                    path,
                    bp.present,
                    cp.present,
                )
            )
        if _compares_values(path, bp, cp) and set(bp.values) != set(cp.values):
            gone = sorted(set(bp.values) - set(cp.values))
            new = sorted(set(cp.values) - set(bp.values))
            parts = ([f"no longer {', '.join(map(repr, gone))}"] if gone else []) + (
                [f"new {', '.join(map(repr, new))}"] if new else []
            )
            out.append(
                Change(
                    "values_changed",
                    key,
                    f"{describe(key)}: {path} values: {'; '.join(parts)}",
                    path,
                    sorted(bp.values),
                    sorted(cp.values),
                )
            )
    return out


def count_outside(b: int, c: int, tolerance: float) -> bool:
    if b == c:
        return False
    return abs(c - b) / max(b, 1) > tolerance + 1e-12


def compare(
    baseline: Profile, current: Profile, tolerance: float = DEFAULT_TOLERANCE
) -> DiffResult:
    """Every difference between two profiles, by event kind (baseline order: most frequent)."""
    if tolerance < 0 or math.isnan(tolerance):
        raise ValueError("tolerance must be a non-negative number")
    keys = sorted(
        set(baseline.events) | set(current.events),
        key=lambda k: (
            -(baseline.events[k].count if k in baseline.events else 0),
            -(current.events[k].count if k in current.events else 0),
            k,
        ),
    )
    rows: list[Row] = []
    for key in keys:
        b, c = baseline.events.get(key), current.events.get(key)
        changes: list[Change] = []
        if c is None:
            assert b is not None
            changes.append(
                Change(
                    "event_removed",
                    key,
                    f"{describe(key)}: disappeared (baseline {b.count}, now 0)",
                    None,
                    b.count,
                    0,
                )
            )
        elif b is None:
            changes.append(
                Change(
                    "event_added", key, f"{describe(key)}: new event ({c.count})", None, 0, c.count
                )
            )
        else:
            if count_outside(b.count, c.count, tolerance):
                pct = (c.count - b.count) / max(b.count, 1) * 100
                changes.append(
                    Change(
                        "count_changed",
                        key,
                        f"{describe(key)}: count {b.count} -> {c.count} "
                        f"({pct:+.0f}%, tolerance ±{tolerance * 100:.0f}%)",
                        None,
                        b.count,
                        c.count,
                    )
                )
            changes.extend(_compare_props(key, b, c))
        rows.append(Row(key, b, c, changes))
    return DiffResult(baseline, current, tolerance, rows)


# -- rendering -------------------------------------------------------------------------------
def render_text(result: DiffResult, strict: bool = False) -> str:
    b, c = result.baseline, result.current
    lines = [
        f"baseline: {b.label} ({b.total} events, {len(b.events)} kinds)",
        f"current:  {c.label} ({c.total} events, {len(c.events)} kinds)",
        "",
    ]
    regs = result.regressions
    others = [x for x in result.changes if not x.regression]
    if regs:
        lines.append(f"REGRESSIONS ({len(regs)})")
        lines += [f"  - {x.message}" for x in regs]
        lines.append("")
    if others:
        lines.append(f"CHANGES ({len(others)})")
        marks = {"event_added": "+", "property_added": "+"}
        lines += [f"  {marks.get(x.kind, '~')} {x.message}" for x in others]
        lines.append("")
    same = sum(r.status == "same" for r in result.rows)
    if result.identical:
        verdict = "SAME: the current session sends what the baseline did"
    elif result.regressed:
        verdict = (
            f"REGRESSED: {len(regs)} regression{'s' * (len(regs) != 1)}, "
            f"{len(others)} other change{'s' * (len(others) != 1)}"
        )
    else:
        verdict = f"CHANGED: {len(others)} change{'s' * (len(others) != 1)}, no regression" + (
            " (failing: --strict)" if strict else ""
        )
    lines.append(f"{verdict}; {same} of {len(result.rows)} event kinds unchanged")
    return "\n".join(lines)


def _xml(s: Any) -> str:
    text = str(s)
    text = "".join(ch if ch in "\t\n\r" or ord(ch) >= 32 else "?" for ch in text)
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def render_junit(result: DiffResult, strict: bool = False) -> str:
    """JUnit XML: one test case per event kind, failing on regressions (or any change)."""
    cases = []
    failures = 0
    for r in result.rows:
        bad = [x for x in r.changes if x.regression or strict]
        name = r.key[1] or r.key[0]
        body = ""
        if bad:
            failures += 1
            msg = _xml(bad[0].message)
            detail = _xml("\n".join(x.message for x in bad))
            body += f'<failure message="{msg}" type="{bad[0].kind}">{detail}</failure>'
        notes = [x.message for x in r.changes if x not in bad]
        if notes:
            body += f"<system-out>{_xml(chr(10).join(notes))}</system-out>"
        cases.append(
            f'  <testcase classname="event-inspector.diff.{_xml(r.key[0])}" '
            f'name="{_xml(name)}">{body}</testcase>'
        )
    head = (
        f'<testsuite name="event-inspector diff" tests="{len(result.rows)}" '
        f'failures="{failures}" errors="0" skipped="0">'
    )
    props = (
        f'  <properties><property name="baseline" value="{_xml(result.baseline.label)}"/>'
        f'<property name="current" value="{_xml(result.current.label)}"/>'
        f'<property name="tolerance" value="{result.tolerance}"/></properties>'
    )
    return "\n".join(
        ['<?xml version="1.0" encoding="UTF-8"?>', head, props, *cases, "</testsuite>", ""]
    )
