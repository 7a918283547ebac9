"""Bringing a store written by an older version up to this one, when it is opened to write.

* Before version 2 and 3, requests lacked some columns: they are added (empty).
* Before version 5, each event row held its source's columns (write key, auth, library and
  its version, client, user agent: the same for every event of a client, ~0.11x the JSON
  sent). The events table is rebuilt once, in one transaction, with a ``source_id`` naming a
  row of ``sources`` instead (ids, sequence numbers and everything else unchanged, so the
  free-text and number indexes stay valid).

A store opened read-only is never changed: its reads join no ``sources``
(:func:`~inspector.domain.store_schema.sources_join`).
"""

from __future__ import annotations

import sqlite3

from inspector.domain.store_schema import (
    ADDED_REQUEST_COLUMNS,
    EVENT_STORED_COLUMNS,
    EVENTS_TABLE,
    SCHEMA_VERSION,
    SOURCE_COLUMNS,
    missing_columns,
)

_NEW_EVENTS = "events_v5"


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}


def needs_sources(conn: sqlite3.Connection) -> bool:
    """Whether the events table still holds its sources' columns (before version 5)."""
    have = _columns(conn, "events")
    return "source_id" not in have and "write_key" in have


def move_sources(conn: sqlite3.Connection) -> None:
    """Rebuild an events table of before version 5 (inside the caller's transaction): each
    distinct source becomes a row of ``sources``, each event names it. The caller recreates
    the indexes (the schema script) afterwards."""
    have = _columns(conn, "events")
    src = ", ".join(SOURCE_COLUMNS)
    conn.execute(f"INSERT INTO sources ({src}) SELECT DISTINCT {src} FROM events")
    conn.execute(f"CREATE INDEX sources_migrating ON sources ({src})")
    conn.execute(EVENTS_TABLE.replace("IF NOT EXISTS events", _NEW_EVENTS))
    same = " AND ".join(f"s.{c} IS e.{c}" for c in SOURCE_COLUMNS)
    picked = ", ".join(
        "(SELECT s.source_id FROM sources s WHERE " + same + ")"
        if c == "source_id"
        else (f"e.{c}" if c in have else "NULL")
        for c in EVENT_STORED_COLUMNS
    )
    conn.execute(
        f"INSERT INTO {_NEW_EVENTS} ({', '.join(EVENT_STORED_COLUMNS)}) "
        f"SELECT {picked} FROM events e ORDER BY e.id"
    )
    conn.execute("DROP INDEX sources_migrating")
    conn.execute("DROP TABLE events")  # its indexes go with it
    conn.execute(f"ALTER TABLE {_NEW_EVENTS} RENAME TO events")


def migrate(conn: sqlite3.Connection, schema: str) -> None:
    """Bring an older store up to this version (``schema``: the script that creates what is
    missing, run again after a rebuild for the indexes)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        for name, kind in missing_columns(_columns(conn, "requests"), ADDED_REQUEST_COLUMNS):
            conn.execute(f"ALTER TABLE requests ADD COLUMN {name} {kind}")
        rebuilt = needs_sources(conn)
        if rebuilt:
            move_sources(conn)
        conn.execute(
            "UPDATE meta SET value = ? WHERE key = 'schema_version' AND CAST(value AS INTEGER) < ?",
            (str(SCHEMA_VERSION), SCHEMA_VERSION),
        )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    if rebuilt:
        conn.executescript(schema)  # the events indexes, on the new table
