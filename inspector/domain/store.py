"""Durable session store on SQLite (WAL): any number of processes, readers and writers.

Writes go through :meth:`Store.writing` (``BEGIN IMMEDIATE``; ids and sequence numbers are
reserved inside it: :mod:`inspector.domain.store_write`); WAL with ``synchronous=NORMAL``
keeps every committed transaction through a killed process. Ids are never reused, not even
after a clear. A file SQLite cannot read raises :class:`~inspector.domain.errors.DamagedFile`.

:class:`Store` holds the connections and the write transaction; the rest is beside it: the
file and its pragmas (:mod:`~.store_files`), sessions (:mod:`~.store_sessions`), reads of
requests and a session's counts (:mod:`~.store_requests`), event queries (:mod:`~.store_read`).
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from inspector.domain import store_requests as _req
from inspector.domain import store_sessions as _ses
from inspector.domain.capture import CapturedEvent, RawRequest
from inspector.domain.errors import DamagedFile
from inspector.domain.query import indexer as _ix
from inspector.domain.secrets import mask_json_text
from inspector.domain.store_files import DB_NAME, check_header, connect, private
from inspector.domain.store_migrate import migrate
from inspector.domain.store_read import Reader
from inspector.domain.store_rows import event_from_row, request_from_row, request_row, stored_body
from inspector.domain.store_schema import EVENT_COLUMNS, SCHEMA, SCHEMA_VERSION, read_shape
from inspector.domain.store_sessions import Session, SessionNotFound, default_session_name
from inspector.domain.store_twin import Twin
from inspector.domain.store_wal import cut_wal
from inspector.domain.store_write import Txn, assign

__all__ = [  # (read from here too)
    "DB_NAME",
    "Session",
    "SessionNotFound",
    "check_header",
    "default_session_name",
    "event_from_row",
    "request_from_row",
    "request_row",
]

_EV_COLS = ", ".join(EVENT_COLUMNS)


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
            self.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
            private(self.path)
        self._wlock = threading.RLock()
        self._rlock = threading.Lock()
        self.read_only = read_only
        self._sources: dict[tuple[Any, ...], int] = {}  # committed source ids (Txn)
        self._lints: dict[str, int] = {}  # and ids of lists of findings
        try:
            check_header(self.path)
            self._w = connect(self.path, read_only)
            self._r = connect(self.path, read_only)
            self.indexer = _ix.Indexer(self.path)  # the query indexes (filled off the write path)
            self._init_schema()
            #: what an events query joins to read (or filter on) a source's columns
            self.join, self._kept_mid = read_shape(self._r)
            self._twin = Twin(self._open_read)  # counts half of a long range (store_twin.py)
            self.read = Reader(
                self._r, event_from_row, self._rlock, self.join, self._kept_mid, self._twin
            )
        except sqlite3.DatabaseError as exc:
            raise DamagedFile(self.path, str(exc), self.data_dir) from exc

    def _init_schema(self) -> None:
        with self._wlock:
            if self.read_only:
                self._w.execute("SELECT 1 FROM meta LIMIT 1")  # a store, not any SQLite file
            else:
                self._create()
                _ix.prepare(self._w, self.path)
            # a cheap read of each table's last page: a file cut short fails here
            for table in ("sessions", "requests", "events"):
                self._w.execute(f"SELECT MAX(id) FROM {table}").fetchone()
        with self._rlock:
            _ix.attach(self._r, self.path, self.read_only)
        # what reads select of a request (store_requests.request_columns)
        self.request_columns = _req.request_columns(self._w, self.read_only)

    def _create(self) -> None:
        migrate(self._w)  # first: the schema's indexes name columns of this version
        self._w.executescript(SCHEMA)
        self._w.execute(
            "INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
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

    def tidy(self) -> bool:
        """Once writing has stopped for a while: the store's and the index file's write-ahead
        logs are copied into their files and cut to nothing (:mod:`~.store_wal`); whether
        both were (False: one was busy, nothing lost)."""
        if self.read_only:
            return False
        with self._wlock:
            store = cut_wal(self._w)
        return self.indexer.tidy() and store

    def close(self) -> None:
        self.indexer.close()
        with self._wlock, self._rlock:
            self._w.close()
            self._r.close()
            self._twin.close()

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
        return _ses.find_session(self._rows, key)

    def session(self, key: str | int) -> Session:
        s = self.find_session(key)
        if s is None:
            raise SessionNotFound(f"no session {key!r}")
        return s

    def latest_session(self) -> Session | None:
        return _ses.latest_session(self._rows)

    def list_sessions(self) -> list[dict[str, Any]]:
        return _ses.list_sessions(self._rows)

    def rename_session(self, key: str | int, new_name: str) -> Session:
        s = self.session(key)
        if self.find_session(new_name) is not None:
            raise ValueError(f"a session called {new_name!r} exists already")
        self._write("UPDATE sessions SET name=? WHERE id=?", (new_name, s.id))
        return self.session(s.id)

    def delete_session(self, key: str | int) -> None:
        s = self.session(key)
        with self._wlock, _ix.attach_for_write(self._w, self.path), self.writing() as txn:
            _ses.forget_session(txn, s.id)
            txn.conn.execute("DELETE FROM sessions WHERE id=?", (s.id,))

    def clear(self, session_id: int) -> None:
        with self._wlock, _ix.attach_for_write(self._w, self.path), self.writing() as txn:
            _ses.forget_session(txn, session_id)

    # -- writing --------------------------------------------------------------------------
    @contextlib.contextmanager
    def writing(self) -> Iterator[Txn]:
        """A write transaction that holds SQLite's write lock from its first statement
        (``BEGIN IMMEDIATE``), so that what it reads (ids, sequence numbers, messageIds) no
        other process can change before it commits."""
        with self._wlock:
            self._w.execute("BEGIN IMMEDIATE")
            txn = Txn(self._w, self._sources, self._lints)
            try:
                yield txn
                self._w.execute("COMMIT")
            except BaseException:
                self._w.execute("ROLLBACK")
                raise
            txn.remember()

    def set_upstream(self, rows: Sequence[tuple[str | None, int]]) -> None:
        """Record what the forward URL answered: (upstream JSON, request id) pairs."""
        with self.writing() as txn:
            txn.conn.executemany("UPDATE requests SET upstream=? WHERE id=?", rows)

    def allocate(self, request: RawRequest | None, events: Iterable[CapturedEvent]) -> None:
        """Give a request and its events ids and sequence numbers, reserved in the store
        (tools and tests; the ingest path assigns inside the transaction that inserts)."""
        evs = list(events)
        with self.writing() as txn:
            assign(txn, [request] if request is not None else [], evs)
        if request is not None:
            for ev in evs:
                ev.request_id = request.id

    def write(self, requests: Sequence[RawRequest], events: Sequence[CapturedEvent]) -> None:
        """Insert and commit in one transaction (what has no id yet gets one)."""
        if not requests and not events:
            return
        with self.writing() as txn:
            assign(txn, requests, events)
            txn.insert(
                [request_row(r) for r in requests],
                [(e.id, e.seq, e.request_id, int(e.dup), *stored_body(e)) for e in events],
            )

    def meta_value(self, key: str) -> str | None:
        value = self._scalar("SELECT value FROM meta WHERE key=?", (key,))
        return None if value is None else str(value)

    def delete_meta(self, key: str) -> None:
        self._write("DELETE FROM meta WHERE key=?", (key,))

    def index_pending(self, limit: int = 500) -> int:
        """Add up to ``limit`` stored events to the query indexes (query/indexer.py); 0 when
        they are up to date. Queries treat events not indexed yet as candidates."""
        return self.indexer.step(limit)

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
        rows = self._rows(f"SELECT {_EV_COLS} FROM events{self.join} WHERE id=?", (event_id,))
        return event_from_row(rows[0]) if rows else None

    def get_request(self, request_id: int) -> RawRequest | None:
        return _req.get_request(self._rows, self.request_columns, request_id)

    # event queries: the read side (store_read.Reader) over the shared read connection
    def reader(self) -> Reader:
        """A reader over a read-only connection of its own (for a query thread; close it)."""
        return Reader(
            self._open_read(),
            event_from_row,
            join=self.join,
            kept_mid=self._kept_mid,
            twin=Twin(self._open_read),
        )

    def _open_read(self) -> sqlite3.Connection:
        """A read-only connection with the query index attached (a reader's, or its twin)."""
        conn = connect(self.path, self.read_only)
        _ix.attach(conn, self.path, self.read_only)
        conn.execute("PRAGMA query_only=1")
        return conn

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
        return _req.rejected(self._rows, self.request_columns, session_id, limit, offset)

    def requests(
        self, session_id: int, *, after_id: int = 0, limit: int = 1000
    ) -> list[RawRequest]:
        return _req.requests(self._rows, self.request_columns, session_id, after_id, limit)

    def message_ids(self, session_id: int) -> set[str]:
        return {
            r[0]
            for r in self._rows("SELECT message_id FROM events WHERE session_id=?", (session_id,))
        }

    def stats(self, session_id: int) -> dict[str, Any]:
        return _req.stats(self._rows, session_id)
