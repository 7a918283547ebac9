"""The number index: the numbers at message paths, for comparisons (``properties.revenue:>290``).

Without it a comparison parses the JSON of every candidate message (a count at 1M events took
1.9x a full scan). With it, ``path:>N`` asks an index of ``(path, value, event id)`` for the
events whose number at that path passes; the index is exact for the events it covers (an
entry is a number at exactly that path, as the exact test's parser sees it; messages are
stored re-serialised, so no key appears twice, and never change), and the exact test (the
same SQL as before) decides for the events after its progress mark.

* **What is indexed**: every number (JSON integer or real) at a path of plain object keys
  (letters, digits, ``_``, ``-``, ``$``; not all digits), not inside an array: the paths a
  comparison names (``properties.revenue``, ``traits.age``, ``context.screen.width``). The
  values are SQLite's own (``json_extract``), the same parser the exact test uses.
* **When**: with the free text, by the indexer (:mod:`inspector.domain.query.indexer`,
  :func:`index_rows`), in the index file, with a progress mark of its own; events above the
  mark are tested row by row.
* **When it is used**: only where the query was compiled with a reader that counts the
  candidates (``MatchContext.num_rows``), and only when they are few (:data:`RARE_ROWS`):
  driving a common comparison from the index (a rowid lookup each) costs more than reading
  the session in order. A lone comparison of any commonness is *counted* from the index
  alone (:func:`count_matches`, query/counting.py) when the session is one range of ids.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Sequence
from typing import Any

import orjson

from inspector.domain.query.textops import json_path

TABLE = "events_num"
KEYS = "events_num_keys"
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS {KEYS} (kid INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS {TABLE} (
    kid INTEGER NOT NULL, v NOT NULL, id INTEGER NOT NULL, PRIMARY KEY (kid, v, id)
) WITHOUT ROWID;
"""
PROGRESS_KEY = "num_upto"
PROGRESS_SQL = f"(SELECT COALESCE(MAX(value), 0) FROM index_progress WHERE key='{PROGRESS_KEY}')"
OPS = (">", ">=", "<", "<=")
#: a comparison with fewer candidates than this is driven from the index
RARE_ROWS = 100_000
#: ``num_rows(key, op, number, cap)``: candidates of a comparison, counted up to ``cap``
NumRows = Callable[[str, str, float, int], int]

_SEGMENT = re.compile(r"[A-Za-z0-9_$-]+")
_FULLKEY = re.compile(r'\.(?:([A-Za-z0-9_$-]+)|"([A-Za-z0-9_$-]+)")')


def path_key(path: tuple[str, ...]) -> str | None:
    """The index key of a query path (``properties.revenue``), or None if it is not indexed."""
    if not path or any(not _SEGMENT.fullmatch(s) or s.isdigit() for s in path):
        return None
    return ".".join(path)


def fullkey_key(fullkey: str) -> str | None:
    """The index key of a ``json_tree`` full key (``$.properties."order_id"``), or None."""
    if not fullkey.startswith("$"):
        return None
    segs: list[str] = []
    pos = 1
    while pos < len(fullkey):
        m = _FULLKEY.match(fullkey, pos)
        if m is None:
            return None  # an array index, or a key with other characters
        segs.append(m.group(1) or m.group(2))
        pos = m.end()
    return path_key(tuple(segs))


def matches_sql(op: str) -> str:
    """Events the index says compare ``op`` a value at a path (two ``?``: the index key and
    the value): exactly the events that do, among those it covers (ids up to the progress
    mark, :data:`PROGRESS_SQL`)."""
    assert op in OPS
    return (
        f"id IN (SELECT id FROM {TABLE} WHERE "
        f"kid = (SELECT kid FROM {KEYS} WHERE key = ?) AND v {op} ?)"
    )


def count_rows(conn: sqlite3.Connection, key: str, op: str, value: Any, cap: int) -> int:
    """Candidates of ``key op value``, counted up to ``cap``: index entries and the events
    not indexed yet. ``cap`` when nothing is indexed (an older store opened read-only has an
    empty index), so that it is not used."""
    assert op in OPS
    try:
        last, upto = conn.execute(
            f"SELECT COALESCE((SELECT MAX(id) FROM events), 0), {PROGRESS_SQL}"
        ).fetchone()
        pending = last - upto
        if pending >= cap or not upto:  # an empty index (none attached) narrows nothing
            return cap
        row = conn.execute(
            f"SELECT COUNT(*) FROM (SELECT 1 FROM {TABLE} WHERE "
            f"kid = (SELECT kid FROM {KEYS} WHERE key = ?) AND v {op} ? LIMIT ?)",
            (key, value, cap - pending),
        ).fetchone()
    except sqlite3.OperationalError:  # no such table
        return cap
    return int(pending + row[0])


def progress(conn: sqlite3.Connection) -> int:
    """The last event id the number index covers (0: none, or no index in this store)."""
    try:
        return int(conn.execute("SELECT " + PROGRESS_SQL).fetchone()[0])
    except sqlite3.OperationalError:  # no meta table (not a store)
        return 0


def count_matches(
    conn: sqlite3.Connection, key: str, op: str, value: Any, ids: tuple[int, int] | None
) -> int | None:
    """Indexed events whose number at ``key`` compares ``op`` ``value``, among ids in the
    range ``ids`` (None: all), from the index alone. Exact for the events the index covers
    (ids up to :func:`progress`): an entry is a number at exactly that path, as the exact
    test's parser sees it (messages are stored re-serialised: no key appears twice). None
    when the store has no number index."""
    assert op in OPS
    sql = (
        f"SELECT COUNT(*) FROM {TABLE} WHERE kid = (SELECT kid FROM {KEYS} WHERE key = ?) "
        f"AND v {op} ?"
    )
    params: tuple[Any, ...] = (key, value)
    if ids is not None:
        sql += " AND id BETWEEN ? AND ?"
        params += ids
    try:
        return int(conn.execute(sql, params).fetchone()[0])
    except sqlite3.OperationalError:  # no such table
        return None


_INSERT = (
    f"INSERT OR IGNORE INTO {TABLE} (kid, v, id) SELECT ?, v, ? FROM "
    "(SELECT json_extract(?, ?) AS v) WHERE typeof(v) IN ('integer', 'real')"
)
_LEAVES = (
    "SELECT fullkey FROM json_tree(?) WHERE type IN ('integer', 'real') AND fullkey NOT LIKE '%[%'"
)


#: whether a key can be a segment of an index key, per key seen (keys repeat from message
#: to message), bounded
_SEGMENT_OK: dict[str, bool] = {}
_SEGMENTS_KEPT = 65536


def _segment_ok(k: str) -> bool:
    ok = _SEGMENT_OK.get(k)
    if ok is None:
        ok = _SEGMENT.fullmatch(k) is not None and not k.isdigit()
        if len(_SEGMENT_OK) < _SEGMENTS_KEPT:
            _SEGMENT_OK[k] = ok
    return ok


def number_keys(message: str) -> list[str] | None:
    """The index keys of the numbers in a message's JSON, not inside an array (None: orjson
    cannot parse it; :func:`index_rows` asks ``json_tree`` then). ~10x cheaper than
    ``json_tree``, which builds a full key for every node. (A regular expression that looked
    for a number first cost about as much as parsing: 7 of 10 messages have one.)"""
    try:
        doc = orjson.loads(message)
    except orjson.JSONDecodeError:
        return None
    out: list[str] = []
    stack = [("", doc)] if doc.__class__ is dict else []
    while stack:
        prefix, obj = stack.pop()
        for k, v in obj.items():
            cls = v.__class__
            if (cls is dict or cls is int or cls is float) and _segment_ok(k):
                if cls is dict:
                    stack.append((prefix + k + ".", v))
                else:
                    out.append(prefix + k)
    return out


def index_rows(conn: sqlite3.Connection, rows: Sequence[tuple[int, str]]) -> None:
    """Add ``(event id, message JSON)`` rows to the index (inside the caller's write
    transaction on the index file). Python finds the paths; the values are SQLite's own
    (``json_extract``, the same parser the exact test uses)."""
    kids: dict[str, int] = {}
    out: list[tuple[int, int, str, str]] = []
    for eid, message in rows:
        keys = number_keys(message)
        if keys is None:
            keys = [k for (f,) in conn.execute(_LEAVES, (message,)) if (k := fullkey_key(f))]
        for key in keys:
            kid = kids.get(key)
            if kid is None:
                kid = kids[key] = _kid(conn, key)
            out.append((kid, eid, message, json_path(tuple(key.split(".")))))
    conn.executemany(_INSERT, out)


def _kid(conn: sqlite3.Connection, key: str) -> int:
    conn.execute(f"INSERT OR IGNORE INTO {KEYS} (key) VALUES (?)", (key,))
    return int(conn.execute(f"SELECT kid FROM {KEYS} WHERE key = ?", (key,)).fetchone()[0])


def forget_session(conn: sqlite3.Connection, session_id: int) -> None:
    """Remove a session's entries (inside the caller's transaction, before its events go)."""
    forget_entries(conn, TABLE, session_id)


def forget_entries(conn: sqlite3.Connection, table: str, session_id: int) -> None:
    """Remove a session's rows from an index ``table`` keyed by event ``id`` (all of them
    when no other session has events: cheaper than a lookup per row)."""
    if conn.execute(
        "SELECT NOT EXISTS (SELECT 1 FROM events WHERE session_id<>?)", (session_id,)
    ).fetchone()[0]:
        conn.execute(f"DELETE FROM {table}")
        return
    conn.execute(
        f"DELETE FROM {table} WHERE id IN (SELECT id FROM events WHERE session_id=?)",
        (session_id,),
    )
