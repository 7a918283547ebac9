"""Durable session store on SQLite (WAL): any number of processes, readers and writers.

Writes go through :meth:`Store.writing` (``BEGIN IMMEDIATE``; ids and sequence numbers are
reserved inside it: :mod:`inspector.domain.store_write`); WAL with ``synchronous=NORMAL``
keeps every committed transaction through a killed process. Ids are never reused, not even
after a clear. A file SQLite cannot read raises :class:`~inspector.domain.errors.DamagedFile`.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from inspector.domain.capture import CapturedEvent, RawRequest, epoch_iso
from inspector.domain.errors import DamagedFile
from inspector.domain.query import indexer as _ix
from inspector.domain.query import register_functions
from inspector.domain.secrets import mask_json_text
from inspector.domain.store_body import BODY_SQL
from inspector.domain.store_migrate import migrate
from inspector.domain.store_read import Reader
from inspector.domain.store_rows import event_from_row, request_from_row, request_row, stored_body
from inspector.domain.store_schema import (
    EVENT_COLUMNS,
    REQUEST_COLUMNS,
    SCHEMA,
    SCHEMA_VERSION,
    read_shape,
)
from inspector.domain.store_twin import Twin
from inspector.domain.store_wal import cut_wal
from inspector.domain.store_write import Txn, seq_key

__all__ = ["event_from_row", "request_from_row", "request_row"]  # (read from here too)

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


_MAGIC = b"SQLite format 3\x00"


def check_header(path: Path) -> None:
    """Raise :class:`sqlite3.DatabaseError` for a file that is not an SQLite database, or
    shorter than its header says (cut short), without reading more than the header."""
    size = path.stat().st_size
    if size == 0:
        return  # new
    with path.open("rb") as fh:
        header = fh.read(100)
    if len(header) < 100 or not header.startswith(_MAGIC):
        raise sqlite3.DatabaseError("file is not a database")
    page = int.from_bytes(header[16:18], "big")
    page = 65536 if page == 1 else page
    pages = int.from_bytes(header[28:32], "big")
    if pages and header[24:28] == header[92:96] and size < pages * page:
        raise sqlite3.DatabaseError(f"cut short: {size:,} of its {pages * page:,} bytes are there")


def private(path: Path) -> None:
    """Captured data belongs to its user: the store and its -wal/-shm are 0600 (SQLite gives
    the companions the main file's mode; files made by an earlier version are tightened)."""
    if not path.exists():
        os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(OSError):
            p = Path(str(path) + suffix)
            if p.exists() and p.stat().st_mode & 0o077:
                p.chmod(0o600)


WAL_KEEP = 8 * 1024 * 1024
#: a new store's page size. An event row is ~800 bytes and rows are appended in id order: a
#: leaf page is filled to the row that does not fit, so each page leaves ~half a row empty
#: (4 KiB pages: a fifth of each; 8 KiB: 4%; 32 KiB: 1%). 64 KiB pages made the indexes on
#: ``events`` (inserted at random places) larger than the rows saved (benchmarks/ingest_size.py)
PAGE_SIZE = 32768


def _connect(path: Path, read_only: bool = False) -> sqlite3.Connection:
    if read_only:  # SQLite refuses every write (mode=ro); WAL readers still see new commits
        uri = f"{path.resolve().as_uri()}?mode=ro"
        conn = sqlite3.connect(uri, uri=True, check_same_thread=False, isolation_level=None)
    else:
        conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
        # a new store: PAGE_SIZE pages; an existing store keeps its page size
        conn.execute(f"PRAGMA page_size={PAGE_SIZE}")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        # after a checkpoint the write-ahead log is cut back to this (it kept a burst's size)
        conn.execute(f"PRAGMA journal_size_limit={WAL_KEEP}")
    conn.execute("PRAGMA foreign_keys=OFF")
    conn.execute("PRAGMA temp_store=MEMORY")
    conn.execute("PRAGMA cache_size=-65536")
    register_functions(conn)  # q_fold, q_regexp, ... used by Query.to_sql fragments
    return conn


_EV_COLS = ", ".join(EVENT_COLUMNS)
# what reads select of a request (a body kept as a recipe rebuilt: store_body.BODY_SQL)
_REQ_COLS = ", ".join(BODY_SQL if c == "body" else c for c in REQUEST_COLUMNS)


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
            self._w = _connect(self.path, read_only)
            self._r = _connect(self.path, read_only)
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
        # what reads select of a request: a store of an older version opened read-only (not
        # migrated) reads NULL for the columns it does not have yet
        self.request_columns = _REQ_COLS if not self.read_only else self._request_columns()

    def _request_columns(self) -> str:
        have = {r[1] for r in self._w.execute("PRAGMA table_info(requests)")}
        events = {r[1] for r in self._w.execute("PRAGMA table_info(events)")}
        body = BODY_SQL if "message" in events else "body"  # (no recipes without messages)
        return ", ".join(
            body if c == "body" else (c if c in have else f"NULL AS {c}") for c in REQUEST_COLUMNS
        )

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
            # the latest arrival's time, by the seq index (MAX(received_at) read every row:
            # 6 s for a session of 1M events, each time the window listed the sessions)
            "(SELECT received_at FROM events e INDEXED BY events_session_seq "
            "WHERE e.session_id = s.id ORDER BY seq DESC LIMIT 1) "
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

    def delete_session(self, key: str | int) -> None:
        s = self.session(key)
        with self._wlock, _ix.attach_for_write(self._w, self.path), self.writing() as txn:
            self._forget(txn, s.id)
            txn.conn.execute("DELETE FROM sessions WHERE id=?", (s.id,))

    def clear(self, session_id: int) -> None:
        with self._wlock, _ix.attach_for_write(self._w, self.path), self.writing() as txn:
            self._forget(txn, session_id)

    @staticmethod
    def _forget(txn: Txn, session_id: int) -> None:
        """Delete a session's events and requests (its sequence numbers start over), and its
        entries in the query indexes (attached for the transaction)."""
        _ix.forget_session(txn.conn, session_id)
        txn.conn.execute("DELETE FROM events WHERE session_id=?", (session_id,))
        txn.conn.execute("DELETE FROM requests WHERE session_id=?", (session_id,))
        txn.delete_meta(seq_key(session_id))
        txn.bump_epoch()  # writers re-read which messageIds the session holds

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

    @staticmethod
    def _assign(txn: Txn, requests: Sequence[RawRequest], events: Sequence[CapturedEvent]) -> None:
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

    def allocate(self, request: RawRequest | None, events: Iterable[CapturedEvent]) -> None:
        """Give a request and its events ids and sequence numbers, reserved in the store
        (tools and tests; the ingest path assigns inside the transaction that inserts)."""
        evs = list(events)
        with self.writing() as txn:
            self._assign(txn, [request] if request is not None else [], evs)
        if request is not None:
            for ev in evs:
                ev.request_id = request.id

    def write(self, requests: Sequence[RawRequest], events: Sequence[CapturedEvent]) -> None:
        """Insert and commit in one transaction (what has no id yet gets one)."""
        if not requests and not events:
            return
        with self.writing() as txn:
            self._assign(txn, requests, events)
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
        cols = self.request_columns
        rows = self._rows(f"SELECT {cols} FROM requests WHERE id=?", (request_id,))
        return request_from_row(rows[0]) if rows else None

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
        conn = _connect(self.path, self.read_only)
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
