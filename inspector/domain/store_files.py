"""The store's file: its name, a check of its header before SQLite opens it, its private mode,
and the connections on it (WAL, page size and the other pragmas every connection sets)."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import cast

from inspector.domain.query import register_functions

DB_NAME = "inspector.sqlite3"

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


# Python's sqlite3 (3.11) binds a None through its adapter protocol, which looks for
# ``__adapt__`` and ``__conform__`` and formats the AttributeError of each miss: ~0.3 µs a
# None, ~8 of them in an events row (2 µs of the store writer's insert). An adapter
# registered for None (``{}.get``: None -> None, in C) makes it a dictionary hit. Every
# connection of the process binds None as NULL exactly as before.
_none: dict[None, None] = {}
sqlite3.register_adapter(type(None), cast(Callable[[None], None], _none.get))

WAL_KEEP = 8 * 1024 * 1024
#: a new store's page size. An event row is ~800 bytes and rows are appended in id order: a
#: leaf page is filled to the row that does not fit, so each page leaves ~half a row empty
#: (4 KiB pages: a fifth of each; 8 KiB: 4%; 32 KiB: 1%). 64 KiB pages made the indexes on
#: ``events`` (inserted at random places) larger than the rows saved (benchmarks/ingest_size.py)
PAGE_SIZE = 32768


def connect(path: Path, read_only: bool = False) -> sqlite3.Connection:
    """A connection on the store at ``path`` (``read_only``: SQLite refuses every write)."""
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
