"""What the query API answers, as a test reads it: :class:`Event` (a dict with attribute
shortcuts) and readable tables of events and closest misses for assertion messages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from inspector.domain.labels import event_label


class EventInspectorError(AssertionError):
    """An expectation on the captured events failed; the message says what did arrive."""

    def __init__(self, message: str, body: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.body = body or {}


# -- events and their table ------------------------------------------------------------------
class Event(dict[str, Any]):
    """One captured event as the query API returns it, with attribute shortcuts."""

    @property
    def id(self) -> int:
        return int(self.get("id", 0))

    @property
    def type(self) -> str:
        return str(self.get("type", ""))

    @property
    def message(self) -> dict[str, Any]:
        m = self.get("message")
        return m if isinstance(m, dict) else {}

    @property
    def event(self) -> str | None:
        return self.message.get("event")

    @property
    def name(self) -> str | None:
        return self.message.get("name")

    @property
    def label(self) -> str | None:
        """What the event is called (the window's name column, identify aside)."""
        return event_label(self.type, self.message)

    @property
    def properties(self) -> dict[str, Any]:
        p = self.message.get("properties")
        return p if isinstance(p, dict) else {}

    @property
    def traits(self) -> dict[str, Any]:
        t = self.message.get("traits")
        return t if isinstance(t, dict) else {}

    @property
    def context(self) -> dict[str, Any]:
        c = self.message.get("context")
        return c if isinstance(c, dict) else {}

    @property
    def user_id(self) -> str | None:
        return self.message.get("userId")

    @property
    def anonymous_id(self) -> str | None:
        return self.message.get("anonymousId")

    @property
    def lint(self) -> list[dict[str, Any]]:
        return list(self.get("lint") or [])

    @property
    def lint_level(self) -> str:
        return str(self.get("lintLevel") or "none")


def _cell(value: Any, width: int) -> str:
    s = "" if value is None else str(value)
    s = " ".join(s.split())
    return s if len(s) <= width else s[: width - 1] + "…"


def _lint_cell(ev: dict[str, Any]) -> str:
    findings = ev.get("lint") or []
    if not findings:
        return "-"
    worst = ev.get("lintLevel") or findings[0].get("severity", "")
    rules = sorted({f.get("rule", "?") for f in findings})
    return f"{worst}: {', '.join(rules)}"


def _label(ev: dict[str, Any]) -> Any:
    if "label" in ev:  # an event summary (closest misses)
        return ev.get("label")
    return Event(ev).label


def _time(ev: dict[str, Any]) -> str:
    ts = str(ev.get("receivedAt") or "")
    return ts[11:23] if len(ts) >= 23 else ts


def format_events(
    events: Sequence[dict[str, Any]], *, limit: int = 25, title: str | None = None
) -> str:
    """A readable table: time, type, event/name, userId, anonymousId, lint."""
    total = len(events)
    shown = list(events)[-limit:] if limit else list(events)
    if title is None:
        title = f"{total} event{'s' * (total != 1)} arrived"
        if total > len(shown):
            title += f" (last {len(shown)} shown)"
    if not shown:
        return f"{title}: none"
    head = ("#", "time", "type", "event/name", "userId", "anonymousId", "lint")
    widths = (6, 12, 8, 32, 20, 20, 40)
    rows: list[tuple[Any, ...]] = [head]
    for ev in shown:
        message = ev.get("message")
        msg: dict[str, Any] = message if isinstance(message, dict) else ev
        rows.append(
            (
                str(ev.get("id", "")),
                _time(ev),
                ev.get("type") or "",
                _label(ev),
                msg.get("userId"),
                msg.get("anonymousId"),
                _lint_cell(ev) if "lint" in ev else ev.get("lintLevel", "-"),
            )
        )
    cells = [[_cell(v, w) for v, w in zip(row, widths, strict=True)] for row in rows]
    used = [max(len(r[i]) for r in cells) for i in range(len(head))]
    lines = [title + ":"]
    for n, r in enumerate(cells):
        lines.append("  " + "  ".join(c.ljust(used[i]) for i, c in enumerate(r)).rstrip())
        if n == 0:
            lines.append("  " + "  ".join("-" * used[i] for i in range(len(head))))
    return "\n".join(lines)


def format_misses(body: dict[str, Any]) -> str:
    misses = (body.get("closestMisses") or {}).get("events") or []
    if not misses:
        return "closest misses: none (nothing matched any term, the name or the type)"
    lines = ["closest misses (best first):"]
    for m in misses:
        ev = m.get("event") or {}
        label = repr(ev["label"]) if ev.get("label") else "(no name)"
        lines.append(f"  #{ev.get('id')} {ev.get('type')} {label}: {m.get('why')}")
    return "\n".join(lines)
