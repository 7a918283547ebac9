"""Reads of the ``requests`` table (one request, a page of them, the rejected ones) and a
session's counts (:meth:`~inspector.domain.store.Store.stats`); ``Store`` keeps one-line
methods over these."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from typing import Any

from inspector.domain.capture import RawRequest
from inspector.domain.store_body import BODY_SQL
from inspector.domain.store_rows import request_from_row
from inspector.domain.store_schema import REQUEST_COLUMNS

#: runs a read on the store's read connection: ``Store._rows``
Rows = Callable[[str, Sequence[Any]], list[Any]]

# what reads select of a request (a body kept as a recipe rebuilt: store_body.BODY_SQL)
_REQ_COLS = ", ".join(BODY_SQL if c == "body" else c for c in REQUEST_COLUMNS)


def request_columns(conn: sqlite3.Connection, read_only: bool) -> str:
    """What reads select of a request: a store of an older version opened read-only (not
    migrated) reads NULL for the columns it does not have yet."""
    if not read_only:
        return _REQ_COLS
    have = {r[1] for r in conn.execute("PRAGMA table_info(requests)")}
    events = {r[1] for r in conn.execute("PRAGMA table_info(events)")}
    body = BODY_SQL if "message" in events else "body"  # (no recipes without messages)
    return ", ".join(
        body if c == "body" else (c if c in have else f"NULL AS {c}") for c in REQUEST_COLUMNS
    )


def _count(rows: Rows, sql: str, params: Sequence[Any] = ()) -> int:
    return int(rows(sql, params)[0][0])


def get_request(rows: Rows, cols: str, request_id: int) -> RawRequest | None:
    found = rows(f"SELECT {cols} FROM requests WHERE id=?", (request_id,))
    return request_from_row(found[0]) if found else None


def rejected(
    rows: Rows, cols: str, session_id: int, limit: int | None, offset: int
) -> tuple[int, list[RawRequest]]:
    total = _count(
        rows, "SELECT COUNT(*) FROM requests WHERE session_id=? AND rejected=1", (session_id,)
    )
    lim = f" LIMIT {int(limit)} OFFSET {int(offset)}" if limit is not None else ""
    found = rows(
        f"SELECT {cols} FROM requests WHERE session_id=? AND rejected=1 ORDER BY id{lim}",
        (session_id,),
    )
    return total, [request_from_row(r) for r in found]


def requests(rows: Rows, cols: str, session_id: int, after_id: int, limit: int) -> list[RawRequest]:
    found = rows(
        f"SELECT {cols} FROM requests WHERE session_id=? AND id>? ORDER BY id LIMIT {int(limit)}",
        (session_id, after_id),
    )
    return [request_from_row(r) for r in found]


def stats(rows: Rows, session_id: int) -> dict[str, Any]:
    """A session's counts: events by type and by lint level, requests, rejected, duplicates."""
    sid = (session_id,)
    by_type = dict(rows("SELECT type, COUNT(*) FROM events WHERE session_id=? GROUP BY type", sid))
    lint = dict(
        rows("SELECT lint_level, COUNT(*) FROM events WHERE session_id=? GROUP BY lint_level", sid)
    )
    return {
        "events": sum(by_type.values()),
        "byType": by_type,
        "rejected": _count(
            rows, "SELECT COUNT(*) FROM requests WHERE session_id=? AND rejected=1", sid
        ),
        "requests": _count(rows, "SELECT COUNT(*) FROM requests WHERE session_id=?", sid),
        "duplicates": _count(rows, "SELECT COUNT(*) FROM events WHERE session_id=? AND dup=1", sid),
        "lint": {
            "error": lint.get(3, 0),
            "warning": lint.get(2, 0),
            "info": lint.get(1, 0),
            "none": lint.get(0, 0),
        },
        "sessions": _count(rows, "SELECT COUNT(*) FROM sessions"),
    }
