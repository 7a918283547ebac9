"""Writing to the store from any number of processes: ids, sequence numbers and rows, each
reserved inside one ``BEGIN IMMEDIATE`` transaction.

Several processes write one data directory on a normal day (the window, ``serve``,
``import``). None of them keeps a counter of its own: a write transaction takes SQLite's write
lock first, then reads the last ids handed out (``meta``; never reused, not even after a clear,
so that the free-text index and ``after=`` cursors stay right), the session's last sequence
number, and the rows other processes stored since this one last looked (for duplicate
detection), assigns, inserts and commits. Nothing is assigned that another process can also
assign.
"""

from __future__ import annotations

import sqlite3
import zlib
from collections.abc import Iterable, Sequence
from typing import Any

from inspector.domain.capture import CapturedEvent, RawRequest
from inspector.domain.store_schema import EVENT_STORED_COLUMNS, REQUEST_COLUMNS, SOURCE_COLUMNS

# what a write transaction assigns to an event, and the rest (built before the transaction):
# the source and the findings last, as the transaction replaces them by their ids
EVENT_ASSIGNED = ("id", "seq", "request_id", "dup")
_NAMED = ("source_id", "lint_id")
EVENT_BODY = (
    *(c for c in EVENT_STORED_COLUMNS if c not in EVENT_ASSIGNED and c not in _NAMED),
    *_NAMED,
)
#: an event's body as built before the transaction: :data:`EVENT_BODY` and, last, its
#: messageId (what duplicate detection and announcing read; not inserted: computed)
BODY_COLUMNS = (*EVENT_BODY, "message_id")
REQUEST_BODY = REQUEST_COLUMNS[1:]
BODY_AT = {c: i for i, c in enumerate(BODY_COLUMNS)}
#: where the source and the findings are in a row to insert (the source's key and the
#: findings' JSON there; their ids once inserted)
SOURCE_AT = len(EVENT_ASSIGNED) + BODY_AT["source_id"]
LINT_AT = len(EVENT_ASSIGNED) + BODY_AT["lint_id"]
assert SOURCE_AT == LINT_AT - 1 == len(EVENT_STORED_COLUMNS) - 2  # (then the messageId)
#: how many lists of findings a process remembers the ids of (most events repeat a few)
LINTS_KEPT = 10_000
#: what an event body holds for NULL in the columns that are mostly NULL (texts and the
#: findings' id: 0; positions: -1): binding an int costs the writer less than a None does
#: (store_files), and the insert turns it back (``NULLIF``; a None stays NULL too)
NULL_AS = {
    **dict.fromkeys(
        ("event", "name", "uid_kept", "aid_kept", "previous_id", "group_id", "mid_kept"), 0
    ),
    **dict.fromkeys(("mid_at", "uid_at", "aid_at"), -1),
    "original": 0,
    "lint_id": 0,
}
EV_INSERT = (
    f"INSERT INTO events ({', '.join(EVENT_ASSIGNED + EVENT_BODY)}) VALUES ("
    + ", ".join(
        f"NULLIF(?, {NULL_AS[c]})" if c in NULL_AS else "?" for c in EVENT_ASSIGNED + EVENT_BODY
    )
    + ")"
)
_SOURCE_FIND = (
    "SELECT source_id FROM sources WHERE "
    + " AND ".join(f"{c} IS ?" for c in SOURCE_COLUMNS)
    + " ORDER BY source_id LIMIT 1"
)
_SOURCE_ADD = f"INSERT INTO sources ({', '.join(SOURCE_COLUMNS)}) VALUES ({', '.join('?' * 6)})"
_LINT_FIND = "SELECT lint_id FROM lints WHERE hash=? AND lint=? ORDER BY lint_id LIMIT 1"
_LINT_ADD = "INSERT INTO lints (hash, lint) VALUES (?, ?)"


def lint_hash(text: str) -> int:
    """What ``lints.hash`` holds for a list of findings' JSON."""
    return zlib.crc32(text.encode())


REQ_INSERT = (
    f"INSERT INTO requests ({', '.join(REQUEST_COLUMNS)}) "
    f"VALUES ({', '.join('?' * len(REQUEST_COLUMNS))})"
)
# bumped by anything that deletes events (clear, delete, an import rolled back): a writer's
# memory of which messageIds a session holds is then out of date
EPOCH_KEY = "epoch"
LAST_EVENT_KEY = "last_event_id"
LAST_REQUEST_KEY = "last_request_id"


def seq_key(session_id: int) -> str:
    return f"seq:{session_id}"


class Txn:
    """One open write transaction (the caller holds SQLite's write lock).

    ``sources``: the ids of the sources this process knows to be stored (committed), which
    the transaction reads and never changes; the sources it stores are in ``new_sources``
    until the caller, once committed, adds them (a rolled-back id is never remembered).
    ``lints`` and ``new_lints`` the same for lists of findings (by their JSON)."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        sources: dict[tuple[Any, ...], int] | None = None,
        lints: dict[str, int] | None = None,
    ) -> None:
        self.conn = conn
        self.sources = sources if sources is not None else {}
        self.new_sources: dict[tuple[Any, ...], int] = {}
        self.lints = lints if lints is not None else {}
        self.new_lints: dict[str, int] = {}

    def _int(self, sql: str, params: Sequence[Any] = ()) -> int:
        row = self.conn.execute(sql, params).fetchone()
        return int(row[0] or 0) if row else 0

    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        self.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def delete_meta(self, key: str) -> None:
        self.conn.execute("DELETE FROM meta WHERE key=?", (key,))

    def epoch(self) -> int:
        return int(self.meta(EPOCH_KEY) or 0)

    def bump_epoch(self) -> None:
        self.set_meta(EPOCH_KEY, str(self.epoch() + 1))

    def reserve(self, table: str, n: int) -> int:
        """The first of ``n`` new ids for ``table`` (``events`` or ``requests``)."""
        key = LAST_EVENT_KEY if table == "events" else LAST_REQUEST_KEY
        last = max(
            int(self.meta(key) or 0), self._int(f"SELECT MAX(id) FROM {table}")
        )  # the table's own maximum covers stores written before the counter existed
        if n:
            self.set_meta(key, str(last + n))
        return last + 1

    def reserve_seq(self, session_id: int, n: int) -> int:
        """The first of ``n`` new sequence numbers of a session."""
        key = seq_key(session_id)
        last = max(
            int(self.meta(key) or 0),
            self._int("SELECT MAX(seq) FROM events WHERE session_id=?", (session_id,)),
        )
        if n:
            self.set_meta(key, str(last + n))
        return last + 1

    def last_event_id(self) -> int:
        return self._int("SELECT MAX(id) FROM events")

    def message_ids(self, session_id: int) -> set[str]:
        """Every messageId the session holds (but generated ones)."""
        rows = self.conn.execute(
            "SELECT message_id FROM events WHERE session_id=? AND generated_mid=0", (session_id,)
        )
        return {r[0] for r in rows}

    def session_name(self, session_id: int) -> str:
        row = self.conn.execute("SELECT name FROM sessions WHERE id=?", (session_id,)).fetchone()
        return str(row[0]) if row else str(session_id)

    def stored_since(self, after_id: int) -> list[tuple[int, int, str, int]]:
        """``(id, session, messageId, generated)`` of every event stored after ``after_id``."""
        return self.conn.execute(
            "SELECT id, session_id, message_id, generated_mid FROM events WHERE id > ? ORDER BY id",
            (after_id,),
        ).fetchall()

    def source_id(self, key: tuple[Any, ...]) -> int:
        """The id of the ``sources`` row of ``key`` (stored now if it is new)."""
        found = self.sources.get(key) or self.new_sources.get(key)
        if found:
            return found
        row = self.conn.execute(_SOURCE_FIND, key).fetchone()
        sid = int(row[0]) if row else int(self.conn.execute(_SOURCE_ADD, key).lastrowid or 0)
        self.new_sources[key] = sid
        return sid

    def lint_id(self, text: str) -> int:
        """The id of the ``lints`` row of a list of findings' JSON (stored now if new)."""
        found = self.lints.get(text) or self.new_lints.get(text)
        if found:
            return found
        h = lint_hash(text)
        row = self.conn.execute(_LINT_FIND, (h, text)).fetchone()
        lid = int(row[0]) if row else int(self.conn.execute(_LINT_ADD, (h, text)).lastrowid or 0)
        self.new_lints[text] = lid
        return lid

    def remember(self) -> None:
        """Once committed: the ids this transaction stored are known (a bounded number of
        lists of findings)."""
        self.sources.update(self.new_sources)
        if len(self.lints) + len(self.new_lints) > LINTS_KEPT:
            self.lints.clear()
        self.lints.update(self.new_lints)

    def insert(self, req_rows: Iterable[Sequence[Any]], ev_rows: Iterable[Sequence[Any]]) -> None:
        """Rows in :data:`REQUEST_COLUMNS` order and ``EVENT_ASSIGNED + BODY_COLUMNS`` order,
        an event's source as its key (:data:`SOURCE_AT`), its findings as JSON or None
        (:data:`LINT_AT`); 0 or -1 for NULL where :data:`NULL_AS` says so, or None."""
        self.conn.executemany(REQ_INSERT, req_rows)
        ids, lints = self.sources, self.lints
        rows = []
        for r in ev_rows:
            key = r[-3]
            sid = ids.get(key) or self.source_id(key)
            text = r[-2]
            lid = 0 if text is None else (lints.get(text) or self.lint_id(text))
            rows.append((*r[:-3], sid, lid))
        self.conn.executemany(EV_INSERT, rows)


def assign(txn: Txn, requests: Sequence[RawRequest], events: Sequence[CapturedEvent]) -> None:
    """Give what has no id yet an id (requests, events) and each new event its session's next
    sequence number, reserved inside ``txn``."""
    new_reqs = [r for r in requests if not r.id]
    rid = txn.reserve("requests", len(new_reqs))
    for r in new_reqs:
        r.id, rid = rid, rid + 1
    new = [ev for ev in events if not ev.id]
    eid = txn.reserve("events", len(new))
    per: dict[int, list[CapturedEvent]] = {}
    for ev in new:
        ev.id, eid = eid, eid + 1
        per.setdefault(ev.session_id, []).append(ev)
    for sid, evs in per.items():
        seq = txn.reserve_seq(sid, len(evs))
        for ev in evs:
            ev.seq, seq = seq, seq + 1
