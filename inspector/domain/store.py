"""Durable session store on SQLite (WAL). One writer thread, any number of readers.

A call is written and committed before the collector acknowledges it; WAL with
``synchronous=NORMAL`` keeps every committed transaction through a killed process.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from inspector.domain import jsoncodec
from inspector.domain.capture import (
    CapturedEvent,
    Finding,
    RawRequest,
    Source,
    epoch_iso,
)
from inspector.domain.query import ftsindex as _fts
from inspector.domain.query import register_functions
from inspector.domain.secrets import mask_json_text
from inspector.domain.store_read import Reader
from inspector.domain.store_schema import (
    EVENT_COLUMNS,
    REQUEST_COLUMNS,
    SCHEMA,
    SCHEMA_VERSION,
    migrate,
)

DB_NAME = "inspector.sqlite3"


class SessionNotFound(KeyError):
    pass


@dataclass(slots=True, frozen=True)
class Session:
    id: int
    name: str
    created_at: float
    merge_mode: str = "default"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "createdAt": epoch_iso(self.created_at),
            "mergeMode": self.merge_mode,
        }


def default_session_name(now: float | None = None) -> str:
    return datetime.fromtimestamp(now or time.time()).strftime("%Y-%m-%d %H:%M:%S")


def _connect(path: Path, read_only: bool = False) -> sqlite3.Connection:
    if read_only:  # SQLite refuses every write (mode=ro); WAL readers still see new commits
        uri = f"{path.resolve().as_uri()}?mode=ro"
        conn = sqlite3.connect(uri, uri=True, check_same_thread=False, isolation_level=None)
    else:
        conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=OFF")
    conn.execute("PRAGMA temp_store=MEMORY")
    conn.execute("PRAGMA cache_size=-65536")
    register_functions(conn)  # q_fold, q_regexp, ... used by Query.to_sql fragments
    return conn


def _text(v: Any) -> str | None:
    return v if v is None or v.__class__ is str else jsoncodec.dumps_str(v)


def event_row(ev: CapturedEvent) -> tuple[Any, ...]:
    m = ev.message
    s = ev.source
    g = m.get
    lint = jsoncodec.dumps_str([f.to_dict() for f in ev.lint]) if ev.lint else None
    return (
        ev.id,
        ev.session_id,
        ev.seq,
        ev.received_at,
        ev.timestamp,
        ev.type,
        _text(g("event")),
        _text(g("name")),
        _text(g("userId")),
        _text(g("anonymousId")),
        _text(g("previousId")),
        _text(g("groupId")),
        ev.message_id,
        int(ev.generated_message_id),
        s.write_key,
        s.auth,
        s.library,
        s.library_version,
        s.client,
        s.user_agent,
        ev.request_id,
        ev.batch_index,
        ev.batch_size,
        int(ev.dup),
        ev.lint_level,
        lint,
        jsoncodec.dumps_str(m),
        jsoncodec.dumps_str(ev.original) if ev.original is not None else None,
    )


def request_row(r: RawRequest) -> tuple[Any, ...]:
    return (
        r.id,
        r.session_id,
        r.received_at,
        r.method,
        r.path,
        r.query,
        jsoncodec.dumps_str(r.headers),
        r.content_type,
        r.content_encoding,
        r.size,
        r.body,
        r.status,
        r.error_code,
        r.error,
        int(r.rejected),
        r.fault,
        r.event_count,
        r.client,
        r.duration_ms,
        jsoncodec.dumps_str(r.answer) if r.answer is not None else None,
        jsoncodec.dumps_str(r.upstream) if r.upstream is not None else None,
        r.auth,
        r.write_key,
    )


def event_from_row(row: Sequence[Any]) -> CapturedEvent:
    """The inverse of :func:`event_row` (positional: this runs for every event the writer
    lints, so it avoids building a dict per row)."""
    (
        eid,
        session_id,
        seq,
        received_at,
        ts,
        typ,
        _event,
        _name,
        _uid,
        _aid,
        _prev,
        _gid,
        message_id,
        generated_mid,
        write_key,
        auth,
        lib,
        lib_version,
        client,
        user_agent,
        request_id,
        batch_index,
        batch_size,
        dup,
        _level,
        lint_text,
        message,
        original,
    ) = row
    lint = (
        [
            Finding(f["rule"], f["severity"], f["message"], f.get("path"))
            for f in jsoncodec.loads(lint_text)
        ]
        if lint_text
        else []
    )
    return CapturedEvent(
        id=eid,
        session_id=session_id,
        seq=seq,
        received_at=received_at,
        timestamp=ts,
        type=typ,
        message=jsoncodec.loads(message),
        original=jsoncodec.loads(original) if original else None,
        message_id=message_id,
        generated_message_id=bool(generated_mid),
        source=Source(
            write_key=write_key,
            auth=auth,
            library=lib,
            library_version=lib_version,
            client=client,
            user_agent=user_agent,
        ),
        request_id=request_id,
        batch_index=batch_index,
        batch_size=batch_size,
        dup=bool(dup),
        lint=lint,
    )


def request_from_row(row: Sequence[Any]) -> RawRequest:
    d = dict(zip(REQUEST_COLUMNS, row, strict=True))
    return RawRequest(
        id=d["id"],
        session_id=d["session_id"],
        received_at=d["received_at"],
        method=d["method"],
        path=d["path"],
        query=d["query"] or "",
        headers=jsoncodec.loads(d["headers"] or "{}"),
        content_type=d["content_type"] or "",
        content_encoding=d["content_encoding"] or "",
        size=d["size"] or 0,
        body=bytes(d["body"] or b""),
        status=d["status"],
        error_code=d["error_code"],
        error=d["error"],
        rejected=bool(d["rejected"]),
        fault=d["fault"],
        event_count=d["event_count"],
        client=d["client"],
        duration_ms=d["duration_ms"],
        answer=jsoncodec.loads(d["answer"]) if d["answer"] else None,
        upstream=jsoncodec.loads(d["upstream"]) if d["upstream"] else None,
        auth=d["auth"],
        write_key=d["write_key"],
    )


_EV_COLS = ", ".join(EVENT_COLUMNS)
_EV_INSERT = f"INSERT INTO events ({_EV_COLS}) VALUES ({', '.join('?' * len(EVENT_COLUMNS))})"
_REQ_COLS = ", ".join(REQUEST_COLUMNS)
_REQ_INSERT = f"INSERT INTO requests ({_REQ_COLS}) VALUES ({', '.join('?' * len(REQUEST_COLUMNS))})"


class Store:
    """All sessions of one data directory."""

    def __init__(self, data_dir: str | Path, *, read_only: bool = False) -> None:
        """``read_only``: open an existing store without writing anything to it (no schema,
        no migration; SQLite refuses writes); FileNotFoundError when there is none."""
        self.data_dir = Path(data_dir)
        self.path = self.data_dir / DB_NAME
        if read_only and not self.path.is_file():
            raise FileNotFoundError(f"no sessions in {self.data_dir} (no {DB_NAME})")
        if not read_only:
            self.data_dir.mkdir(parents=True, exist_ok=True)
        self._w = _connect(self.path, read_only)
        self._r = _connect(self.path, read_only)
        self._wlock = threading.Lock()
        self._rlock = threading.Lock()
        self.read = Reader(self._r, event_from_row, self._rlock)
        self._alloc = threading.Lock()
        with self._wlock:
            if read_only:
                self._w.execute("SELECT 1 FROM meta LIMIT 1")  # a store, not any SQLite file
            else:
                self._create()
        # what reads select of a request: a store of an older version opened read-only (not
        # migrated) reads NULL for the columns it does not have yet
        self.request_columns = _REQ_COLS if not read_only else self._request_columns()
        self._next_event = self._scalar("SELECT COALESCE(MAX(id), 0) FROM events") + 1
        self._next_request = self._scalar("SELECT COALESCE(MAX(id), 0) FROM requests") + 1
        self._seq: dict[int, int] = {}
        self.read_only = read_only

    def _request_columns(self) -> str:
        have = {r[1] for r in self._w.execute("PRAGMA table_info(requests)")}
        return ", ".join(c if c in have else f"NULL AS {c}" for c in REQUEST_COLUMNS)

    def _create(self) -> None:
        self._w.executescript(SCHEMA)
        self._w.execute(
            "INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
        )
        migrate(self._w)
        # ids above the highest stored id can be reused after a restart: not indexed
        self._w.execute(
            "UPDATE meta SET value = (SELECT COALESCE(MAX(id), 0) FROM events) "
            "WHERE key = ? AND CAST(value AS INTEGER) > "
            "(SELECT COALESCE(MAX(id), 0) FROM events)",
            (_fts.PROGRESS_KEY,),
        )

    # -- plumbing -------------------------------------------------------------------------
    def _scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        with self._rlock:
            row = self._r.execute(sql, params).fetchone()
        return row[0] if row else None

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        with self._rlock:
            return self._r.execute(sql, params).fetchall()

    def _write(self, sql: str, params: Sequence[Any] = ()) -> int:
        with self._wlock:
            return self._w.execute(sql, params).rowcount

    def close(self) -> None:
        with self._wlock, self._rlock:
            self._w.close()
            self._r.close()

    # -- sessions -------------------------------------------------------------------------
    def open_session(self, name: str | None = None) -> Session:
        """Resume the session called ``name``, or create it (default: named by start time)."""
        name = name or default_session_name()
        existing = self.find_session(name)
        if existing:
            return existing
        self._write(
            "INSERT OR IGNORE INTO sessions (name, created_at) VALUES (?, ?)", (name, time.time())
        )
        found = self.find_session(name)
        assert found is not None
        return found

    def find_session(self, key: str | int) -> Session | None:
        if isinstance(key, int) or (
            isinstance(key, str)
            and key.isdigit()
            and self._scalar("SELECT 1 FROM sessions WHERE name=?", (key,)) is None
        ):
            rows = self._rows(
                "SELECT id, name, created_at, merge_mode FROM sessions WHERE id=?", (int(key),)
            )
        else:
            rows = self._rows(
                "SELECT id, name, created_at, merge_mode FROM sessions WHERE name=?", (key,)
            )
        return Session(*rows[0]) if rows else None

    def session(self, key: str | int) -> Session:
        s = self.find_session(key)
        if s is None:
            raise SessionNotFound(f"no session {key!r}")
        return s

    def latest_session(self) -> Session | None:
        rows = self._rows(
            "SELECT id, name, created_at, merge_mode FROM sessions ORDER BY id DESC LIMIT 1"
        )
        return Session(*rows[0]) if rows else None

    def list_sessions(self) -> list[dict[str, Any]]:
        rows = self._rows(
            "SELECT s.id, s.name, s.created_at, s.merge_mode, "
            "(SELECT COUNT(*) FROM events e WHERE e.session_id = s.id), "
            "(SELECT COUNT(*) FROM requests r WHERE r.session_id = s.id AND r.rejected = 1), "
            "(SELECT MAX(received_at) FROM events e WHERE e.session_id = s.id) "
            "FROM sessions s ORDER BY s.id"
        )
        out = []
        for sid, name, created, mode, n, rej, last in rows:
            d = Session(sid, name, created, mode).to_dict()
            d.update(events=n, rejected=rej, lastEventAt=epoch_iso(last) if last else None)
            out.append(d)
        return out

    def rename_session(self, key: str | int, new_name: str) -> Session:
        s = self.session(key)
        if self.find_session(new_name) is not None:
            raise ValueError(f"a session called {new_name!r} exists already")
        self._write("UPDATE sessions SET name=? WHERE id=?", (new_name, s.id))
        return self.session(s.id)

    def set_merge_mode(self, key: str | int, mode: str) -> None:
        self._write("UPDATE sessions SET merge_mode=? WHERE id=?", (mode, self.session(key).id))

    def delete_session(self, key: str | int) -> None:
        s = self.session(key)
        with self._wlock:
            self._w.execute("BEGIN")
            _fts.forget_session(self._w, s.id)
            self._w.execute("DELETE FROM events WHERE session_id=?", (s.id,))
            self._w.execute("DELETE FROM requests WHERE session_id=?", (s.id,))
            self._w.execute("DELETE FROM sessions WHERE id=?", (s.id,))
            self._w.execute("COMMIT")
        self._seq.pop(s.id, None)

    def clear(self, session_id: int) -> None:
        with self._wlock:
            self._w.execute("BEGIN")
            _fts.forget_session(self._w, session_id)
            self._w.execute("DELETE FROM events WHERE session_id=?", (session_id,))
            self._w.execute("DELETE FROM requests WHERE session_id=?", (session_id,))
            self._w.execute("COMMIT")
        self._seq[session_id] = 0

    # -- writing --------------------------------------------------------------------------
    def allocate(self, request: RawRequest | None, events: Iterable[CapturedEvent]) -> None:
        """Give a request and its events their ids and arrival sequence numbers."""
        with self._alloc:
            if request is not None and not request.id:
                request.id = self._next_request
                self._next_request += 1
            for ev in events:
                sid = ev.session_id
                if sid not in self._seq:
                    self._seq[sid] = self._scalar(
                        "SELECT COALESCE(MAX(seq), 0) FROM events WHERE session_id=?", (sid,)
                    )
                self._seq[sid] += 1
                ev.seq = self._seq[sid]
                ev.id = self._next_event
                self._next_event += 1
                if request is not None:
                    ev.request_id = request.id

    def write(self, requests: Sequence[RawRequest], events: Sequence[CapturedEvent]) -> None:
        """Insert and commit in one transaction (call :meth:`allocate` first)."""
        if requests or events:
            self.write_rows([request_row(r) for r in requests], [event_row(e) for e in events])

    def write_rows(
        self,
        req_rows: Sequence[tuple[Any, ...]],
        ev_rows: Sequence[tuple[Any, ...]],
        meta: tuple[str, str] | None = None,
    ) -> None:
        """Insert rows built by :func:`request_row`/:func:`event_row` and commit, with an
        optional ``meta`` (key, value) in the same transaction (inbox progress)."""
        if not req_rows and not ev_rows and meta is None:
            return
        with self._wlock:
            self._w.execute("BEGIN")
            try:
                if req_rows:
                    self._w.executemany(_REQ_INSERT, req_rows)
                if ev_rows:
                    self._w.executemany(_EV_INSERT, ev_rows)
                if meta is not None:
                    self._w.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", meta)
                self._w.execute("COMMIT")
            except BaseException:
                self._w.execute("ROLLBACK")
                raise

    def set_upstream(self, rows: Sequence[tuple[str | None, int]]) -> None:
        """Record what the forward URL answered: (upstream JSON, request id) pairs."""
        with self._wlock:
            self._w.execute("BEGIN")
            try:
                self._w.executemany("UPDATE requests SET upstream=? WHERE id=?", rows)
                self._w.execute("COMMIT")
            except BaseException:
                self._w.execute("ROLLBACK")
                raise

    def meta_value(self, key: str) -> str | None:
        value = self._scalar("SELECT value FROM meta WHERE key=?", (key,))
        return None if value is None else str(value)

    def delete_meta(self, key: str) -> None:
        self._write("DELETE FROM meta WHERE key=?", (key,))

    def forget_seq(self, session_id: int | None) -> None:
        """Re-read the next sequence number from the store (another connection cleared it)."""
        with self._alloc:
            if session_id is None:
                self._seq.clear()
            else:
                self._seq.pop(session_id, None)

    def index_pending(self, limit: int = 500) -> int:
        """Add up to ``limit`` stored events to the free-text index; 0 when it is up to date.

        Trigram indexing costs more than storing an event, so it is kept off the path that
        acknowledges requests: the writer runs it when idle, and queries treat the events not
        yet indexed as candidates (their exact post-filter decides), so answers never change.
        """
        with self._wlock:
            w = self._w
            upto = w.execute("SELECT " + _fts.PROGRESS_SQL).fetchone()[0]
            rows = w.execute(
                "SELECT id, session_id, message FROM events WHERE id > ? ORDER BY id LIMIT ?",
                (upto, limit),
            ).fetchall()
            if not rows:
                return 0
            w.execute("BEGIN")
            try:
                w.executemany(_fts.INSERT, _fts.fts_rows(rows, 0, 1, 2))
                w.execute(
                    "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                    (_fts.PROGRESS_KEY, str(rows[-1][0])),
                )
                w.execute("COMMIT")
            except BaseException:
                w.execute("ROLLBACK")
                raise
            return len(rows)

    def index_all(self) -> None:
        while self.index_pending(5000):
            pass

    # -- reading --------------------------------------------------------------------------
    def select(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        """Run a read-only query on the reader connection (for views that need few columns)."""
        if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
            raise ValueError("Store.select runs SELECT statements only")
        return self._rows(sql, params)

    def get_event(self, event_id: int) -> CapturedEvent | None:
        rows = self._rows(f"SELECT {_EV_COLS} FROM events WHERE id=?", (event_id,))
        return event_from_row(rows[0]) if rows else None

    def get_request(self, request_id: int) -> RawRequest | None:
        cols = self.request_columns
        rows = self._rows(f"SELECT {cols} FROM requests WHERE id=?", (request_id,))
        return request_from_row(rows[0]) if rows else None

    # event queries: the read side (store_read.Reader) over the shared read connection
    def reader(self) -> Reader:
        """A reader over a read-only connection of its own (for a query thread; close it)."""
        conn = _connect(self.path, self.read_only)
        conn.execute("PRAGMA query_only=1")
        return Reader(conn, event_from_row)

    def count_events(self, session_id: int, where: str = "", params: Sequence[Any] = ()) -> int:
        return self.read.count(session_id, where, params)

    def events(
        self, session_id: int, where: str = "", params: Sequence[Any] = (), **kw: Any
    ) -> list[CapturedEvent]:
        """Matching events in arrival order: ``limit``, ``offset``, ``descending``, ``total``
        (see :meth:`Reader.page_rows`)."""
        return self.read.events(session_id, where, params, **kw)

    def event_ids(self, session_id: int, where: str = "", params: Sequence[Any] = ()) -> list[int]:
        return self.read.event_ids(session_id, where, params)

    def iter_events(
        self,
        session_id: int,
        where: str = "",
        params: Sequence[Any] = (),
        *,
        chunk: int = 2000,
        after_id: int = 0,
    ) -> Iterator[CapturedEvent]:
        """Stream a session in arrival order without holding it all in memory."""
        for rows in self.read.iter_rows(session_id, where, params, chunk=chunk, after_id=after_id):
            for r in rows:
                yield event_from_row(r[2:])

    def last_event_key(self, session_id: int) -> tuple[int, int] | None:
        return self.read.last_event_key(session_id)

    def identity_rows(
        self, session_id: int, after_seq: int, after_id: int, limit: int
    ) -> list[tuple[Any, ...]]:
        return self.read.identity_rows(session_id, after_seq, after_id, limit)

    def iter_messages_json(
        self,
        session_id: int,
        where: str = "",
        params: Sequence[Any] = (),
        *,
        chunk: int = 5000,
        masked: bool = True,
    ) -> Iterator[str]:
        """The stored message JSON of each event, in arrival order (for NDJSON export), with
        credentials (``writeKey`` fields) masked unless ``masked`` is false."""
        for rows in self.read.iter_rows(session_id, where, params, columns="message", chunk=chunk):
            for r in rows:
                yield mask_json_text(r[2]) if masked else r[2]

    def rejected(
        self, session_id: int, *, limit: int | None = 100, offset: int = 0
    ) -> tuple[int, list[RawRequest]]:
        total = int(
            self._scalar(
                "SELECT COUNT(*) FROM requests WHERE session_id=? AND rejected=1", (session_id,)
            )
        )
        lim = f" LIMIT {int(limit)} OFFSET {int(offset)}" if limit is not None else ""
        rows = self._rows(
            f"SELECT {self.request_columns} FROM requests WHERE session_id=? AND rejected=1 "
            f"ORDER BY id{lim}",
            (session_id,),
        )
        return total, [request_from_row(r) for r in rows]

    def requests(
        self, session_id: int, *, after_id: int = 0, limit: int = 1000
    ) -> list[RawRequest]:
        rows = self._rows(
            f"SELECT {self.request_columns} FROM requests WHERE session_id=? AND id>? "
            f"ORDER BY id LIMIT {int(limit)}",
            (session_id, after_id),
        )
        return [request_from_row(r) for r in rows]

    def message_ids(self, session_id: int) -> set[str]:
        return {
            r[0]
            for r in self._rows("SELECT message_id FROM events WHERE session_id=?", (session_id,))
        }

    def stats(self, session_id: int) -> dict[str, Any]:
        by_type = dict(
            self._rows(
                "SELECT type, COUNT(*) FROM events WHERE session_id=? GROUP BY type", (session_id,)
            )
        )
        lint = dict(
            self._rows(
                "SELECT lint_level, COUNT(*) FROM events WHERE session_id=? GROUP BY lint_level",
                (session_id,),
            )
        )
        return {
            "events": sum(by_type.values()),
            "byType": by_type,
            "rejected": int(
                self._scalar(
                    "SELECT COUNT(*) FROM requests WHERE session_id=? AND rejected=1", (session_id,)
                )
            ),
            "requests": int(
                self._scalar("SELECT COUNT(*) FROM requests WHERE session_id=?", (session_id,))
            ),
            "duplicates": int(
                self._scalar(
                    "SELECT COUNT(*) FROM events WHERE session_id=? AND dup=1", (session_id,)
                )
            ),
            "lint": {
                "error": lint.get(3, 0),
                "warning": lint.get(2, 0),
                "info": lint.get(1, 0),
                "none": lint.get(0, 0),
            },
            "sessions": int(self._scalar("SELECT COUNT(*) FROM sessions")),
        }
