"""Counting a long id range of the events table on two connections at once.

A count that must test every row of a session (free text in most events: ``blue shirt`` in
70% of them; no index can say which) reads the session as one range of ids
(:meth:`~inspector.domain.store_read.Reader.count_indexed`). SQLite runs a statement on one
core, and releases the GIL while it does, so a reader with a second connection (its *twin*)
counts the upper half of a long range in a thread while its own connection counts the lower
half: the same rows, the same SQL, about half the wall time where a second core is free.

Both halves must read **one** state of the store. The reader's snapshot begins after
:meth:`Twin.mark` and the twin's before :meth:`Twin.count` asks again: when nothing was
committed in between (``PRAGMA data_version`` of each attached file unchanged on the twin),
the two snapshots are the same one; otherwise the reader counts the whole range alone.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Sequence
from typing import Any

#: a range shorter than this is counted on one connection (a thread is not worth it)
SPLIT_ROWS = 100_000

Progress = Callable[[], bool]


class Twin:
    """The second read connection of a reader, opened on first use (``open``), kept until
    :meth:`close`. Used only while the reader holds its own lock."""

    def __init__(self, open_conn: Callable[[], sqlite3.Connection]) -> None:
        self._open = open_conn
        self._conn: sqlite3.Connection | None = None

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def mark(self) -> tuple[int, ...] | None:
        """The twin's view of every attached file, taken *before* the reader's snapshot
        begins (None: no twin to be had; count on one connection)."""
        try:
            if self._conn is None:
                self._conn = self._open()
            return _versions(self._conn)
        except sqlite3.Error:
            self.close()
            return None

    def count(
        self,
        main: sqlite3.Connection,
        sql: str,
        args: Callable[[int, int], Sequence[Any]],
        lo: int,
        hi: int,
        mark: tuple[int, ...] | None,
        progress: Progress | None = None,
    ) -> int:
        """``sql`` (a ``COUNT(*)`` whose parameters for ids ``a..b`` are ``args(a, b)``) over
        ``lo..hi``: on ``main`` (inside its read transaction) for the lower half, on the twin
        for the upper half when the twin reads the same state; else all on ``main``."""
        conn = self._conn
        if conn is None or mark is None or hi - lo < SPLIT_ROWS or conn.in_transaction:
            return _one(main, sql, args(lo, hi))
        conn.execute("BEGIN")
        try:
            if _versions(conn) != mark:  # something was committed: another state
                return _one(main, sql, args(lo, hi))
            mid = lo + (hi - lo) // 2
            if progress is not None:
                conn.set_progress_handler(progress, 1000)
            upper: list[Any] = []
            thread = threading.Thread(
                target=_run, args=(conn, sql, args(mid + 1, hi), upper), daemon=True
            )
            thread.start()
            try:
                lower = _one(main, sql, args(lo, mid))
            except BaseException:
                conn.interrupt()
                raise
            finally:
                thread.join()
                conn.set_progress_handler(None, 0)
            if isinstance(upper[0], BaseException):
                raise upper[0]
            return lower + int(upper[0])
        finally:
            conn.execute("COMMIT")


def _versions(conn: sqlite3.Connection) -> tuple[int, ...]:
    """``data_version`` of each file attached to ``conn`` (inside a transaction: as of its
    snapshot; outside: now). It changes when another connection commits to that file."""
    names = [r[1] for r in conn.execute("PRAGMA database_list")]
    return tuple(conn.execute(f'PRAGMA "{n}".data_version').fetchone()[0] for n in names)


def _one(conn: sqlite3.Connection, sql: str, params: Sequence[Any]) -> int:
    return int(conn.execute(sql, params).fetchone()[0])


def _run(conn: sqlite3.Connection, sql: str, params: Sequence[Any], out: list[Any]) -> None:
    try:
        out.append(_one(conn, sql, params))
    except BaseException as exc:  # re-raised on the reader's thread
        out.append(exc)
