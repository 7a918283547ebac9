"""A session as a range of event ids, when it is one: then "an event of the session" is "an id
between lo and hi", and an index keyed by event id alone (the number index) counts the
session's events without reading their rows.

Ids are handed out in increasing order to every session of a store, so a session written
while no other was is one range; two written at the same time interleave (then there is no
span, and callers count rows). Each probe below is a seek in the lint index
``events_q_lv (session_id, lint_level, id, ...)``: a few dozen seeks, whatever the size.
"""

from __future__ import annotations

import sqlite3

LINT_INDEX = "events_q_lv"
LEVELS = (0, 1, 2, 3)  # lint_level: 0 none, 1 info, 2 warning, 3 error
#: more sessions than this in the store: not worth the seeks (count rows instead)
MAX_SESSIONS = 200

_LO_HI = "SELECT " + ", ".join(
    f"(SELECT MIN(id) FROM events WHERE session_id=?1 AND lint_level={lv}), "
    f"(SELECT MAX(id) FROM events WHERE session_id=?1 AND lint_level={lv})"
    for lv in LEVELS
)
_ODD_LEVEL = (
    "SELECT EXISTS (SELECT 1 FROM events WHERE session_id=?1 AND lint_level < 0) "
    "OR EXISTS (SELECT 1 FROM events WHERE session_id=?1 AND lint_level > 3)"
)
_INSIDE = "SELECT " + " OR ".join(
    f"EXISTS (SELECT 1 FROM events WHERE session_id=?1 AND lint_level={lv} "
    "AND id BETWEEN ?2 AND ?3)"
    for lv in LEVELS
)


def session_span(conn: sqlite3.Connection, session_id: int) -> tuple[int, int] | None:
    """``(lo, hi)``: the session's events are exactly the events with ids in ``[lo, hi]``;
    None when another session's event lies in between, the session is empty, or the store
    has no lint index (an older store opened read-only)."""
    if not conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type='index' AND name=?", (LINT_INDEX,)
    ).fetchone():
        return None
    ends = [v for v in conn.execute(_LO_HI, (session_id,)).fetchone() if v is not None]
    if not ends or conn.execute(_ODD_LEVEL, (session_id,)).fetchone()[0]:
        return None
    lo, hi = min(ends), max(ends)
    others = 0
    other = conn.execute("SELECT MIN(session_id) FROM events").fetchone()[0]
    while other is not None:
        if other != session_id:
            others += 1
            if others > MAX_SESSIONS:
                return None
            if (
                conn.execute(_INSIDE, (other, lo, hi)).fetchone()[0]
                or conn.execute(_ODD_LEVEL, (other,)).fetchone()[0]
            ):
                return None
        other = conn.execute(
            "SELECT MIN(session_id) FROM events WHERE session_id > ?", (other,)
        ).fetchone()[0]
    return lo, hi
