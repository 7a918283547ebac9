"""The inbox: every request is durable here before it is acknowledged.

A request costs the acknowledging path one row (:mod:`inspector.ingest.records`) in a small
SQLite file of its own, committed in WAL mode, so a client's ``200`` never waits for
splitting, dedupe, linting, identity or the events table: the stages
(:mod:`inspector.ingest.stages`) turn inbox rows into stored events afterwards, in order, and
record how far they got in the session store (``meta``) in the same transaction as the events,
so each row is processed exactly once, even across a crash.

Each collector process owns its inbox files (``inbox/<pid>-<ns>.sqlite3``, a few segments in
a row: :class:`Segments`) and holds an exclusive ``flock`` on each one's ``.lock`` companion
while it runs, so two collectors on one data directory (the window and ``serve``) never
process each other's requests. A file whose lock can be taken belongs to a collector that is
gone: :func:`orphans` lists them for recovery. A segment is deleted as a whole once processed
(deleting rows would cost as much as writing them: ~0.2 ms per 70 KB request). Files are
created readable by their owner only (0600).
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from inspector.domain.errors import DamagedFile
from inspector.ingest.records import BODY, COLUMNS

_SCHEMA = """
CREATE TABLE IF NOT EXISTS inbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id INTEGER NOT NULL, received_at REAL NOT NULL, route TEXT NOT NULL,
    method TEXT, path TEXT, query TEXT, headers TEXT, content_type TEXT,
    content_encoding TEXT, size INTEGER, body BLOB, status INTEGER NOT NULL,
    error_code TEXT, error TEXT, rejected INTEGER NOT NULL, fault TEXT,
    event_count INTEGER NOT NULL, duration_ms REAL, answer TEXT, auth_key TEXT, auth_form TEXT
);
"""
# columns added since the first inbox format: a file left by an older collector gets them
_ADDED = (("duration_ms", "REAL"), ("answer", "TEXT"), ("auth_key", "TEXT"), ("auth_form", "TEXT"))
_INSERT = (
    f"INSERT INTO inbox ({', '.join(COLUMNS[1:])}) VALUES ({', '.join('?' * (len(COLUMNS) - 1))})"
)
_SELECT = f"SELECT {', '.join(COLUMNS)} FROM inbox WHERE id > ? AND id <= ? ORDER BY id LIMIT ?"


def _open(path: Path, owner: bool) -> sqlite3.Connection:
    if owner and not path.exists():
        os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))  # SQLite gives -wal/-shm its mode
    db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        if owner:
            db.executescript(_SCHEMA)
            have = {r[1] for r in db.execute("PRAGMA table_info(inbox)")}
            for name, kind in _ADDED:  # a file written by an earlier version
                if name not in have:
                    db.execute(f"ALTER TABLE inbox ADD COLUMN {name} {kind}")
    except BaseException:
        db.close()
        raise
    return db


def inbox_dir(data_dir: str | Path) -> Path:
    return Path(data_dir) / "inbox"


def progress_key(path: Path) -> str:
    """The ``meta`` key under which the session store records this inbox's progress."""
    return f"inbox:{path.name}"


def _lock(path: Path) -> int | None:
    """An exclusive lock on ``path``'s companion lock file, or None if another process has it."""
    fd = os.open(str(path) + ".lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


class Inbox:
    """One inbox file: appended to by the collector, read by the processor."""

    def __init__(self, path: Path, *, owner: bool) -> None:
        self.path = path
        self._lock_fd: int | None = None
        if owner:
            self._lock_fd = _lock(path)
            if self._lock_fd is None:
                raise RuntimeError(f"inbox {path} belongs to a running collector")
        try:
            self._db = _open(path, owner)
            self.last_id = (
                self._db.execute(
                    "SELECT COALESCE(MAX(seq), 0) FROM sqlite_sequence WHERE name='inbox'"
                ).fetchone()[0]
                if owner
                else 0
            )
        except sqlite3.DatabaseError as exc:
            self._unlock()
            raise DamagedFile(path, str(exc), Path(path).parent.parent) from exc

    @classmethod
    def create(cls, data_dir: str | Path) -> Inbox:
        d = inbox_dir(data_dir)
        d.mkdir(mode=0o700, parents=True, exist_ok=True)
        return cls(d / f"{os.getpid()}-{time.time_ns()}.sqlite3", owner=True)

    @property
    def name(self) -> str:
        return self.path.name

    def append(self, record: Sequence[Any]) -> int:
        """Insert and commit one request (the columns after ``id``); returns its id."""
        cur = self._db.execute(_INSERT, record)
        rid = cur.lastrowid
        assert rid is not None
        self.last_id = rid
        return rid

    def read(self, after: int, upto: int, limit: int) -> list[tuple[Any, ...]]:
        return self._db.execute(_SELECT, (after, upto, limit)).fetchall()

    def close(self, *, delete: bool = False) -> None:
        self._db.close()
        if delete:
            for suffix in ("", "-wal", "-shm", ".lock"):
                Path(str(self.path) + suffix).unlink(missing_ok=True)
        self._unlock()

    def _unlock(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None


class Segment:
    """One inbox file, where its rows sit among all the requests of a :class:`Segments`."""

    __slots__ = ("base", "done", "inbox", "size", "taken")

    def __init__(self, inbox: Inbox, base: int) -> None:
        self.inbox = inbox
        self.base = base  # the ticket of this file's row 1 is base + 1
        self.done = 0  # rows processed (their ids are contiguous from 1)
        self.taken = 0  # rows handed to processing (done <= taken)
        self.size = 0  # body bytes appended

    @property
    def path(self) -> str:
        return str(self.inbox.path)

    @property
    def end(self) -> int:
        return self.base + self.inbox.last_id

    @property
    def complete(self) -> bool:
        return self.done >= self.inbox.last_id


class Segments:
    """A collector's inbox files, oldest first. Requests get tickets (1, 2, ...) across them:
    :attr:`acked` tickets were handed out, the first :attr:`processed` are in the store."""

    def __init__(
        self, data_dir: str | Path, *, rotate_rows: int = 4000, rotate_bytes: int = 64 * 1024 * 1024
    ) -> None:
        self.data_dir = data_dir
        self.rotate_rows = rotate_rows
        self.rotate_bytes = rotate_bytes
        self.segs: list[Segment] = [Segment(Inbox.create(data_dir), 0)]
        self.acked = 0
        self.processed = 0

    @property
    def current(self) -> Segment:
        return self.segs[-1]

    def append(self, record: Sequence[Any]) -> int:
        """Make one request durable; returns its ticket."""
        cur = self.segs[-1]
        if cur.inbox.last_id >= self.rotate_rows or cur.size >= self.rotate_bytes:
            cur = self.rotate()
        cur.inbox.append(record)
        cur.size += len(record[BODY] or b"")
        self.acked += 1
        return self.acked

    def rotate(self) -> Segment:
        """Start a new file for appends (the old ones are deleted once processed)."""
        seg = Segment(Inbox.create(self.data_dir), self.acked)
        self.segs.append(seg)
        return seg

    def work(self, upto: int, limit: int | None = None) -> tuple[Segment, int] | None:
        """The oldest segment with rows not yet handed to processing, and the last row id to
        hand over (tickets up to ``upto``, at most ``limit`` rows)."""
        for seg in self.segs:
            if seg.taken < seg.inbox.last_id:
                last = min(seg.inbox.last_id, upto - seg.base)
                if limit is not None:
                    last = min(last, seg.taken + limit)
                return (seg, last) if last > seg.taken else None
        return None

    def advance(self, seg: Segment, done: int) -> None:
        if done > seg.done:
            seg.done = done
            seg.taken = max(seg.taken, done)
            self.processed = max(self.processed, seg.base + done)

    def finished(self) -> list[Segment]:
        """Take out the processed segments other than the current one (for deletion)."""
        out = []
        while len(self.segs) > 1 and self.segs[0].complete:
            out.append(self.segs.pop(0))
        return out


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:  # recovered and deleted by another process meanwhile
        return 0.0


def orphans(data_dir: str | Path, damaged: list[DamagedFile] | None = None) -> list[Inbox]:
    """Inbox files left by collectors that are gone, locked for the caller, oldest first.

    A file SQLite cannot read is left where it is and reported in ``damaged`` (``repair``
    moves it aside and salvages its rows); the others are processed as usual."""
    d = inbox_dir(data_dir)
    if not d.is_dir():
        return []
    found = []
    for path in sorted(d.glob("*.sqlite3"), key=_mtime):
        fd = _lock(path)
        if fd is None:
            continue
        os.close(fd)  # re-taken by Inbox(owner=True)
        try:
            found.append(Inbox(path, owner=True))
        except RuntimeError:
            continue
        except DamagedFile as exc:
            if damaged is not None:
                damaged.append(exc)
    return found
