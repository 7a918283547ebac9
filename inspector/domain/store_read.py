"""The store's read side: event queries over one SQLite connection, in arrival order, in time.

A :class:`Reader` runs the SQL that :func:`~inspector.domain.query.compile_query` makes. The
:class:`~inspector.domain.store.Store` has one over its shared read connection (guarded by its
lock); a query thread gets one over a connection of its own (:meth:`Store.reader`), so a slow
read never waits for, nor holds up, another.

* **Arrival order** is ``(seq, id)``, read by keyset on the ``(session_id, seq)`` index
  (``(seq, id) > (?, ?)``): a page never re-sorts the rest of the session.
* **Time budget**: inside :meth:`Reader.budget`, SQLite's progress handler interrupts a
  statement once the budget is spent, and the read raises :class:`QueryTooSlow`.
* **A first page that stops early**: :meth:`Reader.page_rows` walks the session in order and stops
  at the page's last row when matches are common, and collects the few matching rows by the
  query's own (selective) plan, then orders them, when they are rare (the count says which).
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Protocol

from inspector.domain.query import shapeindex
from inspector.domain.query.ftsindex import count_docs
from inspector.domain.query.numindex import count_rows
from inspector.domain.store_schema import (
    EVENT_COLUMNS,
    EVENT_JOINS,
    LINTS_JOIN,
    SOURCE_COLUMNS,
    SOURCES_JOIN,
)
from inspector.domain.store_span import session_span
from inspector.domain.store_twin import Twin

EV_COLS = ", ".join(EVENT_COLUMNS)
SEQ_INDEX = "events_session_seq"
#: a page walks the session in order when it expects to read at most this many rows for it
WALK_ROWS = 50_000
Cursor = tuple[int, int]  # (seq, id)


class IdIndex(Protocol):
    """An index of event ids that answers one query term exactly for the events up to its
    progress mark (query/counting.py makes them)."""

    def progress(self, conn: sqlite3.Connection) -> int: ...

    def count(self, conn: sqlite3.Connection, ids: tuple[int, int] | None) -> int | None: ...


class QueryTooSlow(Exception):
    """A read ran past its time budget (and was interrupted)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"the query took longer than {seconds:g} s")
        self.seconds = seconds


def _and(where: str) -> str:
    return f" AND ({where})" if where else ""


_CANDIDATES = re.compile(r"events_fts MATCH|FROM events_num ")
#: the columns a read finds in ``sources`` (store_schema.SOURCE_COLUMNS)
_SOURCE_COLUMN = re.compile(r"\b(?:" + "|".join(SOURCE_COLUMNS) + r")\b")
#: and the findings, in ``lints`` (not ``lint_level``: a column of events)
_LINT_COLUMN = re.compile(r"\blint\b")


def _session(where: str) -> str:
    """The session test of a count or a selective read. With candidates from the free-text
    or number index (rare terms: a few ids), ``+session_id`` keeps SQLite from walking the
    session through an index and lets it drive from the candidates' ids instead."""
    return "+session_id=?" if _CANDIDATES.search(where) else "session_id=?"


class Reader:
    """Event reads over one connection; ``decode`` turns an ``EVENT_COLUMNS`` row into an
    event (the store's ``event_from_row``). ``join`` (the store's) follows ``FROM events``
    in every read, so that its source's columns and its findings can be selected and filtered on
    (:data:`~inspector.domain.store_schema.EVENT_JOINS`); ``kept_mid``: the column of the
    messageIds that messages do not hold (``message_id`` in a store of before version 6);
    ``twin``: a second connection that counts half of a long id range (store_twin.py)."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        decode: Callable[[Sequence[Any]], Any],
        lock: threading.Lock | None = None,
        join: str = EVENT_JOINS,
        kept_mid: str = "mid_kept",
        twin: Twin | None = None,
    ) -> None:
        self.conn = conn
        self.decode = decode
        self.join = join
        self.kept_mid = kept_mid
        self._lock: Any = lock if lock is not None else contextlib.nullcontext()
        self._twin = twin
        self._progress: Callable[[], bool] | None = None  # the budget's, for the twin too

    def close(self) -> None:
        with self._lock:
            if self._twin is not None:
                self._twin.close()
            self.conn.close()

    # -- plumbing -------------------------------------------------------------------------
    def join_for(self, where: str) -> str:
        """The sources join when ``where`` reads a source's columns, the lints join when it
        reads the findings, else nothing: SQLite keeps a join in a count even when nothing
        reads it, and then reads every row for its id where an index alone would answer
        (``lint:error`` at 1M events: 75 against 2 ms)."""
        out = ""
        if SOURCES_JOIN in self.join and _SOURCE_COLUMN.search(where):
            out += SOURCES_JOIN
        if LINTS_JOIN in self.join and _LINT_COLUMN.search(where):
            out += LINTS_JOIN
        return out

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        with self._lock:
            return self.conn.execute(sql, params).fetchall()

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        rows = self.rows(sql, params)
        return rows[0][0] if rows else None

    @contextlib.contextmanager
    def budget(self, seconds: float | None) -> Iterator[None]:
        """Reads inside are interrupted after ``seconds`` (None: no limit): QueryTooSlow."""
        if seconds is None:
            yield
            return
        deadline = time.monotonic() + seconds

        def spent() -> bool:
            return time.monotonic() > deadline

        with self._lock:
            self.conn.set_progress_handler(spent, 1000)
            self._progress = spent
        try:
            yield
        except sqlite3.OperationalError as exc:
            if "interrupt" in str(exc):
                raise QueryTooSlow(seconds) from None
            raise
        finally:
            with self._lock:
                self.conn.set_progress_handler(None, 0)
                self._progress = None

    def fts_docs(self, gram: str, cap: int) -> int:
        """How many free-text index blocks hold ``gram``, up to ``cap`` (for compile_query)."""
        with self._lock:
            return count_docs(self.conn, gram, cap)

    def num_rows(self, key: str, op: str, value: float, cap: int) -> int:
        """Candidates of a comparison in the number index, up to ``cap`` (for compile_query)."""
        with self._lock:
            return count_rows(self.conn, key, op, value, cap)

    def shape_rows(self, key: str) -> tuple[int, int, int] | None:
        """How many indexed events had path ``key``, and not, and the index's progress mark
        (for compile_query)."""
        with self._lock:
            return shapeindex.count_shapes(self.conn, key)

    # -- counting and pages ---------------------------------------------------------------
    def count(self, session_id: int, where: str = "", params: Sequence[Any] = ()) -> int:
        return int(self.scalar(self.count_sql(where), (session_id, *params)))

    def count_sql(self, where: str = "") -> str:
        """The statement :meth:`count` runs (parameters: the session id, then the query's)."""
        join = self.join_for(where)
        return f"SELECT COUNT(*) FROM events{join} WHERE {_session(where)}{_and(where)}"

    def count_indexed(
        self, session_id: int, index: IdIndex, where: str, params: Sequence[Any] = ()
    ) -> int | None:
        """Events of the session that match ``where``, counted from an index of event ids
        exact for the events it covers (the number index for a comparison, the shape index
        for ``has:``), and by ``where`` for the events after it; None when the session is not
        one id range (see store_span) or the store has no such index: count the rows then."""
        with self._lock:
            twin = self._twin if self._twin is not None and not self.conn.in_transaction else None
            # the twin's view of the store before this snapshot begins (store_twin.py)
            mark = twin.mark() if twin is not None else None
            with self._snapshot():
                return self._count_indexed(session_id, index, where, params, twin, mark)

    def _count_indexed(
        self,
        session_id: int,
        index: IdIndex,
        where: str,
        params: Sequence[Any],
        twin: Twin | None,
        mark: tuple[int, ...] | None,
    ) -> int | None:
        span = session_span(self.conn, session_id)
        if span is None:
            return None
        lo, hi = span
        upto = index.progress(self.conn)
        n = 0
        if lo <= upto:
            first, last = self.conn.execute(
                "SELECT (SELECT MIN(id) FROM events), (SELECT MAX(id) FROM events)"
            ).fetchone()
            # the session is the whole store, all of it indexed: nothing to leave out
            whole = first >= lo and last <= hi and last <= upto
            got = index.count(self.conn, None if whole else (lo, min(hi, upto)))
            if got is None:
                return None
            n += got
        if hi > upto:  # not indexed yet: test those rows (an id range of the table)
            sql = (
                f"SELECT COUNT(*) FROM events{self.join_for(where)} "
                f"WHERE +session_id=? AND id >= ? AND id <= ?{_and(where)}"
            )

            def args(a: int, b: int) -> tuple[Any, ...]:
                return (session_id, a, b, *params)

            first = max(upto + 1, lo)
            if twin is None:
                n += self.conn.execute(sql, args(first, hi)).fetchone()[0]
            else:
                n += twin.count(self.conn, sql, args, first, hi, mark, self._progress)
        return n

    @contextlib.contextmanager
    def _snapshot(self) -> Iterator[None]:
        """Statements inside read one state of the store (a read transaction), unless the
        connection is in a transaction already."""
        if self.conn.in_transaction:
            yield
            return
        self.conn.execute("BEGIN")
        try:
            yield
        finally:
            self.conn.execute("COMMIT")

    def page_rows(
        self,
        session_id: int,
        where: str = "",
        params: Sequence[Any] = (),
        *,
        limit: int | None = 100,
        offset: int = 0,
        descending: bool = False,
        total: int | None = None,
        columns: str = EV_COLS,
    ) -> list[Any]:
        """Rows of matching events in arrival order (``descending``: newest first).

        ``total`` (the count, when the caller has it) chooses the plan: rare matches are
        found by the query's selective plan and then ordered; common ones by walking the
        session in order until the page is full."""
        if limit == 0:
            return []
        order = "DESC" if descending else "ASC"
        lim = f" LIMIT {int(limit)} OFFSET {int(offset)}" if limit is not None else ""
        args = (session_id, *params)
        if where and total is not None:
            size = self.session_size(session_id)
            wanted = size if limit is None else offset + limit
            if total == 0:
                return []
            if wanted * size / total > WALK_ROWS:  # rare: select them, then order them
                return self.rows(
                    f"SELECT {columns} FROM events{self.join} "
                    f"WHERE {_session(where)}{_and(where)} "
                    f"ORDER BY +seq {order}, +id {order}{lim}",
                    args,
                )
        return self.rows(
            f"SELECT {columns} FROM events INDEXED BY {SEQ_INDEX}{self.join} "
            f"WHERE session_id=?{_and(where)} ORDER BY seq {order}, id {order}{lim}",
            args,
        )

    def events(
        self, session_id: int, where: str = "", params: Sequence[Any] = (), **kw: Any
    ) -> list[Any]:
        return [self.decode(r) for r in self.page_rows(session_id, where, params, **kw)]

    def session_size(self, session_id: int) -> int:
        """About how many events the session holds: its last arrival number (one probe of the
        seq index; counting a million rows is not what a plan choice may cost)."""
        last = self.last_event_key(session_id)
        return last[0] if last else 0

    def event_ids(self, session_id: int, where: str = "", params: Sequence[Any] = ()) -> list[int]:
        """Ids of matching events in arrival order."""
        rows = self.rows(
            f"SELECT id, seq FROM events{self.join_for(where)} "
            f"WHERE {_session(where)}{_and(where)}",
            (session_id, *params),
        )
        rows.sort(key=lambda r: (r[1], r[0]))
        return [r[0] for r in rows]

    # -- streaming in arrival order -------------------------------------------------------
    def start_after(self, session_id: int, after_id: int) -> tuple[Cursor, str]:
        """The keyset cursor for "events after ``after_id``" (and an id test if the event is
        not in the session)."""
        if not after_id:
            return (0, 0), ""
        rows = self.rows("SELECT seq, session_id FROM events WHERE id=?", (after_id,))
        if rows and rows[0][1] == session_id:
            return (rows[0][0], after_id), ""
        return (0, 0), f"id > {int(after_id)}"

    def chunk_after(
        self,
        session_id: int,
        cursor: Cursor,
        where: str = "",
        params: Sequence[Any] = (),
        *,
        limit: int = 2000,
        columns: str = EV_COLS,
    ) -> list[Any]:
        """Up to ``limit`` matching rows after ``cursor`` in arrival order; ``columns`` must
        start with ``seq, id`` when the caller pages on (the next cursor is the last row's
        ``(seq, id)``)."""
        return self.rows(
            f"SELECT {columns} FROM events INDEXED BY {SEQ_INDEX}{self.join} "
            f"WHERE session_id=? AND (seq, id) > (?, ?){_and(where)} "
            f"ORDER BY seq, id LIMIT {int(limit)}",
            (session_id, cursor[0], cursor[1], *params),
        )

    def iter_rows(
        self,
        session_id: int,
        where: str = "",
        params: Sequence[Any] = (),
        *,
        columns: str = EV_COLS,
        chunk: int = 2000,
        after_id: int = 0,
    ) -> Iterator[list[Any]]:
        """Chunks of ``(seq, id, <columns>)`` rows of the session in arrival order."""
        cursor, extra = self.start_after(session_id, after_id)
        where = " AND ".join(f"({w})" for w in (where, extra) if w)
        while True:
            rows = self.chunk_after(
                session_id, cursor, where, params, limit=chunk, columns=f"seq, id, {columns}"
            )
            if not rows:
                return
            yield rows
            cursor = (rows[-1][0], rows[-1][1])
            if len(rows) < chunk:
                return

    def identity_rows(
        self, session_id: int, after_seq: int, after_id: int, limit: int
    ) -> list[tuple[Any, ...]]:
        """``(seq, id, ts, message_id, message)`` after ``(after_seq, after_id)``: what the
        identity graph reads; the messageId None where the message holds it (computing it
        would parse each message once more in SQLite)."""
        return self.chunk_after(
            session_id,
            (after_seq, after_id),
            limit=limit,
            columns=f"seq, id, ts, {self.kept_mid}, message",
        )

    def last_event_key(self, session_id: int) -> Cursor | None:
        """``(seq, id)`` of the session's latest event (None when it has none)."""
        rows = self.rows(
            f"SELECT seq, id FROM events INDEXED BY {SEQ_INDEX} WHERE session_id=? "
            "ORDER BY seq DESC, id DESC LIMIT 1",
            (session_id,),
        )
        return (rows[0][0], rows[0][1]) if rows else None
