"""A stored session's lint findings grouped by rule: how many, on how many events, what the rule
means, and the most recent example events (``GET /api/lint``, the MCP tool ``lint_findings``).

SQLite does the grouping over the ``lint`` JSON column, so a session of a million events is
summarised without building a single event in Python.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from inspector.domain.capture import SEVERITY_LEVEL
from inspector.domain.lint.registry import lookup
from inspector.domain.store_schema import EVENT_JOINS

Select = Callable[[str, Sequence[Any]], list[Any]]  # Store.select, or a query thread's reader

EXAMPLES = 3  # example events per rule, most recent first

# the finding's own severity (configured severities are stored with the finding) as a number
_RANK = (
    "CASE json_extract(f.value, '$.severity') WHEN 'error' THEN 3 WHEN 'warning' THEN 2 ELSE 1 END"
)


def _matching(where: str, join: str) -> str:
    """Events of the session at or above the level that match the query (a subquery, so the
    query's column names never meet json_each's own ``id``, ``type``, ``path``)."""
    cond = f" AND ({where})" if where else ""
    return (
        f"(SELECT id, lint FROM events{join} WHERE session_id=? AND lint_level>=? "
        f"AND lint IS NOT NULL{cond}) AS e, json_each(e.lint) AS f"
    )


def findings_by_rule(
    select: Select,
    session_id: int,
    where: str = "",
    params: Sequence[Any] = (),
    *,
    min_severity: str = "warning",
    examples: int = EXAMPLES,
    join: str = EVENT_JOINS,
) -> dict[str, Any]:
    """``{"minSeverity", "events", "findings", "rules": [{"rule", "severity", "count",
    "events", "title", "explanation", "url", "message", "path", "examples": [event ids]}]}``,
    rules by severity then count. ``events`` counts the events with at least one such finding.
    ``join``: the store's (``Store.join``), for queries on an event's source."""
    if min_severity not in SEVERITY_LEVEL:
        raise ValueError(
            f"min_severity={min_severity!r}: one of {', '.join(reversed(SEVERITY_LEVEL))}"
        )
    level = SEVERITY_LEVEL[min_severity]
    base = [session_id, level, *params]
    src = _matching(where, join)
    rule = "json_extract(f.value, '$.rule')"
    rows = select(
        f"SELECT {rule}, MAX({_RANK}), COUNT(*), COUNT(DISTINCT e.id) FROM {src} "
        f"WHERE {_RANK} >= ? GROUP BY 1",
        [*base, level],
    )
    samples = select(
        "SELECT rule, id, message, path FROM ("
        f"SELECT {rule} AS rule, e.id AS id, json_extract(f.value, '$.message') AS message, "
        "json_extract(f.value, '$.path') AS path, "
        f"ROW_NUMBER() OVER (PARTITION BY {rule} ORDER BY e.id DESC) AS n FROM {src} "
        f"WHERE {_RANK} >= ?) WHERE n <= ? ORDER BY rule, n",
        [*base, level, max(examples, 1)],
    )
    by_rule: dict[str, list[tuple[int, str | None, str | None]]] = {}
    for r, eid, msg, path in samples:
        by_rule.setdefault(r, []).append((eid, msg, path))
    names = {v: k for k, v in SEVERITY_LEVEL.items()}
    out = []
    for r, rank, count, events in rows:
        first = by_rule.get(r, [(None, None, None)])
        item: dict[str, Any] = {
            "rule": r,
            "severity": names.get(rank, "info"),
            "count": int(count),
            "events": int(events),
        }
        meta = lookup(r) if isinstance(r, str) else None
        if meta is not None:
            item.update(title=meta.title, explanation=meta.explanation, url=meta.url)
        item.update(
            message=first[0][1],
            path=first[0][2],
            examples=[eid for eid, _, _ in first if eid is not None][:examples],
        )
        out.append(item)
    out.sort(key=lambda i: (-SEVERITY_LEVEL[i["severity"]], -i["count"], str(i["rule"])))
    total_events = select(
        f"SELECT COUNT(DISTINCT e.id), COUNT(*) FROM {src} WHERE {_RANK} >= ?", [*base, level]
    )[0]
    return {
        "minSeverity": min_severity,
        "events": int(total_events[0]),
        "findings": int(total_events[1]),
        "rules": out,
    }
