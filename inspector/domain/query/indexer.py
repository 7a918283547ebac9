"""The query indexes' own file, and the indexer that fills it off the store's write path.

The free-text index (:mod:`~inspector.domain.query.ftsindex`) and the number index
(:mod:`~inspector.domain.query.numindex`) live in ``inspector-index.sqlite3`` beside the store,
not in it. Filling them takes the write lock of *that* file only, so the indexer runs side by
side with the store writer (the ingest pipeline gives it a process of its own,
:mod:`inspector.ingest.indexing`): during a burst it takes the core the writer leaves, and it
never holds up a step. Everything in the file is derived from the store's events:

* readers attach it as ``ix`` (:func:`attach`); the compiled SQL names its tables unqualified.
  Where there is none (an older store opened read-only), an empty one in memory: every event
  is then "not indexed yet", a candidate, and answers stay exact;
* a file that cannot be read, or that was filled from another store file (a repaired or
  replaced store: :data:`TOKEN_KEY`), is started over;
* clearing or deleting a session attaches it to the store's writer for that one transaction
  (:func:`attach_for_write`), so that the session's blocks go with its events.
"""

from __future__ import annotations

import contextlib
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from inspector.domain.query import ftsindex, numindex, shapeindex
from inspector.domain.store_wal import cut_wal

INDEX_NAME = "inspector-index.sqlite3"
ALIAS = "ix"
TOKEN_KEY = "index_token"  # in both files' progress/meta: which store the index was filled from
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS index_progress (key TEXT PRIMARY KEY, value NOT NULL);"
    + ftsindex.SCHEMA
    + numindex.SCHEMA
    + shapeindex.SCHEMA
)
# in the store file, before
_OLD_TABLES = ("events_fts", numindex.TABLE, numindex.KEYS, shapeindex.TABLE, shapeindex.SHAPES)
_MARKS = (ftsindex.PROGRESS_KEY, numindex.PROGRESS_KEY, shapeindex.PROGRESS_KEY)


def index_file(store_path: Path) -> Path:
    return store_path.with_name(INDEX_NAME)


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            Path(str(path) + suffix).unlink()


def _open(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
    conn.execute("PRAGMA page_size=8192")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA journal_size_limit=8388608")
    conn.executescript(SCHEMA)
    return conn


def prepare(store: sqlite3.Connection, store_path: Path) -> None:
    """On opening a store for writing: the index file exists, belongs to this store file, and
    the store file holds no index tables of an older version (they are dropped once)."""
    old = [
        name
        for (name,) in store.execute(
            f"SELECT name FROM sqlite_master WHERE type='table' AND name IN "
            f"({', '.join('?' * len(_OLD_TABLES))})",
            _OLD_TABLES,
        )
    ]
    for name in old:
        store.execute(f"DROP TABLE IF EXISTS {name}")
    if old:
        store.execute("DELETE FROM meta WHERE key IN (?, ?, ?)", _MARKS)
    store.execute(
        "INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", (TOKEN_KEY, secrets.token_hex(8))
    )
    token = store.execute("SELECT value FROM meta WHERE key=?", (TOKEN_KEY,)).fetchone()[0]
    path = index_file(store_path)
    try:
        conn = _open(path)
    except sqlite3.DatabaseError:  # derived data: a damaged file is simply made again
        _remove(path)
        conn = _open(path)
    try:
        conn.execute("BEGIN IMMEDIATE")
        have = conn.execute("SELECT value FROM index_progress WHERE key=?", (TOKEN_KEY,)).fetchone()
        if have is None or have[0] != token:
            _reset(conn)
            conn.execute("INSERT INTO index_progress VALUES (?, ?)", (TOKEN_KEY, token))
        if _layout(conn, "main") != ftsindex.LAYOUT:  # free text in an older layout: again
            conn.execute(f"INSERT INTO {ftsindex.TABLE} ({ftsindex.TABLE}) VALUES ('delete-all')")
            conn.execute(f"DELETE FROM {ftsindex.PARTS}")
            conn.execute("DELETE FROM index_progress WHERE key=?", (ftsindex.PROGRESS_KEY,))
            conn.execute(
                "INSERT OR REPLACE INTO index_progress VALUES (?, ?)",
                (ftsindex.LAYOUT_KEY, ftsindex.LAYOUT),
            )
        conn.execute("COMMIT")
    finally:
        conn.close()
    with contextlib.suppress(OSError):
        for suffix in ("", "-wal", "-shm"):
            p = Path(str(path) + suffix)
            if p.exists():
                p.chmod(0o600)  # captured text: as private as the store


def _reset(conn: sqlite3.Connection) -> None:
    """Start the index over (inside a write transaction on the index file)."""
    conn.execute(f"INSERT INTO {ftsindex.TABLE} ({ftsindex.TABLE}) VALUES ('delete-all')")
    conn.execute(f"DELETE FROM {ftsindex.PARTS}")
    conn.execute(f"DELETE FROM {numindex.TABLE}")
    conn.execute(f"DELETE FROM {numindex.KEYS}")
    conn.execute(f"DELETE FROM {shapeindex.TABLE}")
    conn.execute(f"DELETE FROM {shapeindex.SHAPES}")
    conn.execute("DELETE FROM index_progress WHERE key <> ?", (ftsindex.LAYOUT_KEY,))


def _layout(conn: sqlite3.Connection, schema: str) -> str | None:
    """The free-text layout (:data:`ftsindex.LAYOUT`) the index file ``schema`` was written in
    (None: before there was one)."""
    row = conn.execute(
        f"SELECT value FROM {schema}.index_progress WHERE key=?", (ftsindex.LAYOUT_KEY,)
    ).fetchone()
    return None if row is None else str(row[0])


def attach(conn: sqlite3.Connection, store_path: Path, read_only: bool) -> None:
    """Attach the index file to a reader connection (``read_only``: the connection was opened
    with a ``mode=ro`` URI), or an empty index in memory where there is none."""
    path = index_file(store_path)
    if path.is_file():
        target = f"{path.resolve().as_uri()}?mode=ro" if read_only else str(path)
        try:
            conn.execute(f"ATTACH DATABASE ? AS {ALIAS}", (target,))
            # one of an older layout (a store not opened to write since) reads as empty
            if _layout(conn, ALIAS) == ftsindex.LAYOUT:
                return
            conn.execute(f"DETACH DATABASE {ALIAS}")
        except sqlite3.DatabaseError:
            with contextlib.suppress(sqlite3.DatabaseError):
                conn.execute(f"DETACH DATABASE {ALIAS}")
    conn.execute(f"ATTACH DATABASE ':memory:' AS {ALIAS}")
    conn.executescript(SCHEMA.replace("IF NOT EXISTS ", f"IF NOT EXISTS {ALIAS}."))


@contextlib.contextmanager
def attach_for_write(conn: sqlite3.Connection, store_path: Path) -> Iterator[None]:
    """The index attached to the store's writer for the transactions inside (outside any
    transaction): what forgets a session's events forgets its index entries in the same one."""
    conn.execute(f"ATTACH DATABASE ? AS {ALIAS}", (str(index_file(store_path)),))
    try:
        yield
    finally:
        conn.execute(f"DETACH DATABASE {ALIAS}")


def forget_session(conn: sqlite3.Connection, session_id: int) -> None:
    """A session's index entries go (inside a transaction of :func:`attach_for_write`)."""
    # the index file's write lock first, waiting for an indexer's step: the transaction's
    # BEGIN (a statement prepared before the file was attached) did not take it
    conn.execute(f"DELETE FROM {ALIAS}.index_progress WHERE 0")
    ftsindex.forget_session(conn, session_id)
    numindex.forget_session(conn, session_id)
    shapeindex.forget_session(conn, session_id)


class Indexer:
    """Adds stored events to both indexes, a step at a time; any number of indexers (one per
    collector on a data directory) share the work: progress is read under the index file's
    write lock. Connections of its own: the store read-only, the index file for writing."""

    def __init__(self, store_path: Path) -> None:
        self.store_path = store_path
        self._lock = threading.Lock()
        self._src: sqlite3.Connection | None = None
        self._dst: sqlite3.Connection | None = None

    def _conns(self) -> tuple[sqlite3.Connection, sqlite3.Connection]:
        if self._src is None or self._dst is None:
            self._src = sqlite3.connect(
                f"{self.store_path.resolve().as_uri()}?mode=ro",
                uri=True,
                check_same_thread=False,
                isolation_level=None,
            )
            self._dst = _open(index_file(self.store_path))
        return self._src, self._dst

    def step(self, limit: int) -> int:
        """Index up to ``limit`` events after the progress marks; how many (0: up to date).

        Free text first: while it is a whole step or more behind (a burst), a step fills the
        free-text index alone, and the numbers follow once it is nearly up to date (about
        40% of a step's time is the numbers'; a comparison reads the events its index does
        not cover yet, so answers stay exact). The shape index (``has:``) follows once free
        text and numbers are up to date."""
        with self._lock:
            src, dst = self._conns()
            dst.execute("BEGIN IMMEDIATE")
            try:
                marks = self._marks(dst)
                text_upto, num_upto, shape_upto = (marks.get(k, 0) for k in _MARKS)
                text = self._rows(src, text_upto, limit)
                nums: list[tuple[Any, ...]] = []
                if len(text) < limit:  # free text (nearly) up to date: the numbers too
                    nums = text if num_upto == text_upto else self._rows(src, num_upto, limit)
                if text or nums:
                    done = []
                    if text:
                        ftsindex.add_blocks(dst, ftsindex.fts_blocks(text, 0, 1, 2))
                        done.append((ftsindex.PROGRESS_KEY, text[-1][0]))
                    if nums:
                        numindex.index_rows(dst, [(r[0], r[2]) for r in nums])
                        done.append((numindex.PROGRESS_KEY, nums[-1][0]))
                    self._mark(dst, done)
                    rows = text if len(text) >= len(nums) else nums
                elif rows := self._rows(src, shape_upto, limit):
                    covered = shapeindex.index_rows(dst, [(r[0], r[2]) for r in rows])
                    if covered is None:  # as many shapes as it keeps: it stays there
                        rows = []
                    else:
                        self._mark(dst, [(shapeindex.PROGRESS_KEY, covered)])
                dst.execute("COMMIT")
            except BaseException:
                dst.execute("ROLLBACK")
                raise
            return len(rows)

    @staticmethod
    def _marks(dst: sqlite3.Connection) -> dict[str, int]:
        return {
            k: int(v)
            for k, v in dst.execute(
                "SELECT key, value FROM index_progress WHERE key IN (?, ?, ?)", _MARKS
            )
        }

    @staticmethod
    def _mark(dst: sqlite3.Connection, marks: list[tuple[str, int]]) -> None:
        dst.executemany("INSERT OR REPLACE INTO index_progress VALUES (?, ?)", marks)

    @staticmethod
    def _rows(src: sqlite3.Connection, after: int, limit: int) -> list[tuple[Any, ...]]:
        return src.execute(
            "SELECT id, session_id, message FROM events WHERE id > ? ORDER BY id LIMIT ?",
            (after, limit),
        ).fetchall()

    def progress(self) -> tuple[int, int]:
        """(free text indexed up to, numbers indexed up to): event ids."""
        with self._lock:
            _, dst = self._conns()
            marks = dict(dst.execute("SELECT key, value FROM index_progress").fetchall())
        return int(marks.get(ftsindex.PROGRESS_KEY, 0)), int(marks.get(numindex.PROGRESS_KEY, 0))

    def upto(self) -> int:
        """The last event id every index covers (the shape index included)."""
        with self._lock:
            _, dst = self._conns()
            marks = self._marks(dst)
        return min(marks.get(k, 0) for k in _MARKS)

    def reset(self) -> None:
        """Start the index over (it is filled again step by step)."""
        with self._lock:
            _, dst = self._conns()
            dst.execute("BEGIN IMMEDIATE")
            try:
                token = dst.execute(
                    "SELECT value FROM index_progress WHERE key=?", (TOKEN_KEY,)
                ).fetchone()
                _reset(dst)
                if token is not None:
                    dst.execute("INSERT INTO index_progress VALUES (?, ?)", (TOKEN_KEY, token[0]))
                dst.execute("COMMIT")
            except BaseException:
                dst.execute("ROLLBACK")
                raise

    def tidy(self) -> bool:
        """The index file's write-ahead log into the file and cut to nothing (when idle:
        :func:`~inspector.domain.store_wal.cut_wal`); whether it was done."""
        with self._lock:
            _, dst = self._conns()
            return cut_wal(dst)

    def close(self) -> None:
        with self._lock:
            for conn in (self._src, self._dst):
                if conn is not None:
                    conn.close()
            self._src = self._dst = None
