"""The shape index: which object paths each event's message has, for ``has:path``.

Without it ``has:traits.email`` parses the JSON of every row it is asked about (a count of
``type:identify has:traits.email`` read 100k rows at 1M events: 0.5-1.2 s). Messages come in
few *shapes* (the set of their paths: every identify call of one library looks alike), so the
index keeps each distinct shape once (``events_shapes``: the paths, one a line) and an entry
``(shape, event id)`` per event (``events_shape``, ~10 bytes an event); ``has:P`` is then the
events whose shape lists ``P``, and a count reads index entries, not rows.

* **What a shape holds**: every path of plain object keys (letters, digits, ``_``, ``-``,
  ``$``; not all digits; :func:`~inspector.domain.query.numindex.path_key`), not inside an
  array: the paths ``has:`` names that the index answers. Any other ``has:`` is tested row by
  row. The paths come from the stored message (re-serialised from a dict: no key twice).
* **When**: by the indexer, in the query indexes' file (:mod:`inspector.domain.query.indexer`),
  once the free-text and number indexes are up to date (so that their catch-up after a burst
  is not delayed), with a progress mark of its own; events after the mark are tested row by
  row, so answers never depend on the index.
* **Bounded**: at most :data:`MAX_SHAPES` shapes; an event of a new shape past that stops the
  indexing there (the rest is tested row by row).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

import orjson

from inspector.domain.query.numindex import forget_entries, path_key

TABLE = "events_shape"
SHAPES = "events_shapes"
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS {SHAPES} (
    shape INTEGER PRIMARY KEY, paths TEXT NOT NULL UNIQUE, n INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS {TABLE} (
    shape INTEGER NOT NULL, id INTEGER NOT NULL, PRIMARY KEY (shape, id)
) WITHOUT ROWID;
"""
PROGRESS_KEY = "shape_upto"
PROGRESS_SQL = f"(SELECT COALESCE(MAX(value), 0) FROM index_progress WHERE key='{PROGRESS_KEY}')"
MAX_SHAPES = 4096


def message_paths(message: Any) -> str:
    """The shape of a message: its indexed paths, sorted, each on a line of its own (and a
    line break first and last, so that ``instr(paths, '\nP\n')`` finds one)."""
    out: list[str] = []
    if isinstance(message, dict):
        _walk(message, "", out)
    out.sort()
    return "\n" + "".join(p + "\n" for p in out)


_PLAIN: dict[str, bool] = {}  # key -> whether it is a plain segment (numindex.path_key's rule)


def _walk(obj: dict[str, Any], prefix: str, out: list[str]) -> None:
    for k, v in obj.items():
        plain = _PLAIN.get(k)
        if plain is None:
            plain = path_key((k,)) is not None
            if len(_PLAIN) < 50_000:
                _PLAIN[k] = plain
        if not plain:
            continue  # nor anything under it: no indexed path passes through this key
        path = prefix + k
        out.append(path)
        if v.__class__ is dict:
            _walk(v, path + ".", out)


def needle(key: str) -> str:
    """What ``instr(paths, ?)`` looks for to find ``key`` in a shape."""
    return "\n" + key + "\n"


def has_sql(common: bool) -> str:
    """Events the index says have a path (one ``?``: :func:`needle`), exactly, among those
    it covers (ids up to :data:`PROGRESS_SQL`). ``common``: most indexed events have it, so
    the set read is the events that do not."""
    shapes = f"SELECT shape FROM {SHAPES} WHERE instr(paths, ?) {'=' if common else '>'} 0"
    ids = f"(SELECT id FROM {TABLE} WHERE shape IN ({shapes}))"
    return f"id NOT IN {ids}" if common else f"id IN {ids}"


def count_shapes(conn: sqlite3.Connection, key: str) -> tuple[int, int, int] | None:
    """``(have, lack, upto)``: how many events indexed so far had ``key`` and how many did not
    (ever: deleted ones still count; 0 says none of those indexed by now), and the progress
    mark they were read at; None without a shape index."""
    try:
        row = conn.execute(
            f"SELECT COALESCE(SUM(n * (instr(paths, ?1) > 0)), 0), "
            f"COALESCE(SUM(n * (instr(paths, ?1) = 0)), 0), {PROGRESS_SQL} FROM {SHAPES}",
            (needle(key),),
        ).fetchone()
    except sqlite3.OperationalError:  # no such table (an older store opened read-only)
        return None
    return int(row[0]), int(row[1]), int(row[2])


def progress(conn: sqlite3.Connection) -> int:
    """The last event id the shape index covers (0: none, or no index in this store)."""
    try:
        return int(conn.execute("SELECT " + PROGRESS_SQL).fetchone()[0])
    except sqlite3.OperationalError:  # no meta table (not a store)
        return 0


def count_having(conn: sqlite3.Connection, key: str, ids: tuple[int, int] | None) -> int | None:
    """Indexed events whose message has path ``key``, among ids in the range ``ids`` (None:
    all), from the index alone (exact for the events up to :func:`progress`); None when the
    store has no shape index."""
    sql = (
        f"SELECT COUNT(*) FROM {TABLE} WHERE shape IN "
        f"(SELECT shape FROM {SHAPES} WHERE instr(paths, ?) > 0)"
    )
    params: tuple[Any, ...] = (needle(key),)
    if ids is not None:
        sql += " AND id BETWEEN ? AND ?"
        params += ids
    try:
        return int(conn.execute(sql, params).fetchone()[0])
    except sqlite3.OperationalError:  # no such table
        return None


def index_rows(conn: sqlite3.Connection, rows: Sequence[tuple[int, str]]) -> int | None:
    """Add ``(event id, message JSON)`` rows, in id order, inside the caller's write
    transaction on the index file; returns the last id covered (None: none, the bound was
    reached at the first: the caller's progress mark stays)."""
    known: dict[str, int] = {}
    entries: list[tuple[int, int]] = []
    counts: dict[int, int] = {}
    last = None
    for eid, text in rows:
        try:
            paths = message_paths(orjson.loads(text))
        except orjson.JSONDecodeError:
            paths = message_paths(None)
        shape = known.get(paths)
        if shape is None:
            shape = _shape(conn, paths)
            if shape is None:
                break  # MAX_SHAPES reached
            known[paths] = shape
        entries.append((shape, eid))
        counts[shape] = counts.get(shape, 0) + 1
        last = eid
    if not entries:
        return None
    conn.executemany(f"INSERT OR IGNORE INTO {TABLE} (shape, id) VALUES (?, ?)", entries)
    conn.executemany(
        f"UPDATE {SHAPES} SET n = n + ? WHERE shape = ?", [(n, s) for s, n in counts.items()]
    )
    return last


def _shape(conn: sqlite3.Connection, paths: str) -> int | None:
    row = conn.execute(f"SELECT shape FROM {SHAPES} WHERE paths = ?", (paths,)).fetchone()
    if row is not None:
        return int(row[0])
    if conn.execute(f"SELECT COUNT(*) FROM {SHAPES}").fetchone()[0] >= MAX_SHAPES:
        return None
    cur = conn.execute(f"INSERT INTO {SHAPES} (paths) VALUES (?)", (paths,))
    return int(cur.lastrowid or 0)


def forget_session(conn: sqlite3.Connection, session_id: int) -> None:
    """Remove a session's entries (inside the caller's transaction, before its events go)."""
    forget_entries(conn, TABLE, session_id)
