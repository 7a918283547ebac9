"""Bringing a store written by an older version up to this one, when it is opened to write.

* Before version 2 and 3, requests lacked some columns: they are added (empty).
* Before version 5, each event row held its source's columns (write key, auth, library and
  its version, client, user agent: the same for every event of a client, ~0.11x the JSON
  sent); before version 6, its messageId (~0.05x), which the message holds too, and its
  findings' JSON (~0.03x; most events repeat a few lists). The events table
  is rebuilt once, in one transaction, with a ``source_id`` naming a row of ``sources``, a
  ``lint_id`` naming a row of ``lints`` and the messageId kept only where the message does
  not hold it as it is (ids, sequence numbers and everything else unchanged, so the
  free-text and number indexes stay valid). Before version 7, its userId and anonymousId
  (~0.035x), which the message holds too: kept only where it does not hold them as plain
  strings. A store of version 6 is rebuilt the same way. Before version 8, the three were
  read from the message with json_extract (three JSON parses of each row inserted): each
  row gets where its message holds each of them (``mid_at``, ``uid_at``, ``aid_at``), or
  keeps the value where the message's text escapes it. A store of version 7 is rebuilt so.

A store opened read-only is never changed: its reads join no ``sources``
(:func:`~inspector.domain.store_schema.read_shape`).
"""

from __future__ import annotations

import logging
import sqlite3
import time

from inspector.domain.store_schema import (
    ADDED_REQUEST_COLUMNS,
    AT_COLUMNS,
    EVENT_STORED_COLUMNS,
    EVENTS_TABLE,
    KEPT_COLUMNS,
    SCHEMA_VERSION,
    SIDE_TABLES,
    SOURCE_COLUMNS,
    missing_columns,
)
from inspector.domain.store_write import lint_hash

_NEW_EVENTS = "events_new"
# an old row's messageId, kept only when its message does not hold it as it is
_MID_KEPT = (
    "CASE WHEN NOT json_valid(e.message) THEN e.message_id "
    "WHEN e.message_id IS json_extract(e.message, '$.messageId') THEN NULL "
    "ELSE e.message_id END"
)
# an old row's userId or anonymousId, kept only when its message holds it as that very string
_ID_KEPT = (
    "CASE WHEN json_valid(e.message) AND json_type(e.message, '$.{key}') = 'text' "
    "AND e.{col} = json_extract(e.message, '$.{key}') THEN NULL ELSE e.{col} END"
)
# where an old row's message holds the value (``v``: {col}) it does not keep (``k``: {kept}),
# as store_schema.at_of finds it (instr and length count characters, as Python and substr
# do), and what it keeps then: the value where its message's text does not hold it as it is.
# (A subquery reads the old value once: a virtual column of version 7 parses the message.)
_FOUND = "typeof(v) = 'text' AND length(v) < 256 AND instr(e.message, v) > 0"
_THE_ROW = " FROM (SELECT {kept} AS k, e.{col} AS v))"
_AT = (
    "(SELECT CASE WHEN k IS NULL AND " + _FOUND + " "
    "THEN ((instr(e.message, v) - 1) << 8) | length(v) END" + _THE_ROW
)
_KEPT = "(SELECT CASE WHEN k IS NOT NULL THEN k WHEN " + _FOUND + " THEN NULL ELSE v END" + _THE_ROW


log = logging.getLogger(__name__)


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}


def needs_rebuild(conn: sqlite3.Connection) -> bool:
    """Whether the events table is of before version 8 (a store that has one)."""
    have = _columns(conn, "events")
    return bool(have) and "uid_at" not in have


def _move_lints(conn: sqlite3.Connection) -> None:
    """Each distinct list of findings of the events becomes a row of ``lints``."""
    texts = conn.execute("SELECT DISTINCT lint FROM events WHERE lint IS NOT NULL").fetchall()
    conn.executemany(
        "INSERT INTO lints (hash, lint) VALUES (?, ?)", ((lint_hash(t), t) for (t,) in texts)
    )
    conn.execute("CREATE INDEX lints_migrating ON lints (lint)")


def rebuild_events(conn: sqlite3.Connection) -> None:
    """Rebuild an events table of before version 8 (inside the caller's transaction): each
    distinct source becomes a row of ``sources`` (before version 5), each distinct list of
    findings a row of ``lints`` (before version 6), and each event names them; a messageId,
    userId, anonymousId is kept only where the message does not hold it (else where it
    holds it: ``*_at``). The caller
    recreates the indexes (the schema script) afterwards."""
    have = _columns(conn, "events")
    own_lints = "lint_id" not in have
    if own_lints:
        _move_lints(conn)
    src = ", ".join(SOURCE_COLUMNS)
    own_sources = "source_id" not in have
    if own_sources:
        conn.execute(f"INSERT INTO sources ({src}) SELECT DISTINCT {src} FROM events")
        conn.execute(f"CREATE INDEX sources_migrating ON sources ({src})")
    conn.execute(EVENTS_TABLE.replace("IF NOT EXISTS events", _NEW_EVENTS))
    same = " AND ".join(f"s.{c} IS e.{c}" for c in SOURCE_COLUMNS)
    picked = {c: f"e.{c}" if c in have else "NULL" for c in EVENT_STORED_COLUMNS}
    if "mid_kept" not in have:
        picked["mid_kept"] = _MID_KEPT
    if "uid_kept" not in have:
        picked["uid_kept"] = _ID_KEPT.format(key="userId", col="user_id")
        picked["aid_kept"] = _ID_KEPT.format(key="anonymousId", col="anonymous_id")
    for col, kept in KEPT_COLUMNS.items():  # (the old table's column: stored or virtual)
        was = {"kept": picked[kept], "col": col}
        picked[AT_COLUMNS[col]] = _AT.format(**was)
        picked[kept] = _KEPT.format(**was)
    if own_lints:
        picked["lint_id"] = "(SELECT l.lint_id FROM lints l WHERE l.lint = e.lint)"
    if own_sources:
        picked["source_id"] = f"(SELECT s.source_id FROM sources s WHERE {same})"
    conn.execute(
        f"INSERT INTO {_NEW_EVENTS} ({', '.join(EVENT_STORED_COLUMNS)}) "
        f"SELECT {', '.join(picked.values())} FROM events e ORDER BY e.id"
    )
    if own_lints:
        conn.execute("DROP INDEX lints_migrating")
    if own_sources:
        conn.execute("DROP INDEX sources_migrating")
    conn.execute("DROP TABLE events")  # its indexes go with it
    conn.execute(f"ALTER TABLE {_NEW_EVENTS} RENAME TO events")


def migrate(conn: sqlite3.Connection) -> None:
    """Bring an older store up to this version, before the schema script runs (which
    creates what is missing, the events indexes among it: some name columns of this
    version). A new store: nothing to do."""
    if not _columns(conn, "meta"):
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        requests = _columns(conn, "requests")
        for name, kind in missing_columns(requests, ADDED_REQUEST_COLUMNS) if requests else []:
            conn.execute(f"ALTER TABLE requests ADD COLUMN {name} {kind}")
        if needs_rebuild(conn):
            started = time.monotonic()
            n = conn.execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()[0]
            log.warning(
                "upgrading the store to version %d: its events (ids up to %s) are rewritten "
                "once (about 20 s a million on a quiet machine)",
                SCHEMA_VERSION,
                f"{n:,}",
            )
            for statement in SIDE_TABLES.split(";"):
                if statement.strip():
                    conn.execute(statement)
            rebuild_events(conn)
            log.warning("store upgraded in %.1f s", time.monotonic() - started)
        conn.execute(
            "UPDATE meta SET value = ? WHERE key = 'schema_version' AND CAST(value AS INTEGER) < ?",
            (str(SCHEMA_VERSION), SCHEMA_VERSION),
        )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
