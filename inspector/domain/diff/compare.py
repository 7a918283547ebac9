"""Two profiles compared: each difference a regression or a mere change (see the package)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from inspector.domain.diff.profile import EventKey, EventStats, Profile, PropStats, describe

DEFAULT_TOLERANCE = 0.5
_ID_LIKE = re.compile(
    r"(^|[_\-.])(id|ids|uuid|guid|token|key|hash|email|url|href|path|search|"
    r"referrer|title|timestamp|time|date|at)$",
    re.IGNORECASE,
)
_ID_CAMEL = re.compile(r"[a-z0-9](Id|Ids|ID|At|Url|URL|Uuid|Token|Key|Email|Time|Date)$")

#: properties whose JSON type feeds revenue and conversion numbers: any type change regresses
AMOUNT_KEYS = frozenset({"revenue", "price", "value", "quantity"})

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
