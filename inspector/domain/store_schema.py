"""The SQLite schema shared by the headless collector and the window (one store format)."""

from __future__ import annotations

from typing import Any

# 4: request bodies may be stored compressed (inspector/domain/store_body.py)
# 5: what is the same for every event of a client (write key, auth, library, client, user
#    agent) is one row of ``sources``, which each event names (store_migrate.py)
# 6: an event's messageId is read from its message (a virtual column); only one the message
#    does not hold as it is (made up on arrival) is kept (``mid_kept``); its findings (JSON)
#    are one row of ``lints`` that every event with the same findings names (``lint_id``)
# 7: an event's userId and anonymousId are read from its message too (virtual columns); only
#    a value the message does not hold as a plain string is kept (``uid_kept``, ``aid_kept``)
# 8: those three virtual columns read the value out of the message by where it is
#    (``mid_at``, ``uid_at``, ``aid_at``: :func:`at_of`), not with json_extract: SQLite computes
#    every generated column of each row it inserts, and three JSON parses of the message were
#    ~1.5 µs of the store writer's ~11 µs an event (benchmarks/store_insert.py); the partial
#    indexes of non-ASCII values tell them by their length in bytes, not with a GLOB
SCHEMA_VERSION = 8

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS sessions (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at REAL NOT NULL,
    merge_mode TEXT NOT NULL DEFAULT 'default'
);
CREATE TABLE IF NOT EXISTS requests (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL,
    received_at REAL NOT NULL,
    method TEXT, path TEXT, query TEXT, headers TEXT,
    content_type TEXT, content_encoding TEXT, size INTEGER,
    body BLOB,
    status INTEGER, error_code TEXT, error TEXT,
    rejected INTEGER NOT NULL DEFAULT 0,
    fault TEXT,
    event_count INTEGER NOT NULL DEFAULT 0,
    client TEXT, duration_ms REAL, answer TEXT, upstream TEXT, auth TEXT, write_key TEXT
);
CREATE INDEX IF NOT EXISTS requests_rejected ON requests(session_id, rejected);
{side}
{events}
CREATE INDEX IF NOT EXISTS events_session_seq ON events(session_id, seq);
-- (session_id, type, event) is covered by the NOCASE index below; a second one cost ~15%
-- of the write rate
DROP INDEX IF EXISTS events_type_event;
-- No index on userId/anonymousId/messageId: random keys dirty a page per row per index and
-- cost ingest ~45% of its rate (benchmarks/ingest.py); ids are resolved in memory instead.
-- Query language (inspector/domain/query, benchmarks/query.py): case-insensitive type/event,
-- lint, and free text. Id fields (user:, userId:, ...) go through events_fts, not indexes.
-- Each index also holds what a count of a common query shape reads besides its key (the
-- lint level; the findings of an event that has any), so that the count reads the index
-- alone, never the ~1 KB rows: ``event:X lint:warning``, ``type:X -event:Y -lint:none``,
-- ``rule:X`` (its findings: a lookup in lints). The lint index keys findings by event id so
-- that a new row lands at the end of its level's range.
DROP INDEX IF EXISTS events_q_type_event;
DROP INDEX IF EXISTS events_q_event;
DROP INDEX IF EXISTS events_q_lint;
CREATE INDEX IF NOT EXISTS events_q_te
    ON events(session_id, type COLLATE NOCASE, event COLLATE NOCASE, lint_level);
CREATE INDEX IF NOT EXISTS events_q_ev ON events(session_id, event COLLATE NOCASE, lint_level);
CREATE INDEX IF NOT EXISTS events_q_lv ON events(session_id, lint_level, id, lint_id);
-- The few non-ASCII values, where NOCASE is not enough (the WHERE text must stay as is:
-- query/textops.non_ascii). Version 8 tells them by their length in bytes, which costs
-- each insert less than the GLOB '*[^ -~]*' of before (a version 7 table is rebuilt).
CREATE INDEX IF NOT EXISTS events_q_type_na ON events(type)
    WHERE length(CAST(type AS BLOB)) <> length(type);
CREATE INDEX IF NOT EXISTS events_q_event_na ON events(event)
    WHERE length(CAST(event AS BLOB)) <> length(event);
CREATE INDEX IF NOT EXISTS events_q_name_na ON events(name)
    WHERE length(CAST(name AS BLOB)) <> length(name);
-- (lib and client are columns of ``sources``: a handful of rows, no index needed)
-- Free text and numbers: indexes in a file of their own, inspector-index.sqlite3, filled off
-- the write path (query/indexer.py; older stores' events_fts/events_num go on first open).
"""
EVENTS_TABLE = """CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    received_at REAL NOT NULL,
    ts REAL NOT NULL,
    type TEXT, event TEXT, name TEXT,
    uid_kept TEXT, aid_kept TEXT, previous_id TEXT, group_id TEXT,
    mid_kept TEXT,
    mid_at INTEGER, uid_at INTEGER, aid_at INTEGER,
    message_id TEXT GENERATED ALWAYS AS
        (COALESCE(mid_kept, substr(message, (mid_at >> 8) + 1, mid_at & 255))) VIRTUAL,
    user_id TEXT GENERATED ALWAYS AS
        (COALESCE(uid_kept, substr(message, (uid_at >> 8) + 1, uid_at & 255))) VIRTUAL,
    anonymous_id TEXT GENERATED ALWAYS AS
        (COALESCE(aid_kept, substr(message, (aid_at >> 8) + 1, aid_at & 255))) VIRTUAL,
    generated_mid INTEGER NOT NULL DEFAULT 0,
    source_id INTEGER,
    request_id INTEGER, batch_index INTEGER, batch_size INTEGER,
    dup INTEGER NOT NULL DEFAULT 0,
    lint_level INTEGER NOT NULL DEFAULT 0,
    lint_id INTEGER,
    message TEXT NOT NULL,
    original TEXT
);"""
# What events name instead of holding it (version 5, 6).
SIDE_TABLES = """
-- Where events come from: one row per (write key, auth, library, client, user agent) seen;
-- never deleted (a clear keeps them: they are few, and writers keep their ids in memory).
CREATE TABLE IF NOT EXISTS sources (
    source_id INTEGER PRIMARY KEY,
    write_key TEXT, auth TEXT, lib TEXT, lib_version TEXT, client TEXT, user_agent TEXT
);
-- Each distinct list of findings (JSON), found by its text's CRC-32 (``hash``): events of one
-- name mostly have the same findings. Never deleted, as sources.
CREATE TABLE IF NOT EXISTS lints (
    lint_id INTEGER PRIMARY KEY, hash INTEGER NOT NULL, lint TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS lints_hash ON lints(hash);
"""
SCHEMA = SCHEMA.replace("{events}", EVENTS_TABLE).replace("{side}", SIDE_TABLES)

#: what a source is: the columns of ``sources`` but its id (``Source`` field order)
SOURCE_COLUMNS = ("write_key", "auth", "lib", "lib_version", "client", "user_agent")
#: an events query that reads a source's columns (or filters on them: ``lib:``,
#: ``writekey:``) or the findings (``lint``) joins them in; SQLite leaves a join out of a
#: query that does not use it (``source_id`` and ``lint_id`` are unique). A store of an older
#: version opened read-only has them in ``events`` itself (:func:`read_shape`).
SOURCES_JOIN = " LEFT JOIN sources USING (source_id)"
LINTS_JOIN = " LEFT JOIN lints USING (lint_id)"
EVENT_JOINS = SOURCES_JOIN + LINTS_JOIN

# The columns an event row and a read of it share, in this order.
_EVENT_HEAD = (
    "id",
    "session_id",
    "seq",
    "received_at",
    "ts",
    "type",
    "event",
    "name",
)
#: the columns computed from the message (but where it does not hold the value as a plain
#: string), and the stored columns in their places: read and stored rows line up
KEPT_COLUMNS = {"user_id": "uid_kept", "anonymous_id": "aid_kept", "message_id": "mid_kept"}
#: and where in the message each is found otherwise (version 8: :func:`at_of`)
AT_COLUMNS = {"message_id": "mid_at", "user_id": "uid_at", "anonymous_id": "aid_at"}
#: how many low bits of an ``*_at`` value hold the length (the rest: the offset)
AT_LENGTH_BITS = 8


def at_of(text: str, value: str) -> int | None:
    """Where the message's JSON ``text`` holds ``value`` character for character, as an
    ``*_at`` column keeps it: ``offset << 8 | length`` (in characters, as SQLite's ``substr``
    counts them), so that ``substr(message, (at >> 8) + 1, at & 255)`` is ``value``; None
    when the text does not hold it as it is (JSON escapes it) or it is 256 characters or
    longer (then the row keeps the value itself). Any place that holds the same characters
    will do: what is read back is those characters."""
    n = len(value)
    if n >> AT_LENGTH_BITS:
        return None
    at = text.find(value)
    return None if at < 0 else at << AT_LENGTH_BITS | n


# The events table's stored columns, in the order inserts use (``message_id``, ``user_id``,
# ``anonymous_id`` are computed: the ``*_kept`` column or the message's own value).
EVENT_STORED_COLUMNS = (
    *_EVENT_HEAD,
    "uid_kept",
    "aid_kept",
    "previous_id",
    "group_id",
    "mid_kept",
    "mid_at",
    "uid_at",
    "aid_at",
    "generated_mid",
    "source_id",
    "request_id",
    "batch_index",
    "batch_size",
    "dup",
    "lint_level",
    "lint_id",
    "message",
    "original",
)
# What a read selects for ``row -> CapturedEvent`` (with :data:`SOURCES_JOIN`): the source's
# columns in place of its id.
EVENT_COLUMNS = (
    *_EVENT_HEAD,
    "user_id",
    "anonymous_id",
    "previous_id",
    "group_id",
    "message_id",
    "generated_mid",
    "write_key",
    "auth",
    "lib",
    "lib_version",
    "client",
    "user_agent",
    "request_id",
    "batch_index",
    "batch_size",
    "dup",
    "lint_level",
    "lint",
    "message",
    "original",
)
REQUEST_COLUMNS = (
    "id",
    "session_id",
    "received_at",
    "method",
    "path",
    "query",
    "headers",
    "content_type",
    "content_encoding",
    "size",
    "body",
    "status",
    "error_code",
    "error",
    "rejected",
    "fault",
    "event_count",
    "client",
    "duration_ms",
    "answer",
    "upstream",
    "auth",
    "write_key",
)

# Columns added after version 1, with their types: a store made by an older version gets them
# (empty) when it is opened (:mod:`inspector.domain.store_migrate`).
ADDED_REQUEST_COLUMNS = (
    ("client", "TEXT"),  # the client library, told apart from headers and the body (v2)
    ("duration_ms", "REAL"),  # how long the client waited for its answer (v2)
    ("answer", "TEXT"),  # JSON: the status, headers and body we answered (v2)
    ("upstream", "TEXT"),  # JSON: what the forward URL answered (v2)
    # the Authorization header's form and write key (basic, bearer; as events keep them), so
    # that a request can be sent again as it was (v3)
    ("auth", "TEXT"),
    ("write_key", "TEXT"),
)


def missing_columns(
    existing: set[str], wanted: tuple[tuple[str, str], ...]
) -> list[tuple[str, str]]:
    return [(name, kind) for name, kind in wanted if name not in existing]


def read_shape(conn: Any) -> tuple[str, str]:
    """How to read the store's events: the join for their sources' columns
    (:data:`SOURCES_JOIN`, or nothing where each event holds them) and the column of the
    messageIds that messages do not hold (``mid_kept``, or ``message_id`` where each event
    holds its own). Older shapes are those of a store of an older version opened read-only
    (not migrated)."""
    have = {row[1] for row in conn.execute("PRAGMA table_info(events)")}
    join = SOURCES_JOIN if "source_id" in have or not have else ""
    join += LINTS_JOIN if "lint_id" in have or not have else ""
    kept = "mid_kept" if "mid_kept" in have or not have else "message_id"
    return join, kept
